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
import { low32 } from './words.js';
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGKILL = 9;
export const SIGSEGV = 11;
export const SIGSTOP = 19;
export const SIGSYS = 31;

/**
 * The sa_flags bits the model looks at, as numbers: every one lies in the
 * low 32 bits, so a SigAction keeps only those (the rest change nothing a
 * case can observe).
 */
export const SA_SIGINFO = 0x4;
export const SA_RESTORER = 0x04000000;
export const SA_NODEFER = 0x40000000;
export const SA_RESETHAND = 0x80000000;

/** The bit of signal `s` in a sigset. */
export const sigbit = (s: number): bigint => 1n << BigInt(s - 1);
export const SIGSYS_BIT = sigbit(SIGSYS);

/**
 * A sigset as far as a case can observe it: whether it holds SIGSYS. Every
 * other signal a case meets is forced (SIGSEGV, SIGILL, the tracee's
 * SIGTRAP) or cannot be blocked (SIGKILL), so the blocked mask and sa_mask
 * are kept as that one bit: a boolean, where the 64-bit sigset cost a BigInt
 * for every operation on it.
 */
export const holdsSigsys = (set: bigint): boolean => (set & SIGSYS_BIT) !== 0n;

/**
 * sa_flags as the model keeps them: the low 32 bits (a u64 as the guest
 * passes it), as a signed 32-bit int: a small integer, which V8 keeps in a
 * field as is (SA_RESETHAND, bit 31, made the unsigned value a boxed
 * double), and `&` with the SA_ constants reads the same bits.
 */
export const saFlags = (flags: bigint): number => low32(flags) | 0;

export type Disposition = 'default' | 'ignore' | 'handler';

/** A signal's action, shared by the threads of a process (CLONE_SIGHAND), copied by fork (a class: see task.ts). */
export class SigAction {
  constructor(
    public disp: Disposition,
    /** sa_flags' low 32 bits, signed (saFlags). */
    public flags: number,
    /**
     * sa_restorer as a Number: the guest passes a slot's restorer or 0, all
     * below 2^32, and the model only compares it with the slots' restorers
     * (an indexOf over BigInts took longer than the rest of a dispatch).
     */
    public restorer: number,
    /** sa_mask holds SIGSYS. */
    public masksSigsys: boolean,
  ) {}

  copy(): SigAction {
    return new SigAction(this.disp, this.flags, this.restorer, this.masksSigsys);
  }
}

export const defaultAction = (): SigAction => new SigAction('default', 0, 0, false);

/** rt_sigaction(SIGSYS, act, NULL, 8). */
export function sigaction(act: SigAction, disp: Disposition, flags: number, restorer: number, masksSigsys: boolean): bigint {
  act.disp = disp;
  act.flags = flags;
  act.restorer = restorer;
  act.masksSigsys = masksSigsys;
  return 0n;
}

/**
 * rt_sigprocmask(how, &set, NULL, 8) on the blocked SIGSYS bit: the new bit,
 * or null for an unknown `how` (-EINVAL, the mask unchanged).
 */
export function sigprocmask(blocked: boolean, how: number, set: bigint): boolean | null {
  switch (how) {
    case 0: return blocked || holdsSigsys(set);
    case 1: return blocked && !holdsSigsys(set);
    case 2: return holdsSigsys(set);
    default: return null;
  }
}

/**
 * The SIGSYS action after a successful execve (flush_signal_handlers(t, 1)):
 * a handler becomes SIG_DFL, SIG_IGN stays ignored; sa_flags, sa_restorer
 * and sa_mask are cleared whatever the disposition. The blocked mask is not
 * touched by exec.
 */
export function execAction(act: SigAction): SigAction {
  return new SigAction(act.disp === 'ignore' ? 'ignore' : 'default', 0, 0, false);
}

/**
 * What a forced SIGSYS does: kill the process (blocked or ignored signals are
 * reset to SIG_DFL and unblocked first, and SIG_DFL of SIGSYS terminates),
 * fail delivery (no SA_RESTORER on x86-64: SIGSEGV), or run the handler.
 * The signal that kills, or 0 when the handler runs.
 */
export function forcedSigsysKill(act: SigAction, sigsysBlocked: boolean): number {
  if (act.disp !== 'handler' || sigsysBlocked) return SIGSYS;
  if (!(act.flags & SA_RESTORER)) return SIGSEGV;
  return 0;
}

/**
 * Delivery bookkeeping (signal_delivered): whether the handler runs with
 * SIGSYS blocked; SA_RESETHAND resets the action to SIG_DFL. rt_sigreturn
 * gives back the bit from before (the frame's mask).
 */
export function deliver(act: SigAction, sigsysBlocked: boolean): boolean {
  const blocked = sigsysBlocked || act.masksSigsys || !(act.flags & SA_NODEFER);
  if (act.flags & SA_RESETHAND) act.disp = 'default';
  return blocked;
}

/** A wait(2) status. */
export const exitedStatus = (code: number): number => (code & 0xff) << 8;
export const killedStatus = (sig: number): number => sig;
export const stoppedStatus = (sig: number): number => (sig << 8) | 0x7f;
