/**
 * Scheduling parameters as the machine's Linux reports them: CPU affinity
 * (each task's cpus_allowed, in a kernel whose cpumask is one long) and the
 * CPU a task is on (src/kernel/task_cpu.ts), nice values
 * (getpriority, setpriority: kept per task, inherited by clone, with no
 * effect on the deterministic round robin), SCHED_OTHER's policy and
 * priority range, and membarrier (Linux: kernel/sched/membarrier.c), whose
 * barriers have no other running task to reach: one runs at a time.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { Errno, EINVAL, EPERM, ESRCH } from '../errno.js';
import { copyFromUser, copyToUser, writeU32 } from '../uaccess.js';
import { CPUMASK_BYTES, cpumaskFromBytes, cpumaskToBytes } from '../cpumask.js';
import { setCpusAllowed, taskCpu } from '../task_cpu.js';

const PRIO_PROCESS = 0;
const PRIO_PGRP = 1;
const PRIO_USER = 2;

const SCHED_OTHER = 0;
const SCHED_FIFO = 1;
const SCHED_RR = 2;
const SCHED_BATCH = 3;
const SCHED_IDLE = 5;
const SCHED_DEADLINE = 6;

const MEMBARRIER_CMD_QUERY = 0;
const MEMBARRIER_CMD_GLOBAL = 1 << 0;
const MEMBARRIER_CMD_GLOBAL_EXPEDITED = 1 << 1;
const MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2;
const MEMBARRIER_CMD_PRIVATE_EXPEDITED = 1 << 3;
const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4;
const MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 5;
const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 6;
const MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ = 1 << 7;
const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ = 1 << 8;
const MEMBARRIER_CMD_GET_REGISTRATIONS = 1 << 9;
/** MEMBARRIER_CMD_BITMASK: every command QUERY reports (no nohz_full CPU takes GLOBAL away). */
const MEMBARRIER_CMD_BITMASK = (1 << 10) - 1;
const MEMBARRIER_CMD_FLAG_CPU = 1;

/** The mm's membarrier_state bits: a registration sets its state bit, then its READY bit. */
const STATE_PRIVATE_EXPEDITED_READY = 1 << 0;
const STATE_PRIVATE_EXPEDITED = 1 << 1;
const STATE_GLOBAL_EXPEDITED_READY = 1 << 2;
const STATE_GLOBAL_EXPEDITED = 1 << 3;
const STATE_SYNC_CORE_READY = 1 << 4;
const STATE_SYNC_CORE = 1 << 5;
const STATE_RSEQ_READY = 1 << 6;
const STATE_RSEQ = 1 << 7;

/** GET_REGISTRATIONS: the register command each pair of state bits stands for. */
const REGISTRATIONS: readonly [number, number][] = [
  [STATE_GLOBAL_EXPEDITED | STATE_GLOBAL_EXPEDITED_READY, MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED],
  [STATE_PRIVATE_EXPEDITED | STATE_PRIVATE_EXPEDITED_READY, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED],
  [STATE_SYNC_CORE | STATE_SYNC_CORE_READY, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE],
  [STATE_RSEQ | STATE_RSEQ_READY, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ],
];

/**
 * membarrier(2) on one CPU: every barrier is already met when the call is
 * made, so the commands only check and keep the registrations the mm has
 * (a private expedited barrier without its registration is EPERM).
 */
function membarrier(k: Kernel, cmd: number, flags: number): bigint {
  if (flags !== 0 && !(cmd === MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ && flags === MEMBARRIER_CMD_FLAG_CPU)) throw new Errno(EINVAL);
  const mm = k.mm;
  // membarrier_register_private_expedited: the private state bit with the flavour's, then its READY bit
  const register = (ready: number, set: number): bigint => {
    if ((mm.membarrierState & ready) !== ready) mm.membarrierState |= set | ready;
    return 0n;
  };
  const registered = (ready: number): bigint => {
    if ((mm.membarrierState & ready) === 0) throw new Errno(EPERM);
    return 0n;
  };
  switch (cmd) {
    case MEMBARRIER_CMD_QUERY:
      return BigInt(MEMBARRIER_CMD_BITMASK);
    case MEMBARRIER_CMD_GLOBAL:
    case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
      return 0n;
    case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
      return register(STATE_GLOBAL_EXPEDITED_READY, STATE_GLOBAL_EXPEDITED);
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
      return registered(STATE_PRIVATE_EXPEDITED_READY);
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
      return register(STATE_PRIVATE_EXPEDITED_READY, STATE_PRIVATE_EXPEDITED);
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
      return registered(STATE_SYNC_CORE_READY);
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
      return register(STATE_SYNC_CORE_READY, STATE_PRIVATE_EXPEDITED | STATE_SYNC_CORE);
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ:
      return registered(STATE_RSEQ_READY);
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ:
      return register(STATE_RSEQ_READY, STATE_PRIVATE_EXPEDITED | STATE_RSEQ);
    case MEMBARRIER_CMD_GET_REGISTRATIONS: {
      let mask = 0;
      for (const [bits, command] of REGISTRATIONS) if (mm.membarrierState & bits) mask |= command;
      return BigInt(mask);
    }
    default:
      throw new Errno(EINVAL);
  }
}

/** find_process_by_pid: the task pid names (0: the caller), or ESRCH (a negative pid names none). */
function findProcessByPid(k: Kernel, pid: number): Task {
  const t = pid === 0 ? k.current : k.tasks.get(pid);
  if (!t || t.state === 'zombie') throw new Errno(ESRCH);
  return t;
}

/** The task pid names (0: the caller), or ESRCH; EINVAL for a negative pid. */
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
  // the CPU a private expedited RSEQ barrier names (its third argument) is not looked at: one CPU, no IPI
  row(324, 'membarrier', 'dxd', (k, a) => membarrier(k, a.i32(0), a.u32(1))),
  // getcpu: the CPU the caller is on, of node 0 (the cache argument is unused since Linux 2.6.24)
  row(309, 'getcpu', 'ppp', (k, a) => {
    if (a.u64(0) !== 0n) writeU32(k.mm, a.u64(0), taskCpu(k.current));
    if (a.u64(1) !== 0n) writeU32(k.mm, a.u64(1), 0);
    return 0n;
  }),
  row(204, 'sched_getaffinity', 'dup', (k, a) => {
    const len = a.u32(1);
    // room for nr_cpu_ids bits, in whole longs
    if (len * 8 < k.nrCpuIds || (len & 7) !== 0) throw new Errno(EINVAL);
    const t = findProcessByPid(k, a.i32(0));
    const n = Math.min(len, CPUMASK_BYTES);
    copyToUser(k.mm, a.u64(2), cpumaskToBytes(t.cpusAllowed & k.cpuOnlineMask, n));
    return BigInt(n);
  }),
  row(203, 'sched_setaffinity', 'dup', (k, a) => {
    // a shorter mask reads as zeros beyond it, a longer one is cut to the kernel's
    const bytes = copyFromUser(k.mm, a.u64(2), Math.min(a.u32(1), CPUMASK_BYTES));
    const t = findProcessByPid(k, a.i32(0));
    // CPUs that are not online are dropped; a mask with none left is refused
    const mask = cpumaskFromBytes(bytes) & k.cpuOnlineMask;
    if (mask === 0n) throw new Errno(EINVAL);
    setCpusAllowed(k, t, mask);
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
