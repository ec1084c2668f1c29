/**
 * Signals: dispositions (rt_sigaction), masks (rt_sigprocmask), the
 * alternate stack, generation (kill, tkill, tgkill, faults, SUD's forced
 * SIGSYS), and delivery on return to user mode through the rt_sigframe.
 *
 * Linux: kernel/signal.c, arch/x86/kernel/signal.c, signal_64.c.
 */
import { row, errnoResult, type SyscallRow } from './syscalls/table.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { Errno, EINVAL, ESRCH, EPERM, ENOMEM, EFAULT } from './errno.js';
import { copyFromUser, copyFromUserInto, copyToUser, tryCopyToUser, userSpan } from './uaccess.js';
import {
  fpstateAddr, frameAddrBelow, writeFrame, writeFpstate, restoreFrameAt, frameScratch, frameScratchDv, fpScratch, FRAME_SIZE, FPSTATE_SIZE, SIGINFO_OFF, killFields,
  type FrameInputs, type Siginfo,
} from './signal_frame.js';
import { CPU_REGS, CPU_RFLAGS, CPU_ORIG_RAX, CPU_RIP, CNT_SIGNALS, CNT_SIGRETURNS } from '../engine/layout.js';
import { SIGKILL, SIGSTOP, SIGSEGV, SIGCHLD, SIGCONT, SIGTSTP } from './signal_names.js';
import { SI_USER, SI_TKILL, SI_KERNEL, siCodeName } from './siginfo.js';
import { signalName } from './signal_names.js';
import { hex } from './strace.js';
import { CLONE, shallowCopy } from './clone.js';

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
const MINSIGSTKSZ = 2048n;

/** One disposition. Records are values: a change replaces the record (copies of the table share them). */
export interface SigAction {
  readonly handler: bigint;
  readonly flags: bigint;
  readonly restorer: bigint;
  readonly mask: bigint;
}

/** Per-process dispositions (shared by threads, CLONE_SIGHAND). */
export class SigHand {
  /**
   * One record per signal. Records are never written in place (a change
   * replaces the record), so copies of the table (fork, snapshots) share
   * them: a copy costs one array slice.
   */
  actions: SigAction[];

  /** A table of its own, a copy of `actions` (a fork's: its parent's; a new process's: all SIG_DFL). */
  constructor(actions: readonly SigAction[] = DEFAULT_ACTIONS) {
    this.actions = actions.slice();
  }

  /** Snapshot copy (kernel/clone.ts), the quick way: the records are immutable, so they are shared. */
  [CLONE](): SigHand {
    const h = shallowCopy(this);
    h.actions = this.actions.slice();
    return h;
  }
}

/** SIG_DFL with no flags: frozen, as every SigAction record is treated (replaced, never written). */
export const DEFAULT_ACTION: SigAction = Object.freeze({ handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n });
/** SIG_IGN with no flags (what execve leaves of an ignored signal). */
export const IGNORE_ACTION: SigAction = Object.freeze({ handler: SIG_IGN, flags: 0n, restorer: 0n, mask: 0n });
/** Every signal at SIG_DFL, as a process starts (copied by a slice, cheaper than filling a new array). */
const DEFAULT_ACTIONS: readonly SigAction[] = Array.from({ length: 65 }, () => DEFAULT_ACTION);

/** A sigaltstack (stack_t): its base, SS_ flags and size. */
export interface AltStack {
  readonly sp: bigint;
  readonly flags: number;
  readonly size: bigint;
}

/** No alternate stack (SS_DISABLE): shared, as records are only replaced. */
export const NO_ALTSTACK: AltStack = { sp: 0n, flags: SS_DISABLE, size: 0n };

/** No signal queued: what a thread starts with (copied by a slice, cheaper than filling a new array). */
const NOTHING_PENDING: readonly (Siginfo | undefined)[] = Array.from({ length: 65 }, () => undefined);

/** Per-thread signal state. */
export class SigState {
  blocked = 0n;
  /**
   * The queued siginfo of each signal number, if any (a standard signal is
   * queued once): slots rather than a Map, as the check runs on every
   * return to user mode and a Map operation costs several array reads.
   */
  pending: (Siginfo | undefined)[] = NOTHING_PENDING.slice();
  /** How many slots of pending are full. */
  pendingCount = 0;

  /** Queues sig with info, replacing a queued one (force_sig's way). */
  queue(sig: number, info: Siginfo): void {
    if (this.pending[sig] === undefined) this.pendingCount++;
    this.pending[sig] = info;
  }

  /** Takes sig off the queue: its siginfo, if it was queued. */
  take(sig: number): Siginfo | undefined {
    const info = this.pending[sig];
    if (info !== undefined) {
      this.pending[sig] = undefined;
      this.pendingCount--;
    }
    return info;
  }

  /** The sigaltstack: a record replaced on a change, never written in place. */
  altstack: AltStack = NO_ALTSTACK;
}

/** 1n << (sig - 1) for every signal number, made once (bit() runs on every delivery check). */
const BITS: bigint[] = Array.from({ length: 65 }, (_, n) => (n === 0 ? 0n : 1n << BigInt(n - 1)));
export const bit = (sig: number): bigint => BITS[sig] ?? 1n << BigInt(sig - 1);
const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);
/** ~UNBLOCKABLE, made once: a bigint operation is not free. */
const BLOCKABLE = ~UNBLOCKABLE;

type Default = 'term' | 'core' | 'ign' | 'stop' | 'cont';
function defaultAction(sig: number): Default {
  switch (sig) {
    case 3: case 4: case 5: case 6: case 7: case 8: case 11: case 24: case 25: case 31: return 'core';
    case SIGCHLD: case 23: case 28: return 'ign';
    case SIGSTOP: case SIGTSTP: case 21: case 22: return 'stop';
    case SIGCONT: return 'cont';
    default: return 'term';
  }
}

/** Queues sig for the current task (a standard signal is queued once). */
export function sendSignal(k: Kernel, sig: number, info: Siginfo): void {
  sendSignalTo(k.current, sig, info);
}

/** Queues sig for task t (a standard signal is queued once; an ignored one is dropped). */
export function sendSignalTo(t: Task, sig: number, info: Siginfo): void {
  const act = t.sighand.actions[sig];
  if (act.handler === SIG_IGN || (act.handler === SIG_DFL && defaultAction(sig) === 'ign')) return;
  if (t.sig.pending[sig] === undefined) t.sig.queue(sig, info);
}

/**
 * force_sig_info: a blocked or ignored signal is unblocked and reset to
 * SIG_DFL so that it cannot be lost (faults, SUD's SIGSYS).
 */
export function forceSignal(k: Kernel, sig: number, info: Siginfo): void {
  const act = k.current.sighand.actions[sig];
  const s = k.current.sig;
  // Linux: force_sig_info_to_task resets the handler whenever the signal is blocked or ignored
  if (act.handler === SIG_IGN || (s.blocked & bit(sig))) {
    k.current.sighand.actions[sig] = { handler: SIG_DFL, flags: act.flags, restorer: act.restorer, mask: act.mask };
    s.blocked &= ~bit(sig);
  }
  s.queue(sig, info);
}

const SYNCHRONOUS = [SIGSEGV, 31, 4, 5, 7, 8];

/**
 * Delivers pending unblocked signals before returning to user mode. Returns
 * false when the process died.
 */
export function deliverSignals(k: Kernel): boolean {
  const t = k.current;
  const s = t.sig;
  for (;;) {
    // the common case on every return to user mode: nothing to do
    if (s.pendingCount === 0 && !t.ptraceInject) return true;
    let sig = 0;
    // synchronous (forced) signals first as Linux does, then the lowest number
    const p = s.pending;
    for (const n of SYNCHRONOUS) if (p[n] !== undefined && !(s.blocked & bit(n))) { sig = n; break; }
    if (!sig) {
      for (let n = 1; n < p.length; n++) if (p[n] !== undefined && !(s.blocked & bit(n))) { sig = n; break; }
    }
    let info: Siginfo;
    if (t.ptraceInject) {
      // the tracer resumed the task with this signal: deliver it without a second stop
      info = t.ptraceInject;
      sig = info.signo;
      t.ptraceInject = undefined;
    } else {
      if (!sig) return true;
      info = s.take(sig)!;
      if (t.tracer !== undefined && sig !== SIGKILL) {
        // signal-delivery-stop: the tracer sees it through wait4 and decides
        t.ptraceStop = { sig, info, reported: false };
        t.state = 'blocked';
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
        k.wakeParent(t);
        return true;
      }
      if (d === 'ign' || d === 'cont') continue;
      k.killProcess(sig);
      return false;
    }
    if (!setupFrame(k, sig, act, info)) {
      // delivery failed (no SA_RESTORER, unwritable stack): force_sigsegv
      if (sig === SIGSEGV) {
        k.killProcess(SIGSEGV);
        return false;
      }
      // any other signal: force_sig(SIGSEGV), which a SIGSEGV handler may still catch
      forceSignal(k, SIGSEGV, { signo: SIGSEGV, errno: 0, code: SI_KERNEL, fields: new Uint8Array(16) });
      continue;
    }
    return true;
  }
}

/** No siginfo: what frameIn holds between deliveries, so that it keeps none alive. */
const NO_INFO: Siginfo = { signo: 0, errno: 0, code: 0, fields: new Uint8Array(0) };
/** The frame image up to its siginfo, for a handler without SA_SIGINFO (made once). */
const frameScratchHead = frameScratch.subarray(0, SIGINFO_OFF);

/**
 * The inputs of the frame being written: one record, refilled for each
 * delivery (nothing keeps it across one), so that a delivery allocates none.
 */
const frameIn: FrameInputs = {
  sp: 0n, onAltStack: false, useAltStack: false, altstack: { sp: 0n, flags: 0, size: 0n },
  blocked: 0n, info: NO_INFO, withInfo: false, trapno: 0n, err: 0n, cr2: 0n,
};

/** Word indices of the registers and counters delivery sets (all 8-byte aligned in the CPU and ENGINE blocks). */
const RAX_W = CPU_REGS >> 2;
const RDX_W = (CPU_REGS + 2 * 8) >> 2;
const RSP_W = (CPU_REGS + 4 * 8) >> 2;
const RSI_W = (CPU_REGS + 6 * 8) >> 2;
const RDI_W = (CPU_REGS + 7 * 8) >> 2;
const SIGNALS_W = CNT_SIGNALS >> 2;
const SIGRETURNS_W = CNT_SIGRETURNS >> 2;

/** mem[w..w+1] = mem[from..from+1] + add (a u64 plus a small number, carried in 32-bit words). */
function setPlus(mem: Int32Array, w: number, from: number, add: number): void {
  const lo = (mem[from] >>> 0) + add;
  const hi = mem[from + 1];
  mem[w] = lo;
  mem[w + 1] = lo > 0xffffffff ? hi + 1 : hi;
}

function setupFrame(k: Kernel, sig: number, act: SigAction, info: Siginfo): boolean {
  const e = k.engine;
  const t = k.current;
  const s = t.sig;
  // every SA_ flag is in the low word: one bigint operation instead of one per test
  const flags = Number(BigInt.asUintN(32, act.flags));
  if (t.sleeping) {
    // a handler interrupts the sleeping syscall: it is restarted only for
    // ERESTARTSYS with SA_RESTART, otherwise it returns -EINTR (Linux: handle_signal)
    if (t.sleeping === 'restartblock' || !(flags & SA_RESTART_BIT)) {
      k.setRip(e.u64(CPU_RIP) + 2n);
      e.setU64(CPU_REGS, BigInt.asUintN(64, -4n));
    }
    t.sleeping = undefined;
  }
  if (!(flags & SA_RESTORER_BIT)) return false;
  const sp = e.u64(CPU_REGS + 4 * 8);
  const alt = s.altstack;
  const onAlt = alt.flags !== SS_DISABLE && sp > alt.sp && sp <= alt.sp + alt.size;
  const inp = frameIn;
  inp.sp = sp;
  inp.onAltStack = onAlt;
  inp.useAltStack = (flags & SA_ONSTACK_BIT) !== 0 && alt.flags !== SS_DISABLE && !onAlt;
  inp.altstack.sp = alt.sp;
  inp.altstack.flags = alt.flags === SS_DISABLE ? SS_DISABLE : onAlt ? SS_ONSTACK : 0;
  inp.altstack.size = alt.size;
  inp.blocked = s.blocked;
  inp.info = info;
  inp.withInfo = (flags & SA_SIGINFO_BIT) !== 0;
  inp.trapno = t.lastTrap.trapno;
  inp.err = t.lastTrap.err;
  inp.cr2 = t.lastTrap.cr2;
  const fpAddr = fpstateAddr(inp);
  const frame = frameAddrBelow(fpAddr);
  // the fpstate, then the frame: each written in place when it lies in one page, else laid out
  // and copied (a bad address fails the delivery, the fpstate perhaps written, as before)
  let ok = false;
  try {
    const fpHost = userSpan(t.mm, fpAddr, FPSTATE_SIZE, true);
    if (fpHost !== 0) {
      writeFpstate(e, fpHost);
      ok = fpHost > 0 || tryCopyToUser(t.mm, fpAddr, fpScratch);
    }
    if (ok) {
      const frameHost = userSpan(t.mm, frame, FRAME_SIZE, true);
      ok = frameHost !== 0;
      if (ok) {
        writeFrame(e, frameHost, act.restorer, inp, fpAddr);
        if (frameHost < 0) ok = tryCopyToUser(t.mm, frame, inp.withInfo ? frameScratch : frameScratchHead);
      }
    }
  } catch (err) {
    // a page table the engine had no memory for (faultIn's ENOMEM): the delivery fails
    if (!(err instanceof Errno)) throw err;
    ok = false;
  }
  inp.info = NO_INFO;
  if (!ok) return false;
  // rsp = frame; rdi = sig, rsi = &info, rdx = &uc, rax = 0: in words, from rsp's
  e.setU64(CPU_REGS + 4 * 8, frame);
  const mem = e.i32v;
  mem[RDI_W] = sig;
  mem[RDI_W + 1] = 0;
  setPlus(mem, RSI_W, RSP_W, 312);
  setPlus(mem, RDX_W, RSP_W, 8);
  mem[RAX_W] = 0;
  mem[RAX_W + 1] = 0;
  k.setRip(act.handler);
  // handlers start with DF, TF and RF clear (all three in the low word)
  const edv = e.dv;
  edv.setUint32(CPU_RFLAGS, (edv.getUint32(CPU_RFLAGS, true) & ~(0x400 | 0x100 | 0x10000)) >>> 0, true);
  s.blocked = (s.blocked | act.mask | (flags & SA_NODEFER_BIT ? 0n : bit(sig))) & BLOCKABLE;
  if (flags & SA_RESETHAND_BIT) t.sighand.actions[sig] = { handler: SIG_DFL, flags: act.flags & ~SA_SIGINFO, restorer: act.restorer, mask: act.mask };
  setPlus(mem, SIGNALS_W, SIGNALS_W, 1);
  return true;
}


/** strace's `SIGSYS {si_signo=..., ...}` rendering. */
export function signalHeader(sig: number, info: Siginfo): string {
  const dv = new DataView(info.fields.buffer, info.fields.byteOffset, info.fields.byteLength);
  let fields = `si_signo=${signalName(sig)}, si_code=${siCodeName(sig, info.code)}`;
  if (info.code === SI_USER || info.code === SI_TKILL) {
    fields += `, si_pid=${dv.getInt32(0, true)}, si_uid=${dv.getUint32(4, true)}`;
  } else if (sig === 31 && info.code === 2) {
    fields += `, si_call_addr=${hex(dv.getBigUint64(0, true))}, si_syscall=${dv.getInt32(8, true)}, si_arch=${hex(BigInt(dv.getUint32(12, true)))}`;
  } else if ([4, 5, 7, 8, 11].includes(sig)) {
    const a = dv.getBigUint64(0, true);
    fields += `, si_addr=${a === 0n ? 'NULL' : hex(a)}`;
  }
  return `${signalName(sig)} {${fields}}`;
}

function rtSigreturn(k: Kernel): bigint {
  const e = k.engine;
  const t = k.current;
  const frame = e.u64(CPU_REGS + 4 * 8) - 8n;
  // the frame (and fpstate) is read in place when it lies in one page, else copied into the scratch images
  let frameHost = -1;
  let fpHost = 0;
  try {
    frameHost = userSpan(t.mm, frame, FRAME_SIZE, false);
    if (frameHost === 0) throw new Errno(EFAULT);
    if (frameHost < 0) copyFromUserInto(t.mm, frame, frameScratch);
    const fpAddr = frameHost < 0 ? frameScratchDv.getBigUint64(48 + 184, true) : e.dv.getBigUint64(frameHost + 48 + 184, true);
    if (fpAddr !== 0n) {
      fpHost = userSpan(t.mm, fpAddr, FPSTATE_SIZE, false);
      if (fpHost === 0) throw new Errno(EFAULT);
      if (fpHost < 0) copyFromUserInto(t.mm, fpAddr, fpScratch);
    }
  } catch {
    k.killProcess(SIGSEGV);
    return 0n;
  }
  const mask = restoreFrameAt(e, frameHost, fpHost);
  t.sig.blocked = mask & BLOCKABLE;
  const dv = frameHost < 0 ? frameScratchDv : e.dv;
  const base = frameHost < 0 ? 0 : frameHost;
  const ssFlags = dv.getInt32(base + 8 + 24, true);
  const cur = t.sig.altstack;
  if (ssFlags !== SS_ONSTACK && cur.flags !== SS_ONSTACK) {
    // restore_altstack: a sigaltstack saved in the frame is reinstalled (a
    // new record only when it differs: records are replaced, never written)
    const sp = dv.getBigUint64(base + 8 + 16, true);
    const size = dv.getBigUint64(base + 8 + 32, true);
    const flags = ssFlags & SS_DISABLE ? SS_DISABLE : 0;
    if (sp !== cur.sp || size !== cur.size || flags !== cur.flags) t.sig.altstack = { sp, flags, size };
  }
  e.setU64(CPU_ORIG_RAX, -1n);
  const mem = e.i32v;
  setPlus(mem, SIGRETURNS_W, SIGRETURNS_W, 1);
  return e.u64(CPU_REGS);
}

/**
 * Scratch for the small user structures these syscalls read and write: a
 * DataView over a fresh small typed array costs half a microsecond (V8
 * moves its bytes off the heap), more than the syscall. Each use reads or
 * writes it completely before anything else can.
 */
const scratch = new Uint8Array(32);
const scratchDv = new DataView(scratch.buffer);
const scratch8 = new Uint8Array(8);
const scratch8Dv = new DataView(scratch8.buffer);

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
  const dv = h < 0 ? scratchDv : k.engine.dv;
  const at = h < 0 ? 0 : h;
  return { handler: dv.getBigUint64(at, true), flags: dv.getBigUint64(at + 8, true), restorer: dv.getBigUint64(at + 16, true), mask: dv.getBigUint64(at + 24, true) & BLOCKABLE };
}

/** Writes a as a user sigaction at addr. */
function writeAction(k: Kernel, addr: bigint, a: SigAction): void {
  const h = userPlace(k, addr, 32, true);
  const dv = h < 0 ? scratchDv : k.engine.dv;
  const at = h < 0 ? 0 : h;
  dv.setBigUint64(at, a.handler, true);
  dv.setBigUint64(at + 8, a.flags, true);
  dv.setBigUint64(at + 16, a.restorer, true);
  dv.setBigUint64(at + 24, a.mask, true);
  if (h < 0) copyToUser(k.mm, addr, scratch);
}

/** The signal number of a syscall's int argument, or 0 when it is none (EINVAL). */
function validSig(n: number): number {
  return n < 1 || n > 64 ? 0 : n;
}

/** Sends signal n (0: only checks) to process pid; errors are returned, not thrown (a throw costs a microsecond). */
function signalSelf(k: Kernel, pid: number, n: number, code: number): bigint {
  if (n < 0 || n > 64) return errnoResult(EINVAL);
  const target = k.tasks.get(pid);
  if (!target || target.state === 'zombie') return errnoResult(ESRCH);
  if (n === 0) return 0n;
  if (n === SIGCONT && target.jobStop) {
    // SIGCONT resumes a stopped process whatever its disposition (and is then delivered as usual)
    target.jobStop = undefined;
    target.continued = true;
    target.state = 'runnable';
    k.wakeParent(target);
  }
  // SIGKILL ends any stop, a ptrace stop included: the task wakes only to die
  if (n === SIGKILL) {
    target.jobStop = undefined;
    target.ptraceStop = undefined;
  }
  sendSignalTo(target, n, { signo: n, errno: 0, code, fields: killFields(k.current.tgid, 0) });
  if (n === SIGKILL || n === SIGCONT) {
    if (target.state === 'blocked' && !target.ptraceStop) target.state = 'runnable';
  } else if (target.state === 'blocked' && !target.jobStop && !target.ptraceStop && !target.vforkWait && !(target.sig.blocked & bit(n))) {
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
    const acts = k.current.sighand.actions;
    let next: SigAction | undefined;
    if (actAddr !== 0n) {
      next = readAction(k, actAddr);
      if (sig === SIGKILL || sig === SIGSTOP) return errnoResult(EINVAL);
    }
    if (oldAddr !== 0n) writeAction(k, oldAddr, acts[sig]);
    if (next) {
      acts[sig] = next;
      // setting SIG_IGN (or SIG_DFL whose default is to ignore) discards a pending one
      if (next.handler === SIG_IGN || (next.handler === SIG_DFL && defaultAction(sig) === 'ign')) k.current.sig.take(sig);
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
      set = h < 0 ? scratch8Dv.getBigUint64(0, true) : k.engine.dv.getBigUint64(h, true);
      if (how < 0 || how > 2) return errnoResult(EINVAL);
    }
    if (oldAddr !== 0n) {
      const h = userPlace(k, oldAddr, 8, true);
      if (h < 0) {
        scratch8Dv.setBigUint64(0, s.blocked, true);
        copyToUser(k.mm, oldAddr, scratch8);
      } else k.engine.dv.setBigUint64(h, s.blocked, true);
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
    const sp = k.engine.u64(CPU_REGS + 4 * 8);
    const on = s.altstack.flags !== SS_DISABLE && sp > s.altstack.sp && sp <= s.altstack.sp + s.altstack.size;
    const ssAddr = a.u64(0);
    const oldAddr = a.u64(1);
    let next: AltStack | undefined;
    if (ssAddr !== 0n) {
      const b = copyFromUser(k.mm, ssAddr, 24);
      const dv = new DataView(b.buffer);
      const nsp = dv.getBigUint64(0, true);
      const flags = dv.getInt32(8, true);
      const size = dv.getBigUint64(16, true);
      if (on) throw new Errno(EPERM);
      if (flags !== 0 && flags !== SS_DISABLE && flags !== SS_ONSTACK) throw new Errno(EINVAL);
      if (flags === SS_DISABLE) next = NO_ALTSTACK;
      else {
        if (size < MINSIGSTKSZ) throw new Errno(ENOMEM);
        next = { sp: nsp, flags: 0, size };
      }
    }
    if (oldAddr !== 0n) {
      const b = new Uint8Array(24);
      const dv = new DataView(b.buffer);
      dv.setBigUint64(0, s.altstack.sp, true);
      dv.setInt32(8, s.altstack.flags === SS_DISABLE ? SS_DISABLE : on ? SS_ONSTACK : 0, true);
      dv.setBigUint64(16, s.altstack.size, true);
      copyToUser(k.mm, oldAddr, b);
    }
    if (next) s.altstack = next;
    return 0n;
  }),
  row(62, 'kill', 'dS', (k, a) => {
    const pid = a.i32(0);
    const n = a.i32(1);
    if (pid > 0) return signalSelf(k, pid, n, SI_USER);
    // 0: the caller's process group; -1: every process but init; < -1: group -pid
    if (n < 0 || n > 64) throw new Errno(EINVAL);
    const pgid = pid === 0 ? k.current.pgid : -pid;
    const targets = [...k.tasks.values()].filter((t) => t.tid === t.tgid && t.state !== 'zombie' && (pid === -1 || t.pgid === pgid));
    if (targets.length === 0) throw new Errno(ESRCH);
    // the caller last, so that a fatal signal to itself does not cut the loop short
    targets.sort((x, y) => (x === k.current ? 1 : y === k.current ? -1 : x.tid - y.tid));
    for (const t of targets) signalSelf(k, t.tgid, n, SI_USER);
    return 0n;
  }),
  row(200, 'tkill', 'dS', (k, a) => {
    const tid = a.i32(0);
    if (tid <= 0) throw new Errno(EINVAL);
    if (tid !== k.current.tid) throw new Errno(ESRCH);
    return signalSelf(k, k.current.tgid, a.i32(1), SI_TKILL);
  }),
  row(234, 'tgkill', 'ddS', (k, a) => {
    const tgid = a.i32(0);
    const tid = a.i32(1);
    if (tgid <= 0 || tid <= 0) throw new Errno(EINVAL);
    if (tid !== k.current.tid || tgid !== k.current.tgid) throw new Errno(ESRCH);
    return signalSelf(k, tgid, a.i32(2), SI_TKILL);
  }),
];

