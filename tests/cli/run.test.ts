/**
 * `sudsim run` gives a program what a shell gives it natively: the shell's
 * working directory and environment, and a file tree it can write. A
 * program that changes files in its working directory (tests/cli/programs)
 * runs natively in a fresh directory of fixture files and through the CLI
 * in another, made the same, with the fixtures passed as --file; both must
 * print the same bytes and exit the same.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildStatic, gccUnavailable, workDir, muslGccAvailable } from '../helpers/native.js';

const CLI = join(process.cwd(), 'bin', 'sudsim.js');
const dir = join(import.meta.dirname, 'programs');

const skip = gccUnavailable();
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`sudsim run against the host skipped: ${skip}`);

const FIXTURES: Record<string, string> = { 'data/given.txt': 'hello, file', 'data/sub/inner.txt': 'inner' };

/** A fresh directory holding the fixture files. */
function fixtureDir(): string {
  const d = mkdtempSync(join(workDir, 'cwd-'));
  for (const [name, text] of Object.entries(FIXTURES)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

/** The environment both sides get: a variable of the test's and HOME, nothing else of this process's. */
const ENV = { DISK_TEST_VAR: 'set by the test', HOME: '/root' };

maybe('sudsim run: working directory, environment and a writable file tree as natively', () => {
  const builds: [string, () => string][] = [
    ['glibc', () => buildStatic('cli-disk-glibc', [join(dir, 'disk.c')], ['-O2'])],
    ...(muslGccAvailable()
      ? [['musl', () => {
        const out = join(workDir, 'cli-disk-musl');
        execFileSync('musl-gcc', ['-static', '-O2', '-o', out, join(dir, 'disk.c')]);
        return out;
      }] as [string, () => string]]
      : []),
  ];

  for (const [libc, build] of builds) {
    it(`disk.c (${libc}) prints the same and changes the same files as natively`, () => {
      const exe = build();
      const here = fixtureDir();
      const native = spawnSync(exe, [here], { cwd: here, env: ENV, encoding: 'utf8' });
      expect(native.status).toBe(0);
      // the output is only worth comparing if the program got as far as its last checks
      expect(native.stdout).toContain('access("moved-data", W_OK) = 0');

      const there = fixtureDir();
      const files = Object.keys(FIXTURES).flatMap((name) => ['--file', `${name}=${join(there, name)}`]);
      const engine = spawnSync(process.execPath, [CLI, 'run', '--clear-env', '--env', `DISK_TEST_VAR=${ENV.DISK_TEST_VAR}`, '--env', `HOME=${ENV.HOME}`, ...files, exe, there], {
        cwd: there,
        encoding: 'utf8',
      });
      expect({ stdout: engine.stdout, status: engine.status }).toEqual({ stdout: native.stdout, status: 0 });
    });
  }

  it('passes this shell\'s environment unless told otherwise, and says what is wrong with a bad --env', () => {
    const exe = buildStatic('cli-disk-env', [join(dir, 'disk.c')], ['-O1']);
    const there = fixtureDir();
    const withHost = spawnSync(process.execPath, [CLI, 'run', exe, there], { cwd: there, env: { ...process.env, DISK_TEST_VAR: 'inherited' }, encoding: 'utf8' });
    expect(withHost.stdout).toContain('env DISK_TEST_VAR=inherited HOME set=');
    // the fixtures were not passed: the program finds no data directory and says so
    expect(withHost.stdout).toContain('cat data/given.txt: errno 2');
    const cleared = spawnSync(process.execPath, [CLI, 'run', '--clear-env', '--cwd', '/elsewhere/deep', exe, '/elsewhere/deep'], { encoding: 'utf8' });
    expect(cleared.stdout).toContain('env DISK_TEST_VAR=(unset) HOME set=0');
    expect(cleared.stdout).toContain('cwd is the directory given: 1');
    const bad = spawnSync(process.execPath, [CLI, 'run', '--env', 'NOEQUALS', exe], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--env expects NAME=VALUE, got NOEQUALS');
  });
});

maybe('sudsim run: stdout a pipe whose reader has left', () => {
  // the pipeline's reader takes a few bytes and exits; the shell reports the writer's status
  const SCRIPT = '"$@" | head -c 6 >/dev/null; echo "status ${PIPESTATUS[0]}" >&2';

  /** The writer's own stderr lines and the status the shell saw (sudsim's line naming a fatal signal left out). */
  function pipeline(cmd: string[]): string[] {
    const r = spawnSync('bash', ['-c', SCRIPT, '--', ...cmd], { encoding: 'utf8' });
    return r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('sudsim: '));
  }

  for (const how of ['default', 'ignore', 'handle']) {
    it(`SIGPIPE ${how}: the same death or EPIPE as natively`, () => {
      const exe = buildStatic('cli-closed-stdout', [join(dir, 'closed_stdout.c')], ['-O2']);
      const native = pipeline([exe, how]);
      expect(native[native.length - 1]).toMatch(/^status \d+$/);
      expect(pipeline([process.execPath, CLI, 'run', exe, how])).toEqual(native);
    });
  }
});

maybe('sudsim run: stdin opened on a regular file', () => {
  for (const offset of [0, 11]) {
    it(`is that file, seekable, from the offset the shell's description reached (${offset})`, () => {
      const exe = buildStatic('cli-stdin-file', [join(dir, 'stdin_file.c')], ['-O2']);
      const file = join(mkdtempSync(join(workDir, 'stdin-')), 'input.txt');
      writeFileSync(file, 'line one\nline two\nline three\n');
      /** The program run with stdin on the file, read up to offset first (as `{ read x; prog; } < file` leaves it). */
      const withStdin = (cmd: string, args: string[]) => {
        const fd = openSync(file, 'r');
        if (offset > 0) readSync(fd, Buffer.alloc(offset), 0, offset, null);
        try {
          return spawnSync(cmd, args, { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
        } finally {
          closeSync(fd);
        }
      };
      const native = withStdin(exe, [file]);
      expect(native.stdout).toContain('fd 0 names argv[1]: 1');
      const engine = withStdin(process.execPath, [CLI, 'run', exe, file]);
      expect({ stdout: engine.stdout, status: engine.status }).toEqual({ stdout: native.stdout, status: native.status });
    });
  }
});
