/**
 * Which CPU a task is on (Linux: task_cpu). The machine has nr_cpu_ids
 * CPUs but runs one task at a time, deterministically, on the engine's
 * one CPU, which stands for whichever CPU the running task is on: a legal
 * view of an N-CPU machine whose scheduler happens to run its tasks one
 * after another. A task is on the lowest CPU its affinity mask allows, so
 * where it is follows from its mask alone and moves only when
 * sched_setaffinity changes that. getcpu (the syscall, and the vDSO's
 * through rdtscp's TSC_AUX, which travels with the task's CPU state),
 * rseq's cpu_id and /proc/<pid>/stat's processor field all report it, and
 * the time the task runs counts as that CPU's (/proc/stat).
 */
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { cpumaskFirst } from './cpumask.js';

/** task_cpu: the CPU the task is on. */
export const taskCpu = (t: Task): number => cpumaskFirst(t.cpusAllowed);

/**
 * set_cpus_allowed_ptr: a new mask (a non-empty subset of the online
 * CPUs), and the task moved to the CPU it now runs on; a task with an rseq
 * area is told it migrated, so that its cpu_id is rewritten before it runs
 * user code again.
 */
export function setCpusAllowed(k: Kernel, t: Task, mask: bigint): void {
  const from = taskCpu(t);
  t.cpusAllowed = mask;
  const to = taskCpu(t);
  if (to === from) return;
  k.setTaskCpu(t, to);
  if (t.rseq !== 0n) t.rseqResume = true;
}
