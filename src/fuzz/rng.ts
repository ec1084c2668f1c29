/**
 * The fuzzer's random source. A campaign's seed fixes every case it
 * generates (same seed, same cases, same findings). SplitMix64 turns the
 * seed and a stream's coordinates into state; sfc32 (32-bit arithmetic, no
 * BigInt) then draws fast, since a case takes dozens of draws.
 *
 * Every case derives its own generator, so SplitMix64 runs here on 64-bit
 * values held as two 32-bit words (the same results as splitMix64Mix in
 * src/kernel/random.ts, without a BigInt allocated per operation).
 */

// SplitMix64's constants as (high, low) 32-bit words
const GOLDEN_HI = 0x9e3779b9;
const GOLDEN_LO = 0x7f4a7c15;
// 2 * golden modulo 2^64
const GOLDEN2_HI = 0x3c6ef372;
const GOLDEN2_LO = 0xfe94f82a;
const MIX1_HI = 0xbf58476d;
const MIX1_LO = 0x1ce4e5b9;
const MIX2_HI = 0x94d049bb;
const MIX2_LO = 0x133111eb;

// The result of mul64 and mix64, as words: returning them in an array would allocate per call
let outHi = 0;
let outLo = 0;

/** (ah:al) * (bh:bl) modulo 2^64 into outHi:outLo (unsigned 32-bit words in, int32 words out). */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  // al * bl in full from 16-bit halves, so that no partial product passes 2^53
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  outLo = (mid << 16) | (p00 & 0xffff);
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  // the cross products only reach the high word, where modulo 2^32 is what Math.imul gives
  outHi = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) | 0;
}

/** splitMix64Mix of (hi:lo) into outHi:outLo. */
function mix64(hi: number, lo: number): void {
  // z ^= z >> 30; z *= MIX1
  lo ^= (lo >>> 30) | (hi << 2);
  hi ^= hi >>> 30;
  mul64(hi >>> 0, lo >>> 0, MIX1_HI, MIX1_LO);
  // z ^= z >> 27; z *= MIX2
  lo = outLo ^ ((outLo >>> 27) | (outHi << 5));
  hi = outHi ^ (outHi >>> 27);
  mul64(hi >>> 0, lo >>> 0, MIX2_HI, MIX2_LO);
  // z ^= z >> 31
  lo = outLo ^ ((outLo >>> 31) | (outHi << 1));
  hi = outHi ^ (outHi >>> 31);
  outHi = hi;
  outLo = lo;
}

// A campaign derives every generator from one seed: its words are kept rather than split again
let lastSeed: bigint | undefined;
let lastSeedHi = 0;
let lastSeedLo = 0;

/** mix64 on a bigint (for tests: it must equal the kernel's splitMix64Mix). */
export function splitMix64MixWords(x: bigint): bigint {
  const v = BigInt.asUintN(64, x);
  mix64(Number(v >> 32n), Number(v & 0xffffffffn));
  return (BigInt(outHi >>> 0) << 32n) | BigInt(outLo >>> 0);
}

/** lastSeedHi:lastSeedLo <- seed modulo 2^64, split again only when the seed changes. */
function seedWords(seed: bigint): void {
  if (seed === lastSeed) return;
  const s = BigInt.asUintN(64, seed);
  lastSeedHi = Number(s >> 32n);
  lastSeedLo = Number(s & 0xffffffffn);
  lastSeed = seed;
}

/** A stream's state (hi:lo) with coordinate p mixed in, into outHi:outLo. */
function mixCoordinate(hi: number, lo: number, p: number): void {
  if (!Number.isInteger(p)) throw new RangeError(`sudsim: a stream coordinate must be an integer (got ${p})`);
  // p modulo 2^64 as words (exact for every integer a double holds), times golden
  mul64(Math.floor(p / 4294967296) >>> 0, p >>> 0, GOLDEN_HI, GOLDEN_LO);
  mix64(hi ^ outHi, lo ^ outLo);
}

export class Rng {
  // sfc32's state, first assigned numbers in start or fromState (declare: no class fields, which
  // would start out undefined). V8 then keeps the fields as doubles, which u32 overwrites in
  // place; fields that had held undefined stay general, and each store of a word past 31 bits
  // (half of them) would allocate a new heap number.
  private declare a: number;
  private declare b: number;
  private declare c: number;
  private declare d: number;

  /** A generator seeded with `seed` modulo 2^64. */
  constructor(seed: bigint);
  /** The same, with the seed as its high and low 32-bit words. */
  constructor(seedHi: number, seedLo: number);
  constructor(seed: bigint | number, seedLo = 0) {
    if (typeof seed === 'bigint') {
      const s = BigInt.asUintN(64, seed);
      this.start(Number(s >> 32n), Number(s & 0xffffffffn));
    } else {
      this.start(seed >>> 0, seedLo >>> 0);
    }
  }

  /** sfc32's state from the seed hi:lo (unsigned 32-bit words) through SplitMix64, as a new generator starts. */
  private start(hi: number, lo: number): void {
    // x = mix(s + golden), y = mix(s + 2 golden); the low word's carry goes to the high one
    let sumLo = lo + GOLDEN_LO;
    mix64((hi + GOLDEN_HI + (sumLo > 0xffffffff ? 1 : 0)) | 0, sumLo | 0);
    this.a = outLo;
    this.b = outHi;
    sumLo = lo + GOLDEN2_LO;
    mix64((hi + GOLDEN2_HI + (sumLo > 0xffffffff ? 1 : 0)) | 0, sumLo | 0);
    this.c = outLo;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /**
   * A generator whose sfc32 state is (a, b, c, d) as given, without the
   * SplitMix64 seeding: for a caller with a seeding of its own (the ISA
   * tests', which printed SUDSIM_SEED values must keep replaying).
   */
  static fromState(a: number, b: number, c: number, d: number): Rng {
    const r = Object.create(Rng.prototype) as Rng;
    r.a = a | 0;
    r.b = b | 0;
    r.c = c | 0;
    r.d = d | 0;
    return r;
  }

  /** A generator for one stream of a campaign (worker w, case i...). */
  static derive(seed: bigint, ...parts: number[]): Rng {
    seedWords(seed);
    let hi = lastSeedHi;
    let lo = lastSeedLo;
    for (const p of parts) {
      mixCoordinate(hi, lo, p);
      hi = outHi;
      lo = outLo;
    }
    return new Rng(hi >>> 0, lo >>> 0);
  }

  /**
   * This generator started over as derive(seed, p0, p1) would make a new
   * one: the worker loop draws each case from a stream of its own, and one
   * generator seeded again per case allocates nothing (nor derive's array
   * of coordinates).
   */
  rederive(seed: bigint, p0: number, p1: number): this {
    seedWords(seed);
    mixCoordinate(lastSeedHi, lastSeedLo, p0);
    mixCoordinate(outHi, outLo, p1);
    this.start(outHi >>> 0, outLo >>> 0);
    return this;
  }

  u32(): number {
    return this.next() >>> 0;
  }

  /**
   * sfc32's next word as an int32 (u32 is its unsigned value). The draws
   * below take it: an int32 is a small integer to V8, where an unsigned
   * word past 2^31 returned from a call that was not inlined is a heap
   * number allocated per draw.
   */
  private next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t;
  }

  /** An integer in [0, n) for n up to 2^32. */
  below(n: number): number {
    return Math.floor(((this.next() >>> 0) / 0x100000000) * n);
  }

  chance(p: number): boolean {
    return (this.next() >>> 0) / 0x100000000 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)];
  }
}
