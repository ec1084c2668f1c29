/**
 * The stops only a PTRACE_SEIZE tracee has (Linux's JOBCTL traps and
 * do_jobctl_trap): a PTRACE_EVENT_STOP, reported with the signal of the
 * group-stop its process is in, or SIGTRAP when it is in none.
 *
 * - JOBCTL_TRAP_STOP: PTRACE_INTERRUPT, and a new child that a seized
 *   tracer's PTRACE_O_TRACEFORK, _VFORK or _CLONE attached (its first stop,
 *   in place of the SIGSTOP an attached child starts with);
 * - JOBCTL_TRAP_NOTIFY: SIGCONT, which ends a group-stop under the tracer's
 *   feet (and any SIGCONT the process gets).
 *
 * A pending trap is taken on the tracee's next return to user mode, before
 * its signals are dequeued; a tracee in PTRACE_LISTEN takes it at once.
 * Entering any ptrace stop clears a pending TRAP_STOP, entering an event
 * stop a pending TRAP_NOTIFY too (ptrace_stop). A tracee stopped by job
 * control when it is seized or interrupted traps at once (ptrace_attach's
 * kick of a stopped task).
 *
 * A tracee asleep in a syscall is woken: the call is interrupted and made
 * again after the stop (a timed sleep starts again whole: Linux resumes it
 * with the time it had left).
 */
import type { Kernel } from './kernel.js';
import { CLD_STOPPED } from './siginfo.js';
import type { Task } from './task.js';
import { SIGTRAP } from './signal_names.js';
import { killInfo } from './signal_frame.js';
import * as L from '../engine/layout.js';

export const JOBCTL_TRAP_STOP = 1;
export const JOBCTL_TRAP_NOTIFY = 2;
/** The event of a PTRACE_EVENT_STOP in its wait status (status >> 16) and si_code (si_code >> 8). */
export const PTRACE_EVENT_STOP = 128;

/** -ERESTARTSYS and -ERESTART_RESTARTBLOCK: what an interrupted sleeping call shows in rax at the stop. */
const ERESTARTSYS = -512n;
const ERESTART_RESTARTBLOCK = -516n;

/** Tracee t enters a PTRACE_EVENT_STOP (do_jobctl_trap for a seized task) and its tracer hears of it. */
export function ptraceEventStop(k: Kernel, t: Task): void {
  const sig = t.jobStop?.sig ?? SIGTRAP;
  const code = sig | (PTRACE_EVENT_STOP << 8);
  t.ptraceTrap = 0;
  const restart = t === k.current && (t.sleeping === 'restartsys' || t.sleeping === 'restartblock') ? interruptSleep(k, t) : false;
  // ptrace_do_notify: the stop's signal, the code with the event, the tracee's own pid and uid
  t.ptraceStop = { sig: code, info: killInfo(sig, code, t.tid, t.cred.uid), reported: false, message: 0, eventStop: true, restart };
  t.state = 'blocked';
  // do_jobctl_trap stops with CLD_STOPPED, whichever trap it is; si_status is the group-stop's signal, 0 in none
  k.cldstop(t, true, CLD_STOPPED, t.jobStop?.sig ?? 0);
  k.wakeTracer(t);
}

/**
 * The trap interrupts the syscall current task t sleeps in (signal_wake_up
 * and the call's -ERESTARTSYS): the tracer sees the call returned with
 * -ERESTARTSYS (-ERESTART_RESTARTBLOCK for a timed sleep), rip after it,
 * and the call is made again when the tracer resumes it (restartAfterStop).
 * A pipe write that had put bytes in returns their count instead, as with
 * a signal. True when the call is to be made again.
 */
function interruptSleep(k: Kernel, t: Task): boolean {
  const written = t.pipeWritten;
  t.pipeWritten = undefined;
  k.abandonFifoOpen(t);
  k.moveRip(2);
  const block = t.sleeping === 'restartblock';
  t.sleeping = undefined;
  t.sleepUntil = undefined;
  t.sleepRem = 0n;
  t.sigwaitSet = undefined;
  if (written !== undefined && written > 0) {
    k.setReg(0, BigInt(written));
    return false;
  }
  k.setReg(0, block ? ERESTART_RESTARTBLOCK : ERESTARTSYS);
  return true;
}

/**
 * Resuming tracee t from a stop that interrupted a sleeping syscall: the
 * call is made again (rip back on its instruction, rax its number), as
 * Linux's way back to user mode restarts a call whose -ERESTART* value no
 * handler took, unless the tracer changed rax meanwhile. (A timed sleep,
 * which Linux resumes through restart_syscall with the time it had left,
 * starts again whole.)
 */
export function restartAfterStop(t: Task, regs: DataView): void {
  const rax = regs.getBigInt64(0, true);
  if (rax !== ERESTARTSYS && rax !== -513n && rax !== -514n && rax !== ERESTART_RESTARTBLOCK) return;
  regs.setBigUint64(0, regs.getBigUint64(L.CPU_ORIG_RAX - L.CPU, true), true);
  regs.setBigUint64(L.CPU_RIP - L.CPU, regs.getBigUint64(L.CPU_RIP - L.CPU, true) - 2n, true);
}

/**
 * A trap for seized tracee t (JOBCTL_TRAP_STOP or _NOTIFY): taken now when
 * t listens (PTRACE_LISTEN) or sits in a job-control stop outside any
 * ptrace stop, else on its next return to user mode, which a task asleep
 * in a syscall is woken for (the call is interrupted and made again after
 * the stop).
 */
export function ptraceTrapPending(k: Kernel, t: Task, trap: number): void {
  t.ptraceTrap |= trap;
  const stop = t.ptraceStop;
  if (stop !== undefined ? stop.listening === true : t.jobStop !== undefined && t.state === 'blocked' && t.sleeping === undefined) {
    ptraceEventStop(k, t);
  } else if (stop === undefined && t.state === 'blocked' && !t.jobStop && !t.vforkWait && (t.sleeping === 'restartsys' || t.sleeping === 'restartblock')) {
    t.state = 'runnable';
  }
}
