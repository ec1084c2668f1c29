/**
 * Building and running guest programs natively: the machine's gcc compiles
 * them at test time, and the host kernel runs them, so the engine can be
 * compared with the real thing. Tests skip (saying why) when gcc is missing.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NR_CPUS, cpuListCount } from '../../src/kernel/cpumask.js';

let gccChecked: string | null | undefined;

/** Why native builds cannot run here, or null when gcc works. */
export function gccUnavailable(): string | null {
  if (gccChecked !== undefined) return gccChecked;
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    gccChecked = process.arch === 'x64' && process.platform === 'linux' ? null : `host is ${process.platform}/${process.arch}, not linux/x64`;
  } catch {
    gccChecked = 'gcc is not installed';
  }
  return gccChecked;
}

export const workDir = mkdtempSync(join(tmpdir(), 'sudsim-test-'));

/** Compiles sources with gcc; returns the path of the static executable. */
export function buildStatic(name: string, sources: { [file: string]: string } | string[], flags: string[]): string {
  const out = join(workDir, name);
  const files: string[] = [];
  if (Array.isArray(sources)) files.push(...sources);
  else {
    for (const [f, text] of Object.entries(sources)) {
      const p = join(workDir, `${name}-${f}`);
      writeFileSync(p, text);
      files.push(p);
    }
  }
  execFileSync('gcc', ['-static', '-o', out, ...flags, ...files], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

/**
 * buildStatic for source files on disk, without blocking: a suite that
 * builds many variants starts them together and awaits them all.
 */
export function buildStaticAsync(name: string, files: string[], flags: string[]): Promise<string> {
  const out = join(workDir, name);
  return new Promise((resolve, reject) => {
    execFile('gcc', ['-static', '-o', out, ...flags, ...files], (err, _stdout, stderr) => {
      if (err) reject(new Error(`gcc failed building ${name}:\n${stderr}`));
      else resolve(out);
    });
  });
}

export interface NativeResult {
  stdout: Buffer;
  stderr: Buffer;
  /** exit status, or null when killed */
  status: number | null;
  signal: string | null;
}

export function runNative(path: string, args: string[] = [], input?: Buffer): NativeResult {
  const r = spawnSync(path, args, { input, maxBuffer: 64 << 20, timeout: 60000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal };
}

export function readBinary(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/**
 * The host's online CPUs, as its /sys/devices/system/cpu/online lists them,
 * or undefined when this process may not run on all of them (a taskset or
 * cpuset: the C library's counts then disagree with one another, which a
 * machine does not model) or there are more than a machine can have (64).
 */
export function hostOnlineCpus(): number | undefined {
  let n: number;
  try {
    n = cpuListCount(readFileSync('/sys/devices/system/cpu/online', 'utf8'));
  } catch {
    return undefined;
  }
  return n >= 1 && n <= NR_CPUS && availableParallelism() === n ? n : undefined;
}

/** Whether musl-gcc is installed (Debian: musl-tools). */
export function muslGccAvailable(): boolean {
  try {
    execFileSync('musl-gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the host tool at path cannot run here (it answers `versionArg`), or null when it can. */
export function hostToolMissing(path: string, versionArg: string, debianPackage: string): string | null {
  try {
    execFileSync(path, [versionArg], { stdio: 'ignore' });
    return null;
  } catch {
    return `no ${path} (apt-get install ${debianPackage})`;
  }
}

/**
 * `describe` for a suite that needs what `missing` says is not there (null:
 * all there), else `describe.skip` after saying why; in CI, where .ci/run
 * installs what the tests need, an Error instead.
 */
export function describeNeeding(suite: string, missing: string | null): typeof describe | typeof describe.skip {
  if (missing === null) return describe;
  if (process.env.CI) throw new Error(`${suite}: ${missing}; .ci/run installs what it needs`);
  console.warn(`${suite} skipped: ${missing}`);
  return describe.skip;
}
