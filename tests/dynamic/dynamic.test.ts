/**
 * Dynamically linked programs (tests/dynamic/programs), built by the host's
 * gcc as it builds by default, run natively, through `sudsim run` and
 * through the library API (Machine with hostDependencies): the loader, libc
 * and the other shared objects come from the host, and the output and exit
 * status must be the same bytes. Then what goes wrong: a loader that is
 * missing or no ELF file (execve's errors, the CLI's message), and a shared
 * object found only through DT_RUNPATH's $ORIGIN or not at all (the
 * loader's own error, as on the host).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine, Errno, hostDependencies } from '../../src/api/index.js';
import { gccUnavailable, readBinary, workDir } from '../helpers/native.js';

const CLI = join(process.cwd(), 'bin', 'sudsim.js');
const dir = join(import.meta.dirname, 'programs');
const ENV = { DYN_TEST_VAR: 'set by the test', PATH: '/usr/bin:/bin' };
const ENV_LIST = Object.entries(ENV).map(([k, v]) => `${k}=${v}`);

/** gcc as the user runs it (no -static); throws with gcc's message. */
function gcc(out: string, args: string[]): string {
  execFileSync('gcc', ['-O2', '-o', out, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

/** Why dynamic glibc programs cannot be built and run here, or null. */
function dynamicUnavailable(): string | null {
  const no = gccUnavailable();
  if (no) return no;
  const src = join(workDir, 'dyn-probe.c');
  writeFileSync(src, '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n');
  try {
    const exe = gcc(join(workDir, 'dyn-probe'), [src]);
    return spawnSync(exe, { encoding: 'utf8' }).stdout === 'ok\n' ? null : 'a dynamically linked program does not run natively';
  } catch (err) {
    return `gcc cannot link a dynamic glibc program: ${(err as Error).message.split('\n')[0]}`;
  }
}

const skip = dynamicUnavailable();
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`dynamically linked programs skipped: ${skip}`);

function runCli(args: string[], cwd = workDir): { stdout: string; stderr: string; status: number | null } {
  const flags = ['--clear-env', ...ENV_LIST.flatMap((e) => ['--env', e])];
  const r = spawnSync(process.execPath, [CLI, 'run', ...flags, ...args], { cwd, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function runLibrary(exe: string, args: string[]): { stdout: string; status: number | null } {
  const m = new Machine();
  for (const f of hostDependencies(exe, { cwd: workDir, env: ENV_LIST })) m.addFile(f.path, f.data);
  const bytes = readBinary(exe);
  m.addFile(exe, bytes);
  m.load(bytes, { argv: [exe, ...args], env: ENV_LIST, execfn: exe, cwd: workDir });
  const r = m.run();
  return { stdout: m.stdoutText(), status: r.kind === 'exited' ? r.status : null };
}

function runNative(exe: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(exe, args, { cwd: workDir, env: ENV, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

maybe('dynamically linked programs run as on the host', () => {
  const cases: { name: string; source: string; flags: string[]; args: string[] }[] = [
    { name: 'loaded-pie', source: 'loaded.c', flags: ['-fPIE', '-pie'], args: ['one', 'two words'] },
    { name: 'loaded-no-pie', source: 'loaded.c', flags: ['-fno-PIE', '-no-pie'], args: ['three'] },
    { name: 'math', source: 'math.c', flags: ['-lm'], args: [] },
    { name: 'threads', source: 'threads.c', flags: ['-pthread'], args: [] },
    { name: 'sud', source: 'sud.c', flags: [], args: [] },
    // the vDSO under SUD (tests/musl/vdso_sud.c), through glibc: linked dynamically and statically
    { name: 'vdso-sud', source: '../../musl/vdso_sud.c', flags: [], args: [] },
    { name: 'vdso-sud-static', source: '../../musl/vdso_sud.c', flags: ['-static'], args: [] },
    // AF_INET and AF_INET6 over the loopback (tests/musl/inet_*.c), through glibc
    { name: 'inet-tcp', source: '../../musl/inet_tcp.c', flags: ['-pthread'], args: [] },
    { name: 'inet-tcp-static', source: '../../musl/inet_tcp.c', flags: ['-static', '-pthread'], args: [] },
    { name: 'inet-udp', source: '../../musl/inet_udp.c', flags: [], args: [] },
    { name: 'inet6', source: '../../musl/inet6.c', flags: [], args: [] },
  ];
  for (const c of cases) {
    it(`${c.name}: the same output and status natively, through the CLI and through the library`, () => {
      const exe = gcc(join(workDir, `dyn-${c.name}`), [join(dir, c.source), ...c.flags]);
      const native = runNative(exe, c.args);
      // worth comparing only when the program ran to its end natively
      expect(native.stdout.length).toBeGreaterThan(0);
      expect(native.stderr).toBe('');
      const cli = runCli([exe, ...c.args]);
      expect({ stdout: cli.stdout, status: cli.status }).toEqual({ stdout: native.stdout, status: native.status });
      expect(runLibrary(exe, c.args)).toEqual({ stdout: native.stdout, status: native.status });
    });
  }

  it('a static program executes a dynamic one given with --file, which starts as it does natively', () => {
    const exec = gcc(join(workDir, 'dyn-exec-static'), ['-static', join(dir, 'exec.c')]);
    const target = gcc(join(workDir, 'dyn-exec-target'), [join(dir, 'loaded.c')]);
    const native = runNative(exec, [target, 'from', 'exec']);
    expect(native.stdout).toContain('DYN_TEST_VAR = from exec.c');
    const cli = runCli(['--file', `${target}=${target}`, exec, target, 'from', 'exec']);
    expect({ stdout: cli.stdout, status: cli.status }).toEqual({ stdout: native.stdout, status: native.status });
  });
});

maybe('a dynamic program whose loader or libraries are missing or broken fails as on the host', () => {
  const loaders = mkdtempSync(join(workDir, 'loaders-'));
  const short = join(loaders, 'short');
  const long = join(loaders, 'long');
  writeFileSync(short, 'not an elf\n');
  writeFileSync(long, 'x'.repeat(100));
  chmodSync(short, 0o755);
  chmodSync(long, 0o755);
  const withLoader = (name: string, loader: string): string =>
    gcc(join(loaders, name), [join(dir, 'loaded.c'), `-Wl,--dynamic-linker=${loader}`]);

  it('execve of a program whose loader is missing, too short or no ELF file fails with the host\'s errno', () => {
    const exec = gcc(join(loaders, 'exec'), ['-static', join(dir, 'exec.c')]);
    const progs = [withLoader('none', join(loaders, 'missing')), withLoader('short-loader', short), withLoader('long-loader', long)];
    const files = [short, long, ...progs].flatMap((f) => ['--file', `${f}=${f}`]);
    for (const p of progs) {
      const native = runNative(exec, [p]);
      expect(native.stdout).toMatch(/^execve .*: E[A-Z]+\n$/);
      const cli = runCli([...files, exec, p], loaders);
      expect({ stdout: cli.stdout, status: cli.status }).toEqual({ stdout: native.stdout, status: native.status });
    }
  });

  it('the CLI says which loader is missing (status 127, as a shell), and Machine.load throws ENOENT', () => {
    const prog = withLoader('none-cli', join(loaders, 'missing'));
    const native = spawnSync(prog);
    expect((native.error as NodeJS.ErrnoException | undefined)?.code).toBe('ENOENT');
    const cli = runCli([prog]);
    expect(cli.status).toBe(127);
    expect(cli.stderr).toContain(`interpreter ${join(loaders, 'missing')}: No such file or directory`);
    const m = new Machine();
    const bytes = readBinary(prog);
    m.addFile(prog, bytes);
    let thrown: unknown;
    try {
      m.load(bytes, { argv: [prog] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Errno);
    expect((thrown as Errno).errno).toBe(2);
  });

  it('a shared object found through DT_RUNPATH $ORIGIN loads; one found nowhere is the loader\'s error, as natively', () => {
    const libDir = mkdtempSync(join(workDir, 'needed-'));
    gcc(join(libDir, 'libneeded.so'), ['-shared', '-fPIC', join(dir, 'needed.c')]);
    const found = gcc(join(libDir, 'needs-origin'), [join(dir, 'needs.c'), `-L${libDir}`, '-lneeded', "-Wl,-rpath,$ORIGIN", '-Wl,--enable-new-dtags']);
    const lost = gcc(join(libDir, 'needs-lost'), [join(dir, 'needs.c'), `-L${libDir}`, '-lneeded']);
    expect(hostDependencies(found).map((f) => f.path)).toContain(join(libDir, 'libneeded.so'));
    for (const exe of [found, lost]) {
      const native = runNative(exe, []);
      const cli = runCli([exe]);
      expect({ stdout: cli.stdout, stderr: cli.stderr, status: cli.status }).toEqual(native);
    }
    expect(runNative(lost, []).status).toBe(127);
  });
});
