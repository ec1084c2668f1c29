/**
 * Scheduling parameters as a one-CPU Linux machine reports them: CPU
 * affinity (cpu 0, in a kernel whose cpumask is one long), nice values
 * (getpriority, setpriority: kept per task, inherited by clone, with no
 * effect on the deterministic round robin), and SCHED_OTHER's policy and
 * priority range.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { Errno, EINVAL, ESRCH } from '../errno.js';
import { copyFromUser, copyToUser, writeU32 } from '../uaccess.js';

/** cpumask_size(): the bytes of a cpumask (NR_CPUS of 64). */
const CPUMASK_BYTES = 8;
/** The online CPUs: cpu 0. */
const ONLINE = 1;

const PRIO_PROCESS = 0;
const PRIO_PGRP = 1;
const PRIO_USER = 2;

const SCHED_OTHER = 0;
const SCHED_FIFO = 1;
const SCHED_RR = 2;
const SCHED_BATCH = 3;
const SCHED_IDLE = 5;
const SCHED_DEADLINE = 6;

/** The task pid names (0: the caller), or ESRCH. */
function taskOf(k: Kernel, pid: number): Task {
  if (pid < 0) throw new Errno(EINVAL);
  const t = pid === 0 ? k.current : k.tasks.get(pid);
  if (!t || t.state === 'zombie') throw new Errno(ESRCH);
  return t;
}

/** The live tasks getpriority and setpriority's (which, who) selects; ESRCH when there are none. */
function prioTargets(k: Kernel, which: number, who: number): Task[] {
  let out: Task[];
  if (which === PRIO_PROCESS) out = [taskOf(k, who)];
  else if (which === PRIO_PGRP) {
    const g = who === 0 ? k.current.pgid : who;
    out = [...k.tasks.values()].filter((t) => t.pgid === g && t.state !== 'zombie');
  } else if (which === PRIO_USER) {
    // every task runs as uid 0
    out = who === 0 ? [...k.tasks.values()].filter((t) => t.state !== 'zombie') : [];
  } else throw new Errno(EINVAL);
  if (out.length === 0) throw new Errno(ESRCH);
  return out;
}

export const schedSyscalls: SyscallRow[] = [
  // getcpu: cpu 0 of node 0 (the cache argument is unused since Linux 2.6.24)
  row(309, 'getcpu', 'ppp', (k, a) => {
    if (a.u64(0) !== 0n) writeU32(k.mm, a.u64(0), 0);
    if (a.u64(1) !== 0n) writeU32(k.mm, a.u64(1), 0);
    return 0n;
  }),
  row(204, 'sched_getaffinity', 'dup', (k, a) => {
    const len = a.u32(1);
    if (len * 8 < 1 || (len & 7) !== 0) throw new Errno(EINVAL);
    taskOf(k, a.i32(0));
    const n = Math.min(len, CPUMASK_BYTES);
    const mask = new Uint8Array(n);
    mask[0] = ONLINE;
    copyToUser(k.mm, a.u64(2), mask);
    return BigInt(n);
  }),
  row(203, 'sched_setaffinity', 'dup', (k, a) => {
    taskOf(k, a.i32(0));
    // a shorter mask reads as zeros beyond it, a longer one is cut to the kernel's
    const mask = copyFromUser(k.mm, a.u64(2), Math.min(a.u32(1), CPUMASK_BYTES));
    if (mask.length === 0 || (mask[0] & ONLINE) === 0) throw new Errno(EINVAL);
    return 0n;
  }),
  // the raw call answers 20 - nice (1..40), which the C library turns back into nice
  row(140, 'getpriority', 'dd', (k, a) => {
    let best = 0;
    for (const t of prioTargets(k, a.i32(0), a.i32(1))) best = Math.max(best, 20 - t.nice);
    return BigInt(best);
  }),
  row(141, 'setpriority', 'ddd', (k, a) => {
    const nice = Math.min(19, Math.max(-20, a.i32(2)));
    for (const t of prioTargets(k, a.i32(0), a.i32(1))) t.nice = nice;
    return 0n;
  }),
  row(145, 'sched_getscheduler', 'd', (k, a) => {
    taskOf(k, a.i32(0));
    return BigInt(SCHED_OTHER);
  }),
  row(143, 'sched_getparam', 'dp', (k, a) => {
    taskOf(k, a.i32(0));
    writeU32(k.mm, a.u64(1), 0);
    return 0n;
  }),
  row(146, 'sched_get_priority_max', 'd', (_k, a) => {
    const p = a.i32(0);
    if (p === SCHED_FIFO || p === SCHED_RR) return 99n;
    if (p === SCHED_OTHER || p === SCHED_BATCH || p === SCHED_IDLE || p === SCHED_DEADLINE) return 0n;
    throw new Errno(EINVAL);
  }),
  row(147, 'sched_get_priority_min', 'd', (_k, a) => {
    const p = a.i32(0);
    if (p === SCHED_FIFO || p === SCHED_RR) return 1n;
    if (p === SCHED_OTHER || p === SCHED_BATCH || p === SCHED_IDLE || p === SCHED_DEADLINE) return 0n;
    throw new Errno(EINVAL);
  }),
];
