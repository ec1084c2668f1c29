/**
 * Signals: dispositions (rt_sigaction), masks (rt_sigprocmask), the
 * alternate stack, generation (kill, tkill, tgkill, faults, SUD's forced
 * SIGSYS), and delivery on return to user mode through the rt_sigframe.
 *
 * Linux: kernel/signal.c, arch/x86/kernel/signal.c, signal_64.c.
 */
import { row, errnoResult, type SyscallRow } from './syscalls/table.js';
import { RestartSyscall } from './syscalls/tasks.js';
import { timespecNs, timespec } from './syscalls/time.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { Errno, EINVAL, ESRCH, EPERM, ENOMEM, EFAULT, EAGAIN } from './errno.js';
import { copyFromUser, copyFromUserInto, copyToUser, tryCopyToUser, userSpan, hostAddr, getU64Words, setU64Words, low32 } from './uaccess.js';
import {
  FRAME_SIZE, FPSTATE_SIZE, SIGINFO_OFF, SS_SP_W, SS_FLAGS_W, SS_SIZE_W, SIGMASK_W, FPSTATE_PTR_W, NO_TRAP, siginfo, killInfo, siginfoAddr, putSiginfo,
  type Siginfo,
} from './signal_frame.js';
import {
  CNT_SIGNALS, CNT_SIGRETURNS, FXSAVE_SCRATCH, SIGFRAME_FRAME, SFI_RESTORER, SFI_SS_SP, SFI_SS_FLAGS, SFI_SS_SIZE, SFI_MASK, SFI_ERR,
  SFI_TRAPNO, SFI_CR2, SFI_FPSTATE, SFI_SIGINFO,
} from '../engine/layout.js';
import { RAX_W, RDX_W, RSP_W, RSI_W, RDI_W, RFLAGS_W, ORIG_RAX_W, RAX_Q, RSP_Q, wordsNumber, setWordsNumber } from './cpu_words.js';
import { SIGKILL, SIGSTOP, SIGSEGV, SIGCHLD, SIGCONT, SIGTSTP, SIGTRAP } from './signal_names.js';
import { SI_USER, SI_TKILL, SI_KERNEL, CLD_TRAPPED, CLD_STOPPED, CLD_CONTINUED, siCodeName } from './siginfo.js';
import { signalName } from './signal_names.js';
import { hex } from './strace.js';
import { SHARES, type SharesFields } from './clone.js';
import { rseqSignalDeliver } from './rseq.js';
import { disableSingleStep } from './single_step.js';
import { ptraceEventStop, ptraceTrapPending, JOBCTL_TRAP_STOP, JOBCTL_TRAP_NOTIFY } from './ptrace_trap.js';

export const SIG_DFL = 0n;
export const SIG_IGN = 1n;
export const SA_SIGINFO = 4n;
export const SA_ONSTACK = 0x08000000n;
export const SA_RESTART = 0x10000000n;
export const SA_NODEFER = 0x40000000n;
export const SA_RESETHAND = 0x80000000n;
export const SA_RESTORER = 0x04000000n;
/** The SA_ flags as numbers, for tests on an action's low flag word. */
const SA_SIGINFO_BIT = Number(SA_SIGINFO);
const SA_ONSTACK_BIT = Number(SA_ONSTACK);
const SA_RESTART_BIT = Number(SA_RESTART);
const SA_NODEFER_BIT = Number(SA_NODEFER);
const SA_RESETHAND_BIT = Number(SA_RESETHAND);
const SA_RESTORER_BIT = Number(SA_RESTORER);
const SS_ONSTACK = 1;
const SS_DISABLE = 2;
/** Disarm the alternate stack while a handler runs on it (restored by sigreturn from uc_stack). */
const SS_AUTODISARM = 0x80000000 | 0;
const MINSIGSTKSZ = 2048n;

/** One disposition. Records are values: a change replaces the record (copies of the table share them). */
export interface SigAction {
  readonly handler: bigint;
  readonly flags: bigint;
  readonly restorer: bigint;
  readonly mask: bigint;
}

/** The SigHand fields its snapshot copies share ([SHARES]). */
const SHARED_FIELDS: readonly string[] = ['actions'];

/** Per-process dispositions (shared by threads, CLONE_SIGHAND). */
export class SigHand implements SharesFields {
  /**
   * One record per signal. Neither the records nor the array are written
   * in place (a change makes a new array: set), so copies of the table
   * (fork, snapshots) share them: a fuzz case's restore copies no array,
   * and a case sets a disposition or two at most.
   */
  actions: readonly SigAction[];

  /** A table with these dispositions (a fork's: its parent's; a new process's: all SIG_DFL). */
  constructor(actions: readonly SigAction[] = DEFAULT_ACTIONS) {
    this.actions = actions;
  }

  /** Gives sig the disposition act. */
  set(sig: number, act: SigAction): void {
    const a = this.actions.slice();
    a[sig] = act;
    this.actions = a;
  }

  /** Snapshot copies (kernel/clone.ts, on every restore) share the actions, never written in place. */
  get [SHARES](): readonly string[] {
    return SHARED_FIELDS;
  }
}

/** SIG_DFL with no flags: frozen, as every SigAction record is treated (replaced, never written). */
export const DEFAULT_ACTION: SigAction = Object.freeze({ handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n });
/** SIG_IGN with no flags (what execve leaves of an ignored signal). */
export const IGNORE_ACTION: SigAction = Object.freeze({ handler: SIG_IGN, flags: 0n, restorer: 0n, mask: 0n });
/** Every signal at SIG_DFL, as a process starts (copied by a slice, cheaper than filling a new array). */
const DEFAULT_ACTIONS: readonly SigAction[] = Array.from({ length: 65 }, () => DEFAULT_ACTION);

/**
 * A task's sigaltstack as Linux keeps it (sas_ss_sp, sas_ss_size,
 * sas_ss_flags): flags are the ones sigaltstack was given, which a signal
 * frame's uc_stack records as they are; a size of 0 means none.
 */
export interface AltStack {
  readonly sp: bigint;
  readonly flags: number;
  readonly size: bigint;
}

/** No alternate stack, as a reset leaves it (a new thread, SS_AUTODISARM): shared, as records are only replaced. */
export const NO_ALTSTACK: AltStack = { sp: 0n, flags: SS_DISABLE, size: 0n };
/** No alternate stack, as a first process has it: flags 0, which its frames' uc_stack show. */
export const FIRST_ALTSTACK: AltStack = { sp: 0n, flags: 0, size: 0n };

/** on_sig_stack: sp is on the alternate stack (never, in SS_AUTODISARM mode). */
function onAltStack(alt: AltStack, sp: bigint): boolean {
  return (alt.flags & SS_AUTODISARM) === 0 && alt.size !== 0n && sp > alt.sp && sp - alt.sp <= alt.size;
}

/** sas_ss_flags: SS_DISABLE without an alternate stack, SS_ONSTACK on it, else 0. */
function altStackState(alt: AltStack, sp: bigint): number {
  return alt.size === 0n ? SS_DISABLE : onAltStack(alt, sp) ? SS_ONSTACK : 0;
}

/**
 * do_sigaltstack's change to stack_t {sp, flags, size} with the task at
 * sp: the new record, or an errno (EPERM on the stack in use, EINVAL for
 * a bad mode, ENOMEM below MINSIGSTKSZ).
 */
function newAltStack(cur: AltStack, stackSp: bigint, sp: bigint, flags: number, size: bigint): AltStack | number {
  if (onAltStack(cur, stackSp)) return EPERM;
  const mode = flags & ~SS_AUTODISARM;
  if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return EINVAL;
  if (mode === SS_DISABLE) return { sp: 0n, flags, size: 0n };
  if (size < MINSIGSTKSZ) return ENOMEM;
  return { sp, flags, size };
}

/**
 * No signal queued: the pending slots of every thread with none, one array
 * shared by them all and never written (SigState.queue copies it first).
 * Snapshots keep it by identity (api/snapshot.ts), so neither a new task
 * nor a restore copies 65 empty slots.
 */
export const NOTHING_PENDING: readonly (Siginfo | undefined)[] = Array.from({ length: 65 }, () => undefined);

/** rt_sigtimedwait's siginfo, laid out here and copied to the caller at once. */
const sigwaitBytes = new Uint8Array(128);
const sigwaitWords = new Int32Array(sigwaitBytes.buffer);

/** No further real-time instances queued (SigState.more): shared, never written (snapshots keep it by identity). */
export const NO_MORE: readonly Siginfo[] = [];
/**
 * Real-time instances a thread may have queued beyond one per number: the
 * machine's RLIMIT_SIGPENDING, past which a send of one already pending is
 * dropped (Linux then returns EAGAIN to a sender other than kill).
 */
const RT_QUEUE_MAX = 1024;
const SIGRTMIN = 32;

/**
 * A queue of pending signals: a thread's own (SigState) or its process's
 * (Task.shared, Linux's signal->shared_pending), which every thread takes
 * from once its own queue has nothing it can deliver.
 */
export class SigQueue {
  /**
   * The queued siginfo of each signal number, if any (a standard signal is
   * queued once): slots rather than a Map, as the check runs on every
   * return to user mode and a Map operation costs several array reads.
   * NOTHING_PENDING while none is: written only through queue and take.
   */
  pending: readonly (Siginfo | undefined)[] = NOTHING_PENDING;
  /** How many slots of pending are full. */
  pendingCount = 0;

  /**
   * The further instances of real-time signals sent while one of their
   * number was pending, in the order sent: each send of a real-time signal
   * queues its own siginfo (Linux: legacy_queue spares only the standard
   * ones), behind the one in `pending`. Replaced, never written in place;
   * NO_MORE while there are none.
   */
  more: readonly Siginfo[] = NO_MORE;

  /** Queues sig with info, replacing a queued one (force_sig's way). */
  queue(sig: number, info: Siginfo): void {
    // the first signal queued gets slots of its own: NOTHING_PENDING is everyone's
    const p = this.pending === NOTHING_PENDING ? NOTHING_PENDING.slice() : (this.pending as (Siginfo | undefined)[]);
    this.pending = p;
    if (p[sig] === undefined) this.pendingCount++;
    p[sig] = info;
  }

  /** Queues one more instance of a real-time signal already pending; false at the queue's limit. */
  queueMore(info: Siginfo): boolean {
    if (this.more.length >= RT_QUEUE_MAX) return false;
    this.more = [...this.more, info];
    return true;
  }

  /** Takes sig off the queue: its siginfo, if it was queued (the next instance of a real-time one moves up). */
  take(sig: number): Siginfo | undefined {
    const info = this.pending[sig];
    if (info === undefined) return undefined;
    const k = this.more.length === 0 ? -1 : this.more.findIndex((q) => q.signo === sig);
    if (k >= 0) {
      (this.pending as (Siginfo | undefined)[])[sig] = this.more[k];
      this.more = this.more.length === 1 ? NO_MORE : this.more.filter((_, j) => j !== k);
    } else if (--this.pendingCount === 0) {
      // the last one taken: back to the shared empty slots (a snapshot then copies none)
      this.pending = NOTHING_PENDING;
    } else {
      (this.pending as (Siginfo | undefined)[])[sig] = undefined;
    }
    return info;
  }

  /** Drops every pending instance of sig (it became ignored). */
  discard(sig: number): void {
    while (this.take(sig) !== undefined);
  }

  /** The lowest pending signal mask lets through, synchronous (fault) signals first; 0 for none. */
  next(mask: bigint): number {
    if (this.pendingCount === 0) return 0;
    const p = this.pending;
    for (const n of SYNCHRONOUS) if (p[n] !== undefined && !isBlocked(mask, n)) return n;
    for (let n = 1; n < p.length; n++) if (p[n] !== undefined && !isBlocked(mask, n)) return n;
    return 0;
  }

  /** The pending signals as a mask. */
  set(): bigint {
    let set = 0n;
    if (this.pendingCount === 0) return set;
    for (let n = 1; n < this.pending.length; n++) if (this.pending[n] !== undefined) set |= bit(n);
    return set;
  }
}

/** Per-thread signal state: its mask, its own queue, its alternate stack. */
export class SigState extends SigQueue {
  blocked = 0n;

  /** The sigaltstack: a record replaced on a change, never written in place. */
  altstack: AltStack = NO_ALTSTACK;
}

const SYNCHRONOUS = [SIGSEGV, 31, 4, 5, 7, 8];

/** 1n << (sig - 1) for every signal number, made once (bit() runs on every delivery check). */
const BITS: bigint[] = Array.from({ length: 65 }, (_, n) => (n === 0 ? 0n : 1n << BigInt(n - 1)));
export const bit = (sig: number): bigint => BITS[sig] ?? 1n << BigInt(sig - 1);
const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

/** Whether sig is in the mask (most masks are empty: then no bigint operation, which allocates). */
function isBlocked(blocked: bigint, sig: number): boolean {
  return blocked !== 0n && (blocked & bit(sig)) !== 0n;
}
/** ~UNBLOCKABLE, made once: a bigint operation is not free. */
const BLOCKABLE = ~UNBLOCKABLE;
/** mask without SIGKILL and SIGSTOP: an empty one (the usual mask) without a bigint operation, which allocates. */
export function blockable(mask: bigint): bigint {
  return mask === 0n ? 0n : mask & BLOCKABLE;
}
/** bit(sig) & BLOCKABLE for every signal number, made once (what a delivery adds to an empty mask). */
const BLOCKABLE_BITS: bigint[] = BITS.map((b) => b & BLOCKABLE);

type Default = 'term' | 'core' | 'ign' | 'stop' | 'cont';
function defaultOf(sig: number): Default {
  switch (sig) {
    case 3: case 4: case 5: case 6: case 7: case 8: case 11: case 24: case 25: case 31: return 'core';
    case SIGCHLD: case 23: case 28: return 'ign';
    case SIGSTOP: case SIGTSTP: case 21: case 22: return 'stop';
    case SIGCONT: return 'cont';
    default: return 'term';
  }
}
/** Each signal's default action, made once: looked up for every signal sent and every SIG_DFL set. */
const DEFAULTS: readonly Default[] = Array.from({ length: 65 }, (_, sig) => defaultOf(sig));
function defaultAction(sig: number): Default {
  return DEFAULTS[sig] ?? 'term';
}

/** Queues sig for the current task (a standard signal is queued once). */
export function sendSignal(k: Kernel, sig: number, info: Siginfo): void {
  sendSignalTo(k.current, sig, info);
}

/**
 * Whether sig sent to t is dropped at once (prepare_signal's sig_ignored):
 * ignored by disposition, unless t blocks it or waits for it (it may be
 * taken by sigwait, or unblocked with a handler installed first).
 */
function ignoredBy(t: Task, sig: number): boolean {
  // a tracer sees even an ignored signal (sig_ignored): queued, its stop reported, dropped only if resumed with it
  if (t.tracer !== undefined && sig !== SIGKILL) return false;
  const act = t.sighand.actions[sig];
  if (act.handler !== SIG_IGN && (act.handler !== SIG_DFL || defaultAction(sig) !== 'ign')) return false;
  return !isBlocked(t.sig.blocked, sig) && !(t.sigwaitSet !== undefined && (t.sigwaitSet & bit(sig)) !== 0n);
}

/** Queues sig in q (a standard signal is queued once, a real-time one each time). */
function enqueue(q: SigQueue, sig: number, info: Siginfo): void {
  if (q.pending[sig] === undefined) q.queue(sig, info);
  else if (sig >= SIGRTMIN) q.queueMore(info);
}

/** Queues sig for task t alone (a thread-directed signal: tkill, a fault, SIGPIPE). */
export function sendSignalTo(t: Task, sig: number, info: Siginfo): void {
  if (!ignoredBy(t, sig)) enqueue(t.sig, sig, info);
}

/**
 * Queues sig for t's whole process (kill, SIGCHLD, SIGALRM: Linux's
 * shared_pending) and returns the thread that should take it
 * (complete_signal): t itself unless it blocks sig, else the first thread
 * that neither blocks it nor is stopped, a thread waiting for it in
 * sigwait counting as not blocking it. Undefined when the signal was
 * dropped or every thread blocks it (it stays pending for the process
 * until one unblocks or waits for it).
 */
export function sendSignalToProcess(k: Kernel, t: Task, sig: number, info: Siginfo): Task | undefined {
  if (ignoredBy(t, sig)) return undefined;
  enqueue(t.shared, sig, info);
  const wants = (x: Task): boolean =>
    x.state !== 'zombie' && !x.jobStop && !x.ptraceStop &&
    (!isBlocked(x.sig.blocked, sig) || (x.sigwaitSet !== undefined && (x.sigwaitSet & bit(sig)) !== 0n));
  if (wants(t)) return t;
  for (const x of k.tasks.values()) if (x.tgid === t.tgid && wants(x)) return x;
  return undefined;
}

/**
 * force_sig_info: a blocked or ignored signal is unblocked and reset to
 * SIG_DFL so that it cannot be lost (faults, SUD's SIGSYS).
 */
export function forceSignal(k: Kernel, sig: number, info: Siginfo): void {
  const act = k.current.sighand.actions[sig];
  const s = k.current.sig;
  // Linux: force_sig_info_to_task resets the handler whenever the signal is blocked or ignored
  if (act.handler === SIG_IGN || isBlocked(s.blocked, sig)) {
    k.current.sighand.set(sig, { handler: SIG_DFL, flags: act.flags, restorer: act.restorer, mask: act.mask });
    s.blocked &= ~bit(sig);
  }
  s.queue(sig, info);
}


/**
 * Runs a wait (ppoll, pselect6, epoll_pwait) under the signal mask at
 * maskAddr (0n: the task's own), as sigsuspend does: the mask is set when
 * the call first enters and put back when it returns, so that a signal it
 * lets through interrupts the wait, its handler running under that mask
 * and returning to the old one (the frame records it), while one that
 * arrives after a normal return stays pending under the old mask.
 */
export function withSigmask(k: Kernel, maskAddr: bigint, size: bigint, body: () => bigint): bigint {
  const t = k.current;
  if (maskAddr !== 0n) {
    if (size !== 8n) throw new Errno(EINVAL);
    if (t.suspendMask === undefined) {
      const set = new DataView(copyFromUser(t.mm, maskAddr, 8).buffer).getBigUint64(0, true);
      t.suspendMask = t.sig.blocked;
      t.sig.blocked = set & BLOCKABLE;
    }
  }
  const restore = (): void => {
    if (maskAddr !== 0n && t.suspendMask !== undefined) {
      t.sig.blocked = t.suspendMask;
      t.suspendMask = undefined;
    }
  };
  let r: bigint;
  try {
    r = body();
  } catch (err) {
    // still waiting: the mask stays until the call returns or a handler interrupts it
    if (!(err instanceof RestartSyscall)) restore();
    throw err;
  }
  restore();
  return r;
}

/** Whether t has a signal it would take now: one of its own or its process's that it does not block, or a tracer's. */
export function signalDeliverable(t: Task): boolean {
  // (a seized tracee's pending trap interrupts a sleep as a signal does)
  return t.ptraceInject !== undefined || t.sig.next(t.sig.blocked) !== 0 || t.shared.next(t.sig.blocked) !== 0 ||
    (t.ptraceTrap !== 0 && t.tracer !== undefined);
}

/**
 * Delivers pending unblocked signals before returning to user mode: every
 * one, each frame on top of the last. Returns false when the process died.
 */
export function deliverSignals(k: Kernel): boolean {
  const t = k.current;
  const s = t.sig;
  for (;;) {
    // the common case on every return to user mode: nothing to do
    if (s.pendingCount === 0 && t.shared.pendingCount === 0 && !t.ptraceInject && t.ptraceTrap === 0 && !t.cldContinued) return true;
    if (t.cldContinued) {
      // the parent hears of the continue first (get_signal's SIGNAL_CLD_CONTINUED)
      t.cldContinued = false;
      k.cldstop(t, false, CLD_CONTINUED, SIGCONT);
      k.wakeParent(t);
    }
    // the thread's own queue first, then its process's (dequeue_signal); in each, synchronous
    // (forced) signals first as Linux does, then the lowest number
    let q: SigQueue = s;
    let sig = s.next(s.blocked);
    if (!sig) {
      q = t.shared;
      sig = q.next(s.blocked);
    }
    let info: Siginfo;
    if (t.ptraceInject) {
      // the tracer resumed the task with this signal: deliver it without a second stop
      info = t.ptraceInject;
      sig = info.signo;
      t.ptraceInject = undefined;
    } else {
      // a seized tracee's PTRACE_EVENT_STOP comes before its signals (get_signal's jobctl trap)
      if (t.ptraceTrap !== 0) {
        if (t.tracer !== undefined) {
          ptraceEventStop(k, t);
          return true;
        }
        t.ptraceTrap = 0;
      }
      if (!sig) return true;
      info = q.take(sig)!;
      if (t.tracer !== undefined && sig !== SIGKILL) {
        // signal-delivery-stop: the tracer sees it through wait4 and decides
        t.ptraceTrap &= ~JOBCTL_TRAP_STOP;
        t.ptraceStop = { sig, info, reported: false };
        t.state = 'blocked';
        k.cldstop(t, true, CLD_TRAPPED, sig);
        k.wakeTracer(t);
        return true;
      }
    }
    const act = t.sighand.actions[sig];
    if (act.handler === SIG_IGN) continue;
    if (k.trace && (act.handler !== SIG_DFL || !['ign', 'cont', 'stop'].includes(defaultAction(sig)))) {
      k.trace?.(`--- ${signalHeader(sig, info)} ---`);
    }
    if (act.handler === SIG_DFL) {
      const d = defaultAction(sig);
      if (d === 'stop') {
        // job-control stop: the task sleeps until SIGCONT or SIGKILL; the parent may see it (WUNTRACED)
        t.jobStop = { sig, reported: false };
        t.state = 'blocked';
        // a seized tracee's group-stop is a PTRACE_EVENT_STOP with the stop signal (do_jobctl_trap),
        // which its tracer hears of; any other's, its parent
        if (t.tracer !== undefined && t.ptraceSeized) ptraceEventStop(k, t);
        else k.cldstop(t, false, CLD_STOPPED, sig);
        k.wakeParent(t);
        return true;
      }
      if (d === 'ign' || d === 'cont') continue;
      k.killProcess(sig);
      return false;
    }
    // setup_rt_frame: a critical section the signal interrupts aborts first, so that the frame returns to its handler
    rseqSignalDeliver(k, sig);
    // stepped by a tracer: the frame gets the registers without the tracer's TF, and the
    // tracer hears of the handler's first instruction (handle_signal, signal_delivered)
    const stepping = t.singleStep;
    if (stepping) disableSingleStep(k, t);
    if (!setupFrame(k, sig, act, info)) {
      // delivery failed (no SA_RESTORER, unwritable stack): force_sigsegv
      if (sig === SIGSEGV) {
        k.killProcess(SIGSEGV);
        return false;
      }
      // any other signal: force_sig(SIGSEGV), which a SIGSEGV handler may still catch
      forceSignal(k, SIGSEGV, siginfo(SIGSEGV, SI_KERNEL, 0, 0, 0, 0));
      continue;
    }
    if (stepping) {
      k.ptraceNotify(t, undefined, SIGTRAP, 0);
      return true;
    }
    // the next unblocked signal gets its frame on top of this one before the return to user
    // mode (Linux: exit_to_user_mode_loop runs the signal work while any is pending), so the
    // last one delivered runs its handler first
  }
}

/** SIGFRAME_IN's fields as indices of Kernel.frameIn (u64) and Kernel.frameInWords (32-bit words). */
const IN_RESTORER = SFI_RESTORER >> 3;
const IN_SS_SP = SFI_SS_SP >> 3;
const IN_SS_FLAGS_W = SFI_SS_FLAGS >> 2;
const IN_SS_SIZE = SFI_SS_SIZE >> 3;
const IN_MASK = SFI_MASK >> 3;
const IN_ERR = SFI_ERR >> 3;
const IN_TRAPNO = SFI_TRAPNO >> 3;
const IN_CR2 = SFI_CR2 >> 3;
const IN_FPSTATE_W = SFI_FPSTATE >> 2;
const IN_SIGINFO_W = SFI_SIGINFO >> 2;

/** Word indices of the counters delivery bumps (8-byte aligned in the ENGINE block). */
const SIGNALS_W = CNT_SIGNALS >> 2;
const SIGRETURNS_W = CNT_SIGRETURNS >> 2;

const PAGE = 4096;
/** The end of user addresses (TASK_SIZE_MAX rounded up to its page), as hostAddr has it. */
const USER_END = 0x800000000000;
const USER_END_BIG = BigInt(USER_END);
/** Below rsp, the fpstate leaves the red zone free. */
const REDZONE = 128;
/** The frame lies this far below its 64-byte aligned fpstate: ((fp - FRAME_SIZE) & ~15) - 8. */
const FRAME_BELOW_FP = ((FRAME_SIZE + 15) & ~15) + 8;
const FPSTATE_SIZE_BIG = BigInt(FPSTATE_SIZE);

/** mem[w..w+1] = mem[from..from+1] + add (a u64 plus a small number, carried in 32-bit words). */
function setPlus(mem: Int32Array, w: number, from: number, add: number): void {
  const lo = (mem[from] >>> 0) + add;
  const hi = mem[from + 1];
  mem[w] = lo;
  mem[w + 1] = lo > 0xffffffff ? hi + 1 : hi;
}

/**
 * Writes the fpstate and the frame for a delivery (Linux: get_sigframe,
 * x64_setup_rt_frame; SEMANTICS.md §6): the fpstate 64-byte aligned below
 * the red zone or at the top of the alternate stack, the frame below it so
 * that (rsp + 8) % 16 == 0 at the handler's entry. Addresses are reckoned
 * as numbers (user addresses are below 2^47); the engine writes each part
 * (assembly/entry/sigframe.ts, from the inputs setupFrame put in
 * SIGFRAME_IN) in place when it lies in one page, else into its scratch,
 * which is copied; a frame in the fpstate's page takes the fpstate's
 * translation. Returns the frame's address, or -1 when a part is not
 * writable (the fpstate perhaps written already, as Linux leaves it).
 */
function writeSigframe(k: Kernel, base: number, withInfo: boolean): number {
  // a user address for the fpstate: between 0 and USER_END however it is aligned
  if (!(base >= 0 && base < USER_END)) return -1;
  const fpAddr = base - (base % 64);
  const frame = fpAddr - FRAME_BELOW_FP;
  const mm = k.current.mm;
  const e = k.engine;
  const fpOff = fpAddr % PAGE;
  let fpHost = -1;
  if (fpOff + FPSTATE_SIZE <= PAGE) {
    // one translation for the fpstate and a frame below it in the same page, the bytes
    // of both marked written
    const below = fpOff >= FRAME_BELOW_FP ? FRAME_BELOW_FP : 0;
    const h = hostAddr(mm, BigInt(fpAddr - below), true, below + FPSTATE_SIZE);
    if (h === 0) return -1;
    fpHost = h + below;
    e.x.sigframeFpstate(fpHost);
  } else {
    e.x.sigframeFpstate(FXSAVE_SCRATCH);
    if (!tryCopyToUser(mm, BigInt(fpAddr), e.u8.subarray(FXSAVE_SCRATCH, FXSAVE_SCRATCH + FPSTATE_SIZE))) return -1;
  }
  if (frame < 0) return -1;
  setWordsNumber(k.frameInWords, IN_FPSTATE_W, fpAddr);
  const frameOff = frame % PAGE;
  let frameHost = -1;
  if (fpHost > 0 && fpOff >= FRAME_BELOW_FP) frameHost = fpHost - FRAME_BELOW_FP;
  else if (frameOff + FRAME_SIZE <= PAGE) {
    frameHost = hostAddr(mm, BigInt(frame), true, FRAME_SIZE);
    if (frameHost === 0) return -1;
  }
  if (frameHost > 0) {
    e.x.sigframeWrite(frameHost, withInfo);
    return frame;
  }
  e.x.sigframeWrite(SIGFRAME_FRAME, withInfo);
  // without SA_SIGINFO the siginfo's bytes keep what the stack held: the copy stops before them
  const bytes = e.u8.subarray(SIGFRAME_FRAME, SIGFRAME_FRAME + (withInfo ? FRAME_SIZE : SIGINFO_OFF));
  return tryCopyToUser(mm, BigInt(frame), bytes) ? frame : -1;
}

function setupFrame(k: Kernel, sig: number, act: SigAction, info: Siginfo): boolean {
  const t = k.current;
  const s = t.sig;
  // every SA_ flag is in the low word: read once, without a bigint operation per test
  const flags = low32(act.flags);
  if (t.sleeping) {
    // a handler interrupts the sleeping syscall: it is restarted only for
    // ERESTARTSYS with SA_RESTART, otherwise it returns -EINTR (Linux: handle_signal)
    // a pipe write that had put bytes in returns their count instead, restart or not; an open
    // waiting for a FIFO's other end leaves it
    const written = t.pipeWritten;
    t.pipeWritten = undefined;
    k.abandonFifoOpen(t);
    if (written !== undefined && written > 0) {
      k.moveRip(2);
      k.setReg(0, BigInt(written));
    } else if (t.sleeping === 'restartblock' || !(flags & SA_RESTART_BIT)) {
      k.moveRip(2);
      k.setReg(0, -4n);
    }
    t.sleeping = undefined;
    // a relative nanosleep reports the time it had left (Linux: nanosleep's restart block)
    if (t.sleepRem !== 0n && t.sleepUntil !== undefined) {
      const left = t.sleepUntil - k.clockNs();
      tryCopyToUser(t.mm, t.sleepRem, timespec(left > 0n ? left : 0n));
    }
    t.sleepRem = 0n;
    // an interrupted sleep leaves no deadline or wait set behind for the next call
    t.sleepUntil = undefined;
    t.sigwaitSet = undefined;
  }
  if (!(flags & SA_RESTORER_BIT)) return false;
  const dw = k.dwords;
  const alt = s.altstack;
  // where the fpstate goes before its alignment: below rsp's red zone, or at the top of the
  // alternate stack (reckoned as a bigint: its end may pass 2^64, then it is no user address)
  let base = wordsNumber(dw, RSP_W) - REDZONE - FPSTATE_SIZE;
  if (flags & SA_ONSTACK_BIT && altStackState(alt, k.qwords[RSP_Q]) === 0) {
    const top = alt.sp + alt.size - FPSTATE_SIZE_BIG;
    base = top >= 0n && top < USER_END_BIG ? Number(top) : -1;
  }
  // what the frame records besides the registers, for the engine to write
  const inq = k.frameIn;
  const inw = k.frameInWords;
  inq[IN_RESTORER] = act.restorer;
  // uc_stack records the alternate stack as it is kept (__save_altstack), its flags as given
  inq[IN_SS_SP] = alt.sp;
  inw[IN_SS_FLAGS_W] = alt.flags;
  inq[IN_SS_SIZE] = alt.size;
  // after rt_sigsuspend the frame records the mask from before it, which sigreturn restores
  inq[IN_MASK] = t.suspendMask ?? s.blocked;
  t.suspendMask = undefined;
  const trap = t.lastTrap;
  inq[IN_ERR] = trap.err;
  inq[IN_TRAPNO] = trap.trapno;
  inq[IN_CR2] = trap.cr2;
  const withInfo = (flags & SA_SIGINFO_BIT) !== 0;
  if (withInfo) putSiginfo(inw, IN_SIGINFO_W, info);
  let frame = -1;
  try {
    frame = writeSigframe(k, base, withInfo);
  } catch (err) {
    // a page table the engine had no memory for (faultIn's ENOMEM): the delivery fails
    if (!(err instanceof Errno)) throw err;
  }
  if (frame < 0) return false;
  // SS_AUTODISARM: the handler runs with no alternate stack; its sigreturn puts it back
  if (alt.flags & SS_AUTODISARM) s.altstack = NO_ALTSTACK;
  // the handler starts with the FPU in its initial state (Linux: fpu__clear_user_states)
  k.engine.x.fpuInit();
  // rsp = frame; rdi = sig, rsi = &info, rdx = &uc, rax = 0
  setWordsNumber(dw, RSP_W, frame);
  dw[RDI_W] = sig;
  dw[RDI_W + 1] = 0;
  setWordsNumber(dw, RSI_W, frame + SIGINFO_OFF);
  setWordsNumber(dw, RDX_W, frame + 8);
  dw[RAX_W] = 0;
  dw[RAX_W + 1] = 0;
  k.setRip(act.handler);
  // handlers start with DF, TF and RF clear (all three in the low word)
  dw[RFLAGS_W] &= ~(0x400 | 0x100 | 0x10000);
  // the mask and the handler's mask are mostly empty: then no bigint operation (each allocates)
  if (s.blocked === 0n && act.mask === 0n) s.blocked = flags & SA_NODEFER_BIT ? 0n : BLOCKABLE_BITS[sig];
  else s.blocked = (s.blocked | act.mask | (flags & SA_NODEFER_BIT ? 0n : bit(sig))) & BLOCKABLE;
  if (flags & SA_RESETHAND_BIT) t.sighand.set(sig, { handler: SIG_DFL, flags: act.flags & ~SA_SIGINFO, restorer: act.restorer, mask: act.mask });
  setPlus(dw, SIGNALS_W, SIGNALS_W, 1);
  return true;
}


/** strace's `SIGSYS {si_signo=..., ...}` rendering. */
export function signalHeader(sig: number, info: Siginfo): string {
  let fields = `si_signo=${signalName(sig)}, si_code=${siCodeName(sig, info.code)}`;
  if (info.code === SI_USER || info.code === SI_TKILL) {
    fields += `, si_pid=${info.f0}, si_uid=${info.f1 >>> 0}`;
  } else if (sig === 31 && info.code === 2) {
    fields += `, si_call_addr=${hex(siginfoAddr(info))}, si_syscall=${info.f2}, si_arch=${hex(BigInt(info.f3 >>> 0))}`;
  } else if ([4, 5, 7, 8, 11].includes(sig)) {
    const a = siginfoAddr(info);
    fields += `, si_addr=${a === 0n ? 'NULL' : hex(a)}`;
  }
  return `${signalName(sig)} {${fields}}`;
}

function rtSigreturn(k: Kernel): bigint {
  const e = k.engine;
  const t = k.current;
  const mm = t.mm;
  const frame = k.qwords[RSP_Q] - 8n;
  // the frame (and fpstate) is read in place when it lies in one page, else copied into the
  // engine's scratch for them; an fpstate in the page of a frame read in place takes the
  // frame's translation
  let frameHost = -1;
  let fpHost = 0;
  try {
    frameHost = userSpan(mm, frame, FRAME_SIZE, false);
    if (frameHost === 0) throw new Errno(EFAULT);
    if (frameHost < 0) {
      copyFromUserInto(mm, frame, e.u8.subarray(SIGFRAME_FRAME, SIGFRAME_FRAME + FRAME_SIZE));
      frameHost = SIGFRAME_FRAME;
    }
    const w = e.i32v;
    const fp = (frameHost >> 2) + FPSTATE_PTR_W;
    if (w[fp] !== 0 || w[fp + 1] !== 0) {
      const fpAddr = wordsNumber(w, fp);
      const frameAddr = wordsNumber(k.dwords, RSP_W) - 8;
      const fpOff = fpAddr % PAGE;
      if (frameHost !== SIGFRAME_FRAME && fpAddr - fpOff === frameAddr - (frameAddr % PAGE) && fpOff + FPSTATE_SIZE <= PAGE && (fpOff & 3) === 0) {
        fpHost = frameHost + (fpOff - (frameAddr % PAGE));
      } else {
        const fpBig = getU64Words(w, fp);
        fpHost = userSpan(mm, fpBig, FPSTATE_SIZE, false);
        if (fpHost === 0) throw new Errno(EFAULT);
        if (fpHost < 0) {
          copyFromUserInto(mm, fpBig, e.u8.subarray(FXSAVE_SCRATCH, FXSAVE_SCRATCH + FPSTATE_SIZE));
          fpHost = FXSAVE_SCRATCH;
        }
      }
    }
  } catch {
    k.killProcess(SIGSEGV);
    return 0n;
  }
  e.x.sigframeRestore(frameHost, fpHost);
  // the words fetched after the translations, which may have grown the memory (a page faulted in)
  const w = e.i32v;
  const o = frameHost >> 2;
  const mask = getU64Words(w, o + SIGMASK_W);
  t.sig.blocked = blockable(mask);
  // restore_altstack: the frame's uc_stack is set again as sigaltstack would set it, from the
  // restored stack pointer, its errors ignored (a new record only when it differs: records are
  // replaced, never written in place)
  const cur = t.sig.altstack;
  const sp = getU64Words(w, o + SS_SP_W);
  const size = getU64Words(w, o + SS_SIZE_W);
  const ssFlags = w[o + SS_FLAGS_W];
  if (sp !== cur.sp || size !== cur.size || ssFlags !== cur.flags) {
    const next = newAltStack(cur, k.qwords[RSP_Q], sp, ssFlags, size);
    if (typeof next !== 'number') t.sig.altstack = next;
  }
  const dw = k.dwords;
  dw[ORIG_RAX_W] = -1;
  dw[ORIG_RAX_W + 1] = -1;
  setPlus(dw, SIGRETURNS_W, SIGRETURNS_W, 1);
  return k.qwords[RAX_Q];
}

/**
 * Scratch for the small user structures these syscalls read and write
 * when one straddles two pages or is not 4-byte aligned (else they are
 * read and written in place): a fresh small typed array costs more than
 * the syscall. Each use reads or writes it completely before anything
 * else can.
 */
const scratch = new Uint8Array(32);
const scratchWords = new Int32Array(scratch.buffer);
const scratch8 = scratch.subarray(0, 8);

/**
 * The host offset of a small user structure to read or write in place
 * (in one page, 4-byte aligned), or -1 to copy it through a scratch
 * instead; a bad address throws EFAULT, as the copy would.
 */
function userPlace(k: Kernel, addr: bigint, len: number, write: boolean): number {
  const h = userSpan(k.mm, addr, len, write);
  if (h === 0) throw new Errno(EFAULT);
  return h;
}

/** The user sigaction at addr as a record, its mask already without SIGKILL and SIGSTOP. */
function readAction(k: Kernel, addr: bigint): SigAction {
  const h = userPlace(k, addr, 32, false);
  if (h < 0) copyFromUserInto(k.mm, addr, scratch);
  const w = h < 0 ? scratchWords : k.engine.i32v;
  const o = h < 0 ? 0 : h >> 2;
  return { handler: getU64Words(w, o), flags: getU64Words(w, o + 2), restorer: getU64Words(w, o + 4), mask: blockable(getU64Words(w, o + 6)) };
}

/** Writes a as a user sigaction at addr. */
function writeAction(k: Kernel, addr: bigint, a: SigAction): void {
  const h = userPlace(k, addr, 32, true);
  const w = h < 0 ? scratchWords : k.engine.i32v;
  const o = h < 0 ? 0 : h >> 2;
  setU64Words(w, o, a.handler);
  setU64Words(w, o + 2, a.flags);
  setU64Words(w, o + 4, a.restorer);
  setU64Words(w, o + 6, a.mask);
  if (h < 0) copyToUser(k.mm, addr, scratch);
}

/** The signal number of a syscall's int argument, or 0 when it is none (EINVAL). */
function validSig(n: number): number {
  return n < 1 || n > 64 ? 0 : n;
}

/** Sends signal n (0: only checks) to process pid; errors are returned, not thrown (a throw costs a microsecond). */
/** A signal the kernel itself sends to a process (SIGALRM from its timer: SI_KERNEL, no sender). */
export function kernelSignal(k: Kernel, pid: number, n: number): void {
  signalSelf(k, pid, n, SI_KERNEL, false, siginfo(n, SI_KERNEL, 0, 0, 0, 0), true);
}

/**
 * check_kill_permission: a task with an effective uid of 0, one whose real
 * or effective uid is the target's real or saved uid, or SIGCONT within
 * the session, may signal it.
 */
function mayKill(k: Kernel, target: Task, n: number): boolean {
  const c = k.current.cred;
  const tc = target.cred;
  if (c.euid === 0 || c.euid === tc.uid || c.euid === tc.suid || c.uid === tc.uid || c.uid === tc.suid) return true;
  return n === SIGCONT && target.sid === k.current.sid;
}

function signalSelf(k: Kernel, pid: number, n: number, code: number, thread = false, info?: Siginfo, fromKernel = false): bigint {
  if (n < 0 || n > 64) return errnoResult(EINVAL);
  let target = k.tasks.get(pid);
  // a process whose leader has exited lives on in its other threads
  if (target && target.state === 'zombie' && !thread && target.end === undefined) {
    for (const x of k.tasks.values()) if (x.tgid === target.tgid && x.state !== 'zombie') { target = x; break; }
  }
  if (!target || target.state === 'zombie') return errnoResult(ESRCH);
  if (!fromKernel && !mayKill(k, target, n)) return errnoResult(EPERM);
  if (n === 0) return 0n;
  if (n === SIGCONT && target.jobStop) {
    // SIGCONT resumes a stopped process whatever its disposition (and is then delivered as usual);
    // a task in a ptrace stop stays in it
    target.jobStop = undefined;
    target.continued = true;
    if (!target.ptraceStop) target.state = 'runnable';
    target.cldContinued = true;
    k.wakeParent(target);
  }
  if (n === SIGCONT) {
    // each seized tracee of the process hears of it in a PTRACE_EVENT_STOP (ptrace_trap_notify)
    for (const x of k.tasks.values()) {
      if (x.tgid === target.tgid && x.ptraceSeized && x.tracer !== undefined && x.state !== 'zombie') ptraceTrapPending(k, x, JOBCTL_TRAP_NOTIFY);
    }
  }
  // SIGKILL ends any stop, a ptrace stop included: the task wakes only to die
  if (n === SIGKILL) {
    target.jobStop = undefined;
    target.ptraceStop = undefined;
  }
  // the sender's pid and real uid
  const si = info ?? killInfo(n, code, k.current.tgid, k.current.cred.uid);
  if (thread) sendSignalTo(target, n, si);
  else {
    // for the process: pending for all its threads, taken by one that does not block it
    const taker = sendSignalToProcess(k, target, n, si);
    if (!taker) return 0n;
    target = taker;
  }
  if (n === SIGKILL || n === SIGCONT) {
    if (target.state === 'blocked' && !target.ptraceStop) target.state = 'runnable';
  } else if (target.state === 'blocked' && !target.jobStop && !target.ptraceStop && !target.vforkWait &&
    (!isBlocked(target.sig.blocked, n) || (target.sigwaitSet !== undefined && (target.sigwaitSet & bit(n)) !== 0n))) {
    // a signal interrupts a sleeping wait: it runs its handler, then waits again
    target.state = 'runnable';
  }
  return 0n;
}

export const signalSyscalls: SyscallRow[] = [
  row(13, 'rt_sigaction', 'Sppu', (k, a) => {
    if (a.u64(3) !== 8n) return errnoResult(EINVAL);
    const sig = validSig(a.i32(0));
    if (sig === 0) return errnoResult(EINVAL);
    const actAddr = a.u64(1);
    const oldAddr = a.u64(2);
    const h = k.current.sighand;
    let next: SigAction | undefined;
    if (actAddr !== 0n) {
      next = readAction(k, actAddr);
      if (sig === SIGKILL || sig === SIGSTOP) return errnoResult(EINVAL);
    }
    if (oldAddr !== 0n) writeAction(k, oldAddr, h.actions[sig]);
    if (next) {
      h.set(sig, next);
      // setting SIG_IGN (or SIG_DFL whose default is to ignore) discards a pending one, the
      // process's and every thread's
      if (next.handler === SIG_IGN || (next.handler === SIG_DFL && defaultAction(sig) === 'ign')) {
        const me = k.current;
        me.shared.discard(sig);
        for (const x of k.tasks.values()) if (x.tgid === me.tgid) x.sig.discard(sig);
      }
    }
    return 0n;
  }),
  row(14, 'rt_sigprocmask', 'dppu', (k, a) => {
    if (a.u64(3) !== 8n) return errnoResult(EINVAL);
    const s = k.current.sig;
    const how = a.i32(0);
    const setAddr = a.u64(1);
    const oldAddr = a.u64(2);
    let set: bigint | undefined;
    if (setAddr !== 0n) {
      // in place when the word lies in one page, else through the scratch
      const h = userPlace(k, setAddr, 8, false);
      if (h < 0) copyFromUserInto(k.mm, setAddr, scratch8);
      set = h < 0 ? getU64Words(scratchWords, 0) : getU64Words(k.engine.i32v, h >> 2);
      if (how < 0 || how > 2) return errnoResult(EINVAL);
    }
    if (oldAddr !== 0n) {
      const h = userPlace(k, oldAddr, 8, true);
      if (h < 0) {
        setU64Words(scratchWords, 0, s.blocked);
        copyToUser(k.mm, oldAddr, scratch8);
      } else setU64Words(k.engine.i32v, h >> 2, s.blocked);
    }
    if (set !== undefined) {
      if (how === 0) s.blocked |= set;
      else if (how === 1) s.blocked &= ~set;
      else s.blocked = set;
      s.blocked &= BLOCKABLE;
    }
    return 0n;
  }),
  row(15, 'rt_sigreturn', '', (k) => rtSigreturn(k)),
  row(131, 'sigaltstack', 'pp', (k, a) => {
    const s = k.current.sig;
    const sp = k.qwords[RSP_Q];
    const cur = s.altstack;
    const ssAddr = a.u64(0);
    const oldAddr = a.u64(1);
    let next: AltStack | undefined;
    if (ssAddr !== 0n) {
      const b = copyFromUser(k.mm, ssAddr, 24);
      const dv = new DataView(b.buffer);
      const made = newAltStack(cur, sp, dv.getBigUint64(0, true), dv.getInt32(8, true), dv.getBigUint64(16, true));
      if (typeof made === 'number') throw new Errno(made);
      next = made;
    }
    if (oldAddr !== 0n) {
      // the old stack as it was, its state where the caller is, and its mode flag
      const b = new Uint8Array(24);
      const dv = new DataView(b.buffer);
      dv.setBigUint64(0, cur.sp, true);
      dv.setInt32(8, altStackState(cur, sp) | (cur.flags & SS_AUTODISARM), true);
      dv.setBigUint64(16, cur.size, true);
      copyToUser(k.mm, oldAddr, b);
    }
    if (next) s.altstack = next;
    return 0n;
  }),
  row(62, 'kill', 'dS', (k, a) => {
    const pid = a.i32(0);
    const n = a.i32(1);
    if (pid > 0) return signalSelf(k, pid, n, SI_USER);
    // 0: the caller's process group; -1: every process but init and the caller; < -1: group -pid
    if (n < 0 || n > 64) throw new Errno(EINVAL);
    const pgid = pid === 0 ? k.current.pgid : -pid;
    // -1: every process but init and the caller's own
    const targets = [...k.tasks.values()].filter(
      (t) => t.tid === t.tgid && t.state !== 'zombie' && (pid === -1 ? t.tgid !== k.current.tgid : t.pgid === pgid),
    );
    if (targets.length === 0) throw new Errno(ESRCH);
    // the caller last, so that a fatal signal to itself does not cut the loop short
    targets.sort((x, y) => (x === k.current ? 1 : y === k.current ? -1 : x.tid - y.tid));
    // the processes it may signal get it; EPERM only when that is none of them
    let sent = false;
    for (const t of targets) if (signalSelf(k, t.tgid, n, SI_USER) === 0n) sent = true;
    if (!sent) throw new Errno(EPERM);
    return 0n;
  }),
  // rt_sigpending: the pending signals the mask holds back
  row(127, 'rt_sigpending', 'pu', (k, a) => {
    const size = a.u64(1);
    if (size > 8n) return errnoResult(EINVAL);
    const s = k.current.sig;
    // the thread's own and its process's
    const set = (s.set() | k.current.shared.set()) & s.blocked;
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, set, true);
    if (!tryCopyToUser(k.mm, a.u64(0), b.subarray(0, Number(size)))) return errnoResult(EFAULT);
    return 0n;
  }),
  // rt_sigsuspend: sleeps under the given mask until a signal's handler runs (-EINTR), the
  // mask from before coming back through the handler's frame
  row(130, 'rt_sigsuspend', 'pu', (k, a) => {
    if (a.u64(1) !== 8n) return errnoResult(EINVAL);
    const t = k.current;
    if (t.suspendMask === undefined) {
      const set = new DataView(copyFromUser(t.mm, a.u64(0), 8).buffer).getBigUint64(0, true);
      t.suspendMask = t.sig.blocked;
      t.sig.blocked = set & BLOCKABLE;
    }
    t.state = 'blocked';
    throw new RestartSyscall(true);
  }),
  // rt_sigtimedwait: takes a pending signal of the set (the lowest), or sleeps until one comes,
  // the timeout passes (EAGAIN) or a handler runs (EINTR)
  row(128, 'rt_sigtimedwait', 'pppu', (k, a) => {
    if (a.u64(3) !== 8n) return errnoResult(EINVAL);
    const t = k.current;
    const s = t.sig;
    const set = new DataView(copyFromUser(t.mm, a.u64(0), 8).buffer).getBigUint64(0, true) & BLOCKABLE;
    // the thread's own signals first, then its process's
    const q = s.next(~set) !== 0 ? s : t.shared;
    const n = q.next(~set);
    if (n !== 0) {
      const info = q.take(n)!;
      t.sigwaitSet = undefined;
      t.sleepUntil = undefined;
      if (a.u64(1) !== 0n) {
        putSiginfo(sigwaitWords, 0, info);
        if (!tryCopyToUser(t.mm, a.u64(1), sigwaitBytes)) return errnoResult(EFAULT);
      }
      return BigInt(n);
    }
    if (t.sigwaitSet === undefined) {
      if (a.u64(2) !== 0n) {
        const ns = timespecNs(k, a.u64(2));
        if (ns === 0n) return errnoResult(EAGAIN);
        t.sleepUntil = k.clockNs() + ns;
      }
      t.sigwaitSet = set;
    } else if (t.sleepUntil !== undefined && k.clockNs() >= t.sleepUntil) {
      t.sigwaitSet = undefined;
      t.sleepUntil = undefined;
      return errnoResult(EAGAIN);
    }
    t.state = 'blocked';
    throw new RestartSyscall(true);
  }),
  // pause: sleeps until a signal's handler runs (-EINTR)
  row(34, 'pause', '', (k) => {
    k.current.state = 'blocked';
    throw new RestartSyscall(true);
  }),
  row(200, 'tkill', 'dS', (k, a) => {
    const tid = a.i32(0);
    if (tid <= 0) return errnoResult(EINVAL);
    return signalThread(k, 0, tid, a.i32(1));
  }),
  row(234, 'tgkill', 'ddS', (k, a) => {
    const tgid = a.i32(0);
    const tid = a.i32(1);
    if (tgid <= 0 || tid <= 0) return errnoResult(EINVAL);
    return signalThread(k, tgid, tid, a.i32(2));
  }),
  // sigqueue's calls: a signal with the caller's siginfo (its value), for a process or one thread
  row(129, 'rt_sigqueueinfo', 'dSp', (k, a) => {
    const pid = a.i32(0);
    const info = queuedInfo(k, a.i32(1), a.u64(2), pid);
    return signalSelf(k, pid, info.signo, info.code, false, info);
  }),
  row(297, 'rt_tgsigqueueinfo', 'ddSp', (k, a) => {
    const tgid = a.i32(0);
    const tid = a.i32(1);
    if (tgid <= 0 || tid <= 0) return errnoResult(EINVAL);
    const info = queuedInfo(k, a.i32(2), a.u64(3), tgid);
    const t = k.tasks.get(tid);
    if (!t || t.state === 'zombie' || t.tgid !== tgid) return errnoResult(ESRCH);
    return signalSelf(k, tid, info.signo, info.code, true, info);
  }),
];

/**
 * The siginfo a rt_sigqueueinfo caller gives for signal sig (its number
 * put in): a process may pose as the kernel or as kill (si_code >= 0) or
 * tkill only to itself (EPERM otherwise).
 */
function queuedInfo(k: Kernel, sig: number, addr: bigint, target: number): Siginfo {
  if (sig < 0 || sig > 64) throw new Errno(EINVAL);
  const w = new Int32Array(copyFromUser(k.mm, addr, 32).buffer);
  const code = w[2];
  if ((code >= 0 || code === SI_TKILL) && target !== k.current.tgid) throw new Errno(EPERM);
  return { signo: sig, errno: w[1], code, f0: w[4], f1: w[5], f2: w[6], f3: w[7] };
}

/**
 * tkill and tgkill (Linux: do_send_specific): signal n for thread tid, of
 * thread group tgid when tgid > 0. A thread that is not there (or not in
 * that group) is ESRCH, checked before the signal number.
 */
function signalThread(k: Kernel, tgid: number, tid: number, n: number): bigint {
  const t = k.tasks.get(tid);
  if (!t || t.state === 'zombie' || (tgid > 0 && t.tgid !== tgid)) return errnoResult(ESRCH);
  return signalSelf(k, tid, n, SI_TKILL, true);
}

