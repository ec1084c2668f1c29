/**
 * The machine's SplitMix64 (src/kernel/random.ts) runs on 32-bit word
 * pairs: it must give what SplitMix64 over BigInts gives, so that a seed
 * names the same AT_RANDOM bytes, /dev/urandom reads and scheduling.
 */
import { SplitMix64, splitMix64Mix } from '../../src/kernel/random.js';

const GOLDEN = 0x9e3779b97f4a7c15n;
const U64 = (1n << 64n) - 1n;

/** SplitMix64 as defined, over BigInts. */
class Reference {
  private s: bigint;
  constructor(seed: bigint) {
    this.s = BigInt.asUintN(64, seed);
  }
  next(): bigint {
    this.s = BigInt.asUintN(64, this.s + GOLDEN);
    return splitMix64Mix(this.s);
  }
}

const SEEDS = [0n, 1n, 2026n, 2026n ^ 0x5ced5ced5cedn, U64, U64 - GOLDEN + 1n, 1n << 63n, (1n << 32n) - 1n, 1n << 32n, -5n];

describe('kernel SplitMix64', () => {
  it('draws the values SplitMix64 over BigInts draws', () => {
    for (const seed of SEEDS) {
      const a = new SplitMix64(seed);
      const b = new Reference(seed);
      for (let i = 0; i < 2000; i++) expect(a.next()).toBe(b.next());
    }
  });

  it('draws below a bound as the BigInt remainder does', () => {
    for (const seed of SEEDS) {
      for (const m of [1, 2, 7, 1 << 20, (1 << 20) - 20_000, 999_983, 1 << 26]) {
        const a = new SplitMix64(seed);
        const b = new Reference(seed);
        for (let i = 0; i < 500; i++) expect(a.nextBelow(m)).toBe(Number(b.next() % BigInt(m)));
      }
    }
    expect(() => new SplitMix64(0n).nextBelow(0)).toThrow(RangeError);
    expect(() => new SplitMix64(0n).nextBelow(2 ** 26 + 1)).toThrow(RangeError);
    expect(() => new SplitMix64(0n).nextBelow(1.5)).toThrow(RangeError);
  });

  it('fills bytes with each value little-endian, the last one cut short', () => {
    for (const seed of SEEDS) {
      for (const n of [0, 1, 7, 8, 9, 16, 100]) {
        const got = new Uint8Array(n);
        new SplitMix64(seed).fill(got);
        const b = new Reference(seed);
        const want = new Uint8Array(n);
        for (let i = 0; i < n; i += 8) {
          let v = b.next();
          for (let j = 0; j < 8 && i + j < n; j++, v >>= 8n) want[i + j] = Number(v & 0xffn);
        }
        expect(got).toEqual(want);
      }
    }
  });
});
