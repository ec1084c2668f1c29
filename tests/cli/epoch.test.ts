/**
 * `sudsim run` starts the machine's clock at the host's current time, as a
 * shell's programs see it (the host's files then lie in the machine's
 * past); --epoch fixes it, for reproducible runs, and a bad value is
 * refused before anything runs. The host's own date(1) reads the clock,
 * through the host layer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'bin', 'sudsim.js');
const ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
const DATE = ['/usr/bin/date', '/bin/date'].find((p) => existsSync(p));

const skip = process.platform !== 'linux' || process.arch !== 'x64' ? 'host is not linux/x64' : DATE === undefined ? 'no date(1) on the host' : null;
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`sudsim run's realtime epoch skipped: ${skip}`);

function sudsim(flags: string[], argv: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, 'run', ...flags, ...argv], { env: ENV, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

maybe("sudsim run: the machine's realtime epoch", () => {
  it('--epoch 1700000000 starts the clock at 2023-11-14 22:13:20 UTC', () => {
    const r = sudsim(['--epoch', '1700000000'], [DATE!, '-u', '+%Y-%m-%d %H:%M']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('2023-11-14 22:13\n');
  });

  it('starts at the host\'s current time without --epoch', () => {
    const before = Math.floor(Date.now() / 1000);
    const r = sudsim([], [DATE!, '-u', '+%s']);
    const after = Math.ceil(Date.now() / 1000);
    expect(r.status).toBe(0);
    const s = Number(r.stdout.trim());
    expect(s).toBeGreaterThanOrEqual(before);
    expect(s).toBeLessThanOrEqual(after);
    const year = sudsim([], [DATE!, '-u', '+%Y']);
    expect(year.stdout).toBe(`${new Date().getUTCFullYear()}\n`);
  });

  it.each([['-1'], ['1.5'], ['soon'], ['99999999999999999999']])('refuses --epoch %s with status 2', (bad) => {
    const r = sudsim(['--epoch', bad], [DATE!, '+%s']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--epoch/);
    expect(r.stdout).toBe('');
  });
});
