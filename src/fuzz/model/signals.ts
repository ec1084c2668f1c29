/**
 * Signals as far as a case can observe them (../shared/docs/SEMANTICS.md §5,
 * §6): the SIGSYS action, the blocked mask, rt_sigaction, rt_sigprocmask,
 * what a forced SIGSYS does, and the mask a handler runs with and
 * rt_sigreturn restores. The other signals a case meets (SIGSEGV, SIGILL from
 * faults) are forced too and always kill: nothing here can catch them.
 *
 * Linux: kernel/signal.c (force_sig_info_to_task, do_sigaction,
 * sigprocmask, signal_delivered), arch/x86/kernel/signal_64.c
 * (__setup_rt_frame: no SA_RESTORER, no frame).
 */
import { EINVAL } from './prctl.js';

export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGKILL = 9;
export const SIGSEGV = 11;
export const SIGSTOP = 19;
export const SIGSYS = 31;

export const SA_SIGINFO = 0x4n;
export const SA_RESTORER = 0x04000000n;
export const SA_NODEFER = 0x40000000n;
export const SA_RESETHAND = 0x80000000n;

/** The bit of signal `s` in a sigset. */
export const sigbit = (s: number): bigint => 1n << BigInt(s - 1);
const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);
const U64 = (1n << 64n) - 1n;
/** The sigset bits a mask can hold (every BigInt operation allocates: masks are applied once per dispatch). */
const BLOCKABLE = U64 & ~UNBLOCKABLE;
export const SIGSYS_BIT = sigbit(SIGSYS);

export type Disposition = 'default' | 'ignore' | 'handler';

/** A signal's action, shared by the threads of a process (CLONE_SIGHAND), copied by fork (a class: see task.ts). */
export class SigAction {
  constructor(
    public disp: Disposition,
    public flags: bigint,
    public restorer: bigint,
    public mask: bigint,
  ) {}

  copy(): SigAction {
    return new SigAction(this.disp, this.flags, this.restorer, this.mask);
  }
}

export const defaultAction = (): SigAction => new SigAction('default', 0n, 0n, 0n);

/** rt_sigaction(SIGSYS, act, NULL, 8): SIGKILL and SIGSTOP never enter sa_mask. */
export function sigaction(act: SigAction, disp: Disposition, flags: bigint, restorer: bigint, mask: bigint): bigint {
  act.disp = disp;
  act.flags = flags;
  act.restorer = restorer;
  act.mask = mask & BLOCKABLE;
  return 0n;
}

/** rt_sigprocmask(how, &set, NULL, 8): the new mask, or -EINVAL for an unknown `how`. */
export function sigprocmask(mask: bigint, how: number, set: bigint): { mask: bigint; r: bigint } {
  const s = set & BLOCKABLE;
  switch (how) {
    case 0: return { mask: mask | s, r: 0n };
    case 1: return { mask: mask & ~s, r: 0n };
    case 2: return { mask: s, r: 0n };
    default: return { mask, r: -BigInt(EINVAL) };
  }
}

/**
 * The SIGSYS action after a successful execve (flush_signal_handlers(t, 1)):
 * a handler becomes SIG_DFL, SIG_IGN stays ignored; sa_flags, sa_restorer
 * and sa_mask are cleared whatever the disposition. The blocked mask is not
 * touched by exec.
 */
export function execAction(act: SigAction): SigAction {
  return new SigAction(act.disp === 'ignore' ? 'ignore' : 'default', 0n, 0n, 0n);
}

/**
 * What a forced SIGSYS does: kill the process (blocked or ignored signals are
 * reset to SIG_DFL and unblocked first, and SIG_DFL of SIGSYS terminates),
 * fail delivery (no SA_RESTORER on x86-64: SIGSEGV), or run the handler.
 * The signal that kills, or 0 when the handler runs.
 */
export function forcedSigsysKill(act: SigAction, blocked: bigint): number {
  if (act.disp !== 'handler' || (blocked & SIGSYS_BIT)) return SIGSYS;
  if (!(act.flags & SA_RESTORER)) return SIGSEGV;
  return 0;
}

/**
 * Delivery bookkeeping (signal_delivered): the mask the handler runs with;
 * SA_RESETHAND resets the action to SIG_DFL.
 */
export function deliver(act: SigAction, blocked: bigint): bigint {
  let m = blocked | act.mask;
  if (!(act.flags & SA_NODEFER)) m |= SIGSYS_BIT;
  if (act.flags & SA_RESETHAND) act.disp = 'default';
  return m & BLOCKABLE;
}

/** rt_sigreturn: the mask from the frame (SIGKILL and SIGSTOP cannot be blocked). */
export const sigreturnMask = (saved: bigint): bigint => saved & BLOCKABLE;

/** A wait(2) status. */
export const exitedStatus = (code: number): number => (code & 0xff) << 8;
export const killedStatus = (sig: number): number => sig;
export const stoppedStatus = (sig: number): number => (sig << 8) | 0x7f;
