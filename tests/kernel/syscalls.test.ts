import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary, runNative } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`native syscall comparison skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;
const dir = join(import.meta.dirname, 'programs');

maybe('syscalls with deterministic results', () => {
  it('return the same values and errors as the host kernel (EFAULT, EINVAL, ENOMEM, EEXIST, ENOSYS, EPERM)', () => {
    const exe = buildStatic('syscalls', [join(dir, 'syscalls.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['syscalls'] });
    const r = m.run();
    expect(native.status).toBe(3);
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(r).toMatchObject({ kind: 'exited', status: 3 });
    // the comparison is only worth something if the program really exercised the error paths
    expect(m.stdoutText()).toContain('write_badptr=-14');
    expect(m.stdoutText()).toContain('unknown_nr=-38');
  });
});
