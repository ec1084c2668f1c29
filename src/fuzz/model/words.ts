/**
 * The guest's 64-bit words as Numbers. The model keeps registers, addresses
 * and results as BigInts (u64, 0 .. 2^64 - 1), but most of what it does with
 * an address is compare it with the fixed pages and the slots' ips, which all
 * lie below 2^47: there a Number is exact and a compare costs nothing, where
 * a BigInt compare is a call and Number(bigint) a call into the runtime (a
 * few per syscall and arming, ~10% of a prediction).
 */

/** One u64 as its two 32-bit halves (little-endian, as on x86-64 and as the engine's views take it). */
const WORD = new BigUint64Array(1);
const HALVES = new Uint32Array(WORD.buffer);

/**
 * `v` modulo 2^64 (the u64 a register would hold) as a Number; for a u64 that
 * is Number(v): exact below 2^53, rounded to nearest above (the high half
 * times 2^32 is exact, so the sum rounds once). Rounding keeps order, so
 * comparing the result with an exact Number below 2^53 (a page bound, an ip)
 * gives what comparing the BigInts gives: an address of 2^53 or more rounds
 * to 2^53 or more, above every page.
 */
export function u64Number(v: bigint): number {
  WORD[0] = v;
  return HALVES[1] * 0x100000000 + HALVES[0];
}

/** The low 32 bits of `v` (any BigInt: the store takes it modulo 2^64), unsigned. */
export function low32(v: bigint): number {
  WORD[0] = v;
  return HALVES[0];
}

/** Writes `v` modulo 2^64 to `out` at `at` and `at + 1` as its low and high 32-bit halves. */
export function putHalves(out: Int32Array, at: number, v: bigint): void {
  WORD[0] = v;
  out[at] = HALVES[0];
  out[at + 1] = HALVES[1];
}

/**
 * The u64 whose high and low 32-bit halves are `hi` and `lo` (each taken
 * modulo 2^32, so an int32 from putHalves serves), made with no BigInt
 * arithmetic.
 */
export function u64FromHalves(hi: number, lo: number): bigint {
  HALVES[0] = lo;
  HALVES[1] = hi;
  return WORD[0];
}

/**
 * 2^30: above every slot's ip (the SITES page) and SEL_RW, the only
 * addresses the range test and sel_write compare with. An address clamped
 * to it (lowAddress) compares with those as the address does, and is a small
 * integer, which V8 keeps in an object's field as is: a field that once held
 * a larger Number holds a boxed double in every object of its class, an
 * allocation per field and object.
 */
export const LOW_CEILING = 2 ** 30;

/** `v` modulo 2^64 as a Number (u64Number) clamped to LOW_CEILING. */
export function lowAddress(v: bigint): number {
  return Math.min(u64Number(v), LOW_CEILING);
}
