/**
 * The simulated Linux kernel around one engine: tasks, their address
 * spaces, file descriptors, the syscall table and the run loop that drives
 * the engine's `run(budget)` boundary and serves what it exits for.
 */
import { Engine } from '../engine/engine.js';
import * as L from '../engine/layout.js';
import { regQ, regW, RIP_Q, RIP_W, RAX_W, ORIG_RAX_W, ORIG_RAX_Q, RFLAGS_W, SYSCALL_ARG_REGS, IA32_SYSCALL_ARG_REGS, wordsNumber } from './cpu_words.js';
import { Errno, EMFILE, ENOSYS } from './errno.js';
import { OpenFile, O_LARGEFILE, O_PATH, O_RDONLY, O_RDWR, O_WRONLY } from './files.js';
import { FileStream } from './file_streams.js';
import { inProcfs, nodeAt, resolve, type TreeSource } from './vfs.js';
import type { LowerLayer } from './lower_layer.js';
import { MappedFiles, TmpDir, TmpFs, type TmpFile } from './tmpfs.js';
import { procTree } from './procfs.js';
import { Sysctl } from './sysctl.js';
import { LoadAvg } from './loadavg.js';
import type { TimerFd } from './syscalls/timerfd.js';
import type { Sock } from './sock.js';
import { InetTables } from './inet.js';
import { normalizePath } from './syscalls/execve.js';
import { EPOCH_NS } from './epoch.js';
import { vvarPage } from './vvar.js';
import { loadElf, parseElfOnce, type ArgString, type ExecArgs } from './exec.js';
import { openInterpreter } from './interp.js';
import { PageCache } from './page_cache.js';
import { FileLocks } from './locks.js';
import type { AddressSpace } from './mm.js';
import { Task, SemUndoList, commOf, releaseSavedBlock, RLIMIT_NOFILE, waitStatusOf, type ProcessEnd } from './task.js';
import { syscallRow, errnoResult, type SyscallRow, type SyscallArgs } from './syscalls/table.js';
import { IA32_SYSCALLS } from './syscalls/ia32.js';
import { copyFromUser, readCString } from './uaccess.js';
import { formatArg, formatReturn, killedLine, exitedLine, hex } from './strace.js';
import { SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR, SYS_USER_DISPATCH, TRAP_TRACE, TRAP_BRKPT, CLD_TRAPPED } from './siginfo.js';
import { TF } from './single_step.js';
import { afterSingleStep, NO_DEBUG_REGS } from './debug_regs.js';
import { SIGBUS, SIGSEGV, SIGKILL, SIGTRAP } from './signal_names.js';
import { SplitMix64 } from './random.js';
import { getProfile, DEFAULT_PROFILE, type Profile } from './profiles.js';
import { signalSyscalls, forceSignal, deliverSignals, signalDeliverable, sendSignalToProcess, kernelSignal, SigHand, SIG_IGN, DEFAULT_ACTION, IGNORE_ACTION, NO_ALTSTACK, FIRST_ALTSTACK } from './signals.js';
import { siginfo, killInfo, NO_TRAP, FCW_INIT, type TrapInfo, type Siginfo } from './signal_frame.js';
import { SIGCHLD } from './signal_names.js';
import { taskSyscalls, RestartSyscall } from './syscalls/tasks.js';
import { futexSyscalls, futexWakeWord, exitRobustList } from './syscalls/futex.js';
import { pollSyscalls } from './syscalls/poll.js';
import { JOBCTL_TRAP_STOP } from './ptrace_trap.js';
import { ptraceSyscalls, releaseTracee, ptraceUnlink, PTRACE_SYSCALL_ENTRY, PTRACE_SYSCALL_EXIT, PTRACE_O_TRACESYSGOOD, PTRACE_O_TRACEEXIT, PTRACE_EVENT_EXIT, PTRACE_EVENT_VFORK_DONE } from './ptrace.js';
import { writeU32 } from './uaccess.js';
import { rseqSyscalls, rseqPreempt, rseqNotifyResume, rseqFork, rseqExecve } from './rseq.js';

/** sigaction's SA_NOCLDWAIT: children leave no zombie. */
const SA_NOCLDWAIT = 2n;
/** sigaction's SA_NOCLDSTOP: no SIGCHLD when a child stops or continues. */
const SA_NOCLDSTOP = 1n;

const CLONE_VM = 0x100;
const CLONE_FILES = 0x400;
const CLONE_VFORK = 0x4000;
const CLONE_SIGHAND = 0x800;
const CLONE_THREAD = 0x10000;
const CLONE_SYSVSEM = 0x40000;
const ITIMER_VIRTUAL = 1;
const ITIMER_PROF = 2;
const SIGVTALRM = 26;
const SIGPROF = 27;
const CLONE_SETTLS = 0x80000;
const CLONE_PARENT_SETTID = 0x100000;
const CLONE_CHILD_CLEARTID = 0x200000;
const CLONE_CHILD_SETTID = 0x1000000;
/** personality(2)'s flag a 64-bit exec clears (Linux: set_personality_64bit). */
const READ_IMPLIES_EXEC = 0x0400000;
import { prctlSyscalls } from './prctl.js';
import { seccompSyscalls, secureComputing, Verdict, SYS_SECCOMP, SECCOMP_MODE_DISABLED, type SeccompFilter } from './seccomp.js';
import { execSyscalls } from './syscalls/execve.js';
import { registerSyscalls } from './syscalls/table.js';
import type { SudConfig } from './sud.js';
import { checkCpus, cpusUpTo } from './cpumask.js';

registerSyscalls([...signalSyscalls, ...prctlSyscalls, ...seccompSyscalls, ...execSyscalls, ...taskSyscalls, ...futexSyscalls, ...pollSyscalls, ...ptraceSyscalls, ...rseqSyscalls]);

/** What of a syscall's entry work remains when Kernel.syscall runs it (see there). */
const enum SyscallEntry {
  User,
  AfterTraceStop,
  /** Past a syscall-enter-stop under PTRACE_SYSEMU: the call is skipped, whatever the tracer resumed with. */
  AfterEmulationStop,
  /** Past a PTRACE_EVENT_SECCOMP stop: the filters look again, a TRACE now letting the call run. */
  AfterSeccompStop,
  Woken,
}


/** exit(0): a thread's end when nothing else is said. */
const EXITED_0: ProcessEnd = Object.freeze({ kind: 'exited', status: 0 });

/** A byte stream behind a file descriptor. */
export interface Stream {
  read?(max: number): Uint8Array;
  write?(data: Uint8Array): void;
  /** A pidfd: the process it refers to. */
  pid?: number;
  /** The last descriptor naming it closed (a pipe end counts its open ends). */
  release?(): void;
  /**
   * read(2) and write(2) themselves, for a stream with rules of its own
   * that may sleep (an eventfd, a socket): the bytes read (at most max),
   * which the caller copies out, and the count written of n bytes, which
   * `read` fetches from the caller (readv and writev gather and scatter).
   */
  sysRead?(k: Kernel, f: OpenFile, max: number): Uint8Array;
  sysWrite?(k: Kernel, f: OpenFile, n: number, read: (off: number, len: number) => Uint8Array): bigint;
  /** The poll events it is ready for, when it works them out itself (an epoll instance). */
  readyEvents?(k: Kernel): number;
  /** How many events have woken its waiters so far, where it counts them (a pipe end, an eventfd). */
  wakeups?(): number;
  /** What its /proc/self/fd link reads as, when not a path of the file tree ("pipe:[4]", "anon_inode:[eventfd]"). */
  linkName?(): string;
}

/** A file of the machine's tree the first process's fd 0 is open on, and the offset it starts at. */
export interface StdinFile {
  path: string;
  offset?: number;
}

export interface KernelOptions {
  stdin?: Stream;
  stdout?: Stream;
  stderr?: Stream;
  /** Receives one strace-style line per syscall, signal and exit. */
  trace?: (line: string) => void;
  /** Seeds AT_RANDOM and anything else random in the machine. */
  seed?: number | bigint;
  /** Serve getpid/getppid/gettid inside Wasm (off while tracing so every call is seen). */
  fastSyscalls?: boolean;
  unameRelease?: string;
  /** Kernel profile (SEMANTICS.md §2); default linux-6.17. */
  profile?: string;
  /** kernel.syscall_user_dispatch (linux-next): 0 makes arming fail with EPERM. Default 1. */
  sysctlSyscallUserDispatch?: boolean;
  /** SMAP on (selector reads pay the user-access cost in the timing model). Default on. */
  smap?: boolean;
  /** A read-only layer under the root filesystem (src/kernel/lower_layer.ts); default none. */
  lower?: LowerLayer;
  /** The CPUs the machine has (nr_cpu_ids: all online, possible and present), 1..NR_CPUS. Default 1. */
  cpus?: number;
  /** CLOCK_REALTIME at instruction 0, in ns since 1970 (at least 0). Default EPOCH_NS (src/kernel/epoch.ts). */
  epochNs?: bigint;
}

/** TSC_AUX's CPU bits (the node is above them). */
const TSC_AUX_CPU = 0xfff;

/** Instructions per run() slice: V8 has no on-stack replacement for Wasm, so slices stay short. */
const SLICE = 1 << 20;

/** Number.MAX_SAFE_INTEGER as a bigint, made once. */
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** The shortest preemption quantum, in instructions. */
const QUANTUM_MIN = 20_000;
/** The span the seeded quantum is drawn from. */
const QUANTUM_SPAN = SLICE - QUANTUM_MIN;

const FIRST_PID = 100;
const INIT_PID = 1;

/**
 * A DataView over a saved CPU block's buffer, made once per buffer: saved
 * blocks are views into shared chunks (clone.ts pooledBytes), consecutive
 * tasks mostly share one, and a DataView per clone costs more than the
 * stores made through it. Offsets through it add the block's byteOffset.
 */
let savedDvBuf: ArrayBufferLike | undefined;
let savedDv: DataView | undefined;
function savedView(saved: Uint8Array): DataView {
  if (saved.buffer !== savedDvBuf || savedDv === undefined) {
    savedDvBuf = saved.buffer;
    savedDv = new DataView(saved.buffer);
  }
  return savedDv;
}

/** Each exception vector as a bigint, made once (sigcontext's trapno is a 64-bit word). */
const TRAPNOS: bigint[] = Array.from({ length: 32 }, (_, n) => BigInt(n));

/** The running task's registers while withTaskCpu lends the CPU block to another. */
const cpuScratch = new Uint8Array(L.CPU_STATE_SIZE);

/** The single-step #DB as a signal frame records it: trapno 1 (X86_TRAP_DB), error code 0. */
const DEBUG_TRAP: TrapInfo = Object.freeze({ trapno: 1n, err: 0n, cr2: 0n });

/** A stored SUD config with the dispatch work flag cleared (the same record when it is clear). */
function disarmed(c: SudConfig): SudConfig {
  // records are values: an unarmed one is shared; an armed one is copied field by field,
  // far cheaper than an object spread
  return c.armed ? { armed: false, selector: c.selector, offset: c.offset, len: c.len, inclusiveEnd: c.inclusiveEnd } : c;
}

/** The ENGINE and CPU blocks' bytes: the exit record, switches, counters and the registers (Kernel.dwords, qwords). */
const FIXED_BLOCKS = L.CPU + L.CPU_STATE_SIZE;
/** SIGFRAME_IN's size: its fields up to the siginfo, then the siginfo's 128 bytes. */
const SIGFRAME_IN_BYTES = L.SFI_SIGINFO + 128;
/** The exit record's and the CPU block's fields as word indices (Kernel.dwords, qwords). */
const SYSNO_W = L.EXIT_SYSNO >> 2;
const INT80_W = L.EXIT_INT80 >> 2;
const SIGNO_W = L.EXIT_SIGNO >> 2;
const CODE_W = L.EXIT_CODE >> 2;
const TRAPNO_W = L.EXIT_TRAPNO >> 2;
const ERR_W = L.EXIT_ERR >> 2;
const ADDR_W = L.EXIT_ADDR >> 2;
const INSN_COUNT_W = L.INSN_COUNT >> 2;
const SYSCALLS_W = L.CNT_SYSCALLS >> 2;
const SELECTOR_SMAP_W = L.CNT_SELECTOR_SMAP >> 2;
const SELECTOR_NOSMAP_W = L.CNT_SELECTOR_NOSMAP >> 2;
const SLEPT_W = L.SLEPT_NS >> 2;


/**
 * A syscall's round trip through the kernel's entry and exit, in virtual
 * ns: about 70 ns with entry mitigations, as measured for getppid on this
 * project's machines (the timing model's syscall cost, src/timing/model.ts).
 * The engine's TSC counts it too (layout.ts).
 */
const SYSCALL_NS = BigInt(L.SYSCALL_NS);
const ADDR_Q = L.EXIT_ADDR >> 3;
const ERR_Q = L.EXIT_ERR >> 3;
/** The same words' indices of the syscall argument registers: rdi, rsi, rdx, r10, r8, r9. */
const ARG_REGS = SYSCALL_ARG_REGS.map(regQ);
/** Their low 32-bit words' indices in the CPU block's 32-bit words. */
const ARG_WORDS = ARG_REGS.map((w) => w * 2);
/** The same for int $0x80: ebx, ecx, edx, esi, edi, ebp. */
const IA32_ARG_WORDS = IA32_SYSCALL_ARG_REGS.map(regW);

/**
 * The arguments of the syscall being served (SyscallArgs), read from the
 * CPU block: one per kernel, set to each call's ABI. The block's words are
 * little-endian like the host.
 */
class RegisterArgs implements SyscallArgs {
  /** The call came through int $0x80 (i386 registers, 32-bit values). */
  int80 = false;

  constructor(
    private readonly qwords: BigUint64Array,
    private readonly dwords: Int32Array,
  ) {}

  u64(i: number): bigint {
    return this.int80 ? BigInt(this.dwords[IA32_ARG_WORDS[i]] >>> 0) : this.qwords[ARG_REGS[i]];
  }

  i32(i: number): number {
    return this.dwords[this.int80 ? IA32_ARG_WORDS[i] : ARG_WORDS[i]];
  }

  u32(i: number): number {
    return this.i32(i) >>> 0;
  }
}

export class Kernel {
  readonly engine: Engine;
  readonly tasks = new Map<number, Task>();
  current!: Task;
  end: ProcessEnd | undefined;
  /** Every task sleeps and nothing can wake one (the guest would hang forever). */
  deadlocked = false;
  /** The first process: the machine's run ends with it. */
  rootPid = 0;
  /** The first process's address space once it has ended (Machine.readMemory reads it then). */
  rootMm: AddressSpace | undefined;
  /** sched_yield asked for the next runnable task (the syscall path switches after it). */
  yieldRequested = false;
  /**
   * Instructions left of the running task's quantum while several tasks can
   * run: it goes on across syscalls, so that a task calling the kernel
   * often is preempted all the same (0: draw a new one).
   */
  quantumLeft = 0;
  /** How many processes have an ITIMER_REAL armed: none (almost always) and run() checks no timer. */
  alarmsArmed = 0;
  /** How many processes have an ITIMER_VIRTUAL or ITIMER_PROF armed: none (almost always) and run() checks none. */
  cpuTimersArmed = 0;
  /** The CPU's busy time when the current task last began to run: what it has run since is its CPU time still to charge. */
  private runningSince = 0n;
  /**
   * The CPU time tasks ran on each CPU but CPU 0, by CPU (src/kernel/task_cpu.ts):
   * CPU 0's is the rest of the busy time, so a one-CPU machine keeps no table.
   */
  private cpuBusyNs: bigint[] = [];
  /**
   * Set by a handler whose task must sleep, which then returns at once: the
   * syscall is re-executed when it wakes (as throwing RestartSyscall does,
   * without the cost of a throw). Cleared by the syscall path.
   */
  restartRequest: RestartSyscall | undefined = undefined;
  readonly unameRelease: string;
  readonly profile: Profile;
  sysctlSud = true;
  private inoCount = 0x100000000;
  /** The streams the first process starts with at descriptors 0, 1 and 2. */
  private stdio: (Stream | undefined)[];
  readonly trace?: (line: string) => void;
  private rng: SplitMix64;
  private schedRng: SplitMix64;
  private nextPid = FIRST_PID;
  private fast: boolean;
  /**
   * The engine's CPU block, as a view made once: a shared memory never
   * moves, so it stays good when the memory grows, and a context switch or
   * clone copies it without making a subarray each time. This field and
   * the next three are views of the engine, not state: defined not enumerable,
   * so that a snapshot (which takes the enumerable fields) neither saves
   * nor restores them.
   */
  private declare readonly cpuBlock: Uint8Array;
  /**
   * The ENGINE and CPU blocks (exit record, counters, registers) as 32-bit
   * words, indexed by address / 4, and as 64-bit words, indexed by address
   * / 8: made once, like cpuBlock. An element access costs a fraction of
   * the engine's DataView accessors (a 64-bit one about a tenth, without
   * its allocation), and a 64-bit store wraps modulo 2^64 as setU64 does.
   * The engine's memory is little-endian like its host.
   */
  declare readonly dwords: Int32Array;
  declare readonly qwords: BigUint64Array;
  /** SIGFRAME_IN (layout.ts), where a delivery puts what its frame records besides the registers, as u64s and as 32-bit words. */
  declare readonly frameIn: BigUint64Array;
  declare readonly frameInWords: Int32Array;
  /** The arguments handed to syscall handlers, over the same block. */
  private declare readonly args: RegisterArgs;

  constructor(opts: KernelOptions = {}) {
    this.engine = new Engine();
    const cpuBlock = this.engine.u8.subarray(L.CPU, L.CPU + L.CPU_STATE_SIZE);
    const dwords = new Int32Array(cpuBlock.buffer, 0, FIXED_BLOCKS / 4);
    const qwords = new BigUint64Array(cpuBlock.buffer, 0, FIXED_BLOCKS / 8);
    Object.defineProperties(this, {
      cpuBlock: { value: cpuBlock },
      dwords: { value: dwords },
      qwords: { value: qwords },
      args: { value: new RegisterArgs(qwords, dwords) },
      frameIn: { value: new BigUint64Array(cpuBlock.buffer, L.SIGFRAME_IN, SIGFRAME_IN_BYTES / 8) },
      frameInWords: { value: new Int32Array(cpuBlock.buffer, L.SIGFRAME_IN, SIGFRAME_IN_BYTES / 4) },
    });
    this.trace = opts.trace;
    this.rng = new SplitMix64(BigInt(opts.seed ?? 0));
    this.schedRng = new SplitMix64(BigInt(opts.seed ?? 0) ^ 0x5ced5ced5cedn);
    this.fast = opts.fastSyscalls ?? !opts.trace;
    this.profile = getProfile(opts.profile ?? DEFAULT_PROFILE);
    this.lower = opts.lower;
    this.nrCpuIds = checkCpus(opts.cpus ?? 1);
    this.epochNs = opts.epochNs ?? EPOCH_NS;
    if (this.epochNs < 0n) throw new RangeError('sudsim: the realtime epoch is before 1970');
    // the shmem inodes behind shared anonymous mappings are dated from boot too
    this.mappedFiles.epochNs = this.epochNs;
    this.cpuOnlineMask = cpusUpTo(this.nrCpuIds);
    this.cpuBusyNs = new Array<bigint>(this.nrCpuIds).fill(0n);
    this.unameRelease = opts.unameRelease ?? this.profile.release;
    this.stdio = [opts.stdin, opts.stdout, opts.stderr];
    this.engine.setI32(L.SW_FAST_SYSCALLS, this.fast ? 1 : 0);
    this.setSwitches(opts.smap !== false, opts.sysctlSyscallUserDispatch ?? true);
  }

  /**
   * The machine switches a run may change between runs (both are snapshot
   * state, and a restore puts the snapshot's back): SMAP, which moves only
   * the timing model (which counter a selector read bumps), and
   * kernel.syscall_user_dispatch, which prctl and ptrace consult. A machine
   * whose program has not yet armed dispatch runs on exactly as one built
   * with them.
   */
  setSwitches(smap: boolean, sysctlSud: boolean): void {
    this.engine.setI32(L.SW_SMAP, smap ? 1 : 0);
    this.sysctlSud = sysctlSud;
  }

  get mm(): AddressSpace {
    return this.current.mm;
  }

  /** The stream the current process's descriptor fd names. */
  fd(fd: bigint | number): Stream | undefined {
    return this.file(fd)?.stream;
  }

  /**
   * The open file description the current process's descriptor fd names,
   * for a call that uses the file: an O_PATH descriptor names none (EBADF,
   * as Linux's fdget refuses it).
   */
  file(fd: bigint | number): OpenFile | undefined {
    const f = this.fileRaw(fd);
    return f && (f.flags & O_PATH) === 0 ? f : undefined;
  }

  /** The description fd names, O_PATH ones too: for what takes a location (fstat, fchdir, *at's dirfd, dup, close; Linux's fdget_raw). */
  fileRaw(fd: bigint | number): OpenFile | undefined {
    const n = typeof fd === 'bigint' ? (fd >= 0n && fd < 0x7fffffffn ? Number(fd) : -1) : fd;
    const f = this.current.files.get(n);
    // a given file changed since this description was opened: it reads the copy now (one inode, as on Linux)
    if (f !== undefined && f.stream instanceof FileStream) f.stream = f.stream.successor() ?? f.stream;
    return f;
  }

  /** RLIMIT_NOFILE's soft limit: descriptors are below it. */
  fdLimit(): number {
    const lim = (this.tasks.get(this.current.tgid) ?? this.current).rlimits[2 * RLIMIT_NOFILE];
    return lim > 0x7fffffffn ? 0x7fffffff : Number(lim);
  }

  /** Installs a description at the current process's lowest free descriptor at or above min (EMFILE when none is left). */
  installFile(file: OpenFile, cloexec = false, min = 0): number {
    const fd = this.current.files.lowestFree(min, this.fdLimit());
    if (fd < 0) throw new Errno(EMFILE);
    this.current.files.set(fd, file, cloexec);
    return fd;
  }

  /** Installs a stream at the lowest free descriptor, in a new read-write description. */
  installFd(st: Stream, cloexec = false): number {
    return this.installFile(new OpenFile(st, O_RDWR), cloexec);
  }

  /**
   * Tasks sleeping in a read or write of a pipe, an eventfd or a timerfd,
   * or in poll, select or epoll_wait, look again: something they
   * may wait on changed (a spurious wake-up runs the call again, which
   * sleeps again if it still must).
   */
  wakeIo(): void {
    for (const t of this.tasks.values()) {
      if (t.state === 'blocked' && (t.ioWait || t.inPoll) && !t.jobStop && !t.ptraceStop) {
        t.ioWait = false;
        t.state = 'runnable';
      }
    }
  }

  /**
   * A task exits: an open it waited in is abandoned, and the last task
   * using its descriptor table closes every descriptor.
   */
  private dropFiles(t: Task): void {
    this.abandonFifoOpen(t);
    if (--t.files.users === 0 && t.files.size > 0 && t.files.closeAll()) this.wakeIo();
  }

  /**
   * An open of a FIFO that t waited in ends unfinished (a handler ran, the
   * task exits): its end no longer counts (fifo_open's err_rd and err_wr).
   */
  abandonFifoOpen(t: Task): void {
    const w = t.fifoOpening;
    if (w === undefined) return;
    t.fifoOpening = undefined;
    w.end.release();
    this.wakeIo();
  }

  /** A child stopped or continued: its parent, if sleeping in wait, looks again. */
  wakeParent(t: Task): void {
    const p = this.tasks.get(t.ppid);
    if (p && p.state === 'blocked' && !p.futexWait && !p.jobStop && !p.ptraceStop && !p.vforkWait) p.state = 'runnable';
  }

  /** A tracee stopped: its tracer, if sleeping in wait4, looks again. */
  wakeTracer(t: Task): void {
    const tr = t.tracer === undefined ? undefined : this.tasks.get(t.tracer);
    if (tr && tr.state === 'blocked' && !tr.futexWait) tr.state = 'runnable';
  }

  /** The current process's working directory. */
  cwd(): string {
    return (this.tasks.get(this.current.tgid) ?? this.current).cwd;
  }

  setCwd(path: string): void {
    (this.tasks.get(this.current.tgid) ?? this.current).cwd = path;
  }

  /** The file tree as the current process sees it (src/kernel/vfs.ts). */
  fileTree(): TreeSource {
    const mm = this.current.mm;
    return {
      files: this.fsFiles,
      exe: mm.exe && { path: mm.exePath, data: mm.exe },
      proc: procTree(this),
      tmp: this.tmp,
      lower: this.lower,
    };
  }

  /** Extended attributes by inode number, each name (latin1) with its value (src/kernel/syscalls/xattr.ts). */
  xattrs: Map<bigint, Map<string, Uint8Array>> | undefined;

  /** The numbers kcmp orders the objects it compared by (src/kernel/syscalls/kcmp.ts), and the last one given. */
  kcmpIds: Map<object, number> | undefined;
  kcmpCount = 0;

  /** Every inode's flock and record locks (src/kernel/locks.ts). */
  get fileLocks(): FileLocks {
    return (this.fileLocksMade ??= new FileLocks());
  }

  /** Made at the first lock (a snapshot of a machine that never locked copies nothing for it). */
  private fileLocksMade: FileLocks | undefined;

  /** tmpfs's contents (made when the first file or directory is created there). */
  tmp: TmpFs | undefined;

  /** AF_UNIX sockets bound to abstract names (the name's bytes in hex), and the next autobind number. */
  get unixAbstract(): Map<string, Sock> {
    return (this.unixAbstractMade ??= new Map());
  }

  /** Made at the first abstract name, as fileLocksMade. */
  private unixAbstractMade: Map<string, Sock> | undefined;
  unixAutobind = 0;

  /** The TCP and UDP port tables of the loopback (made at the first AF_INET or AF_INET6 socket). */
  get inet(): InetTables {
    return (this.inetMade ??= new InetTables());
  }

  private inetMade: InetTables | undefined;

  tmpfs(): TmpFs {
    return (this.tmp ??= new TmpFs());
  }

  /** Makes the directories of path that the tree lacks, as `mkdir -p` would (a first process's working directory). */
  makeDirs(path: string): void {
    // the tree before any process runs: the given files and what was made
    const src = this.bootTree();
    let at = '';
    for (const seg of path.split('/').filter((x) => x !== '')) {
      at += '/' + seg;
      src.tmp = this.tmp;
      const n = nodeAt(src, at);
      if (n?.kind === 'dir') continue;
      if (n !== undefined || inProcfs(at)) throw new Error(`sudsim: the working directory ${path} cannot be made: ${at} is no directory`);
      this.tmpfs().entries.set(at, new TmpDir(this.nextIno(), 0o755, this.realtimeNs()));
    }
  }

  /** The tree before any process runs: the given files, what was made, the lower layer. */
  private bootTree(): TreeSource {
    return { files: this.fsFiles, exe: undefined, proc: undefined, tmp: this.tmp, lower: this.lower };
  }

  /**
   * The file the first process's image was run as: its path with the links
   * on the way followed, as execve's lookup follows them (/bin/sh is the
   * lower layer's /usr/bin/dash); the path as named where the tree has no
   * such file (an image given to load only).
   */
  private imagePath(named: string): string {
    try {
      const node = resolve(this.bootTree(), '/', named, true);
      return node.kind === 'file' ? node.path : named;
    } catch {
      return named;
    }
  }

  /** A new inode number for a pipe (counted from a value no path's inodeOf is likely to reach). */
  nextIno(): bigint {
    return BigInt(++this.inoCount);
  }

  /** Armed timerfds (created with the first one armed): their expiries wake the tasks waiting on them. */
  private timerfds: Set<TimerFd> | undefined;

  armTimerfd(t: TimerFd): void {
    (this.timerfds ??= new Set()).add(t);
  }

  /**
   * Counts the expiries of the armed timerfds up to now, waking the tasks
   * that wait on I/O when one expired; returns the next expiry still
   * ahead, if any (a timer closed or disarmed leaves the set).
   */
  expireTimerfds(): bigint | undefined {
    const set = this.timerfds;
    if (set === undefined || set.size === 0) return undefined;
    const now = this.clockNs();
    let woke = false;
    let next: bigint | undefined;
    for (const t of set) {
      if (t.expire(now)) woke = true;
      if (t.closed || t.next === undefined) set.delete(t);
      else if (next === undefined || t.next < next) next = t.next;
    }
    if (woke) this.wakeIo();
    return next;
  }

  /** Closes the current process's descriptor fd; false when it was not open. */
  closeFd(fd: number): boolean {
    const f = this.current.files.get(fd);
    if (!this.current.files.close(fd)) return false;
    if (f!.refs === 0 && f!.stream.release !== undefined) this.wakeIo();
    return true;
  }

  taskCount(): number {
    return this.tasks.size;
  }

  framesUsed(): number {
    return this.engine.u32(L.FRAME_USED);
  }

  /** Virtual time in nanoseconds: one per retired instruction, the kernel's time in syscalls, and the time every task slept. */
  clockNs(): bigint {
    const busy = this.busyNumber();
    if (busy >= 0) {
      const ns = busy + wordsNumber(this.dwords, SLEPT_W);
      if (ns <= Number.MAX_SAFE_INTEGER) return BigInt(ns);
    }
    return this.busyNs() + this.sleptNs;
  }

  /** Virtual time skipped while every task slept, kept in the engine so that its TSC counts it too. */
  private get sleptNs(): bigint {
    return this.engine.u64(L.SLEPT_NS);
  }

  private set sleptNs(ns: bigint) {
    this.engine.setU64(L.SLEPT_NS, ns);
  }

  /**
   * The CPU's busy time: the instructions retired and the kernel's time in
   * syscalls and in their dispatch checks' selector reads (layout.ts:
   * SELECTOR_SMAP_NS), what the tasks' CPU times are charged from.
   */
  private busyNs(): bigint {
    // on Linux the clock runs on while the kernel works: a loop of syscalls timed with
    // clock_gettime (a benchmark calibrating its iterations to seconds) sees each call take
    // time, not none. Every entry counts (those served inside Wasm and those dispatched
    // to SIGSYS too); a call that slept and runs again in the kernel does not enter again.
    const busy = this.busyNumber();
    if (busy >= 0) return BigInt(busy);
    const e = this.engine;
    return e.u64(L.INSN_COUNT) + e.u64(L.CNT_SYSCALLS) * SYSCALL_NS +
      e.u64(L.CNT_SELECTOR_SMAP) * BigInt(L.SELECTOR_SMAP_NS) + e.u64(L.CNT_SELECTOR_NOSMAP) * BigInt(L.SELECTOR_NOSMAP_NS);
  }

  /**
   * busyNs as a double, or -1 past 2^53 - 1, where a double may not hold
   * it exactly: the clock is read at every clone and context switch, and
   * the same sum in BigInts makes four of them (two reads, a product, a sum).
   */
  private busyNumber(): number {
    const dw = this.dwords;
    // a count of 2^53 or more reads as Infinity, and the sum then fails the bound; below it
    // every term and the sum are exact
    const ns = wordsNumber(dw, INSN_COUNT_W) + wordsNumber(dw, SYSCALLS_W) * L.SYSCALL_NS +
      wordsNumber(dw, SELECTOR_SMAP_W) * L.SELECTOR_SMAP_NS + wordsNumber(dw, SELECTOR_NOSMAP_W) * L.SELECTOR_NOSMAP_NS;
    return ns <= Number.MAX_SAFE_INTEGER ? ns : -1;
  }

  /** CLOCK_REALTIME in ns since the epoch: what files are stamped with. */
  realtimeNs(): bigint {
    return this.epochNs + this.clockNs();
  }

  /** The virtual time the machine's one CPU has spent idle: every task asleep (/proc/stat, /proc/uptime). */
  idleNs(): bigint {
    return this.sleptNs;
  }

  /** The last pid handed out (/proc/loadavg), and how many tasks were ever made (/proc/stat's processes). */
  lastPid(): number {
    return this.nextPid - 1;
  }

  forks(): number {
    return this.nextPid - FIRST_PID;
  }

  /** The /proc/sys settings (src/kernel/sysctl.ts): the host and domain names uname reports among them. */
  readonly sysctl = new Sysctl();

  /** The load averages /proc/loadavg shows. */
  get loadAvg(): LoadAvg {
    return (this.loadAvgMade ??= new LoadAvg());
  }

  /** Made when /proc/loadavg is first read (its update catches up from boot then), as fileLocksMade. */
  private loadAvgMade: LoadAvg | undefined;

  randomBytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.rng.fill(out);
    return out;
  }

  /** Starts the first process from an ELF image. */
  spawn(bytes: Uint8Array, args: Omit<ExecArgs, 'random' | 'vvar'> & { cwd?: string; stdinFile?: StdinFile }): Task {
    const cwd = normalizePath(args.cwd ?? '/');
    this.makeDirs(cwd);
    // the tree before any process runs, as makeDirs sees it
    const interp = openInterpreter(this.bootTree(), cwd, parseElfOnce(bytes));
    const img = loadElf(this.engine, this.mappedFiles, bytes, { argv: args.argv, env: args.env, execfn: args.execfn, random: this.randomBytes(16), vvar: vvarPage(this.epochNs) }, this.pageCache, interp);
    const pid = this.nextPid++;
    img.mm.exePath = this.imagePath(exePath(args.execfn, cwd));
    const task = new Task(pid, pid, INIT_PID, img.mm);
    task.cwd = cwd;
    task.cpusAllowed = this.cpuOnlineMask;
    // the process a shell started: a group of its own in the shell's session (init's, here)
    task.sid = INIT_PID;
    // the streams behave as the pipes a shell hands a program: stdin read-only, the others write-only
    this.stdio.forEach((st, fd) => st && task.files.set(fd, new OpenFile(st, fd === 0 ? O_RDONLY : O_WRONLY), false));
    task.comm = commOf(args.execfn);
    task.startTime = this.clockNs();
    task.sig.altstack = FIRST_ALTSTACK;
    this.tasks.set(pid, task);
    this.rootPid = pid;
    this.current = task;
    if (args.stdinFile) this.stdinFromFile(task, args.stdinFile);
    this.startRegisters(img);
    this.enterTask(task);
    return task;
  }

  /**
   * fd 0 as a shell's `< file` gives it: the file opened read-only (with
   * O_LARGEFILE, as a 64-bit kernel opens every file) at the offset the
   * shell's description had reached, so that the program can seek it, stat
   * it as a regular file and read it from another descriptor, as on Linux.
   */
  private stdinFromFile(task: Task, spec: StdinFile): void {
    const node = nodeAt(this.fileTree(), normalizePath(spec.path));
    if (node?.kind !== 'file') throw new Error(`sudsim: stdin ${spec.path} is not a file of the machine`);
    const stream = new FileStream(node, this.tmpfs().givenInode(node.path));
    stream.pos = spec.offset ?? 0;
    task.files.set(0, new OpenFile(stream, O_RDONLY | O_LARGEFILE), false);
  }

  /** The CPU state a new image starts with: zeroed registers, rsp and rip from the loader, MXCSR at reset. */
  private startRegisters(img: { entry: bigint; sp: bigint; mm: AddressSpace }): void {
    const e = this.engine;
    // the CPU the task is on is no register: a new image runs where the old one did; nor is
    // orig_rax, which start_thread leaves as execve's number (a tracer's exit stop shows it)
    const cpu = this.dwords[L.CPU_TSC_AUX >> 2];
    const orig = this.qwords[ORIG_RAX_Q];
    this.cpuBlock.fill(0);
    this.dwords[L.CPU_TSC_AUX >> 2] = cpu;
    this.qwords[ORIG_RAX_Q] = orig;
    e.setU64(L.CPU_RIP, img.entry);
    e.setU64(L.CPU_REGS + 8 * 4, img.sp);
    e.setU64(L.CPU_RFLAGS, 0x202n);
    e.setI32(L.CPU_MXCSR, 0x1f80);
    e.setI32(L.CPU_FCW, FCW_INIT);
    e.setI32(L.CPU_CR3, img.mm.root);
  }

  /** The in-memory filesystem execve reads (path -> file bytes). */
  readonly fsFiles = new Map<string, Uint8Array>();

  /** The read-only layer under the root filesystem, shared by snapshots (it is no state of the machine). */
  readonly lower: LowerLayer | undefined;

  /** nr_cpu_ids: the machine's CPUs, every one possible, present and online. */
  readonly nrCpuIds: number;
  /**
   * CLOCK_REALTIME when the virtual clock reads 0 (the machine's boot), in
   * ns since 1970: what the wall clocks add to the virtual clock, and the
   * date of what the machine had from boot (its given files, /proc/stat's
   * btime). Fixed for the machine's life: nothing sets the clock.
   */
  readonly epochNs: bigint;
  /** cpu_online_mask (also the possible and present masks: there is no hotplug). */
  readonly cpuOnlineMask: bigint;

  /** Frames holding executables' pages, which exec maps copy-on-write. */
  pageCache = new PageCache();
  /** The tmpfs files VMAs map, which every address space finds them in. */
  mappedFiles = new MappedFiles();

  /**
   * execve's point of no return: the current task gets a new image. SUD is
   * cleared (begin_new_exec), caught signals go back to SIG_DFL (ignored ones
   * stay ignored), the alternate stack is dropped; the mask and pending
   * signals survive. Throws (ENOEXEC, E2BIG...) before changing anything.
   */
  execImage(bytes: Uint8Array, args: Omit<ExecArgs, 'random' | 'vvar'>, exe?: string, exeFile?: TmpFile): void {
    const elf = parseElfOnce(bytes);
    // a static image names no interpreter: no file tree to find one in
    const interp = elf.interp && openInterpreter(this.fileTree(), this.cwd(), elf);
    const img = loadElf(this.engine, this.mappedFiles, bytes, { argv: args.argv, env: args.env, execfn: args.execfn, random: this.randomBytes(16), vvar: vvarPage(this.epochNs) }, this.pageCache, interp);
    const t = this.current;
    // the old image's robust locks go to their waiters (futex_exec_release)
    exitRobustList(this, t);
    t.comm = commOf(args.execfn);
    t.forkNoExec = false;
    img.mm.exePath = exe ?? exePath(args.execfn, this.cwd());
    img.mm.exeFile = exeFile;
    const old = t.mm;
    t.mm = img.mm;
    old.users--;
    if (old.users === 0) old.destroy();
    this.releaseVforkParent(t);
    this.startRegisters(img);
    // begin_new_exec clears only the work flag; the stored config stays (as ptrace GET shows)
    this.setSud(t, disarmed(t.sud));
    t.sighand.actions = t.sighand.actions.map((a) => (a.handler === SIG_IGN ? IGNORE_ACTION : DEFAULT_ACTION));
    // exec forgets the alternate stack but keeps its flags (begin_new_exec clears sp and size)
    if (t.sig.altstack.size !== 0n) t.sig.altstack = { sp: 0n, flags: t.sig.altstack.flags, size: 0n };
    // the table becomes the process's own (unshare_files), then its close-on-exec descriptors close
    this.unshareFiles(t);
    if (t.files.closeOnExec()) this.wakeIo();
    t.personality &= ~READ_IMPLIES_EXEC;
    // flush_ptrace_hw_breakpoint: the tracer's breakpoints and DR6, DR7 go
    t.debugRegs = NO_DEBUG_REGS;
    rseqExecve(t);
    this.enterTask(t);
  }

  /** unshare_files: a table t shares with other tasks (threads) becomes a copy of its own. */
  unshareFiles(t: Task): void {
    if (t.files.users <= 1) return;
    t.files.users--;
    t.files = t.files.copy();
  }

  /** Makes task the one the engine runs (its ids for the fast syscalls, its page table). */
  private enterTask(t: Task): void {
    const dw = this.dwords;
    dw[L.FAST_PID >> 2] = t.tgid;
    dw[L.FAST_PPID >> 2] = t.ppid;
    dw[L.FAST_TID >> 2] = t.tid;
    dw[L.CPU_CR3 >> 2] = t.mm.root;
    dw[L.SW_FAST_SYSCALLS >> 2] = this.fastSyscalls(t);
  }

  /**
   * f run with task t's registers in the CPU block, where the engine's code
   * that composes or takes an fxsave image works, and the running task's
   * put back after; t keeps them as f left them.
   */
  withTaskCpu<T>(t: Task, f: () => T): T {
    if (t === this.current) return f();
    cpuScratch.set(this.cpuBlock);
    this.cpuBlock.set(t.saved);
    try {
      return f();
    } finally {
      t.saved.set(this.cpuBlock);
      this.cpuBlock.set(cpuScratch);
    }
  }

  /**
   * The engine's own getpid/getppid/gettid for task t (1) or not (0): they skip the entry's
   * seccomp check and ptrace stops, so not for a filtered task nor one whose tracer asked for
   * syscall stops.
   */
  private fastSyscalls(t: Task): number {
    return this.fast && t.seccompMode === SECCOMP_MODE_DISABLED && !t.ptraceSyscall && !t.ptraceSysemu ? 1 : 0;
  }

  /**
   * A single-step trap (send_sigtrap): SIGTRAP with `code`, si_addr the
   * next instruction's address, trapno 1, forced as an exception's signal
   * is: TRAP_TRACE for the #DB after an instruction that began with
   * EFLAGS.TF set, TRAP_BRKPT after a syscall stepped under ptrace.
   */
  private stepTrap(code = TRAP_TRACE): void {
    const dw = this.dwords;
    // the #DB's entry leaves orig_rax -1, as an exception's does; a stepped syscall's keeps its number
    if (code === TRAP_TRACE) {
      dw[ORIG_RAX_W] = -1;
      dw[ORIG_RAX_W + 1] = -1;
      // DR6 says it was a single step (exc_debug_user)
      this.current.debugRegs = afterSingleStep(this.current.debugRegs);
    }
    this.current.lastTrap = DEBUG_TRAP;
    forceSignal(this, SIGTRAP, siginfo(SIGTRAP, code, dw[RIP_W], dw[RIP_W + 1], 0, 0));
    deliverSignals(this);
  }

  /** Puts task t in seccomp mode `mode` with filter chain `filter` (the fast syscalls go for it). */
  setSeccomp(t: Task, mode: number, filter: SeccompFilter | undefined): void {
    t.seccompMode = mode;
    t.seccompFilter = filter;
    if (t === this.current) this.enterTask(t);
  }

  /** rip: at a syscall's entry, the address after its instruction. */
  rip(): bigint {
    return this.qwords[RIP_Q];
  }

  /** The syscall's orig_rax (the number as the entry found it in rax), as syscall_rollback puts it back. */
  origRax(): bigint {
    return BigInt.asIntN(64, this.qwords[ORIG_RAX_Q]);
  }

  /** A seccomp filter's TRAP: SIGSYS with SYS_SECCOMP, si_errno the filter's data, from the syscall's address. */
  seccompTrap(nr: number, arch: number, data: number): void {
    const dw = this.dwords;
    this.current.lastTrap = NO_TRAP;
    forceSignal(this, 31, siginfo(31, SYS_SECCOMP, dw[RIP_W], dw[RIP_W + 1], nr, arch | 0, data));
    deliverSignals(this);
  }

  /** do_exit(sig) of the current thread: the process ends with it when it is the last one. */
  killThread(sig: number): void {
    if (this.liveThreads(this.current.tgid) > 1) this.retireThread(this.current, { kind: 'killed', signal: sig, coreDumped: false });
    else this.killProcess(sig);
  }


  setRip(v: bigint): void {
    this.qwords[RIP_Q] = v;
  }

  /**
   * rip moved by delta bytes (a syscall instruction's 2, back before it for
   * a call that sleeps and runs again, forth when it wakes), modulo 2^64 as
   * setRip stores: on the CPU block's 32-bit words, where the BigInt read,
   * sum and store made three BigInts at every sleep and wake-up (a parent's
   * wait for its child makes both).
   */
  moveRip(delta: number): void {
    const dw = this.dwords;
    const lo = (dw[RIP_W] >>> 0) + delta;
    dw[RIP_W] = lo;
    // the carry or the borrow (the store above keeps lo modulo 2^32)
    if (lo > 0xffffffff) dw[RIP_W + 1]++;
    else if (lo < 0) dw[RIP_W + 1]--;
  }

  /** Stores a task's SUD config, and into the CPU block's config when it is running. */
  setSud(t: Task, cfg: SudConfig): void {
    t.sud = cfg;
    if (t !== this.current) {
      const dv = savedView(t.saved);
      const b = t.saved.byteOffset - L.CPU;
      dv.setInt32(b + L.SUD_FLAGS, (cfg.armed ? L.SUD_ARMED : 0) | (cfg.inclusiveEnd ? L.SUD_RANGE_INCLUSIVE_END : 0), true);
      dv.setBigUint64(b + L.SUD_SELECTOR, cfg.selector, true);
      dv.setBigUint64(b + L.SUD_OFFSET, cfg.offset, true);
      dv.setBigUint64(b + L.SUD_LEN, cfg.len, true);
      return;
    }
    const q = this.qwords;
    this.dwords[L.SUD_FLAGS >> 2] = (cfg.armed ? L.SUD_ARMED : 0) | (cfg.inclusiveEnd ? L.SUD_RANGE_INCLUSIVE_END : 0);
    q[L.SUD_SELECTOR >> 3] = cfg.selector;
    q[L.SUD_OFFSET >> 3] = cfg.offset;
    q[L.SUD_LEN >> 3] = cfg.len;
  }

  reg(i: number): bigint {
    return this.qwords[regQ(i)];
  }

  setReg(i: number, v: bigint): void {
    this.qwords[regQ(i)] = v;
  }

  /**
   * Runs until the process ends or maxInsns instructions retire.
   * Returns true when the process has ended.
   */
  run(maxInsns: bigint = -1n): boolean {
    const e = this.engine;
    const start = e.u64(L.INSN_COUNT);
    // the budget's end as a double when that is exact (always, in practice): BigInt arithmetic
    // on every exit allocates; past 2^53 the BigInt path below serves
    const endBig = start + maxInsns;
    const endN = maxInsns >= 0n && endBig <= MAX_SAFE_BIG ? Number(endBig) : -1;
    while (!this.end) {
      if (this.current.state !== 'runnable') {
        const next = this.pickNext();
        if (!next) {
          // every task sleeps with nothing that could wake it: on Linux the program hangs forever
          this.deadlocked = true;
          return false;
        }
        this.switchTo(next);
        if (next.sleeping === undefined) deliverSignals(this);
        continue;
      }
      // a task woken in a syscall it slept in: the call looks again first, as Linux's wait loops do
      if (this.current.sleeping !== undefined) {
        this.resumeSyscall();
        continue;
      }
      // with several runnable tasks the quantum comes from the seed: another seed, another interleaving
      const several = this.severalRunnable();
      if (several && this.quantumLeft <= 0) this.quantumLeft = QUANTUM_MIN + this.schedRng.nextBelow(QUANTUM_SPAN);
      let slice = several ? this.quantumLeft : SLICE;
      if (this.timerfds !== undefined && this.timerfds.size > 0) {
        // a timerfd due wakes its waiters now; the slice stops at the next one
        const next = this.expireTimerfds();
        if (next !== undefined) {
          const until = next - this.clockNs();
          if (until < BigInt(slice)) slice = until < 1n ? 1 : Number(until);
        }
        if (this.current.state !== 'runnable') continue;
      }
      if (this.cpuTimersArmed > 0) {
        // the running process's CPU timers: one due fires, the slice stops at the next
        const next = this.fireCpuTimers();
        if (next !== undefined && next < BigInt(slice)) slice = next < 1n ? 1 : Number(next);
        deliverSignals(this);
        if (this.end || this.current.state !== 'runnable') continue;
      }
      if (this.alarmsArmed > 0) {
        // a timer due fires now (its signal is delivered on the way back to user mode); the
        // slice stops at the next one
        const next = this.fireAlarms();
        if (next !== undefined) {
          const until = next - this.clockNs();
          if (until < BigInt(slice)) slice = until < 1n ? 1 : Number(until);
        }
        if (this.current.state !== 'runnable') continue;
        deliverSignals(this);
        if (this.end || this.current.state !== 'runnable') continue;
      }
      if (endN >= 0) {
        // exact: the count is below endN <= 2^53 until the budget is spent (then left <= 0 either way)
        const dw = this.dwords;
        const left = endN - wordsNumber(dw, INSN_COUNT_W);
        if (left <= 0) return false;
        if (left < slice) slice = left;
      } else if (maxInsns >= 0n) {
        const left = maxInsns - (e.u64(L.INSN_COUNT) - start);
        if (left <= 0n) return false;
        if (left < BigInt(slice)) slice = Number(left);
      }
      const dw = this.dwords;
      // EFLAGS.TF: an instruction that begins with it set traps after it. The engine's run loop
      // does not step: the task runs one instruction at a time, and without the engine's own
      // syscalls, as a syscall's trap is lost (the kernel returns with TF set: the instruction
      // after it traps)
      const stepping = (dw[RFLAGS_W] & TF) !== 0;
      if (stepping) {
        slice = 1;
        dw[L.SW_FAST_SYSCALLS >> 2] = 0;
      }
      const before = dw[INSN_COUNT_W] >>> 0;
      const reason = e.x.run(slice);
      if (stepping) dw[L.SW_FAST_SYSCALLS >> 2] = this.fastSyscalls(this.current);
      // the low word's difference is exact: a slice is below 2^32
      if (several) this.quantumLeft -= ((dw[INSN_COUNT_W] >>> 0) - before) >>> 0;
      switch (reason) {
        case L.EXIT_SYSCALL:
          this.syscall();
          // the quantum spent or the task yielding: the next runnable task, if any
          if ((this.quantumLeft <= 0 && several) || this.yieldRequested) this.preempt();
          break;
        case L.EXIT_FAULT:
          this.fault();
          break;
        case L.EXIT_DISPATCH:
          this.dispatch();
          break;
        case L.EXIT_SUD_KILL:
          this.sudKill();
          break;
        case L.EXIT_BUDGET:
          if (stepping) {
            this.stepTrap();
            if (several && this.quantumLeft <= 0) this.preempt();
            break;
          }
          // preemption: a deterministic round robin at the end of each slice (a lone task,
          // which just ran, goes on: as each case starts, the guest's pause loop exits here)
          if (this.tasks.size >= 2) this.preempt();
          break;
        case L.EXIT_TRAP_FLAG:
          // popf set TF: from the next instruction on the loop steps (a popf that began with it traps)
          if (stepping) this.stepTrap();
          break;
        default:
          throw new Error(`sudsim: engine returned unknown exit reason ${reason}`);
      }
    }
    return true;
  }

  /**
   * A task that slept in a syscall runs again: the call runs again in the
   * kernel, not from its instruction (Linux's task wakes inside the call,
   * past the entry and its Syscall User Dispatch check). If it completes,
   * its result stands and the pending signals are delivered after it (a
   * wait that finds its child gone returns ECHILD, not EINTR); if it would
   * sleep again while a signal is there to deliver, the signal interrupts
   * it (EINTR, or a restart with SA_RESTART).
   */
  private resumeSyscall(): void {
    const t = this.current;
    // past a syscall-enter-stop the call goes on from where the tracer left its registers: the
    // number is orig_rax (-1 skips the call), rip stayed after the instruction
    const stopped = t.sleeping;
    if (stopped === 'exit') {
      // past a PTRACE_EVENT_EXIT stop: the exit it stopped before
      t.sleeping = undefined;
      const p = t.pendingExit!;
      if (p.thread) this.retireThread(t, p.end);
      else this.endGroup(t, p.end);
      return;
    }
    if (stopped === 'event') {
      // a vfork under PTRACE_O_TRACEVFORKDONE, the child gone or exec'd: that event's stop first
      if (t.vforkDoneEvent !== undefined) {
        const child = t.vforkDoneEvent;
        t.vforkDoneEvent = undefined;
        this.ptraceNotify(t, undefined, SIGTRAP | (PTRACE_EVENT_VFORK_DONE << 8), child);
        return;
      }
      // past a ptrace event stop inside the call: its return value, then the way out
      t.sleeping = undefined;
      this.setReg(0, t.eventReturn);
      this.syscallExit(t);
      return;
    }
    const traced = stopped === 'traced' || stopped === 'emulated' || stopped === 'seccomp';
    // the registers as the syscall left them: rip back after the instruction, the number in rax
    if (!traced) this.moveRip(2);
    this.dwords[SYSNO_W] = this.dwords[ORIG_RAX_W];
    this.dwords[INT80_W] = t.sleepingInt80 ? 1 : 0;
    if (traced && (t.sig.pending[SIGKILL] !== undefined || t.shared.pending[SIGKILL] !== undefined)) {
      // killed in the stop: the call never runs
      t.sleeping = undefined;
      deliverSignals(this);
      return;
    }
    this.syscall(
      stopped === 'traced' ? SyscallEntry.AfterTraceStop
        : stopped === 'emulated' ? SyscallEntry.AfterEmulationStop
          : stopped === 'seccomp' ? SyscallEntry.AfterSeccompStop
            : SyscallEntry.Woken,
    );
    if (t.state === 'blocked' && t.sleeping !== undefined && signalDeliverable(t)) t.state = 'runnable';
    if (t.state !== 'runnable' || this.end) return;
    // a call that left the task runnable yet restarting would otherwise run here again and again
    // (the engine then runs the call's instruction again)
    if (t.sleeping !== undefined && !signalDeliverable(t)) {
      t.sleeping = undefined;
      return;
    }
    deliverSignals(this);
  }

  /**
   * Runs the syscall the engine stopped at, after the entry work `stage`
   * has not done yet: from user mode, a ptrace syscall-enter-stop and then
   * seccomp (Syscall User Dispatch came first, in the engine); past the
   * stop, seccomp; a task woken inside a call it slept in, neither.
   */
  private syscall(stage: SyscallEntry = SyscallEntry.User): void {
    const trace = this.trace;
    const t0 = this.current;
    t0.sleeping = undefined;
    const nr = this.dwords[SYSNO_W];
    const int80 = this.dwords[INT80_W] !== 0;
    if (stage === SyscallEntry.User && (t0.ptraceSyscall || t0.ptraceSysemu) && t0.tracer !== undefined) {
      // syscall-enter-stop: rax -ENOSYS and the number in orig_rax, for the tracer to see or change;
      // under PTRACE_SYSEMU the call is to be skipped, as decided now (syscall_trace_enter reads
      // the work flags once, before the stop)
      this.setReg(0, errnoResult(ENOSYS));
      t0.sleeping = t0.ptraceSysemu ? 'emulated' : 'traced';
      t0.sleepingInt80 = int80;
      this.ptraceNotify(t0, PTRACE_SYSCALL_ENTRY);
      return;
    }
    // the tracer set orig_rax to -1 at a syscall stop (any negative number at seccomp's), or
    // the call is emulated: it is skipped (seccomp too), rax is what the tracer left; the way
    // out reads the work flags again, so an emulated call resumed with PTRACE_SYSCALL has an
    // exit stop
    if (stage === SyscallEntry.AfterEmulationStop || (stage === SyscallEntry.AfterTraceStop && nr === -1) || (stage === SyscallEntry.AfterSeccompStop && nr < 0)) {
      this.syscallExit(t0);
      return;
    }
    if (stage !== SyscallEntry.Woken && t0.seccompMode !== SECCOMP_MODE_DISABLED) {
      const v = secureComputing(this, nr, int80, stage === SyscallEntry.AfterSeccompStop);
      if (v === Verdict.Stopped) {
        // PTRACE_EVENT_SECCOMP: the call goes on (or not) when the tracer resumes the task
        this.setReg(0, errnoResult(ENOSYS));
        t0.sleeping = 'seccomp';
        t0.sleepingInt80 = int80;
        return;
      }
      if (v === Verdict.Gone) return;
      if (v === Verdict.Skip) {
        if (int80) this.setReg(0, BigInt.asIntN(32, this.reg(0)));
        const name = (int80 ? IA32_SYSCALLS.get(nr) : syscallRow(nr))?.name ?? `syscall_${hex(BigInt(nr >>> 0))}`;
        trace?.(`${this.tracePrefix()}${name}() = ${formatReturn(BigInt.asUintN(64, this.reg(0)), 'd')} (seccomp)`);
        this.syscallExit(t0);
        return;
      }
    }
    // bit 30 selects the x32 ABI, which these kernels do not enable (no row has such a number)
    const row = int80 ? IA32_SYSCALLS.get(nr) : syscallRow(nr);
    const args = this.args;
    args.int80 = int80;
    // the name and the arguments (formatting reads guest memory) are for the trace only
    const name = trace ? row?.name ?? `syscall_${hex(BigInt(nr >>> 0))}` : '';
    const shown = row && trace ? this.formatArgs(row, args) : '';
    let result = 0n;
    if (row === undefined) result = errnoResult(ENOSYS);
    else {
      if (row.noreturn) trace?.(`${this.tracePrefix()}${name}(${shown}) = ?`);
      let restart: RestartSyscall | undefined;
      try {
        result = row.handler(this, args);
        restart = this.restartRequest;
      } catch (err) {
        if (err instanceof RestartSyscall) restart = err;
        else if (err instanceof Errno) result = errnoResult(err.errno);
        else throw err;
      }
      if (restart !== undefined) {
        // the task sleeps; the syscall instruction runs again when it wakes
        this.restartRequest = undefined;
        this.moveRip(-2);
        // rax = orig_rax, word by word
        const dw = this.dwords;
        dw[RAX_W] = dw[ORIG_RAX_W];
        dw[RAX_W + 1] = dw[ORIG_RAX_W + 1];
        this.current.sleeping = restart.block ? 'restartblock' : 'restartsys';
        this.current.sleepingInt80 = int80;
        // a signal it can take already (a mask the call just set lets one through) ends the sleep at once
        if (this.current.state === 'blocked' && signalDeliverable(this.current)) this.current.state = 'runnable';
        return;
      }
      if (row.noreturn) return;
    }
    if (this.current.state === 'zombie') return;
    if (int80) result = BigInt.asIntN(32, result);
    this.setReg(0, result);
    trace?.(`${this.tracePrefix()}${name}(${shown}) = ${formatReturn(BigInt.asUintN(64, result), row?.ret ?? 'd')}`);
    const t = this.current;
    if (t.rseqResume) rseqNotifyResume(this, 0);
    this.syscallExit(t);
  }

  /** The way back to user mode after a syscall: a ptrace syscall-exit-stop, or the signals to deliver. */
  private syscallExit(t: Task): void {
    if (((t.ptraceStop !== undefined && t.state === 'blocked') || t.vforkDoneEvent !== undefined) && t === this.current) {
      // the call stopped for a ptrace event (exec, fork, clone, vfork), or waits to stop for
      // vfork's end: its return value is set after, rax reads -ENOSYS until then, and the exit
      // stop and signals come when it goes on
      t.eventReturn = this.reg(0);
      this.setReg(0, errnoResult(ENOSYS));
      t.sleeping = 'event';
      return;
    }
    if (t.singleStep && !t.ptraceSysemu && t.state !== 'zombie' && t === this.current) {
      // stepping: the trap the kernel entry lost, in place of a syscall-exit-stop
      // (user_single_step_report: SIGTRAP, TRAP_BRKPT); an emulated call has none
      this.stepTrap(TRAP_BRKPT);
      return;
    }
    if (t.ptraceSyscall && t.tracer !== undefined && t.state !== 'zombie' && t === this.current) {
      this.ptraceNotify(t, PTRACE_SYSCALL_EXIT);
      return;
    }
    // most syscalls leave nothing to deliver: deliverSignals' first test, without the call
    if (t.sig.pendingCount !== 0 || t.shared.pendingCount !== 0 || t.ptraceInject !== undefined) deliverSignals(this);
  }

  /**
   * A stop the kernel reports to t's tracer (ptrace_notify): by default a
   * syscall stop, SIGTRAP with 0x80 under PTRACE_O_TRACESYSGOOD; with
   * `code` an event stop, SIGTRAP with the event above it. `kind` is
   * PTRACE_GET_SYSCALL_INFO's op for a syscall or seccomp stop, `message`
   * what PTRACE_GETEVENTMSG gives.
   */
  ptraceNotify(t: Task, kind: number | undefined, code = SIGTRAP | ((t.ptraceOptions & PTRACE_O_TRACESYSGOOD) !== 0 ? 0x80 : 0), message = kind ?? 0): void {
    // the call's arch as the stop reports it (TS_COMPAT through int $0x80)
    const int80 = this.dwords[INT80_W] !== 0;
    // any trap clears a pending PTRACE_INTERRUPT (ptrace_stop)
    t.ptraceTrap &= ~JOBCTL_TRAP_STOP;
    t.ptraceStop = { sig: code, info: killInfo(SIGTRAP, code, t.tid, 0), reported: false, syscall: kind, int80, message };
    t.state = 'blocked';
    this.cldstop(t, true, CLD_TRAPPED, code);
    this.wakeTracer(t);
  }

  private formatArgs(row: SyscallRow, args: SyscallArgs): string {
    const a = Array.from({ length: 6 }, (_, i) => args.u64(i));
    const read = (addr: bigint, len: number): Uint8Array | undefined => {
      try {
        return len < 0 ? readCString(this.mm, addr, 256) : copyFromUser(this.mm, addr, len);
      } catch {
        return undefined;
      }
    };
    return [...row.args].map((f, i) => formatArg(f, a[i], read, a[i + 1])).join(', ');
  }

  private fault(): void {
    const dw = this.dwords;
    // an exception's entry leaves orig_rax -1 (no syscall to restart), which a tracer sees
    dw[ORIG_RAX_W] = -1;
    dw[ORIG_RAX_W + 1] = -1;
    let sig = dw[SIGNO_W];
    const addr = this.qwords[ADDR_Q];
    let code = dw[CODE_W];
    if (sig === SIGSEGV && code === SEGV_MAPERR && dw[TRAPNO_W] === 14) {
      // a page fault on a page not yet present: demand paging, or the signal
      // the write and fetch bits are in the error code's low word: no bigint for them
      const err = dw[ERR_W];
      const r = this.mm.faultIn(addr, (err & 2) !== 0, (err & 16) !== 0);
      if (r === 'ok') return;
      if (r === 'accerr') code = SEGV_ACCERR;
      // a file mapping's page past the file's end (VM_FAULT_SIGBUS)
      if (r === 'sigbus') {
        sig = SIGBUS;
        code = BUS_ADRERR;
      }
    }
    const trapno = dw[TRAPNO_W];
    this.current.lastTrap = { trapno: TRAPNOS[trapno] ?? BigInt(trapno), err: this.qwords[ERR_Q], cr2: trapno === 14 ? addr : 0n };
    // si_addr, in the union's first two words
    forceSignal(this, sig, siginfo(sig, code, dw[ADDR_W], dw[ADDR_W + 1], 0, 0));
    deliverSignals(this);
  }

  /**
   * The engine's selector read failed or found a bad value. A selector on a
   * page that a VMA covers but nobody touched yet is faulted in here and the
   * check finishes in the kernel, as the real __get_user's page fault would.
   */
  private sudKill(): void {
    const dw = this.dwords;
    let sig = dw[SIGNO_W];
    const sud = this.current.sud;
    if (sig === SIGSEGV && this.mm.faultIn(sud.selector, false, false) === 'ok') {
      const v = copyFromUser(this.mm, sud.selector, 1)[0];
      if (v === 0) return this.syscall();
      if (v === 1) {
        const int80 = dw[INT80_W] !== 0;
        this.qwords[ADDR_Q] = this.qwords[RIP_Q];
        dw[CODE_W] = int80 ? 0x40000003 : 0xc000003e | 0;
        return this.dispatch();
      }
      sig = 31;
    }
    // the seed's do_exit(sig) ends the calling thread only; mainline's force_exit_sig the group
    if (this.profile.killThreadOnly && this.liveThreads(this.current.tgid) > 1) {
      this.retireThread(this.current, { kind: 'killed', signal: sig, coreDumped: false });
      return;
    }
    this.killProcess(sig, true);
  }

  /** SUD dispatched a syscall: rax is rolled back; force SIGSYS (SEMANTICS.md §4-5). */
  private dispatch(): void {
    const dw = this.dwords;
    this.current.lastTrap = NO_TRAP;
    // SYS_USER_DISPATCH: si_call_addr (two words), si_syscall, si_arch, from the exit record's words
    forceSignal(this, 31, siginfo(31, SYS_USER_DISPATCH, dw[ADDR_W], dw[ADDR_W + 1], dw[SYSNO_W], dw[CODE_W]));
    deliverSignals(this);
  }

  /** exit(2): ends the calling thread; the process ends with its last thread. */
  exitThread(status: number): void {
    const t = this.current;
    if (this.liveThreads(t.tgid) <= 1) {
      this.exitGroup(status);
      return;
    }
    const end: ProcessEnd = { kind: 'exited', status: status & 0xff };
    if (this.exitStop(t, end, true, true)) return;
    this.retireThread(t, end);
  }

  exitGroup(status: number): void {
    this.endGroup(this.current, { kind: 'exited', status: status & 0xff }, true);
  }

  /** The current process dies by sig; `inSyscall`: in a syscall's entry or body (rax reads -ENOSYS to a tracer). */
  killProcess(sig: number, inSyscall = false): void {
    this.endGroup(this.current, { kind: 'killed', signal: sig, coreDumped: false }, inSyscall);
  }

  /**
   * PTRACE_O_TRACEEXIT: a traced task about to exit stops first
   * (PTRACE_EVENT_EXIT, its wait status as the message, rax -ENOSYS when in
   * a syscall) and exits when its tracer resumes it. True when it stopped.
   */
  private exitStop(t: Task, end: ProcessEnd, inSyscall: boolean, thread: boolean): boolean {
    if (t.tracer === undefined || (t.ptraceOptions & PTRACE_O_TRACEEXIT) === 0 || t.pendingExit !== undefined || t !== this.current) return false;
    const status = waitStatusOf(end);
    if (inSyscall) this.setReg(0, errnoResult(ENOSYS));
    t.pendingExit = { end, thread };
    this.ptraceNotify(t, undefined, SIGTRAP | (PTRACE_EVENT_EXIT << 8), status);
    t.sleeping = 'exit';
    return true;
  }

  /** How many threads of a group are live. */
  private liveThreads(tgid: number): number {
    let n = 0;
    for (const x of this.tasks.values()) if (x.tgid === tgid && x.state !== 'zombie') n++;
    return n;
  }

  /** A thread other than the last one ends: CLONE_CHILD_CLEARTID's store and futex wake, then it is gone. */
  private retireThread(t: Task, end: ProcessEnd = EXITED_0): void {
    this.trace?.(`${this.tracePrefix(t)}+++ exited with 0 +++`);
    this.keepCpuTime(t);
    t.state = 'zombie';
    this.clearChildTid(t);
    t.mm.users--;
    this.dropFiles(t);
    // a traced thread stays a zombie until its tracer's wait reaps it
    if (t.tid !== t.tgid && !this.keepForTracer(t, end)) this.releaseTask(t);
  }

  /**
   * A traced task that ended and whose tracer is not its parent (a thread;
   * a process another process forked): it waits as a zombie for its
   * tracer's wait, which SIGCHLD tells of (exit_notify); its parent hears
   * of it once the tracer has reaped it (notifyParent). False when t has
   * no such tracer.
   */
  private keepForTracer(t: Task, end: ProcessEnd): boolean {
    const tr = t.tracer === undefined ? undefined : this.tasks.get(t.tracer);
    if (!tr || tr.state === 'zombie' || (t.tid === t.tgid && t.tracer === t.ppid)) return false;
    t.end = end;
    this.sigchld(tr, t, end);
    this.wakeTracer(t);
    return true;
  }

  /** SIGCHLD to `to` of t's end (si_status the exit code or the signal; CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3). */
  private sigchld(to: Task, t: Task, end: ProcessEnd): void {
    const code = end.kind === 'exited' ? 1 : end.coreDumped ? 3 : 2;
    this.sendSigchld(to, siginfo(SIGCHLD, code, t.tgid, 0, end.kind === 'exited' ? end.status : end.signal, 0));
  }

  /** SIGCHLD with info for `to`'s process (to itself is woken by its caller: wakeParent, wakeTracer). */
  private sendSigchld(to: Task, info: Siginfo): void {
    const taker = sendSignalToProcess(this, to, SIGCHLD, info);
    // a thread that takes SIGCHLD wakes from an interruptible sleep to run its handler
    if (taker && taker !== to && taker.state === 'blocked' && !taker.jobStop && !taker.ptraceStop && !taker.vforkWait) taker.state = 'runnable';
  }

  /**
   * do_notify_parent_cldstop: SIGCHLD to t's tracer (`toTracer`: a ptrace
   * stop, CLD_TRAPPED, or a seized tracee's event stop) or to its parent
   * (a job-control stop or continue), si_status the signal, unless the
   * receiver ignores SIGCHLD or asked not to hear of stops (SA_NOCLDSTOP).
   * A debugger or a shell waiting for SIGCHLD rather than in wait4 learns
   * of the stop so; the caller wakes the receiver (wakeTracer, wakeParent),
   * as __wake_up_parent does.
   */
  cldstop(t: Task, toTracer: boolean, why: number, status: number): void {
    const to = this.tasks.get(toTracer ? t.tracer ?? -1 : t.ppid);
    if (!to || to.state === 'zombie') return;
    const act = to.sighand.actions[SIGCHLD];
    if (act.handler === SIG_IGN || (act.flags & SA_NOCLDSTOP) !== 0n) return;
    // the tracer hears of the thread, the parent of the process
    this.sendSigchld(to, siginfo(SIGCHLD, why, toTracer ? t.tid : t.tgid, 0, status & 0x7f, 0));
  }

  /** release_task: t, a zombie, leaves the task list for good (its saved CPU block serves a later task). */
  releaseTask(t: Task): void {
    this.tasks.delete(t.tid);
    releaseSavedBlock(t);
  }

  /**
   * mm_release as a task leaves its memory (exit, or exec): its robust
   * locks go to their waiters, then CLONE_CHILD_CLEARTID's word is cleared
   * and a waiter on it woken.
   */
  private clearChildTid(t: Task): void {
    exitRobustList(this, t);
    if (t.clearChildTid === 0n) return;
    try {
      writeU32(t.mm, t.clearChildTid, 0);
      futexWakeWord(this, t.mm, t.clearChildTid);
    } catch {
      // an unmapped tid word is ignored, as Linux does
    }
  }

  /** The whole thread group of t ends with end. */
  endGroup(t: Task, end: ProcessEnd, inSyscall = false): void {
    if (this.exitStop(t, end, inSyscall, false)) return;
    // each live thread but the leader goes (deleting from a Map while iterating it is safe)
    for (const x of this.tasks.values()) {
      if (x.tgid !== t.tgid || x.state === 'zombie' || x.tid === x.tgid) continue;
      // a robust lock in memory another process shares is handed on as each thread dies
      exitRobustList(this, x);
      this.keepCpuTime(x);
      x.state = 'zombie';
      x.mm.users--;
      this.dropFiles(x);
      // a traced thread stays for its tracer's wait, ended as its group is
      if (!this.keepForTracer(x, end)) this.releaseTask(x);
    }
    const leader = this.tasks.get(t.tgid) ?? t;
    this.endProcess(leader, end);
  }

  /** Line prefix naming the task when more than one process has run (as strace -f does). */
  tracePrefix(t: Task = this.current): string {
    return t.tgid === this.rootPid ? '' : `[pid ${t.tid}] `;
  }

  /** vfork: the parent sleeps until the child execs or exits (mm_release). */
  releaseVforkParent(child: Task): void {
    if (child.vforkParent === undefined) return;
    const p = this.tasks.get(child.vforkParent);
    child.vforkParent = undefined;
    if (p && p.vforkWait) {
      p.vforkWait = false;
      if (p.state === 'blocked') p.state = 'runnable';
    }
  }

  /** A process ends: it becomes a zombie for its parent's wait4, or ends the machine when it is the first one. */
  endProcess(t: Task, end: ProcessEnd): void {
    if (t.end !== undefined) return;
    if (t.alarmAt !== undefined) {
      t.alarmAt = undefined;
      this.alarmsArmed--;
    }
    const c = t.cpuTimers;
    if (c) {
      this.cpuTimersArmed -= (c.virtualAt !== undefined ? 1 : 0) + (c.profAt !== undefined ? 1 : 0);
      t.cpuTimers = undefined;
    }
    // a leader that left with exit(2) while other threads lived is a zombie already: the
    // process ends with its last thread, the leader's own exit work done
    const retired = t.state === 'zombie';
    t.state = 'zombie';
    t.end = end;
    if (!retired) this.clearChildTid(t);
    this.releaseVforkParent(t);
    this.trace?.(this.tracePrefix(t) + (end.kind === 'exited' ? exitedLine(end.status) : killedLine(end.signal, end.coreDumped)));
    if (!retired) {
      t.mm.users--;
      this.dropFiles(t);
    }
    // the first process's memory stays readable once the machine has ended, for inspection
    if (t.mm.users === 0 && t.tgid !== this.rootPid) t.mm.destroy();
    if (t.tgid === this.rootPid) this.rootMm = t.mm;
    // one pass over the tasks: its children go to the nearest subreaper or init (an ended one
    // is the subreaper's to reap now), its tracees are let go (exit_ptrace), and tasks sleeping
    // in poll look again (a process they may watch has changed state)
    const reaper = this.childReaper(t);
    for (const c of this.tasks.values()) {
      if (c.ppid === t.tgid && c.tgid !== t.tgid) {
        c.ppid = reaper;
        if (reaper !== INIT_PID && c.state === 'zombie' && c.tid === c.tgid && c.end !== undefined && c.tracer === undefined) this.notifyParent(c, c.end);
      }
      if (c.tracer === t.tgid && c.state !== 'zombie') releaseTracee(c);
      else if (c.tracer === t.tgid) this.untraceZombie(c);
      if (c.state === 'blocked' && c.inPoll) c.state = 'runnable';
    }
    if (t.tgid === this.rootPid) {
      this.end = end;
      return;
    }
    // a tracer that is not the parent reaps it first
    if (this.keepForTracer(t, end)) return;
    this.notifyParent(t, end);
  }

  /**
   * Who takes the children of process t when it ends (find_new_reaper): the
   * nearest live ancestor that set PR_SET_CHILD_SUBREAPER, else init.
   */
  private childReaper(t: Task): number {
    let pid = t.ppid;
    for (let depth = 0; depth < 4096 && pid !== INIT_PID; depth++) {
      const p = this.tasks.get(pid);
      if (!p) break;
      if (p.childSubreaper && p.state !== 'zombie') return p.tgid;
      pid = p.ppid;
    }
    return INIT_PID;
  }

  /** A process ended: its parent's SIGCHLD and wait, or its release when nobody will wait for it. */
  notifyParent(t: Task, end: ProcessEnd): void {
    const parent = this.tasks.get(t.ppid);
    if (!parent || parent.state === 'zombie') {
      this.releaseTask(t);
      return;
    }
    this.sigchld(parent, t, end);
    // a parent ignoring SIGCHLD (or with SA_NOCLDWAIT) leaves no zombie: the child is reaped now,
    // and a wait finds it gone (ECHILD once no child is left)
    const act = parent.sighand.actions[SIGCHLD];
    if (act.handler === SIG_IGN || (act.flags & SA_NOCLDWAIT) !== 0n) this.releaseTask(t);
    this.wakeParent(t);
  }

  /**
   * A zombie its tracer reaped, or whose tracer ended: a thread is gone, a
   * process goes on to its parent.
   */
  untraceZombie(t: Task): void {
    ptraceUnlink(t);
    if (t.tid !== t.tgid) this.releaseTask(t);
    else if (t.end !== undefined) this.notifyParent(t, t.end);
  }

  /** Fires every timer that is due (SIGALRM, rearmed when periodic); returns the earliest still armed. */
  private fireAlarms(): bigint | undefined {
    const now = this.clockNs();
    for (const t of this.tasks.values()) {
      if (t.alarmAt === undefined || t.alarmAt > now || t.state === 'zombie') continue;
      if (t.alarmInterval > 0n) {
        // a period behind: fire once and rearm after now, as the timer's expiries coalesce
        t.alarmAt += ((now - t.alarmAt) / t.alarmInterval + 1n) * t.alarmInterval;
      } else {
        t.alarmAt = undefined;
        this.alarmsArmed--;
      }
      kernelSignal(this, t.tgid, 14);
    }
    return this.nextAlarm();
  }

  private nextAlarm(): bigint | undefined {
    let at: bigint | undefined;
    for (const t of this.tasks.values()) if (t.alarmAt !== undefined && t.state !== 'zombie' && (at === undefined || t.alarmAt < at)) at = t.alarmAt;
    return at;
  }

  /** The current task's CPU time since it began to run, added to its own (its time now stands in cpuNs). */
  chargeCurrent(): void {
    const now = this.busyNs();
    const ns = now - this.runningSince;
    this.current.cpuNs += ns;
    this.runningSince = now;
    const cpu = this.dwords[L.CPU_TSC_AUX >> 2] & TSC_AUX_CPU;
    if (cpu !== 0) this.cpuBusyNs[cpu] += ns;
  }

  /**
   * The busy time of each CPU so far (ns): what tasks ran while on it. CPU 0
   * has what the others do not, so that the sum is the machine's busy time.
   */
  cpuBusy(): bigint[] {
    const busy = this.cpuBusyNs.slice();
    const cpu = this.dwords[L.CPU_TSC_AUX >> 2] & TSC_AUX_CPU;
    if (cpu !== 0) busy[cpu] += this.busyNs() - this.runningSince;
    let rest = this.clockNs() - this.idleNs();
    for (let i = 1; i < busy.length; i++) rest -= busy[i];
    busy[0] = rest;
    return busy;
  }

  /**
   * Puts a task on a CPU: the TSC_AUX word of its CPU state (the engine's
   * block while it runs), which rdtscp and so the vDSO's getcpu read. The
   * running task's time so far stays with the CPU it leaves.
   */
  setTaskCpu(t: Task, cpu: number): void {
    if (t === this.current) {
      this.chargeCurrent();
      this.dwords[L.CPU_TSC_AUX >> 2] = cpu;
      return;
    }
    savedView(t.saved).setUint32(t.saved.byteOffset - L.CPU + L.CPU_TSC_AUX, cpu, true);
  }

  /** A thread's CPU time so far (RUSAGE_THREAD, CLOCK_THREAD_CPUTIME_ID). */
  threadCpuNs(t: Task): bigint {
    return t === this.current ? t.cpuNs + (this.busyNs() - this.runningSince) : t.cpuNs;
  }

  /** A process's CPU time so far: its threads' and those that ended (RUSAGE_SELF, CLOCK_PROCESS_CPUTIME_ID, times). */
  processCpuNs(tgid: number): bigint {
    let ns = this.tasks.get(tgid)?.cpuTotals?.exited ?? 0n;
    for (const x of this.tasks.values()) if (x.tgid === tgid) ns += this.threadCpuNs(x);
    return ns;
  }

  /** A thread leaves its process: its CPU time stays the process's (on the leader). */
  private keepCpuTime(x: Task): void {
    const leader = this.tasks.get(x.tgid);
    if (!leader || leader === x) return;
    (leader.cpuTotals ??= { exited: 0n, children: 0n }).exited += this.threadCpuNs(x);
  }

  /**
   * A waited-for child's CPU time, with its own children's, goes to the
   * waiting process's children's time (wait_task_zombie: cutime).
   */
  reapCpuTime(child: Task): void {
    const leader = this.tasks.get(this.current.tgid) ?? this.current;
    const ns = this.processCpuNs(child.tgid) + (child.cpuTotals?.children ?? 0n);
    (leader.cpuTotals ??= { exited: 0n, children: 0n }).children += ns;
  }

  /**
   * ITIMER_VIRTUAL and ITIMER_PROF of the current process: one that its CPU
   * time has reached fires (SIGVTALRM, SIGPROF, to the process) and rearms
   * by its period; returns the CPU time until the next, if one is armed.
   */
  private fireCpuTimers(): bigint | undefined {
    const leader = this.tasks.get(this.current.tgid);
    const c = leader?.cpuTimers;
    if (!c) return undefined;
    const cpu = this.processCpuNs(leader.tgid);
    let next: bigint | undefined;
    for (const which of [ITIMER_VIRTUAL, ITIMER_PROF]) {
      let at = which === ITIMER_VIRTUAL ? c.virtualAt : c.profAt;
      if (at === undefined) continue;
      const interval = which === ITIMER_VIRTUAL ? c.virtualInterval : c.profInterval;
      if (cpu >= at) {
        if (interval > 0n) at += ((cpu - at) / interval + 1n) * interval;
        else {
          at = undefined;
          this.cpuTimersArmed--;
        }
        if (which === ITIMER_VIRTUAL) c.virtualAt = at;
        else c.profAt = at;
        kernelSignal(this, leader.tgid, which === ITIMER_VIRTUAL ? SIGVTALRM : SIGPROF);
      }
      if (at !== undefined && (next === undefined || at - cpu < next)) next = at - cpu;
    }
    return next;
  }

  /** ITIMER_VIRTUAL or ITIMER_PROF of the current process: armed value ns of CPU time from now (0n disarms), with a period; returns the old as getCpuTimer does. */
  setCpuTimer(which: number, value: bigint, interval: bigint): [bigint | undefined, bigint] {
    const old = this.getCpuTimer(which);
    const leader = this.tasks.get(this.current.tgid) ?? this.current;
    const c = (leader.cpuTimers ??= { virtualAt: undefined, virtualInterval: 0n, profAt: undefined, profInterval: 0n });
    const at = value > 0n ? this.processCpuNs(leader.tgid) + value : undefined;
    const was = which === ITIMER_VIRTUAL ? c.virtualAt : c.profAt;
    if (was !== undefined) this.cpuTimersArmed--;
    if (at !== undefined) this.cpuTimersArmed++;
    if (which === ITIMER_VIRTUAL) {
      c.virtualAt = at;
      c.virtualInterval = at === undefined ? 0n : interval;
    } else {
      c.profAt = at;
      c.profInterval = at === undefined ? 0n : interval;
    }
    return old;
  }

  /** The current process's ITIMER_VIRTUAL or ITIMER_PROF: [CPU time left (undefined: disarmed; 0n or less: due), period]. */
  getCpuTimer(which: number): [bigint | undefined, bigint] {
    const leader = this.tasks.get(this.current.tgid) ?? this.current;
    const c = leader.cpuTimers;
    const at = which === ITIMER_VIRTUAL ? c?.virtualAt : c?.profAt;
    if (!c || at === undefined) return [undefined, 0n];
    return [at - this.processCpuNs(leader.tgid), which === ITIMER_VIRTUAL ? c.virtualInterval : c.profInterval];
  }

  /** ITIMER_REAL of the current process: arms it at value ns from now (0n disarms) with a period; returns the old [remaining, period]. */
  setAlarm(value: bigint, interval: bigint): [bigint, bigint] {
    const old = this.getAlarm();
    const t = this.tasks.get(this.current.tgid) ?? this.current;
    const now = this.clockNs();
    if (t.alarmAt !== undefined) this.alarmsArmed--;
    t.alarmAt = value > 0n ? now + value : undefined;
    t.alarmInterval = value > 0n ? interval : 0n;
    if (t.alarmAt !== undefined) this.alarmsArmed++;
    return old;
  }

  /** The current process's ITIMER_REAL: [remaining (at least 1 ns while armed), period]. */
  getAlarm(): [bigint, bigint] {
    const t = this.tasks.get(this.current.tgid) ?? this.current;
    const now = this.clockNs();
    return [t.alarmAt === undefined ? 0n : t.alarmAt > now ? t.alarmAt - now : 1n, t.alarmInterval];
  }

  /** The next runnable task after the current one takes the processor with a new quantum. */
  private preempt(): void {
    this.yieldRequested = false;
    this.quantumLeft = 0;
    if (this.current.state !== 'runnable') return;
    const next = this.pickNext();
    if (next && next !== this.current) this.switchTo(next);
  }

  /** More than one task is runnable (the scheduler then preempts). */
  private severalRunnable(): boolean {
    // one task (most of the time): nothing to count
    if (this.tasks.size < 2) return false;
    let n = 0;
    for (const t of this.tasks.values()) if (t.state === 'runnable' && ++n > 1) return true;
    return false;
  }

  /**
   * The next runnable task after the current one, in tid order
   * (deterministic). Passes over the tasks without arrays or a sort: this
   * runs at every preemption and every sleep. Mostly one pass: a second
   * only when a timed sleep or a timer may have ended (wakeTimed).
   */
  private pickNext(): Task | undefined {
    const cur = this.current.tid;
    let timed = false;
    let after: Task | undefined;
    let first: Task | undefined;
    for (const t of this.tasks.values()) {
      if (t.state === 'runnable') {
        // the lowest tid above the current one, else the lowest
        if (first === undefined || t.tid < first.tid) first = t;
        if (t.tid > cur && (after === undefined || t.tid < after.tid)) after = t;
      } else if (t.state === 'blocked' && t.sleepUntil !== undefined) timed = true;
    }
    const any = first !== undefined;
    // the clock (a bigint sum) is read only when a timed sleep or a timer may have ended
    const timers = this.timerfds !== undefined && this.timerfds.size > 0;
    if (!timed && (any || !(this.alarmsArmed > 0 || timers))) return after ?? first;
    if (!this.wakeTimed(any, timers)) return undefined;
    return this.nextRunnable();
  }

  /**
   * Wakes the timed sleepers whose time has come; when no task can run,
   * virtual time jumps to the earliest timeout, timer or timerfd, which
   * then fires. Returns whether any task is runnable.
   */
  private wakeTimed(any: boolean, timers: boolean): boolean {
    const now = this.clockNs();
    for (const t of this.tasks.values()) {
      if (t.state === 'blocked' && t.sleepUntil !== undefined && t.sleepUntil <= now) {
        t.state = 'runnable';
        any = true;
      }
    }
    if (any) return true;
    // everyone sleeps: virtual time jumps to the earliest timeout
    let at: bigint | undefined;
    for (const t of this.tasks.values()) {
      if (t.state === 'blocked' && t.sleepUntil !== undefined && (at === undefined || t.sleepUntil < at)) at = t.sleepUntil;
    }
    // an ITIMER_REAL or a timerfd due first fires there (its signal or its wake-up reaches whom
    // it may); if that wakes no one, time goes on to the earliest timeout
    const alarm = this.nextAlarm();
    const tfd = timers ? this.expireTimerfds() : undefined;
    const first = alarm === undefined ? tfd : tfd === undefined || alarm < tfd ? alarm : tfd;
    if (first !== undefined && (at === undefined || first < at)) {
      const cur = this.clockNs();
      if (first > cur) this.sleptNs += first - cur;
      if (alarm !== undefined && alarm <= first) this.fireAlarms();
      if (timers) this.expireTimerfds();
      for (const t of this.tasks.values()) if (t.state === 'runnable') any = true;
    }
    if (!any && at !== undefined) {
      const cur = this.clockNs();
      if (at > cur) this.sleptNs += at - cur;
      for (const t of this.tasks.values()) if (t.state === 'blocked' && t.sleepUntil !== undefined && t.sleepUntil <= at) t.state = 'runnable';
      any = true;
    }
    return any;
  }

  /** The runnable task with the lowest tid above the current one's, else the lowest. */
  private nextRunnable(): Task | undefined {
    const cur = this.current.tid;
    let after: Task | undefined;
    let first: Task | undefined;
    for (const t of this.tasks.values()) {
      if (t.state !== 'runnable') continue;
      if (first === undefined || t.tid < first.tid) first = t;
      if (t.tid > cur && (after === undefined || t.tid < after.tid)) after = t;
    }
    return after ?? first;
  }

  /** Context switch: the CPU block is saved into the old task and loaded from the new one. */
  switchTo(t: Task): void {
    if (t === this.current) return;
    this.chargeCurrent();
    this.quantumLeft = 0;
    if (this.current.state !== 'zombie') {
      rseqPreempt(this.current);
      this.current.saved.set(this.cpuBlock);
    }
    this.cpuBlock.set(t.saved);
    this.current = t;
    this.enterTask(t);
    // a task preempted in user mode looks at its rseq area now, one asleep in a syscall as the call returns
    if (t.rseqResume && t.sleeping === undefined) rseqNotifyResume(this, 0);
  }

  /** fork: a copy of the current process with its own address space; returns the child. */
  forkProcess(childStack: bigint): Task {
    return this.cloneTask(0, childStack, 0n, 0n, 0n);
  }

  /**
   * clone(2): a new process (copied address space) or, with CLONE_VM and
   * CLONE_THREAD, a new thread of the caller's group sharing its address
   * space. Either way the child starts with SUD off (SEMANTICS.md §7).
   */
  cloneTask(flags: number, childStack: bigint, ptid: bigint, ctid: bigint, tls: bigint): Task {
    const parent = this.current;
    const thread = (flags & CLONE_THREAD) !== 0;
    const mm = flags & CLONE_VM ? parent.mm : parent.mm.fork();
    if (flags & CLONE_VM) mm.users++;
    const tid = this.nextPid++;
    // dispositions shared (CLONE_SIGHAND) or copied: the actions are immutable, so a copy shares them
    const sighand = flags & CLONE_SIGHAND ? parent.sighand : new SigHand(parent.sighand.actions);
    // the descriptor table shared (CLONE_FILES) or copied
    const files = flags & CLONE_FILES ? parent.files : parent.files.copy();
    if (flags & CLONE_FILES) files.users++;
    // a thread shares its process's pending signals; a new process starts with none
    const child = new Task(tid, thread ? parent.tgid : tid, thread ? parent.ppid : parent.tgid, mm, sighand, thread ? parent.shared : undefined, files);
    // what the process keeps on its leader (a thread leader that exited still holds it)
    const leader = this.tasks.get(parent.tgid) ?? parent;
    child.saved.set(this.cpuBlock);
    const dv = savedView(child.saved);
    const b = child.saved.byteOffset - L.CPU;
    dv.setBigUint64(b + L.CPU_REGS, 0n, true); // rax = 0 in the child
    if (childStack !== 0n) dv.setBigUint64(b + L.CPU_REGS + 4 * 8, childStack, true);
    if (flags & CLONE_SETTLS) dv.setBigUint64(b + L.CPU_FS_BASE, tls, true);
    dv.setInt32(b + L.CPU_CR3, mm.root, true);
    // copy_process clears only the dispatch work flag: the child keeps a copy of
    // selector, offset and len, which ptrace GET reports (with mode 0)
    dv.setInt32(b + L.SUD_FLAGS, 0, true);
    // nor is single-stepping (copy_process's user_disable_single_step): the tracer's TF stays behind
    if (parent.forcedTf) dv.setUint32(b + L.CPU_RFLAGS, dv.getUint32(b + L.CPU_RFLAGS, true) & ~TF, true);
    child.sud = disarmed(parent.sud);
    child.pgid = parent.pgid;
    child.sig.blocked = parent.sig.blocked;
    child.umask = parent.umask;
    child.nice = parent.nice;
    child.cpusAllowed = parent.cpusAllowed;
    child.personality = parent.personality;
    // seccomp filters and no_new_privs are inherited (and kept across execve)
    child.seccompMode = parent.seccompMode;
    child.seccompFilter = parent.seccompFilter;
    child.noNewPrivs = parent.noNewPrivs;
    if (flags & CLONE_SYSVSEM) child.semUndo = parent.semUndo ??= new SemUndoList();
    rseqFork(parent, child, (flags & CLONE_VM) !== 0);
    child.cred = parent.cred;
    child.cwd = leader.cwd;
    child.sid = parent.sid;
    child.rlimits = leader.rlimits;
    child.comm = parent.comm;
    child.startTime = this.clockNs();
    child.forkNoExec = true;
    child.loginuid = parent.loginuid;
    if (!thread) child.oomScoreAdj = leader.oomScoreAdj;
    // sigaltstack records are replaced, never written in place: a fork or vfork child shares its
    // parent's, a thread starts with none (copy_process: sas_ss_reset for CLONE_VM without VFORK)
    child.sig.altstack = (flags & (CLONE_VM | CLONE_VFORK)) === CLONE_VM ? NO_ALTSTACK : parent.sig.altstack;
    if (flags & CLONE_CHILD_CLEARTID) child.clearChildTid = ctid;
    this.tasks.set(tid, child);
    if (flags & CLONE_PARENT_SETTID) writeU32(parent.mm, ptid, tid);
    if (flags & CLONE_CHILD_SETTID) writeU32(mm, ctid, tid);
    return child;
  }
}

const pathDecoder = new TextDecoder();

/** The absolute path an image was executed as (a relative one taken from the working directory cwd). */
function exePath(execfn: ArgString, cwd: string): string {
  const p = typeof execfn === 'string' ? execfn : pathDecoder.decode(execfn);
  return normalizePath(p.startsWith('/') ? p : `${cwd}/${p}`);
}
