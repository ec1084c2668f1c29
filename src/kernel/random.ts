/**
 * SplitMix64: the machine's only source of randomness, seeded, so runs repeat exactly.
 *
 * The generator runs on 64-bit values held as two 32-bit words: every
 * BigInt operation allocates, and the scheduler draws a quantum at each
 * switch between runnable tasks (every fork, thread and ptrace step of a
 * fuzz case). The values are those of the BigInt definition
 * (splitMix64Mix below, which tests compare against).
 */

export const GOLDEN_HI = 0x9e3779b9;
export const GOLDEN_LO = 0x7f4a7c15;
const MIX1_HI = 0xbf58476d;
const MIX1_LO = 0x1ce4e5b9;
const MIX2_HI = 0x94d049bb;
const MIX2_LO = 0x133111eb;

/**
 * The result of mul64 and mix64 as words, high then low: a new array per
 * call would allocate, and so would module variables holding words past
 * 2^30 (V8 boxes them); an Int32Array's elements are stored in place. The
 * fuzzer's generators (src/fuzz/rng.ts) read it too.
 */
export const mixOut = new Int32Array(2);
export const HI = 0;
export const LO = 1;
const out = mixOut;

/** (ah:al) * (bh:bl) modulo 2^64 into mixOut (unsigned 32-bit words in). */
export function mul64(ah: number, al: number, bh: number, bl: number): void {
  // al * bl in full from 16-bit halves, so that no partial product passes 2^53
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  out[LO] = (mid << 16) | (p00 & 0xffff);
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  // the cross products only reach the high word, where modulo 2^32 is what Math.imul gives
  out[HI] = carry + Math.imul(ah, bl) + Math.imul(al, bh);
}

/** splitMix64Mix of (hi:lo) into mixOut. */
export function mix64(hi: number, lo: number): void {
  // z ^= z >> 30; z *= MIX1
  lo ^= (lo >>> 30) | (hi << 2);
  hi ^= hi >>> 30;
  mul64(hi >>> 0, lo >>> 0, MIX1_HI, MIX1_LO);
  // z ^= z >> 27; z *= MIX2
  hi = out[HI];
  lo = out[LO];
  mul64((hi ^ (hi >>> 27)) >>> 0, (lo ^ ((lo >>> 27) | (hi << 5))) >>> 0, MIX2_HI, MIX2_LO);
  // z ^= z >> 31
  hi = out[HI];
  lo = out[LO];
  out[LO] = lo ^ ((lo >>> 31) | (hi << 1));
  out[HI] = hi ^ (hi >>> 31);
}

/** 2^32 as a double: a value's high word times it plus its low word is the value. */
const TWO32 = 4294967296;
/** The largest modulus nextBelow takes: its products of remainders stay below 2^53, exact in a double. */
const BELOW_MAX = 1 << 26;

export class SplitMix64 {
  /** The state's high and low words, unsigned (numbers from the start, so that V8 keeps them as doubles stored in place). */
  private hi: number;
  private lo: number;

  constructor(seed: bigint) {
    const s = BigInt.asUintN(64, seed);
    this.hi = Number(s >> 32n);
    this.lo = Number(s & 0xffffffffn);
  }

  /** state += golden (modulo 2^64), then the output of the new state into mixOut. */
  private step(): void {
    const lo = this.lo + GOLDEN_LO;
    this.lo = lo >>> 0;
    this.hi = (this.hi + GOLDEN_HI + (lo >= TWO32 ? 1 : 0)) >>> 0;
    mix64(this.hi, this.lo);
  }

  next(): bigint {
    this.step();
    return (BigInt(out[HI] >>> 0) << 32n) | BigInt(out[LO] >>> 0);
  }

  /** Number(next() % BigInt(m)) for 0 < m <= 2^26, without a BigInt. */
  nextBelow(m: number): number {
    if (!(Number.isInteger(m) && m > 0 && m <= BELOW_MAX)) throw new RangeError(`sudsim: nextBelow takes 1..2^26 (got ${m})`);
    this.step();
    // (hi * 2^32 + lo) mod m as (hi mod m) * (2^32 mod m) + lo, below 2^53 and so exact, taken
    // mod m by a division (a double's % is a call to fmod); the quotient's rounding may be one
    // off, which the remainder's range corrects
    const x = ((out[HI] >>> 0) % m) * (TWO32 % m) + (out[LO] >>> 0);
    let r = x - Math.floor(x / m) * m;
    if (r < 0) r += m;
    else if (r >= m) r -= m;
    return r;
  }

  /** Fills bytes with the next values, each little-endian (the last one cut short where bytes end mid-value). */
  fill(bytes: Uint8Array): void {
    const n = bytes.length;
    for (let i = 0; i < n; i += 8) {
      this.step();
      const lo = out[LO];
      const hi = out[HI];
      for (let j = 0; j < 8 && i + j < n; j++) bytes[i + j] = (j < 4 ? lo >>> (8 * j) : hi >>> (8 * (j - 4))) & 0xff;
    }
  }
}

/** SplitMix64's output function: a 64-bit value mixed so that every input bit reaches every output bit. */
export function splitMix64Mix(z0: bigint): bigint {
  let z = BigInt.asUintN(64, z0);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}
