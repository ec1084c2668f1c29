/**
 * `sudsim run` gives the machine the host's online CPUs, as a shell sees
 * them: nproc (coreutils', through sched_getaffinity, and busybox's) counts
 * what it counts natively; --cpus sets another count, and a bad one is
 * refused before anything runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostOnlineCpus } from '../helpers/native.js';

const CLI = join(process.cwd(), 'bin', 'sudsim.js');
const ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C' };

const hostCpus = hostOnlineCpus();
const NPROCS = [
  ...(existsSync('/usr/bin/nproc') ? [['/usr/bin/nproc']] : []),
  ...(existsSync('/usr/bin/busybox') ? [['/usr/bin/busybox', 'nproc']] : []),
];
const skip = process.platform !== 'linux' || process.arch !== 'x64' ? 'host is not linux/x64'
  : hostCpus === undefined ? 'the host has CPUs this process may not use, or more than 64'
    : NPROCS.length === 0 ? 'neither /usr/bin/nproc nor busybox is installed' : null;
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`sudsim run's CPU count skipped: ${skip}`);

function native(argv: string[]): { stdout: string; status: number | null } {
  const r = spawnSync(argv[0], argv.slice(1), { env: ENV, encoding: 'utf8' });
  return { stdout: r.stdout, status: r.status };
}

function sudsim(flags: string[], argv: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, 'run', ...flags, ...argv], { env: ENV, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

maybe("sudsim run: the machine's CPUs", () => {
  for (const argv of NPROCS) {
    for (const extra of [[], ['--all']]) {
      const cmd = [...argv, ...extra];
      it(`${cmd.join(' ')} prints what it prints natively`, () => {
        const host = native(cmd);
        expect(host).toEqual({ stdout: `${hostCpus}\n`, status: 0 });
        const { stdout, status } = sudsim([], cmd);
        expect({ stdout, status }).toEqual(host);
      }, 60_000);
    }
  }

  it('--cpus 5 makes a machine of five CPUs', () => {
    const { stdout, status } = sudsim(['--cpus', '5'], NPROCS[0]);
    expect({ stdout, status }).toEqual({ stdout: '5\n', status: 0 });
  }, 60_000);

  it.each(['0', '65', 'two', '1.5'])('--cpus %s is refused with a message, status 2', (n) => {
    const r = sudsim(['--cpus', n], NPROCS[0]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('expected a whole number of CPUs from 1 to 64');
  });
});
