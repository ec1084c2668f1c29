import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
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

  it('writes over the files it was given without changing their bytes, and keeps the running image and /proc out of reach', () => {
    const exe = buildStatic('given-files', [join(dir, 'given_files.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const given = new TextEncoder().encode('hello, file');
    const m = new Machine();
    m.addFile('/data/given.txt', given);
    m.load(readBinary(exe), { argv: ['/bin/given-files'] });
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stdoutText()).toBe(
      [
        'open_given=1', 'read_given=11', 'first_bytes=hello',
        'open_given_wronly=1', 'write_given=5', 'read_given_again=11', 'first_bytes_now=HELLO, ',
        'open_given_trunc_wronly=1', 'read_truncated=0', 'open_given_creat_rdonly=1',
        'open_new_creat=1', 'open_new_in_missing_dir=-2', 'openat_new_creat=1',
        'open_exe_wronly=-26', 'open_in_proc_creat=-2',
        'access_given_w=0', 'access_given_rx=0', 'access_dir_above=0', 'open_dir_rdwr=-21',
        'readlink_exe_len_positive=1', '',
      ].join('\n'),
    );
    // the machine's copy of the given bytes is the program's to change, the caller's array is not
    expect(new TextDecoder().decode(given)).toBe('hello, file');
  });

  it('answers random arguments to its descriptor, file, xattr, socket, signal, scheduling and process-attribute syscalls without failing itself', () => {
    const exe = buildStatic('random-args', [join(dir, 'random_args.c')], ['-O1', '-w']);
    for (const seed of ['1', '2']) {
      const m = new Machine();
      m.load(readBinary(exe), { argv: ['random_args', seed] });
      // a host exception in a syscall handler would throw out of run()
      expect(m.run({ maxInsns: 2_000_000_000 })).toMatchObject({ kind: 'exited', status: 0 });
      expect(m.stdoutText()).toBe('done\n');
    }
  });

  it('takes a write into a pipe a page of data at a time: a fault ends it with the pages already taken, or EFAULT, as the host does', () => {
    const exe = buildStatic('partial_write', [join(dir, 'partial_write.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    // natively through a real pipe (a test runner's own stdout is often a socket, which takes larger pieces)
    const native = spawnSync('sh', ['-c', `"${exe}" | cat > /dev/null`], { encoding: 'utf8' });
    const m = new Machine();
    m.load(readBinary(exe));
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stderrText()).toBe(native.stderr);
    expect(m.stderrText()).toBe('huge_write=4096\nfrom_bad_page=-14\nstraddling=-14\n');
    expect(m.stdout().length).toBe(4096);
  });
});

maybe('signal frames', () => {
  it('leave siginfo as the stack held it for a handler without SA_SIGINFO, as Linux does', () => {
    const exe = buildStatic('nosiginfo', [join(dir, 'nosiginfo.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', '-mno-red-zone', `-I${dir}`]);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe));
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('without_sa_siginfo_pattern_bytes=120\n');
  });
});
