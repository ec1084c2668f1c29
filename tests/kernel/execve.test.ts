import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary, runNative } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`execve comparison skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;
const dir = join(import.meta.dirname, 'programs');

maybe('execve', () => {
  it('runs a program from the in-memory filesystem with SUD cleared and caught signals reset, as natively', () => {
    const exe = buildStatic('execve', [join(dir, 'execve.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const m = new Machine();
    m.addFile('/bin/ex', readBinary(exe));
    m.load(readBinary(exe), { argv: ['/bin/ex'] });
    const r = m.run();
    expect(r).toMatchObject({ kind: 'exited', status: 5 });
    // recorded from the host kernel with the program installed as /bin/ex (a native run here
    // would need to write to /bin); the child's syscalls would die of SIGSYS if SUD survived exec
    expect(m.stdoutText()).toBe(
      'enoent=-2\nefault=-14\nchild: again\nchild_usr1_handler_reset=1\nchild_getpid_ok=1\n',
    );
  });

  it('passes argument and environment strings as bytes (any but NUL, UTF-8 or not), as natively', () => {
    const exe = buildStatic('exec_bytes', [join(dir, 'exec_bytes.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = runNative(exe);
    expect(native.status).toBe(0);
    const m = new Machine();
    m.addFile('/proc/self/exe', readBinary(exe));
    m.load(readBinary(exe), { argv: ['exec_bytes'] });
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('arg_len=255\nenv_sum=');
  });

  it('fails with ENOEXEC for a file that is not an executable and keeps running the caller', () => {
    const exe = buildStatic('execve2', [join(dir, 'execve.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const m = new Machine();
    m.addFile('/bin/ex', new TextEncoder().encode('#!/bin/sh\n'));
    m.load(readBinary(exe), { argv: ['/bin/ex'] });
    expect(m.run()).toMatchObject({ kind: 'exited', status: 9 });
    expect(m.stdoutText()).toContain('execve=-8');
  });
});
