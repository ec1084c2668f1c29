/**
 * The library's host layer: off by default (a machine holds only what
 * addFile gives it), `hostFiles: true` shows the host's files read-only
 * under the machine's, `hostFiles: dir` a host directory as the machine's
 * /. A snapshot of a machine with the host layer restores to the same run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { gccUnavailable, readBinary, runNative, workDir, muslGccAvailable } from '../helpers/native.js';

const skip = gccUnavailable() ?? (muslGccAvailable() ? null : 'musl-gcc is not installed');
if (skip) console.warn(`host layer tests skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;
const source = join(import.meta.dirname, '..', 'cli', 'programs', 'host_files.c');

let exe: string;
/** host_files.c, static with musl (whose user database needs no NSS modules). */
const program = (): string => {
  if (!exe) {
    exe = join(workDir, 'api-host-files');
    execFileSync('musl-gcc', ['-static', '-O1', '-o', exe, source]);
  }
  return exe;
};

const ARGV = ['host_files', '/etc', '/bin'];

function runIn(m: Machine): { status: number | undefined; stdout: string } {
  m.load(readBinary(program()), { argv: ARGV });
  const r = m.run();
  return { status: r.kind === 'exited' ? r.status : undefined, stdout: m.stdoutText() };
}

maybe('MachineOptions.hostFiles', () => {
  it('is off by default: the host files are absent (ENOENT)', () => {
    const out = runIn(new Machine());
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^getpwuid\(0\): \(none\)$/m);
    expect(out.stdout).toContain('opendir /etc: errno 2\n');
    expect(out.stdout).toContain('fopen /etc/os-release: errno 2\n');
  });

  it('true: the program reads the host files as natively', () => {
    const host = runNative(program(), ARGV.slice(1));
    expect(host.status).toBe(0);
    expect(host.stdout.toString()).toMatch(/^getpwuid\(0\): root$/m);
    expect(runIn(new Machine({ hostFiles: true }))).toEqual({ status: 0, stdout: host.stdout.toString() });
  });

  it('a directory: that host directory is the machine\'s /, its absolute links resolved in the machine', () => {
    const root = mkdtempSync(join(workDir, 'root-'));
    try {
      mkdirSync(join(root, 'etc'));
      mkdirSync(join(root, 'usr', 'lib'), { recursive: true });
      const release = 'NAME="made by the test"\nID=test\n';
      writeFileSync(join(root, 'usr', 'lib', 'os-release'), release);
      // an absolute link: /usr/lib/os-release of the machine, which is under root, not the host's
      execFileSync('ln', ['-s', '/usr/lib/os-release', join(root, 'etc', 'os-release')]);
      writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:the test:/nowhere:/bin/false\n');
      const out = runIn(new Machine({ hostFiles: root }));
      expect(out.stdout).toContain(release.split('\n').filter((l) => l).map((l) => `os-release: ${l}\n`).join(''));
      expect(out.stdout).toContain('getpwuid(0): root\n  dir /nowhere shell /bin/false\n');
      expect(out.stdout).toContain('realpath /etc/os-release: /usr/lib/os-release\n');
      // the host's own file there is another one
      expect(readFileSync('/etc/passwd', 'utf8')).not.toContain('/nowhere');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a snapshot of a machine with host files restores to the same run', () => {
    let opened = false;
    const m = new Machine({ hostFiles: true, trace: (line) => (opened ||= /^open(at)?\(.*"\/etc\/os-release".* = \d+$/.test(line)) });
    m.load(readBinary(program()), { argv: ARGV });
    // part way in: a file of the host layer open, not yet read to its end
    for (let i = 0; i < 100_000 && !opened; i++) expect(m.run({ maxInsns: 1000 }).kind).toBe('budget');
    expect(opened).toBe(true);
    const snap = m.snapshot();
    const first = m.run();
    const out1 = m.stdoutText();
    m.restore(snap, { check: true });
    const second = m.run();
    expect(second).toEqual(first);
    expect(m.stdoutText()).toBe(out1);
    expect(out1).toMatch(/^os-release: /m);
  });
});
