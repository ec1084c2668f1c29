/**
 * Programs linked with musl libc: each C program in tests/musl is built with
 * `musl-gcc -static` at test time, run natively and in the engine, and must
 * print the same bytes and exit with the same status. Unlike the
 * freestanding programs in tests/programs, these run musl's startup code,
 * stdio, string functions and allocator, and are compiled with SSE enabled,
 * so gcc's vectorised loops, struct copies and zeroing use xmm registers.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../src/api/index.js';
import { gccUnavailable, hostOnlineCpus, readBinary, runNative, workDir } from './helpers/native.js';

function muslUnavailable(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `host is ${process.platform}/${process.arch}, not linux/x64`;
  try {
    execFileSync('musl-gcc', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'musl-gcc is not installed (Debian/Ubuntu: apt-get install musl-tools)';
  }
}

const skip = muslUnavailable();
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`musl program conformance skipped: ${skip}`);

const dir = join(import.meta.dirname, 'musl');

/** Whether the host CPU has a feature (a flag of /proc/cpuinfo) the engine's CPU lacks. */
function hostCpuHas(flag: string): boolean {
  try {
    return new RegExp(`^flags\\s*:.*\\b${flag}\\b`, 'm').test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Each program with the optimisation levels it is built at, the arguments
 * it runs with, and a host CPU feature that makes its native run answer
 * otherwise than the engine's CPU (the test is skipped on such a host).
 * hostCpus: the machine gets as many CPUs as the host has online (the
 * test is skipped where the host's count is not one a machine can show:
 * hostOnlineCpus). glibc: built with glibc's static gcc as well.
 */
const PROGRAMS: { file: string; opts: string[]; args?: string[]; unlessHostHas?: string; hostCpus?: boolean; glibc?: boolean }[] = [
  { file: 'printf.c', opts: ['-O2', '-O0'] },
  { file: 'strings.c', opts: ['-O2', '-O0'] },
  { file: 'malloc.c', opts: ['-O2'] },
  { file: 'sort.c', opts: ['-O2'] },
  { file: 'wordfreq.c', opts: ['-O2', '-Os'], args: ['4'] },
  { file: 'vectors.c', opts: ['-O2', '-O3'] },
  { file: 'mmx.c', opts: ['-O2', '-O0'] },
  { file: 'fpmath.c', opts: ['-O2', '-O0'] },
  { file: 'sud.c', opts: ['-O2', '-O0'] },
  { file: 'x87.c', opts: ['-O2', '-O0'] },
  { file: 'x87_state.c', opts: ['-O2'] },
  { file: 'sigorder.c', opts: ['-O2'] },
  { file: 'tgkill.c', opts: ['-O2'] },
  { file: 'mxcsr.c', opts: ['-O2'] },
  { file: 'timedwait.c', opts: ['-O2'] },
  { file: 'sigwait.c', opts: ['-O2'] },
  { file: 'sigchld.c', opts: ['-O2'] },
  { file: 'madvise.c', opts: ['-O2'] },
  { file: 'alarm.c', opts: ['-O2'] },
  { file: 'shared_futex.c', opts: ['-O2'] },
  { file: 'sigtimedwait.c', opts: ['-O2'] },
  { file: 'prctl_misc.c', opts: ['-O2'] },
  { file: 'rlimit.c', opts: ['-O2'] },
  { file: 'pipes.c', opts: ['-O2', '-O0'] },
  { file: 'exec_fds.c', opts: ['-O2'] },
  { file: 'sched_misc.c', opts: ['-O2'] },
  { file: 'files.c', opts: ['-O2', '-O0'] },
  { file: 'credentials.c', opts: ['-O2'] },
  { file: 'robust.c', opts: ['-O2'] },
  { file: 'shared_pending.c', opts: ['-O2'] },
  { file: 'altstack.c', opts: ['-O2'] },
  { file: 'wake_in_syscall.c', opts: ['-O2'] },
  { file: 'eventfd.c', opts: ['-O2'] },
  { file: 'epoll.c', opts: ['-O2'] },
  { file: 'select.c', opts: ['-O2'] },
  { file: 'timerfd.c', opts: ['-O2'] },
  { file: 'signalfd.c', opts: ['-O2'] },
  { file: 'clone3.c', opts: ['-O2'] },
  { file: 'socketpair.c', opts: ['-O2'] },
  { file: 'procself.c', opts: ['-O2'] },
  { file: 'proc_mem.c', opts: ['-O2'] },
  { file: 'procfs.c', opts: ['-O2'] },
  { file: 'mmap_files.c', opts: ['-O2'] },
  { file: 'tmpfs.c', opts: ['-O2'] },
  { file: 'attrs.c', opts: ['-O2'] },
  { file: 'copies.c', opts: ['-O2'] },
  { file: 'unix_sockets.c', opts: ['-O2'] },
  { file: 'scm_rights.c', opts: ['-O2'] },
  { file: 'inet_tcp.c', opts: ['-O2'] },
  { file: 'inet_udp.c', opts: ['-O2'] },
  { file: 'inet6.c', opts: ['-O2'] },
  { file: 'opath.c', opts: ['-O2'] },
  { file: 'cputime.c', opts: ['-O2'] },
  { file: 'times.c', opts: ['-O2'] },
  { file: 'personality.c', opts: ['-O2'] },
  { file: 'membarrier.c', opts: ['-O2'] },
  { file: 'close_range.c', opts: ['-O2'] },
  { file: 'kcmp.c', opts: ['-O2'] },
  { file: 'xattr.c', opts: ['-O2'] },
  { file: 'pkeys.c', opts: ['-O2'], unlessHostHas: 'pku' },
  { file: 'rseq.c', opts: ['-O2', '-O0'] },
  { file: 'mremap.c', opts: ['-O2'] },
  { file: 'memfd.c', opts: ['-O2'] },
  { file: 'fifo.c', opts: ['-O2', '-O0'] },
  { file: 'flock.c', opts: ['-O2'] },
  { file: 'fcntl_locks.c', opts: ['-O2', '-O0'] },
  { file: 'dir_links.c', opts: ['-O2'] },
  { file: 'syscall_time.c', opts: ['-O2'] },
  { file: 'vdso_sud.c', opts: ['-O2', '-O0'] },
  { file: 'vdso_maps.c', opts: ['-O2'] },
  { file: 'cpus.c', opts: ['-O2'], hostCpus: true, glibc: true },
  { file: 'dev_tty.c', opts: ['-O2'], glibc: true },
  { file: 'rename_follow.c', opts: ['-O2', '-O0'], glibc: true },
  { file: 'exe_link.c', opts: ['-O2'], glibc: true },
];

const hostCpus = hostOnlineCpus();
const glibcSkip = gccUnavailable();

const MAX_INSNS = 500_000_000;

function build(file: string, opt: string, cc = 'musl-gcc'): Promise<string> {
  const out = join(workDir, `${cc === 'gcc' ? 'glibc' : 'musl'}-${file.replace(/\.c$/, '')}${opt}`);
  return new Promise((resolve, reject) => {
    execFile(cc, ['-static', opt, '-o', out, join(dir, file)], (err, _stdout, stderr) => {
      if (err) reject(new Error(`${cc} failed building ${file} ${opt}:\n${stderr}`));
      else resolve(out);
    });
  });
}

maybe('musl-linked C programs: the engine against the host CPU and kernel', () => {
  const built = new Map<string, Promise<string>>();

  beforeAll(async () => {
    // a dozen small builds: all at once, each test awaits its own
    for (const p of PROGRAMS) {
      for (const opt of p.opts) {
        for (const cc of p.glibc && !glibcSkip ? ['musl-gcc', 'gcc'] : ['musl-gcc']) {
          const b = build(p.file, opt, cc);
          b.catch(() => {}); // reported by the test that needs it
          built.set(`${p.file}${opt}${cc}`, b);
        }
      }
    }
    await Promise.allSettled(built.values());
  }, 300_000);

  it('covers every program in tests/musl', () => {
    const onDisk = readdirSync(dir).filter((f) => f.endsWith('.c')).sort();
    expect(PROGRAMS.map((p) => p.file).sort()).toEqual(onDisk);
  });

  for (const { file, opts, args = [], unlessHostHas, hostCpus: onHostCpus, glibc } of PROGRAMS) {
    const run = (unlessHostHas !== undefined && hostCpuHas(unlessHostHas)) || (onHostCpus && hostCpus === undefined) ? it.skip : it;
    for (const opt of opts) for (const cc of glibc ? ['musl-gcc', 'gcc'] : ['musl-gcc']) {
      const runCc = cc === 'gcc' && glibcSkip ? it.skip : run;
      runCc(`${file} at ${opt}${cc === 'gcc' ? ' (glibc)' : ''}${onHostCpus ? ` on the host's ${hostCpus} CPUs` : ''} prints the same and exits the same as natively`, async () => {
        const exe = await built.get(`${file}${opt}${cc}`)!;
        const native = runNative(exe, args);

        const m = new Machine(onHostCpus ? { cpus: hostCpus } : {});
        m.load(readBinary(exe), { argv: [exe, ...args] });
        const r = m.run({ maxInsns: MAX_INSNS });
        const end =
          r.kind === 'exited' ? { exited: r.status }
            : r.kind === 'killed' ? { killed: r.signalName }
              : { budget: r.insns };
        expect({ stdout: m.stdoutText(), end }).toEqual({
          stdout: native.stdout.toString(),
          end: native.signal ? { killed: native.signal } : { exited: native.status },
        });
      }, 60_000);
    }
  }
});
