/**
 * The public face of the engine: a machine that loads an x86-64 ELF,
 * runs it to completion or for a budget, and exposes its registers and
 * memory.
 */
import { Kernel, type StdinFile, type Stream } from '../kernel/kernel.js';
import * as L from '../engine/layout.js';
import { copyFromUser, pokeUser } from '../kernel/uaccess.js';
import { signalName } from '../kernel/signal_names.js';
import { validateSud } from '../kernel/sud.js';
import { normalizePath } from '../kernel/syscalls/execve.js';
import { CLONE } from '../kernel/clone.js';
import { Errno, errnoNamed } from '../kernel/errno.js';
import { MachineSnapshot, restoreSnapshot } from './snapshot.js';
import { HostLayer } from './host_layer.js';
import { epochNsOf } from '../kernel/epoch.js';

export { MachineSnapshot } from './snapshot.js';

/** Where a guest stream goes: collected in memory, the host's own fd, or a callback. */
export type OutputSink = 'buffer' | 'inherit' | ((chunk: Uint8Array) => void);

export interface MachineOptions {
  /** Bytes (or text) the guest reads from fd 0; default empty. `'inherit'` reads the host's stdin. */
  stdin?: Uint8Array | string | 'inherit';
  /** Guest fd 1; default `'buffer'`. */
  stdout?: OutputSink;
  /** Guest fd 2; default `'buffer'`. */
  stderr?: OutputSink;
  /** One strace-style line per syscall, signal and exit. */
  trace?: (line: string) => void;
  /** Seed for AT_RANDOM and every other random choice. Default 0. */
  seed?: number | bigint;
  /** Answer getpid/getppid/gettid inside Wasm (default: on unless tracing). */
  fastSyscalls?: boolean;
  /** Kernel profile: `patch-v5`, `linux-5.11`, `linux-6.4`, `linux-6.17` (default) or `linux-next`. */
  profile?: 'patch-v5' | 'linux-5.11' | 'linux-6.4' | 'linux-6.17' | 'linux-next';
  /** SMAP on (default) or off: selects the cost the timing model gives a selector read. */
  smap?: boolean;
  /** The `linux-next` sysctl kernel.syscall_user_dispatch (default true). */
  sysctlSyscallUserDispatch?: boolean;
  /**
   * The host's files under the machine's tree, read-only, as overlayfs's
   * lower layer (Node only): `true` for the host's /, or a host directory
   * to be the machine's / (as a chroot). A path the machine's own files do
   * not answer is then looked up on the host when the program asks; a
   * write copies the file into the machine, never to the host. /proc,
   * /sys, /dev and /tmp stay the machine's own. Default off: the machine
   * holds only what `addFile` gives it, the same on every host.
   */
  hostFiles?: boolean | string;
  /**
   * The CPUs the machine has, 1 to 64 (default 1, so that a machine answers
   * the same on every host): what nproc, sysconf, sched_getaffinity,
   * /proc/cpuinfo, /proc/stat and /sys/devices/system/cpu report. Tasks
   * still run one at a time, deterministically; each is on the lowest CPU
   * its affinity mask allows (getcpu, rseq, /proc/<pid>/stat). Any other
   * value is a RangeError.
   */
  cpus?: number;
  /**
   * CLOCK_REALTIME when the machine boots, in seconds since 1970 (a
   * fraction is kept to the nanosecond: `Date.now() / 1000` starts the
   * machine at the host's time). The wall clocks (clock_gettime, time,
   * gettimeofday, the vDSO) read it plus the virtual time elapsed; what the
   * machine has from boot (its given files, /proc/stat's btime) is dated at
   * it. Default 1597102027 (2020-08-10 23:27:07 UTC), so that a machine
   * reads the same dates on every host and every day. A negative, infinite
   * or non-number value is a RangeError.
   */
  epoch?: number;
}

export interface LoadOptions {
  /** argv, argv[0] included. Default `['program']`. */
  argv?: string[];
  /** Environment strings `NAME=value`. Default none. */
  env?: string[];
  /** AT_EXECFN; default argv[0]. */
  execfn?: string;
  /**
   * The process's working directory, made in the machine's file tree when
   * it is not there (default `/`). A relative execfn is taken from it.
   */
  cwd?: string;
  /**
   * A file of the machine (given with `addFile`) that fd 0 is open on,
   * read-only from `offset`, as a shell's `< file` opens it: the program
   * can seek and stat it. The stdin option's stream is then not used.
   */
  stdinFile?: StdinFile;
}

/** How a run ended. */
export type RunResult =
  | { kind: 'exited'; status: number; insns: bigint }
  | { kind: 'killed'; signal: number; signalName: string; insns: bigint }
  | { kind: 'budget'; insns: bigint }
  /** Every task sleeps forever (a guest deadlock): the real program would hang. */
  | { kind: 'deadlock'; insns: bigint };

export interface RunOptions {
  /** Stop after this many instructions (the machine can be run again). */
  maxInsns?: number | bigint;
}

/** General-purpose register names, in hardware order. */
export const REGISTER_NAMES = [
  'rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
] as const;
export type RegisterName = (typeof REGISTER_NAMES)[number] | 'rip' | 'rflags' | 'fs_base' | 'gs_base';

const SPECIAL: Record<string, number> = {
  rip: L.CPU_RIP,
  rflags: L.CPU_RFLAGS,
  fs_base: L.CPU_FS_BASE,
  gs_base: L.CPU_GS_BASE,
};

function nodeFs(): typeof import('fs') | undefined {
  const g = globalThis as unknown as { process?: { getBuiltinModule?: (n: string) => unknown } };
  return g.process?.getBuiltinModule?.('fs') as typeof import('fs') | undefined;
}

class BufferStream implements Stream {
  chunks: Uint8Array[] = [];
  write(d: Uint8Array): void {
    this.chunks.push(d.slice());
  }
  /** Snapshot copy: the chunks are private copies nobody writes, so both streams share them. */
  [CLONE](): BufferStream {
    const b = new BufferStream();
    b.chunks = this.chunks.slice();
    return b;
  }
  bytes(): Uint8Array {
    const n = this.chunks.reduce((s, c) => s + c.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

function outputStream(sink: OutputSink, hostFd: number): Stream {
  if (sink === 'buffer') return new BufferStream();
  if (sink === 'inherit') {
    const fs = nodeFs();
    if (!fs) throw new Error("sudsim: 'inherit' output needs Node; pass a callback instead");
    return {
      write(d: Uint8Array) {
        let off = 0;
        while (off < d.length) {
          try {
            off += fs.writeSync(hostFd, d, off, d.length - off);
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === 'EAGAIN') continue;
            // the host's file refusing the bytes (a pipe whose reader left, a full disk) fails
            // the guest's write as Linux fails it, with that errno
            const errno = errnoNamed(code);
            if (errno !== undefined) throw new Errno(errno);
            throw err;
          }
        }
      },
    };
  }
  return { write: (d) => sink(d.slice()) };
}

function inputStream(src: MachineOptions['stdin']): Stream {
  if (src === 'inherit') {
    const fs = nodeFs();
    if (!fs) throw new Error("sudsim: 'inherit' stdin needs Node");
    return {
      read(max: number) {
        const b = new Uint8Array(Math.min(max, 65536));
        try {
          const n = fs.readSync(0, b, 0, b.length, null);
          return b.subarray(0, n);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EOF') return new Uint8Array(0);
          throw err;
        }
      },
    };
  }
  return new BytesInput(typeof src === 'string' ? new TextEncoder().encode(src) : (src ?? new Uint8Array(0)));
}

/** Guest stdin from bytes: the unread rest is state (a snapshot restores the read position). */
class BytesInput implements Stream {
  constructor(private data: Uint8Array) {}
  read(max: number): Uint8Array {
    const out = this.data.subarray(0, max);
    this.data = this.data.subarray(out.length);
    return out;
  }
  /** Snapshot copy: the bytes are never written, so both streams share them. */
  [CLONE](): BytesInput {
    return new BytesInput(this.data);
  }
}

/**
 * One simulated Linux machine running one x86-64 program (and what it forks and executes).
 *
 * @example
 * ```ts
 * const m = new Machine();
 * m.load(elfBytes, { argv: ['hello'] });
 * const r = m.run();
 * console.log(r.kind === 'exited' ? r.status : r, m.stdoutText());
 * ```
 */
export class Machine {
  /** The kernel behind the machine (for advanced use: tasks, counters). */
  readonly kernel: Kernel;
  private out: Stream;
  private err: Stream;
  private loaded = false;

  constructor(opts: MachineOptions = {}) {
    this.out = outputStream(opts.stdout ?? 'buffer', 1);
    this.err = outputStream(opts.stderr ?? 'buffer', 2);
    this.kernel = new Kernel({
      stdin: inputStream(opts.stdin),
      stdout: this.out,
      stderr: this.err,
      trace: opts.trace,
      seed: opts.seed,
      fastSyscalls: opts.fastSyscalls,
      profile: opts.profile,
      smap: opts.smap,
      sysctlSyscallUserDispatch: opts.sysctlSyscallUserDispatch,
      lower: opts.hostFiles ? new HostLayer(opts.hostFiles === true ? '/' : opts.hostFiles) : undefined,
      cpus: opts.cpus,
      epochNs: opts.epoch === undefined ? undefined : epochNsOf(opts.epoch),
    });
  }

  /**
   * Adds a file to the machine's in-memory filesystem, where execve(2)
   * finds programs (`machine.addFile('/bin/child', bytes)`).
   */
  addFile(path: string, data: Uint8Array): this {
    this.kernel.fsFiles.set(normalizePath(path), data.slice());
    return this;
  }

  /**
   * Loads an x86-64 ELF executable (ET_EXEC or ET_DYN) as the machine's
   * first process; a dynamically linked one starts in the loader its
   * PT_INTERP names, which must be among the machine's files with the
   * libraries it loads (`hostDependencies` finds the host's). Throws an
   * `ElfError` (errno ENOEXEC) with a clear message for a file that is no
   * such executable, an `Errno` (ENOENT, ELIBBAD...) for a missing or bad
   * loader, as execve(2) fails.
   */
  load(elf: Uint8Array, opts: LoadOptions = {}): this {
    if (this.loaded) throw new Error('sudsim: this machine already has a program; create a new Machine');
    const argv = opts.argv ?? ['program'];
    // the machine's own copy, as addFile makes one: the running image is a file the program may
    // execute again (/proc/self/exe), which the caller's later writes to its array must not change
    this.kernel.spawn(elf.slice(), { argv, env: opts.env ?? [], execfn: opts.execfn ?? argv[0] ?? '', cwd: opts.cwd, stdinFile: opts.stdinFile });
    this.loaded = true;
    return this;
  }

  /** Runs to completion, or until `maxInsns` instructions have retired. */
  run(opts: RunOptions = {}): RunResult {
    if (!this.loaded) throw new Error('sudsim: load() a program before run()');
    const before = this.insns;
    const max = opts.maxInsns === undefined ? -1n : BigInt(opts.maxInsns);
    if (max < -1n) throw new RangeError('sudsim: maxInsns must be >= 0');
    const done = this.kernel.run(max);
    const insns = this.insns - before;
    const end = this.kernel.end;
    if (!done && this.kernel.deadlocked) return { kind: 'deadlock', insns };
    if (!done || !end) return { kind: 'budget', insns };
    if (end.kind === 'exited') return { kind: 'exited', status: end.status, insns };
    return { kind: 'killed', signal: end.signal, signalName: signalName(end.signal), insns };
  }

  /**
   * Saves the whole machine: registers, memory, tasks, signal handlers and
   * masks, SUD configs, mappings, file descriptors and buffered output,
   * virtual clock, random and scheduler state, and the counters.
   * `restore(snap)` brings all of it back, as often as wanted, so a fuzzer
   * runs each case from the same state. Taking one copies the machine's
   * memory once; a restore rewrites only the pages written since (the
   * engine tracks them), which costs microseconds for a short case.
   * Output sent to `'inherit'` or a callback has left the machine and is not
   * taken back, nor is what an `'inherit'` stdin read from the host;
   * `'buffer'` output and byte or string stdin are.
   */
  snapshot(): MachineSnapshot {
    // the machine's own fields (its output streams, loaded) are state too; the kernel is saved apart
    const own = { ...this } as unknown as Record<string, unknown>;
    delete own.kernel;
    return new MachineSnapshot(this, this.kernel, own);
  }

  /**
   * Puts the machine back in the state of `snap`, taken by `snapshot()` on
   * this machine (another machine's snapshot throws). Running afterwards
   * behaves exactly as it did right after the snapshot: same output, exit,
   * instruction count and event counters (except the host-cache counters
   * `tlbMisses` and `blocksBuilt`: decoded code that was not rewritten
   * stays decoded). `check: true` then compares all memory with the
   * snapshot and throws on a difference (a self-check for tests).
   */
  restore(snap: MachineSnapshot, opts: { check?: boolean } = {}): void {
    Object.assign(this, restoreSnapshot(this, this.kernel, snap, opts.check ?? false));
  }

  /** Instructions retired since the program started. */
  get insns(): bigint {
    return this.kernel.engine.u64(L.INSN_COUNT);
  }

  /** Reads a register of the running task. */
  getReg(name: RegisterName): bigint {
    const i = (REGISTER_NAMES as readonly string[]).indexOf(name);
    const addr = i >= 0 ? L.CPU_REGS + i * 8 : SPECIAL[name];
    if (addr === undefined) throw new RangeError(`sudsim: no register ${name}`);
    return this.kernel.engine.u64(addr);
  }

  /** Writes a register of the running task. */
  setReg(name: RegisterName, value: bigint | number): void {
    const i = (REGISTER_NAMES as readonly string[]).indexOf(name);
    const addr = i >= 0 ? L.CPU_REGS + i * 8 : SPECIAL[name];
    if (addr === undefined) throw new RangeError(`sudsim: no register ${name}`);
    this.kernel.engine.setU64(addr, BigInt(value));
  }

  /** All general registers, rip and rflags. */
  regs(): Record<RegisterName, bigint> {
    const out = {} as Record<RegisterName, bigint>;
    for (const n of REGISTER_NAMES) out[n] = this.getReg(n);
    for (const n of Object.keys(SPECIAL) as RegisterName[]) out[n] = this.getReg(n);
    return out;
  }

  /**
   * Reads guest memory (throws an Errno EFAULT for unmapped or unreadable
   * bytes): the running task's, or the first process's once it has ended.
   */
  readMemory(addr: bigint | number, len: number): Uint8Array {
    return copyFromUser(this.kernel.rootMm ?? this.kernel.mm, BigInt(addr), len);
  }

  /** Writes guest memory, as a debugger does (ignores write protection of mapped pages). */
  writeMemory(addr: bigint | number, data: Uint8Array): void {
    pokeUser(this.kernel.mm, BigInt(addr), data);
  }

  /**
   * The running task's Syscall User Dispatch config as
   * PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG reports it: mode 1 whenever
   * dispatch is armed (whatever mode armed it) and the stored offset and
   * len, so an INCLUSIVE config comes back inverted (SEMANTICS.md §8).
   */
  getSudConfig(): { mode: bigint; selector: bigint; offset: bigint; len: bigint } {
    const c = this.kernel.current.sud;
    return { mode: c.armed ? 1n : 0n, selector: c.selector, offset: c.offset, len: c.len };
  }

  /**
   * Sets the running task's config through the same validation as prctl
   * (PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG); throws an `Errno` (EINVAL,
   * EFAULT, EPERM) exactly where the profile's kernel fails.
   */
  setSudConfig(cfg: { mode: bigint | number; selector: bigint | number; offset: bigint | number; len: bigint | number }): void {
    const k = this.kernel;
    const c = validateSud(k.profile, BigInt(cfg.mode), BigInt(cfg.offset), BigInt(cfg.len), BigInt(cfg.selector), k.sysctlSud);
    k.setSud(k.current, c);
  }

  /** Event counters kept by the engine (syscalls, SUD checks by outcome, selector reads, TLB misses...). */
  counters(): Record<string, bigint> {
    const e = this.kernel.engine;
    return {
      insns: e.u64(L.INSN_COUNT),
      syscalls: e.u64(L.CNT_SYSCALLS),
      fastSyscalls: e.u64(L.CNT_FAST_SYSCALLS),
      sudChecks: e.u64(L.CNT_SUD_CHECKS),
      sudRegion: e.u64(L.CNT_SUD_REGION),
      sudAllow: e.u64(L.CNT_SUD_ALLOW),
      sudDispatch: e.u64(L.CNT_SUD_DISPATCH),
      signalDeliveries: e.u64(L.CNT_SIGNALS),
      sigreturns: e.u64(L.CNT_SIGRETURNS),
      selectorReadsSmap: e.u64(L.CNT_SELECTOR_SMAP),
      selectorReadsNoSmap: e.u64(L.CNT_SELECTOR_NOSMAP),
      tlbMisses: e.u64(L.CNT_TLB_MISSES),
      blocksBuilt: e.u64(L.CNT_BLOCKS_BUILT),
    };
  }

  /** What the guest wrote to fd 1 (with the default `'buffer'` sink). */
  stdout(): Uint8Array {
    return this.out instanceof BufferStream ? this.out.bytes() : new Uint8Array(0);
  }

  /** What the guest wrote to fd 2 (with the default `'buffer'` sink). */
  stderr(): Uint8Array {
    return this.err instanceof BufferStream ? this.err.bytes() : new Uint8Array(0);
  }

  stdoutText(): string {
    return new TextDecoder().decode(this.stdout());
  }

  stderrText(): string {
    return new TextDecoder().decode(this.stderr());
  }
}
