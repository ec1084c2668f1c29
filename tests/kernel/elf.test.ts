import { Machine, ElfError, Errno } from '../../src/api/index.js';
import { DEMO_ELF } from '../../src/cli/demo_program.js';

/** A deterministic xorshift so every failing mutation can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

describe('the ELF loader', () => {
  it('rejects a file that is not ELF with ENOEXEC and a clear message', () => {
    const m = new Machine();
    expect(() => m.load(new TextEncoder().encode('#!/bin/sh\necho hi\n'))).toThrow(/not an ELF file/);
    try {
      new Machine().load(new Uint8Array(10));
    } catch (e) {
      expect(e).toBeInstanceOf(ElfError);
      expect((e as ElfError).errno).toBe(8);
    }
  });

  it('rejects 32-bit, big-endian, non-x86 and dynamically linked files with the reason', () => {
    const bad = (patch: (b: Uint8Array, dv: DataView) => void): Uint8Array => {
      const b = DEMO_ELF.slice();
      patch(b, new DataView(b.buffer));
      return b;
    };
    expect(() => new Machine().load(bad((b) => { b[4] = 1; }))).toThrow(/64-bit/);
    expect(() => new Machine().load(bad((b) => { b[5] = 2; }))).toThrow(/little-endian/);
    expect(() => new Machine().load(bad((_b, dv) => dv.setUint16(18, 183, true)))).toThrow(/x86-64/);
    expect(() => new Machine().load(bad((_b, dv) => dv.setUint16(16, 1, true)))).toThrow(/not an executable/);
    expect(() => new Machine().load(bad((_b, dv) => {
      const phoff = Number(dv.getBigUint64(32, true));
      dv.setUint32(phoff, 3, true); // first program header becomes PT_INTERP
    }))).toThrow(/dynamically linked/);
  });

  it('never crashes the host on 600 randomly corrupted executables (seed 1234)', () => {
    const next = rng(1234);
    let loaded = 0;
    let rejected = 0;
    for (let i = 0; i < 600; i++) {
      const b = DEMO_ELF.slice();
      const flips = 1 + (next() % 8);
      for (let f = 0; f < flips; f++) {
        // aim most corruptions at the headers, where the loader reads offsets
        const at = next() % 4 === 0 ? next() % b.length : next() % 512;
        b[at] = next() & 0xff;
      }
      const m = new Machine();
      try {
        m.load(b);
      } catch (e) {
        // ENOEXEC for a malformed file, or the errno Linux gives (ENOMEM for a segment too large)
        expect(e).toBeInstanceOf(Errno);
        rejected++;
        continue;
      }
      loaded++;
      const r = m.run({ maxInsns: 200000 });
      expect(['exited', 'killed', 'budget']).toContain(r.kind);
    }
    expect(loaded + rejected).toBe(600);
    expect(rejected).toBeGreaterThan(0);
  });
});
