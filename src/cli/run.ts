/** `sudsim run`: the guest's status becomes ours (128 + signal when it was killed). */
import { fstatSync, readFileSync, readSync, readlinkSync, statSync } from 'node:fs';
import { basename, posix } from 'node:path';
import { availableParallelism } from 'node:os';
import { NR_CPUS, cpuListCount } from '../kernel/cpumask.js';
import { Machine, type MachineOptions } from '../api/machine.js';
import { Errno, ENOENT } from '../kernel/errno.js';
import { hostDependencies } from '../api/host_libraries.js';
import { mountOf } from '../kernel/tmpfs.js';
import { signalName, signalDescription } from '../kernel/signal_names.js';

export interface RunOptions {
  profile: string;
  trace?: boolean;
  maxInsns?: bigint;
  seed?: bigint;
  noSmap?: boolean;
  sysctl?: string;
  file?: string[];
  /** NAME=VALUE settings over the environment. */
  env?: string[];
  /** Start from an empty environment rather than this process's. */
  clearEnv?: boolean;
  /** The working directory in the machine (default this process's). */
  cwd?: string;
  /** The host's files, read-only, under the machine's (default on, as a shell sees them). */
  hostFiles?: boolean;
  /** The machine's CPUs (default the host's online ones, as a shell sees them). */
  cpus?: number;
  /** CLOCK_REALTIME at start, in seconds since 1970 (default the host's current time, as a shell sees it). */
  epoch?: number;
}

/**
 * The host's online CPUs (its /sys/devices/system/cpu/online list, else
 * what Node finds), as many as the machine can have.
 */
function hostCpus(): number {
  let n: number;
  try {
    n = cpuListCount(readFileSync('/sys/devices/system/cpu/online', 'utf8'));
  } catch {
    n = availableParallelism();
  }
  return Math.min(Math.max(n || 1, 1), NR_CPUS);
}

/**
 * The program's environment: this process's (as a shell passes its own),
 * or none with --clear-env, with each --env NAME=VALUE set over it in
 * order. undefined after a message when a setting is malformed.
 */
function environment(opts: RunOptions): string[] | undefined {
  const env = new Map<string, string>();
  if (!opts.clearEnv) for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env.set(k, v);
  for (const spec of opts.env ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      process.stderr.write(`sudsim: --env expects NAME=VALUE, got ${spec}\n`);
      return undefined;
    }
    env.delete(spec.slice(0, eq));
    env.set(spec.slice(0, eq), spec.slice(eq + 1));
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** The most of a file given as stdin that the machine copies in (a larger one is read as a stream). */
const STDIN_FILE_MAX = 256 << 20;

/**
 * This process's stdin when the shell opened it on a regular file, read-only
 * (`prog < file`): the file's path, its bytes and the offset its description
 * has reached, for the program's fd 0 to be that file in the machine too
 * (seekable, a regular file to fstat). undefined for a pipe, a terminal, or
 * a file that cannot be named again.
 */
function hostStdinFile(): { path: string; data: Uint8Array; offset: number } | undefined {
  try {
    const st = fstatSync(0);
    if (!st.isFile() || st.size > STDIN_FILE_MAX) return undefined;
    const info = readFileSync('/proc/self/fdinfo/0', 'utf8');
    const pos = /^pos:\s*(\d+)/m.exec(info);
    const flags = /^flags:\s*([0-7]+)/m.exec(info);
    // O_ACCMODE: a description also open for writing (`<>`) stays a stream
    if (!pos || !flags || (parseInt(flags[1], 8) & 3) !== 0) return undefined;
    const path = readlinkSync('/proc/self/fd/0');
    const named = statSync(path);
    if (named.ino !== st.ino || named.dev !== st.dev) return undefined;
    const data = new Uint8Array(st.size);
    for (let got = 0; got < data.length;) {
      const n = readSync(0, data, got, data.length - got, got);
      if (n === 0) return undefined;
      got += n;
    }
    return { path, data, offset: Number(pos[1]) };
  } catch {
    return undefined;
  }
}

export function runCommand(path: string, args: string[], opts: RunOptions): number {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    process.stderr.write(`sudsim: cannot read ${path}: ${(err as Error).message}\n`);
    return 127;
  }
  const m = new Machine({
    stdin: 'inherit',
    stdout: 'inherit',
    stderr: 'inherit',
    seed: opts.seed,
    profile: opts.profile as MachineOptions['profile'],
    smap: !opts.noSmap,
    sysctlSyscallUserDispatch: opts.sysctl !== '0',
    hostFiles: opts.hostFiles ?? true,
    cpus: opts.cpus ?? hostCpus(),
    // the host's files carry the host's dates: a machine started at the host's time sees them in
    // its past, as the shell's programs do (no "time stamp in the future", no years in ls -l)
    epoch: opts.epoch ?? Date.now() / 1000,
    trace: opts.trace ? (line) => process.stderr.write(line + '\n') : undefined,
  });
  const env = environment(opts);
  if (!env) return 2;
  // the machine's paths are the host's: the program under its absolute path, the working directory
  // the shell's, so that relative paths mean the same on both sides
  const cwd = posix.resolve(opts.cwd ?? process.cwd());
  const inMachine = (p: string): string => posix.resolve(cwd, p);
  const hostFiles = opts.hostFiles ?? true;
  // the program is a given file unless the host layer shows it, at that very path (not under /tmp,
  // which is the machine's own), with the host's attributes
  const onHost = hostFiles && inMachine(path) === posix.resolve(process.cwd(), path) && mountOf(inMachine(path)) === '/';
  if (!onHost) m.addFile(inMachine(path), bytes);
  const given = new Set([inMachine(path)]);
  const programs = [inMachine(path)];
  for (const spec of opts.file ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) {
      process.stderr.write(`sudsim: --file expects name=path, got ${spec}\n`);
      return 2;
    }
    try {
      m.addFile(inMachine(spec.slice(0, eq)), new Uint8Array(readFileSync(spec.slice(eq + 1))));
    } catch (err) {
      process.stderr.write(`sudsim: cannot read ${spec.slice(eq + 1)}: ${(err as Error).message}\n`);
      return 2;
    }
    given.add(inMachine(spec.slice(0, eq)));
    programs.push(spec.slice(eq + 1));
  }
  // a dynamically linked program (the one run, or one given that it may execute) gets its loader,
  // the loader's cache and its shared objects from the host, at the paths the loader opens,
  // unless --file gave something there; the host layer shows those on the root filesystem where the
  // loader looks, when it looks, but not those under /tmp (the machine's own), which a DT_RUNPATH of
  // $ORIGIN finds next to a program there
  for (const p of programs) {
    for (const f of hostDependencies(p, { cwd, env })) {
      if (given.has(f.path) || (hostFiles && mountOf(f.path) === '/')) continue;
      given.add(f.path);
      m.addFile(f.path, f.data);
    }
  }
  const stdin = hostStdinFile();
  if (stdin && !m.kernel.fsFiles.has(stdin.path)) m.addFile(stdin.path, stdin.data);
  try {
    m.load(bytes, { argv: [path, ...args], env, execfn: path, cwd, stdinFile: stdin && { path: stdin.path, offset: stdin.offset } });
  } catch (err) {
    if (err instanceof Errno) {
      process.stderr.write(`sudsim: ${basename(path)}: cannot execute: ${err.message}\n`);
      // a shell's statuses: 127 for a file not found (the loader's, here), 126 for one that cannot run
      return err.errno === ENOENT ? 127 : 126;
    }
    throw err;
  }
  const r = m.run({ maxInsns: opts.maxInsns });
  switch (r.kind) {
    case 'exited':
      return r.status;
    case 'killed':
      process.stderr.write(`sudsim: ${basename(path)} killed by ${signalName(r.signal)} (${signalDescription(r.signal)})\n`);
      return 128 + r.signal;
    case 'deadlock':
      process.stderr.write(`sudsim: ${basename(path)}: every task sleeps forever (the program would hang) after ${r.insns} instructions\n`);
      return 124;
    case 'budget':
      process.stderr.write(`sudsim: ${basename(path)} stopped after ${r.insns} instructions (--max-insns)\n`);
      return 124;
  }
}
