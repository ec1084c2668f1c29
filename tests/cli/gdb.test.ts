/**
 * The host's gdb debugs a program in the machine as it does natively:
 * `sudsim run /usr/bin/gdb -batch ...` starts the program through a shell
 * under PTRACE_TRACEME (waiting for the SIGCHLD its stops send), sets a
 * breakpoint (an int3 written through /proc/<pid>/mem), stops there, shows
 * the backtrace and an argument, finishes the function (a single step off
 * the breakpoint, a temporary breakpoint at the return address) and
 * continues to the end: the same output as natively, the inferior's pid
 * aside.
 *
 * Needs gdb (Debian's, which .ci/run installs) and gcc; outside CI the
 * test is skipped, saying why, when either is missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildStatic, gccUnavailable, workDir, hostToolMissing, describeNeeding } from '../helpers/native.js';

const CLI = join(process.cwd(), 'bin', 'sudsim.js');
const GDB = '/usr/bin/gdb';

const maybe = describeNeeding('gdb test', hostToolMissing(GDB, '--version', 'gdb') ?? gccUnavailable());

const SOURCE = `
#include <stdio.h>
static int square(int x) { return x * x; }
int main(void) {
  int s = square(7);
  printf("square %d\\n", s);
  return 3;
}
`;

const COMMANDS = ['break square', 'run', 'bt', 'print x', 'finish', 'continue'];

/** gdb's output (stdout, then stderr) for the commands, natively or in the machine (the program and its source put at the same paths). */
function gdb(program: string, source: string, inMachine: boolean): { out: string; status: number | null } {
  const args = ['-nx', '-batch', ...COMMANDS.flatMap((c) => ['-ex', c]), program];
  const env = { PATH: '/usr/bin:/bin', HOME: '/root', SHELL: '/bin/sh', TERM: 'dumb' };
  const envFlags = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const r = inMachine
    ? spawnSync(process.execPath, [CLI, 'run', '--clear-env', ...envFlags, '--file', `${program}=${program}`, '--file', `${source}=${source}`, GDB, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    : spawnSync(GDB, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  // the inferior's pid is the machine's own; everything else must match
  return { out: (r.stdout + r.stderr).replace(/process \d+/g, 'process N'), status: r.status };
}

maybe('gdb in the machine', () => {
  it('stops at a breakpoint, shows the backtrace, finishes and continues as natively', () => {
    const exe = buildStatic('gdb-square', { 'square.c': SOURCE }, ['-g', '-O0']);
    // where buildStatic wrote the source, which the debug information names
    const source = join(workDir, 'gdb-square-square.c');
    const native = gdb(exe, source, false);
    const engine = gdb(exe, source, true);
    // the session did what it was asked: the breakpoint was hit and the function's value returned
    expect(native.out).toMatch(/Breakpoint 1, square \(x=7\)/);
    expect(native.out).toMatch(/Value returned is \$2 = 49/);
    expect(native.out).toMatch(/return x \* x;/);
    expect(native.out).toMatch(/exited with code 03/);
    expect(engine.out).toBe(native.out);
    expect(engine.status).toBe(native.status);
  }, 120_000);
});
