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
 * Not modelled: a tracee sleeping in a syscall is not woken by the trap (on
 * Linux the call is interrupted and restarted after the stop); it traps
 * when the call returns.
 */
import type { Kernel } from './kernel.js';
import { CLD_STOPPED } from './siginfo.js';
import type { Task } from './task.js';
import { SIGTRAP } from './signal_names.js';
import { killInfo } from './signal_frame.js';

export const JOBCTL_TRAP_STOP = 1;
export const JOBCTL_TRAP_NOTIFY = 2;
/** The event of a PTRACE_EVENT_STOP in its wait status (status >> 16) and si_code (si_code >> 8). */
export const PTRACE_EVENT_STOP = 128;

/** Tracee t enters a PTRACE_EVENT_STOP (do_jobctl_trap for a seized task) and its tracer hears of it. */
export function ptraceEventStop(k: Kernel, t: Task): void {
  const sig = t.jobStop?.sig ?? SIGTRAP;
  const code = sig | (PTRACE_EVENT_STOP << 8);
  t.ptraceTrap = 0;
  // ptrace_do_notify: the stop's signal, the code with the event, the tracee's own pid and uid
  t.ptraceStop = { sig: code, info: killInfo(sig, code, t.tid, t.cred.uid), reported: false, message: 0, eventStop: true };
  t.state = 'blocked';
  // do_jobctl_trap stops with CLD_STOPPED, whichever trap it is; si_status is the group-stop's signal, 0 in none
  k.cldstop(t, true, CLD_STOPPED, t.jobStop?.sig ?? 0);
  k.wakeTracer(t);
}

/**
 * A trap for seized tracee t (JOBCTL_TRAP_STOP or _NOTIFY): taken now when
 * t listens (PTRACE_LISTEN) or sits in a job-control stop outside any
 * ptrace stop, else on its next return to user mode.
 */
export function ptraceTrapPending(k: Kernel, t: Task, trap: number): void {
  t.ptraceTrap |= trap;
  const stop = t.ptraceStop;
  if (stop !== undefined ? stop.listening === true : t.jobStop !== undefined && t.state === 'blocked' && t.sleeping === undefined) {
    ptraceEventStop(k, t);
  }
}
