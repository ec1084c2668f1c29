/**
 * The fuzzer's random source. A campaign's seed fixes every case it
 * generates (same seed, same cases, same findings). SplitMix64 turns the
 * seed and a stream's coordinates into state; sfc32 (32-bit arithmetic, no
 * BigInt) then draws fast, since a case takes dozens of draws.
 */
import { splitMix64Mix as mix } from '../kernel/random.js';

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: bigint) {
    const s = BigInt.asUintN(64, seed);
    const x = mix(s + 0x9e3779b97f4a7c15n);
    const y = mix(s + 2n * 0x9e3779b97f4a7c15n);
    this.a = Number(x & 0xffffffffn) | 0;
    this.b = Number(x >> 32n) | 0;
    this.c = Number(y & 0xffffffffn) | 0;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A generator for one stream of a campaign (worker w, case i...). */
  static derive(seed: bigint, ...parts: number[]): Rng {
    let s = BigInt.asUintN(64, seed);
    for (const p of parts) s = mix(s ^ BigInt.asUintN(64, BigInt(p) * 0x9e3779b97f4a7c15n));
    return new Rng(s);
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n) for n up to 2^32. */
  below(n: number): number {
    return Math.floor((this.u32() / 0x100000000) * n);
  }

  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)];
  }
}
