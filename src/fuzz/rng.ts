/**
 * The fuzzer's random source. A campaign's seed fixes every case it
 * generates (same seed, same cases, same findings). SplitMix64 turns the
 * seed and a stream's coordinates into state; sfc32 (32-bit arithmetic, no
 * BigInt) then draws fast, since a case takes dozens of draws.
 *
 * Every case derives its own generator, so SplitMix64 runs here on 64-bit
 * values held as two 32-bit words, with the kernel's word arithmetic
 * (src/kernel/random.ts mul64 and mix64: no BigInt allocated per operation).
 */

import { mul64, mix64, mixOut, HI, LO, GOLDEN_HI, GOLDEN_LO } from '../kernel/random.js';

// 2 * golden modulo 2^64, as (high, low) 32-bit words
const GOLDEN2_HI = 0x3c6ef372;
const GOLDEN2_LO = 0xfe94f82a;

// A campaign derives every generator from one seed: its words are kept rather than split again
let lastSeed: bigint | undefined;
let lastSeedHi = 0;
let lastSeedLo = 0;

/** mix64 on a bigint (for tests: it must equal the kernel's splitMix64Mix). */
export function splitMix64MixWords(x: bigint): bigint {
  const v = BigInt.asUintN(64, x);
  mix64(Number(v >> 32n), Number(v & 0xffffffffn));
  return (BigInt(mixOut[HI] >>> 0) << 32n) | BigInt(mixOut[LO] >>> 0);
}

/** lastSeedHi:lastSeedLo <- seed modulo 2^64, split again only when the seed changes. */
function seedWords(seed: bigint): void {
  if (seed === lastSeed) return;
  const s = BigInt.asUintN(64, seed);
  lastSeedHi = Number(s >> 32n);
  lastSeedLo = Number(s & 0xffffffffn);
  lastSeed = seed;
}

/** A stream's state (hi:lo) with coordinate p mixed in, into mixOut. */
function mixCoordinate(hi: number, lo: number, p: number): void {
  if (!Number.isInteger(p)) throw new RangeError(`sudsim: a stream coordinate must be an integer (got ${p})`);
  // p modulo 2^64 as words (exact for every integer a double holds), times golden
  mul64(Math.floor(p / 4294967296) >>> 0, p >>> 0, GOLDEN_HI, GOLDEN_LO);
  mix64(hi ^ mixOut[HI], lo ^ mixOut[LO]);
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
    this.a = mixOut[LO];
    this.b = mixOut[HI];
    sumLo = lo + GOLDEN2_LO;
    mix64((hi + GOLDEN2_HI + (sumLo > 0xffffffff ? 1 : 0)) | 0, sumLo | 0);
    this.c = mixOut[LO];
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
      hi = mixOut[HI];
      lo = mixOut[LO];
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
    mixCoordinate(mixOut[HI], mixOut[LO], p1);
    this.start(mixOut[HI] >>> 0, mixOut[LO] >>> 0);
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
