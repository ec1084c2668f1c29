/**
 * A task (a Linux thread): its saved CPU state while it is not running, its
 * address space, and its place in a thread group. The running task's state
 * lives in the engine's CPU block instead.
 */
import { CPU_STATE_SIZE } from '../engine/layout.js';
import type { AddressSpace } from './mm.js';
import type { FutexKey } from './syscalls/futex.js';
import { SigHand, SigQueue, SigState } from './signals.js';
import { NO_TRAP, type Siginfo, type TrapInfo } from './signal_frame.js';
import { SUD_OFF, type SudConfig } from './sud.js';
import type { SeccompFilter } from './seccomp.js';
import { pooledBytes } from './clone.js';
import { cString, type ArgString } from './exec.js';
import { FdTable } from './files.js';
import type { FifoEnd } from './pipe.js';
import type { LockWait } from './locks.js';
import { ROOT_CRED, type Cred } from './syscalls/cred.js';
import { NO_DEBUG_REGS, type DebugRegs } from './debug_regs.js';

export type TaskState = 'runnable' | 'blocked' | 'zombie';

/** A comm from bytes at start: up to 15 of them, to a NUL (latin1). */
export function commFrom(bytes: Uint8Array, start: number): string {
  let name = '';
  for (let i = start; i < bytes.length && i < start + 15 && bytes[i] !== 0; i++) name += String.fromCharCode(bytes[i]);
  return name;
}

/** A task's comm after exec: the path's last component (Linux: __set_task_comm(kbasename)). */
export function commOf(path: ArgString): string {
  const bytes = cString(path);
  let start = bytes.length - 1;
  while (start > 0 && bytes[start - 1] !== 0x2f) start--;
  return commFrom(bytes, start);
}

const RLIM_INFINITY = (1n << 64n) - 1n;

/**
 * The limits a process starts with, soft then hard for RLIMIT_CPU (0) to
 * RLIMIT_RTTIME (15): Linux's defaults for a root shell on a machine of
 * this size (1 GiB: 4,096 processes; stack 8 MiB, core 0, 1,024 open files
 * of at most 1,048,576, memlock 8 MiB, the signal queue this kernel keeps,
 * msgqueue 819,200).
 * Shared and never written; snapshots keep it by identity.
 */
/** The resource whose soft limit bounds a process's descriptors (fd < limit). */
export const RLIMIT_NOFILE = 7;

export const DEFAULT_RLIMITS: readonly bigint[] = [
  RLIM_INFINITY, RLIM_INFINITY, RLIM_INFINITY, RLIM_INFINITY, RLIM_INFINITY, RLIM_INFINITY,
  8n << 20n, RLIM_INFINITY, 0n, RLIM_INFINITY, RLIM_INFINITY, RLIM_INFINITY,
  4096n, 4096n, 1024n, 1048576n, 8n << 20n, 8n << 20n, RLIM_INFINITY, RLIM_INFINITY,
  RLIM_INFINITY, RLIM_INFINITY, 1024n, 1024n, 819200n, 819200n, 0n, 0n, 0n, 0n,
  RLIM_INFINITY, RLIM_INFINITY,
];

/**
 * A System V semaphore undo list (struct sem_undo_list): the machine has no
 * semaphores, so only its identity matters, which kcmp's KCMP_SYSVSEM
 * compares. A task has none until a clone with CLONE_SYSVSEM gives the
 * parent one it then shares with the child (copy_semundo).
 */
export class SemUndoList {}

/** A process's CPU time besides its live threads': threads that ended, and waited-for children (with theirs). */
export interface CpuTotals {
  exited: bigint;
  children: bigint;
}

/**
 * ITIMER_VIRTUAL and ITIMER_PROF of a process: the process CPU time each
 * fires at (undefined: disarmed) and its period. The machine's time is all
 * user time, so the two count the same CPU time. A fork's child starts
 * without them; exec keeps them.
 */
export interface CpuTimers {
  virtualAt: bigint | undefined;
  virtualInterval: bigint;
  profAt: bigint | undefined;
  profInterval: bigint;
}

/**
 * Saved CPU blocks of released tasks, kept for the tasks made next, as
 * Linux's slab caches keep freed task_structs for the next fork: a fuzz
 * case with a fork step makes a task and reaps it, and a new block is 672
 * bytes of new zeroed memory (a 16 KiB chunk every 23 tasks, clone.ts
 * pooledBytes) for the collector to take back. At most FREE_BLOCKS_MAX
 * wait, each keeping its chunk alive.
 *
 * Module state, not the machine's: a block is bytes only, zeroed again
 * when reused, whichever machine released it. Only blocks made here come
 * back (recyclable): a snapshot restore gives the tasks it restores the
 * same arrays on every restore (clone.ts refilledBytes), so one of those
 * waiting here could be a restored task's and a new task's at once.
 */
const freeBlocks: Uint8Array[] = [];
const FREE_BLOCKS_MAX = 16;
const recyclable = new WeakSet<Uint8Array>();

/**
 * What a released task holds instead of its block: no live task's, so that
 * a block waits here at most once and is never two tasks'. Nothing writes
 * it: a released task is a zombie, and no zombie's registers are saved.
 */
const RELEASED_BLOCK = new Uint8Array(CPU_STATE_SIZE);

/** A zeroed block for a new task's saved CPU state: a released task's, else a new one. */
function savedBlock(): Uint8Array {
  const reused = freeBlocks.pop();
  if (reused !== undefined) return reused.fill(0);
  const block = pooledBytes(CPU_STATE_SIZE);
  recyclable.add(block);
  return block;
}

/**
 * t, a zombie, has left the task list for good (release_task: reaped, or
 * a thread or an unwaited child gone): its saved CPU block serves a task
 * made later.
 */
export function releaseSavedBlock(t: Task): void {
  const block = t.saved;
  if (freeBlocks.length >= FREE_BLOCKS_MAX || !recyclable.has(block)) return;
  t.saved = RELEASED_BLOCK;
  freeBlocks.push(block);
}

export class Task {
  /**
   * CPU block image (registers, rflags, fs/gs base, cr3, SUD block, xmm).
   * A view into a larger buffer (clone.ts pooledBytes): read it through its
   * byteOffset.
   */
  saved = savedBlock();
  state: TaskState = 'runnable';
  /** Virtual time (ns) at which a timed sleep (poll, nanosleep) ends. */
  sleepUntil: bigint | undefined;
  /** Sleeping in poll: any process state change wakes it to look again. */
  inPoll = false;
  /** The tracing process (ptrace), if any. */
  tracer: number | undefined;
  /**
   * A ptrace stop: the signal that caused it (a syscall stop's SIGTRAP code)
   * and whether wait4 reported it; `syscall` for a syscall stop, its kind
   * (1 entry, 2 exit, 3 seccomp's event), whether the call came through int
   * $0x80, and its PTRACE_GETEVENTMSG message.
   */
  ptraceStop: {
    sig: number; info: Siginfo; reported: boolean; syscall?: number; int80?: boolean; message?: number;
    /** A PTRACE_EVENT_STOP (of a PTRACE_SEIZE tracee): PTRACE_LISTEN may follow. */
    eventStop?: boolean;
    /** PTRACE_LISTEN: still stopped, but no ptrace request reaches it and no wait reports it. */
    listening?: boolean;
    /** The stop interrupted a sleeping syscall, made again on resume (ptrace_trap.ts). */
    restart?: boolean;
  } | undefined;
  /**
   * The PTRACE_EVENT_STOP traps pending for a PTRACE_SEIZE tracee
   * (JOBCTL_TRAP_STOP: PTRACE_INTERRUPT, a new child's first stop;
   * JOBCTL_TRAP_NOTIFY: SIGCONT), taken on its next return to user mode:
   * see ptrace.ts.
   */
  ptraceTrap = 0;
  /** The tracer resumed the task with PTRACE_SYSCALL: it stops at each syscall's entry and exit (SYSCALL_WORK_SYSCALL_TRACE). */
  ptraceSyscall = false;
  /**
   * The tracer resumed the task with PTRACE_SYSEMU (SYSCALL_WORK_SYSCALL_EMU):
   * it stops at each syscall's entry, and the call is skipped.
   */
  ptraceSysemu = false;
  /** PTRACE_SINGLESTEP (TIF_SINGLESTEP with SYSCALL_WORK_SYSCALL_EXIT_TRAP): see single_step.ts. */
  singleStep = false;
  /** The trap flag is the tracer's, set for stepping (TIF_FORCED_TF). */
  forcedTf = false;
  /**
   * The debug registers as ptrace sees them (thread.ptrace_bps' addresses,
   * virtual_dr6 in its flipped polarity, ptrace_dr7): see debug_regs.ts.
   */
  debugRegs: DebugRegs = NO_DEBUG_REGS;
  /** The tracer's PTRACE_O_ options (PTRACE_SETOPTIONS, PTRACE_SEIZE). */
  ptraceOptions = 0;
  /** Attached with PTRACE_SEIZE (no legacy SIGTRAP after execve). */
  ptraceSeized = false;
  /** A signal the tracer asked to deliver when the task resumes. */
  ptraceInject: Siginfo | undefined;
  /** A job-control stop (SIGSTOP, SIGTSTP...) and whether wait reported it. */
  jobStop: { sig: number; reported: boolean } | undefined;
  /** Continued by SIGCONT since the last wait (WCONTINUED). */
  continued = false;
  /**
   * Continued by SIGCONT out of a job-control stop: its parent hears of it
   * (SIGCHLD, CLD_CONTINUED) when the task next returns to user mode, as
   * Linux's get_signal sends it (SIGNAL_CLD_CONTINUED), not at the kill.
   */
  cldContinued = false;
  /**
   * ITIMER_REAL of the process (kept on its leader; alarm, setitimer): the
   * virtual time it fires at, and its period (0n: once). A fork's child
   * starts without one; exec keeps it.
   */
  alarmAt: bigint | undefined;
  alarmInterval = 0n;
  /**
   * The CPU time this thread has used (its retired instructions, one
   * nanosecond each), up to when it last stopped running: the kernel adds
   * the running stretch (Kernel.threadCpuNs).
   */
  cpuNs = 0n;
  /** On a leader: the CPU time of its threads that are gone, and of the children it has waited for (made at the first). */
  cpuTotals: CpuTotals | undefined;
  /** On a leader: ITIMER_VIRTUAL and ITIMER_PROF (made at the first setitimer of one). */
  cpuTimers: CpuTimers | undefined;
  /** Where a relative nanosleep or clock_nanosleep writes the time left when a handler interrupts it (0n: nowhere). */
  sleepRem = 0n;
  /** rt_sigtimedwait's set while it sleeps: a signal of it wakes the task, blocked or not. */
  sigwaitSet: bigint | undefined;
  /**
   * The process's resource limits (kept on its leader), soft and hard for
   * each resource: DEFAULT_RLIMITS until setrlimit replaces the array
   * (never written in place). fork's child shares it.
   */
  rlimits: readonly bigint[] = DEFAULT_RLIMITS;
  /** The task's name (PR_SET_NAME, comm): the basename execve was given, at most 15 bytes (latin1). */
  comm = '';
  /** When the task was made (virtual ns since boot: /proc/<pid>/stat's starttime). */
  startTime = 0n;
  /** PF_FORKNOEXEC: made by clone and not yet through an exec. */
  forkNoExec = false;
  /** /proc/<pid>/oom_score_adj (kept on the leader; fork copies it), -1000..1000. */
  oomScoreAdj = 0;
  /** The audit login uid (/proc/<pid>/loginuid; unset: 4294967295), inherited by clone. */
  loginuid = 0xffffffff;
  /** PR_SET_PDEATHSIG's signal (0: none); kept, not sent (no parent dies before its child here but init's). */
  pdeathSig = 0;
  /** User and group ids (src/kernel/syscalls/cred.ts); clone's child starts with its parent's. */
  cred: Cred = ROOT_CRED;
  /** The working directory (kept on the leader: threads share it; fork copies it). */
  cwd = '/';
  /**
   * The CPUs the task may run on (cpus_allowed, sched_setaffinity), a
   * subset of the online mask: clone copies it, exec keeps it. The first
   * process gets every online CPU; the task is on the lowest (task_cpu.ts).
   */
  cpusAllowed = 1n;
  /** The nice value (setpriority), -20..19; clone copies it. */
  nice = 0;
  /** personality(2)'s execution domain and flags (PER_LINUX 0), per task, copied by clone: only UNAME26 changes anything (uname). */
  personality = 0;
  /** The undo list CLONE_SYSVSEM shares, if any. */
  semUndo: SemUndoList | undefined;
  /** The registered struct rseq (0n: none) with its length and signature (src/kernel/rseq.ts). */
  rseq = 0n;
  rseqLen = 0;
  rseqSig = 0;
  /** rseq_event_mask: preempted or signalled since the critical section it was in was last checked. */
  rseqEvent = false;
  /** TIF_NOTIFY_RESUME for rseq: its fields are brought up to date before the task runs user code again. */
  rseqResume = false;
  /** Session id (kept on every task of the process; setsid makes a new one). */
  sid = 0;
  /** The file mode creation mask (umask(2)); fork copies it. */
  umask = 0o022;
  /**
   * rt_sigsuspend's caller: the mask to restore, which the frame of the
   * signal that ends the sleep records (the handler returns to it).
   */
  suspendMask: bigint | undefined;
  /** The process's descriptor table: shared by threads (CLONE_FILES), copied by fork. */
  files: FdTable;
  /** Sleeping in a read or write of a pipe or an eventfd: a change to either wakes it to look again. */
  ioWait = false;
  /** Sleeping in flock or F_SETLKW: the lock in its way, whose going or shrinking wakes it (src/kernel/locks.ts). */
  lockWait: LockWait | undefined;
  /** A pipe write sleeping for room: the bytes it has put in so far (undefined: no write is under way). */
  pipeWritten: number | undefined;
  /**
   * An open of a FIFO sleeping for the other side (src/kernel/syscalls/pipe.ts
   * fifoOpen): its end, already counted, and the other side's open counter
   * it waits to see move.
   */
  fifoOpening: { end: FifoEnd; counter: number } | undefined;
  /**
   * Slept in a syscall that will re-execute: how a signal handler interrupts
   * it; 'traced' and 'seccomp': stopped at the syscall's entry for its
   * tracer (a syscall-enter-stop, seccomp's PTRACE_EVENT_SECCOMP), the call
   * to go on when resumed; 'emulated': a syscall-enter-stop under
   * PTRACE_SYSEMU, the call skipped when resumed, however; 'event': stopped inside the call for a ptrace
   * event (exec, fork, clone), to return when resumed; 'exit': stopped for
   * PTRACE_EVENT_EXIT, to exit when resumed.
   */
  sleeping: 'restartsys' | 'restartblock' | 'traced' | 'emulated' | 'seccomp' | 'event' | 'exit' | undefined;
  /** An exit a PTRACE_EVENT_EXIT stop holds back (sleeping 'exit'): the process's end, or the thread's alone. */
  pendingExit: { end: ProcessEnd; thread: boolean } | undefined = undefined;
  /** The return value of a call stopped for a ptrace event (sleeping 'event'), set when it goes on. */
  eventReturn = 0n;
  /** A vfork under PTRACE_O_TRACEVFORKDONE: the child whose release stops the parent (PTRACE_EVENT_VFORK_DONE) before the call returns. */
  vforkDoneEvent: number | undefined = undefined;
  /** That syscall came through int $0x80 (its numbering and argument registers are i386's). */
  sleepingInt80 = false;
  /** vfork child: the parent to release at exec or exit. */
  vforkParent: number | undefined;
  /** vfork parent: sleeping until the child execs or exits. */
  vforkWait = false;
  /** Process group id. */
  pgid: number;
  /** futex(2) sleep: the word this task waits on. */
  futexWait: (FutexKey & { bitset: number }) | undefined;
  /** A FUTEX_WAKE woke this task: its restarted wait returns 0. */
  futexWoken = false;
  /** How the process ended, once it is a zombie. */
  end: ProcessEnd | undefined;
  /** set_robust_list's head (0n: none): exit hands the robust locks on it to their waiters. */
  robustList = 0n;
  /** set_tid_address / CLONE_CHILD_CLEARTID pointer. */
  clearChildTid = 0n;
  sig = new SigState();
  /** The process's pending signals (kill, SIGCHLD, SIGALRM): one queue its threads share. */
  shared: SigQueue;
  /** Dispositions: shared with the parent when cloneTask gives them (CLONE_SIGHAND), else new. */
  sighand: SigHand;
  /** Trap number, error code and cr2 of the last fault (sigcontext trapno/err/cr2): a record replaced, never written in place. */
  lastTrap: TrapInfo = NO_TRAP;
  /** Syscall User Dispatch config (also in the CPU block while the task runs). */
  sud: SudConfig = SUD_OFF;
  /** seccomp mode (kernel/seccomp.ts: 0 off, 1 strict, 2 filter) and the newest filter of the chain. */
  seccompMode = 0;
  seccompFilter: SeccompFilter | undefined = undefined;
  /** prctl(PR_SET_NO_NEW_PRIVS): set once, inherited, never cleared. */
  noNewPrivs = false;
  /** prctl(PR_SET_CHILD_SUBREAPER), on a process's leader: its descendants' orphans come to it. Not inherited. */
  childSubreaper = false;

  constructor(
    readonly tid: number,
    readonly tgid: number,
    public ppid: number,
    public mm: AddressSpace,
    sighand?: SigHand,
    shared?: SigQueue,
    files?: FdTable,
  ) {
    this.pgid = tgid;
    this.sighand = sighand ?? new SigHand();
    this.shared = shared ?? new SigQueue();
    // clone gives the table it shares or copies, so that none is made only to be replaced
    this.files = files ?? new FdTable();
  }
}

/** How a process ended: as wait(2) reports it. */
export type ProcessEnd =
  | { kind: 'exited'; status: number }
  | { kind: 'killed'; signal: number; coreDumped: boolean };

/** The wait status word of an end: exit code << 8, or the terminating signal (| 0x80 with a core dump). */
export function waitStatusOf(end: ProcessEnd): number {
  return end.kind === 'exited' ? (end.status & 0xff) << 8 : (end.signal & 0x7f) | (end.coreDumped ? 0x80 : 0);
}
