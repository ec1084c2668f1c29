import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary, runNative } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`ptrace comparison skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;
const dir = join(import.meta.dirname, 'programs');
const flags = ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`];

maybe('ptrace', () => {
  it('reproduces the host kernel: stops, GETREGS, PEEKDATA, and the INCLUSIVE config round trip failing with EINVAL', () => {
    const exe = buildStatic('ptrace', [join(dir, 'ptrace.c')], flags);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['ptrace'] });
    expect(m.run({ maxInsns: 50_000_000 })).toMatchObject({ kind: 'exited', status: native.status });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('set_same=-22');
    expect(m.stdoutText()).toContain('mode=1\noffset=4352\nlen_neg=256');
  });

  it('ATTACH stops with SIGSTOP, POKEDATA/SETREGS/DETACH, SEIZE does not stop, signal-delivery stops and KILL, as on the host', () => {
    const exe = buildStatic('ptrace_attach', [join(dir, 'ptrace_attach.c')], flags);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['ptrace_attach'] });
    expect(m.run({ maxInsns: 50_000_000 })).toMatchObject({ kind: 'exited', status: native.status });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('a_exit=7');
    expect(m.stdoutText()).toContain('sig_stop_sig=10');
  });

  it('answers the SUD config requests with EIO before linux-6.4 (expectation from SEMANTICS.md §2)', () => {
    const exe = buildStatic('ptrace511', [join(dir, 'ptrace.c')], flags);
    const m = new Machine({ profile: 'linux-5.11' });
    m.load(readBinary(exe), { argv: ['ptrace'] });
    m.run({ maxInsns: 50_000_000 });
    // the child's INCLUSIVE prctl is EINVAL on 5.11, and GET is not a ptrace request there
    expect(m.stdoutText()).toContain('get=-5');
  });
});
