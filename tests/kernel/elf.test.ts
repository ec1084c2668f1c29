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

  it('rejects 32-bit, big-endian and non-x86 files, and dynamically linked ones whose interpreter is missing, with the reason', () => {
    const bad = (patch: (b: Uint8Array, dv: DataView) => void): Uint8Array => {
      const b = DEMO_ELF.slice();
      patch(b, new DataView(b.buffer));
      return b;
    };
    expect(() => new Machine().load(bad((b) => { b[4] = 1; }))).toThrow(/64-bit/);
    expect(() => new Machine().load(bad((b) => { b[5] = 2; }))).toThrow(/little-endian/);
    expect(() => new Machine().load(bad((_b, dv) => dv.setUint16(18, 183, true)))).toThrow(/x86-64/);
    expect(() => new Machine().load(bad((_b, dv) => dv.setUint16(16, 1, true)))).toThrow(/not an executable/);
    // the first program header becomes a PT_INTERP naming a file the machine lacks: execve's ENOENT
    // (its path lies past the program headers)
    const dynamic = bad((b, dv) => {
      const phoff = Number(dv.getBigUint64(32, true));
      const at = phoff + dv.getUint16(56, true) * 56;
      dv.setUint32(phoff, 3, true);
      dv.setBigUint64(phoff + 8, BigInt(at), true);
      dv.setBigUint64(phoff + 32, 11n, true);
      b.set(new TextEncoder().encode('/lib/ld.so\0'), at);
    });
    expect(() => new Machine().load(dynamic)).toThrow(/interpreter \/lib\/ld.so: No such file or directory/);
    // a PT_INTERP without its terminating NUL is no executable (ENOEXEC)
    const unterminated = bad((_b, dv) => {
      const phoff = Number(dv.getBigUint64(32, true));
      dv.setUint32(phoff, 3, true);
      const at = phoff + dv.getUint16(56, true) * 56;
      dv.setBigUint64(phoff + 8, BigInt(at), true);
      dv.setBigUint64(phoff + 32, 4n, true);
      dv.setUint32(at, 0x41414141, true);
    });
    expect(() => new Machine().load(unterminated)).toThrow(ElfError);
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
