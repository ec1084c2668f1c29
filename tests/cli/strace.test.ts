/**
 * The host's strace runs in the machine as it runs on the host: `sudsim run
 * /usr/bin/strace PROGRAM` (strace seizes a child that stopped itself,
 * interrupts it, listens through the SIGCONT that starts it, then follows
 * its syscalls) prints the trace strace prints natively for a Syscall User
 * Dispatch program (tests/sud/programs/dispatch.c: its syscalls, its SIGSYS
 * deliveries with si_code SYS_USER_DISPATCH, its end), once hex values,
 * pids and the alignment they change are normalized (the host's stack and
 * mmap addresses are randomized). With -f it follows a fork and a thread
 * (PTRACE_O_TRACEFORK and TRACECLONE under PTRACE_SEIZE).
 *
 * Needs strace (Debian's, which .ci/run installs) and gcc; outside CI the
 * test is skipped, saying why, when either is missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildStatic, gccUnavailable, hostToolMissing, describeNeeding } from '../helpers/native.js';

const CLI = join(process.cwd(), 'bin', 'sudsim.js');
const STRACE = '/usr/bin/strace';

const maybe = describeNeeding('strace test', hostToolMissing(STRACE, '-V', 'strace') ?? gccUnavailable());

/** A trace with its hex values, numbers of three digits or more (pids) and the padding before ` = ` made alike. */
function normalized(trace: string): string {
  return trace.replace(/0x[0-9a-f]+/g, 'HEX').replace(/\d{3,}/g, 'N').replace(/ {2,}= /g, ' = ');
}

/** strace's trace (its stderr) of program, natively or in the machine (the program put at the same path). */
function strace(program: string, flags: string[], inMachine: boolean): { trace: string; stdout: string; status: number | null } {
  const env = { PATH: '/usr/bin:/bin', HOME: '/root' };
  const r = inMachine
    ? spawnSync(process.execPath, [CLI, 'run', '--clear-env', '--env', `PATH=${env.PATH}`, '--env', `HOME=${env.HOME}`, '--file', `${program}=${program}`, STRACE, ...flags, program], { encoding: 'utf8' })
    : spawnSync(STRACE, [...flags, program], { encoding: 'utf8', env });
  return { trace: r.stderr, stdout: r.stdout, status: r.status };
}

maybe('strace in the machine', () => {
  it('traces a Syscall User Dispatch program as it does natively', () => {
    const dir = join(import.meta.dirname, '..', 'sud', 'programs');
    const exe = buildStatic('strace-dispatch', [join(dir, 'dispatch.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = strace(exe, [], false);
    const engine = strace(exe, [], true);
    // the program dispatched syscalls, and strace saw the signals: the comparison covers them
    expect(native.trace).toMatch(/--- SIGSYS \{si_signo=SIGSYS, si_code=SYS_USER_DISPATCH, /);
    expect(normalized(engine.trace)).toBe(normalized(native.trace));
    expect(engine.stdout).toBe(native.stdout);
    expect(engine.status).toBe(native.status);
  });

  it('follows a fork and a thread with -f', () => {
    const exe = buildStatic('strace-forker', {
      'forker.c': `
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static void *thread(void *a) { (void)a; getppid(); return 0; }
int main(void) {
  pid_t p = fork();
  if (p == 0) { getppid(); _exit(4); }
  int st;
  waitpid(p, &st, 0);
  pthread_t t;
  pthread_create(&t, 0, thread, 0);
  pthread_join(t, 0);
  printf("child %d\\n", WEXITSTATUS(st));
  return 0;
}
`,
    }, ['-O2', '-pthread']);
    const r = strace(exe, ['-f'], true);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('child 4\n');
    // the child and the thread were attached as they started, and traced to their ends
    const attached = [...r.trace.matchAll(/Process (\d+) attached/g)].map((m) => m[1]);
    expect(attached).toHaveLength(2);
    const [child, thread] = attached;
    expect(r.trace).toMatch(new RegExp(`\\[pid +${child}\\] getppid\\(\\) += \\d+`));
    expect(r.trace).toMatch(new RegExp(`\\[pid +${child}\\] \\+\\+\\+ exited with 4 \\+\\+\\+`));
    expect(r.trace).toMatch(new RegExp(`\\[pid +${thread}\\] getppid\\(\\) += \\d+`));
    expect(r.trace).toMatch(new RegExp(`\\[pid +${thread}\\] exit\\(0\\) += \\?`));
    expect(r.trace).toMatch(/\+\+\+ exited with 0 \+\+\+\n$/);
  });
});
