/**
 * `sudsim run` shows the program the host's files, read-only, under the
 * machine's own (the host layer): programs that read the user database,
 * the time zone, directories, links and configuration files, a shell and
 * coreutils print what they print natively. A change to a host file
 * changes the machine's copy only. --no-host-files leaves them out.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gccUnavailable, workDir, muslGccAvailable } from '../helpers/native.js';

const CLI = join(process.cwd(), 'bin', 'sudsim.js');
const dir = join(import.meta.dirname, 'programs');

const skip = gccUnavailable() ?? (existsSync('/etc/passwd') && existsSync('/bin/sh') ? null : 'the host has no /etc/passwd or /bin/sh');
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`sudsim run with the host's files skipped: ${skip}`);

/** An environment both sides get whole (the CLI passes its own to the program). */
const ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', HOME: '/root' };

function native(cmd: string, args: string[], env: Record<string, string> = ENV, cwd = '/'): { stdout: string; status: number | null } {
  const r = spawnSync(cmd, args, { env, cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { stdout: r.stdout, status: r.status };
}

function sudsim(cmd: string, args: string[], env: Record<string, string> = ENV, cwd = '/', flags: string[] = []): { stdout: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, 'run', ...flags, cmd, ...args], { env, cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { stdout: r.stdout, status: r.status };
}

/** A directory that lists the same on every host run (one with files, not too many). */
const LISTED = existsSync('/usr/share/doc/bash') ? '/usr/share/doc/bash' : '/etc';
/** A symbolic link of the host to stat and read: /bin where /bin is a link to usr/bin. */
const LINK = existsSync('/bin') && statSync('/bin').isDirectory() ? '/bin' : '/usr/bin';

maybe("sudsim run: the host's files under the machine's, as natively", () => {
  const builds: [string, () => string][] = [
    ['glibc, dynamic (NSS)', () => {
      const out = join(workDir, 'host-files-dyn');
      execFileSync('gcc', ['-O1', '-o', out, join(dir, 'host_files.c')]);
      return out;
    }],
    ...(muslGccAvailable()
      ? [['musl, static', () => {
        const out = join(workDir, 'host-files-musl');
        execFileSync('musl-gcc', ['-static', '-O1', '-o', out, join(dir, 'host_files.c')]);
        return out;
      }] as [string, () => string]]
      : []),
  ];
  for (const [libc, build] of builds) {
    for (const tz of [undefined, 'Europe/Paris']) {
      it(`host_files.c (${libc}, TZ ${tz ?? 'unset: /etc/localtime'}) prints what it prints natively`, () => {
        const exe = build();
        const env: Record<string, string> = tz ? { ...ENV, TZ: tz } : ENV;
        const host = native(exe, [LISTED, LINK], env);
        expect(host.status).toBe(0);
        // worth comparing only where the host has what the program reads
        expect(host.stdout).toMatch(/^getpwuid\(0\): root$/m);
        expect(host.stdout).toMatch(/^readdir \S+: (\d{2,}|[3-9]) entries$/m);
        expect(host.stdout).toContain('os-release: ');
        expect(sudsim(exe, [LISTED, LINK], env)).toEqual(host);
      });
    }
  }

  it('--no-host-files: the host files are absent (ENOENT), as for a machine of given files only', () => {
    const exe = join(workDir, 'host-files-dyn-off');
    execFileSync('gcc', ['-O1', '-o', exe, join(dir, 'host_files.c')]);
    const on = sudsim(exe, [LISTED, LINK]);
    expect(on.stdout).toMatch(/^getpwuid\(0\): root$/m);
    const off = sudsim(exe, [LISTED, LINK], ENV, '/', ['--no-host-files']);
    expect(off.status).toBe(0);
    expect(off.stdout).toMatch(/^getpwuid\(0\): \(none\)$/m);
    expect(off.stdout).toContain(`opendir ${LISTED}: errno 2\n`);
    expect(off.stdout).toContain('fopen /etc/os-release: errno 2\n');
    expect(off.stdout).not.toMatch(/^os-release: /m);
  });
});

/** Shell scripts and coreutils whose output depends on no pid or clock. */
const SCRIPTS: string[] = [
  'wc -l /etc/passwd; sort /etc/passwd; cat /etc/os-release | sort | head -3',
  'for f in /etc/passwd /etc/group; do wc -l < $f; done; test -d /usr && echo dir; [ -L /bin ] && echo link; ls /usr/share/doc | wc -l',
  'cd /usr/share && ls -d doc/*/ | head -5 && pwd && ls -la --time-style=long-iso doc | head -20',
  'command -v ls; type cat; readlink -f /bin/sh; realpath /etc/os-release; stat -c "%n %a %U %G %s %F" /etc/passwd /bin /usr/bin /etc/hostname',
  // du counts a file (or directory) once per inode number: two paths of one number would be counted once
  'du -s /usr/share/doc /usr/include /etc',
  // unsorted: directories read in the host's order
  'find /etc/apt /usr/share/doc/bash | head -60; ls -U /usr/share/doc | head; tar cf - -C / etc/apt usr/share/doc/bash 2>/dev/null | md5sum',
];

maybe('sudsim run: /bin/sh scripts and coreutils on the host files, as natively', () => {
  const shells = ['/bin/sh', ...(existsSync('/usr/bin/busybox') ? ['/usr/bin/busybox'] : [])];
  for (const sh of shells) {
    SCRIPTS.forEach((script, i) => {
      it(`${sh} script ${i + 1}`, () => {
        const args = sh.endsWith('busybox') ? ['sh', '-c', script] : ['-c', script];
        const host = native(sh, args);
        expect(host.stdout.length).toBeGreaterThan(0);
        expect(sudsim(sh, args)).toEqual(host);
      });
    });
  }

  const python = existsSync('/usr/bin/python3') ? it : it.skip;
  python('/usr/bin/python3 with its standard library from the host', () => {
    const code = 'import hashlib, json, os, pwd, sqlite3; print(json.dumps(sorted(os.listdir("/etc"))[:5]), pwd.getpwuid(0).pw_name, '
      + 'hashlib.sha256(open("/etc/passwd", "rb").read()).hexdigest(), sqlite3.sqlite_version, os.path.realpath("/bin/sh"))';
    const host = native('/usr/bin/python3', ['-c', code]);
    expect(host.status).toBe(0);
    expect(sudsim('/usr/bin/python3', ['-c', code])).toEqual(host);
  });

  for (const cmd of [['/usr/bin/ls', '-la', '--time-style=long-iso', '/usr/share/doc'], ['/usr/bin/sort', '/etc/passwd'], ['/usr/bin/wc', '-l', '/etc/passwd']]) {
    it(cmd.join(' '), () => {
      const host = native(cmd[0], cmd.slice(1));
      expect(host.status).toBe(0);
      expect(sudsim(cmd[0], cmd.slice(1))).toEqual(host);
    });
  }
});

/** A directory on the host's root filesystem (the host's /tmp is no part of the machine's tree). */
function hostDir(): string {
  return mkdtempSync('/var/tmp/sudsim-host-layer-');
}

maybe('sudsim run: a host file changed in the machine changes the machine\'s copy only', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A fresh directory of host files, with times far in the past, so that a change would show. */
  function fixture(): string {
    const d = hostDir();
    made.push(d);
    writeFileSync(join(d, 'data.txt'), 'first line\n');
    writeFileSync(join(d, 'gone.txt'), 'to be removed\n');
    writeFileSync(join(d, 'keep.txt'), 'to be renamed\n');
    chmodSync(join(d, 'data.txt'), 0o644);
    // a dangling link: an O_CREAT open through it makes what it names
    symlinkSync('made-through-link.txt', join(d, 'dangling'));
    for (const f of ['data.txt', 'gone.txt', 'keep.txt', '.']) utimesSync(join(d, f), 1_000_000, 1_000_000);
    return d;
  }

  const SCRIPT = [
    'cat data.txt',
    'echo appended >> data.txt',
    'cat data.txt',
    'printf new > new.txt',
    'rm gone.txt',
    'mv keep.txt moved.txt',
    'chmod 600 data.txt',
    'ls',
    'stat -c "%n %a %s" data.txt moved.txt new.txt',
    'cat moved.txt',
    'ls gone.txt 2>&1 || echo "gone: $?"',
    'echo through the link > dangling',
    'cat made-through-link.txt',
    'readlink dangling',
  ].join('; ');

  it('writes, creates, removes, renames and chmods as natively, and the host files stay as they were', () => {
    // natively on one copy (which it changes), through the machine on another
    const hostRun = fixture();
    const expected = native('/bin/sh', ['-c', SCRIPT], ENV, hostRun);
    expect(expected.status).toBe(0);
    expect(expected.stdout).toContain('first line\nappended\n');
    expect(expected.stdout).toContain('through the link\n');

    const d = fixture();
    const before = new Map(['data.txt', 'gone.txt', 'keep.txt', '.'].map((f) => [f, statSync(join(d, f))]));
    const bytes = readFileSync(join(d, 'data.txt'));
    expect(sudsim('/bin/sh', ['-c', SCRIPT], ENV, d)).toEqual(expected);

    // the host's directory is as the fixture made it
    expect(readFileSync(join(d, 'data.txt'))).toEqual(bytes);
    for (const [f, st] of before) {
      const now = statSync(join(d, f));
      expect({ f, mtimeMs: now.mtimeMs, mode: now.mode, size: now.size }).toEqual({ f, mtimeMs: st.mtimeMs, mode: st.mode, size: st.size });
    }
    expect(existsSync(join(d, 'new.txt'))).toBe(false);
    expect(existsSync(join(d, 'moved.txt'))).toBe(false);
    expect(existsSync(join(d, 'made-through-link.txt'))).toBe(false);
    expect(readFileSync(join(d, 'gone.txt'), 'utf8')).toBe('to be removed\n');
  });

  it('a host directory is moved by copying (EXDEV, as overlayfs without redirect_dir), the host keeping its own', () => {
    const script = 'ls -R tree; mv tree moved && ls -R moved; ls; cat moved/sub/f';
    const withTree = (): string => {
      const d = fixture();
      mkdirSync(join(d, 'tree', 'sub'), { recursive: true });
      writeFileSync(join(d, 'tree', 'sub', 'f'), 'in the tree\n');
      return d;
    };
    const expected = native('/bin/sh', ['-c', script], ENV, withTree());
    expect(expected.status).toBe(0);
    expect(expected.stdout).toContain('moved/sub:');
    const d = withTree();
    expect(sudsim('/bin/sh', ['-c', script], ENV, d)).toEqual(expected);
    expect(readFileSync(join(d, 'tree', 'sub', 'f'), 'utf8')).toBe('in the tree\n');
    expect(existsSync(join(d, 'moved'))).toBe(false);
  });
});
