/**
 * A tmpfs directory's size counts its entries (20 bytes each, `.` and `..`
 * among them) and it holds no blocks: stat, ls -l and du of the machine's
 * /tmp show what they show of a tmpfs natively. The native side needs a
 * tmpfs of its own, mounted for the test (root only).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { workDir } from '../helpers/native.js';

const CLI = join(process.cwd(), 'bin', 'sudsim.js');
const ENV = { PATH: '/usr/bin:/bin', LC_ALL: 'C', HOME: '/root' };
const mnt = join(workDir, 'tmpfs');

function mountTmpfs(): string | null {
  if (process.getuid?.() !== 0) return 'not root: no tmpfs to compare with';
  mkdirSync(mnt, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', 'sudsim-test', mnt]);
  return r.status === 0 ? null : `mount -t tmpfs failed: ${r.stderr}`;
}

const skip = mountTmpfs();
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`tmpfs directory sizes skipped: ${skip}`);

const SCRIPT = [
  'stat -c "%s %b" .; mkdir d; stat -c "%s %b" . d',
  'touch d/a d/b; mkfifo d/f; ln -s x d/l; stat -c %s d',
  'rm d/a; mv d/b d/c; stat -c %s d; mv d/c .; stat -c %s d .',
  'rmdir d 2>&1; rm -r d; stat -c %s .; ls -l | head -1; du -s .',
].join('; ');

maybe('tmpfs directories: sizes and blocks as natively', () => {
  afterAll(() => {
    spawnSync('umount', [mnt]);
  });

  it(SCRIPT, () => {
    const host = spawnSync('/bin/bash', ['-c', SCRIPT], { env: ENV, cwd: mnt, encoding: 'utf8' });
    expect(host.status).toBe(0);
    expect(host.stdout).toMatch(/^40 0$/m);
    const r = spawnSync(process.execPath, [CLI, 'run', '/bin/bash', '-c', `cd /tmp && ${SCRIPT}`], { env: ENV, cwd: '/', encoding: 'utf8' });
    expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({ stdout: host.stdout, stderr: host.stderr, status: host.status });
  });
});
