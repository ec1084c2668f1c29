/**
 * The fuzzer's generators: SplitMix64 on 32-bit word pairs (src/fuzz/rng.ts)
 * gives what the kernel's BigInt SplitMix64 gives, so that a seed names the
 * same cases whichever arithmetic computes them.
 */
import { Rng, splitMix64MixWords } from '../../src/fuzz/rng.js';
import { splitMix64Mix } from '../../src/kernel/random.js';

const GOLDEN = 0x9e3779b97f4a7c15n;
const U64 = (1n << 64n) - 1n;

describe('fuzz rng', () => {
  it('mixes 64-bit values as the kernel SplitMix64 does', () => {
    let x = 0x243f6a8885a308d3n;
    const edges = [0n, 1n, U64, 1n << 63n, (1n << 32n) - 1n, 1n << 32n, GOLDEN];
    for (let i = 0; i < 5000; i++) {
      const v = i < edges.length ? edges[i] : (x = splitMix64Mix(x + GOLDEN));
      expect(splitMix64MixWords(v)).toBe(splitMix64Mix(v));
    }
  });

  it('derives a stream as BigInt SplitMix64 over the seed and the coordinates would', () => {
    for (const seed of [0n, 1n, 2026n, U64, -5n]) {
      for (const parts of [[0], [1, 7], [3, 2 ** 40 + 5, 123456789], [-1, 2 ** 53 - 1]]) {
        let s = BigInt.asUintN(64, seed);
        for (const p of parts) s = splitMix64Mix(s ^ BigInt.asUintN(64, BigInt(p) * GOLDEN));
        const a = Rng.derive(seed, ...parts);
        const b = new Rng(s);
        for (let k = 0; k < 8; k++) expect(a.u32()).toBe(b.u32());
      }
    }
  });

  it('starts a generator over in place as derive makes a new one, whatever it drew before', () => {
    const r = new Rng(0, 0);
    for (const seed of [0n, 2026n, U64, -5n, 2026n]) {
      for (const [w, i] of [[0, 0], [1, 7], [3, 2 ** 40 + 5], [-1, 2 ** 53 - 1]]) {
        const a = Rng.derive(seed, w, i);
        r.rederive(seed, w, i);
        for (let k = 0; k < 8; k++) expect(r.u32()).toBe(a.u32());
      }
    }
  });
});
