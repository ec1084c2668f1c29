import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { DEMO_ELF } from '../../src/cli/demo_program.js';
import { buildStatic, gccUnavailable, readBinary } from '../helpers/native.js';

describe('Machine', () => {
  it('runs the demo to completion and collects its stdout', () => {
    const m = new Machine();
    m.load(DEMO_ELF, { argv: ['demo'] });
    const r = m.run();
    expect(r.kind).toBe('exited');
    expect(m.stdoutText()).toContain('primes below 100000: 9592 (largest 99991)');
    expect(m.stdoutText()).toContain('getppid() = 1');
  });

  it('stops at an instruction budget and resumes exactly where it stopped', () => {
    const whole = new Machine();
    whole.load(DEMO_ELF);
    const ref = whole.run();
    const m = new Machine();
    m.load(DEMO_ELF);
    const first = m.run({ maxInsns: 1000 });
    expect(first).toEqual({ kind: 'budget', insns: 1000n });
    let r = m.run({ maxInsns: 12345 });
    expect(r.kind).toBe('budget');
    r = m.run();
    expect(r.kind).toBe('exited');
    expect(m.insns).toBe(ref.insns);
    expect(m.stdoutText()).toBe(whole.stdoutText());
  });

  it('reads and writes registers and guest memory', () => {
    const m = new Machine();
    m.load(DEMO_ELF, { argv: ['demo', 'x'] });
    const rsp = m.getReg('rsp');
    const argc = new DataView(m.readMemory(rsp, 8).buffer).getBigUint64(0, true);
    expect(argc).toBe(2n);
    expect(rsp % 16n).toBe(0n);
    m.writeMemory(rsp, new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0]));
    expect(m.readMemory(rsp, 1)[0]).toBe(7);
    m.setReg('r12', 0x1234n);
    expect(m.getReg('r12')).toBe(0x1234n);
    expect(m.regs().rip).toBe(m.getReg('rip'));
    expect(() => m.readMemory(0x10, 4)).toThrow(/Bad address/);
  });

  it('gives the same output and instruction count for the same seed', () => {
    const a = new Machine({ seed: 42 });
    a.load(DEMO_ELF);
    const b = new Machine({ seed: 42 });
    b.load(DEMO_ELF);
    expect(a.run()).toEqual(b.run());
    expect(a.stdoutText()).toBe(b.stdoutText());
  });

  it('traces syscalls in strace form', () => {
    const lines: string[] = [];
    const m = new Machine({ trace: (l) => lines.push(l) });
    m.load(DEMO_ELF);
    m.run();
    expect(lines).toContain('getppid() = 1');
    expect(lines.some((l) => /^write\(1, "sudsim demo: x86-64 code running"\.\.\., \d+\) = \d+$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('+++ exited with 0 +++');
  });

  (gccUnavailable() ? it.skip : it)('runs the program it was given, whatever the caller writes to its array afterwards (an exec of /proc/self/exe included)', () => {
    const elf = readBinary(buildStatic('reexec-self', [join(import.meta.dirname, 'programs', 'reexec_self.c')], ['-O1']));
    const m = new Machine();
    m.load(elf, { argv: ['self'] });
    elf.fill(0);
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stdoutText()).toBe('again x\n');
  });

  it('refuses to run before a program is loaded', () => {
    expect(() => new Machine().run()).toThrow(/load\(\)/);
  });
});
