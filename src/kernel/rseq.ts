/**
 * Restartable sequences (Linux: kernel/rseq.c). A thread registers a
 * struct rseq; the kernel keeps its cpu_id_start, cpu_id, node_id and
 * mm_cid up to date (the CPU the thread is on, src/kernel/task_cpu.ts;
 * node 0, the machine's only one; concurrency id 0, which no other thread
 * of the mm holds while this one runs, as only one task runs at a time) and, when the thread was preempted
 * or takes a signal inside the critical section its rseq_cs names, moves
 * it to that section's abort handler before it runs user code again.
 *
 *   struct rseq (32 bytes, 32-aligned)      struct rseq_cs (32 bytes)
 *   +0  u32 cpu_id_start                    +0  u32 version (0)
 *   +4  u32 cpu_id                          +4  u32 flags (0)
 *   +8  u64 rseq_cs (pointer, or 0)         +8  u64 start_ip
 *   +16 u32 flags (0)                       +16 u64 post_commit_offset
 *   +20 u32 node_id                         +24 u64 abort_ip (its
 *   +24 u32 mm_cid                              4 bytes before: the signature)
 *   +28 end of the features this kernel has
 *
 * The work Linux does on the way back to user mode (TIF_NOTIFY_RESUME) is
 * done when a preempted task is switched back in and when a syscall
 * returns; a signal's is done before its frame is written, as
 * setup_rt_frame does.
 */
import { row, type SyscallRow } from './syscalls/table.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { Errno, EBUSY, EFAULT, EINVAL, EPERM } from './errno.js';
import { copyFromUser, readU64, tryCopyToUser } from './uaccess.js';
import { TASK_SIZE_MAX } from './mm.js';
import { SIGSEGV } from './signal_names.js';
import { forceSignal } from './signals.js';
import { siginfo } from './signal_frame.js';
import { SI_KERNEL } from './siginfo.js';
import { RIP_Q } from './cpu_words.js';
import { taskCpu } from './task_cpu.js';

const RSEQ_FLAG_UNREGISTER = 1;
/** The struct rseq of the original ABI, and its alignment (__alignof__(struct rseq) too). */
const ORIG_RSEQ_SIZE = 32;
const RSEQ_CS = 8n;
const RSEQ_FLAGS = 16n;

/** node_id and mm_cid: both 0. */
const NODE_CID = new Uint8Array(8);
/** cpu_id_start 0 and cpu_id RSEQ_CPU_ID_UNINITIALIZED (-1): an area no longer registered. */
const UNREGISTERED = new Uint8Array([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
const ZERO_CS = new Uint8Array(8);

/** cpu_id_start and cpu_id of a thread on a CPU (one array per CPU, made once: they are never written). */
const CPU_IDS: Uint8Array[] = [];
function cpuIds(cpu: number): Uint8Array {
  return (CPU_IDS[cpu] ??= new Uint8Array(new Uint32Array([cpu, cpu]).buffer));
}

/** Writes the id words: cpu_id_start and cpu_id, then node_id and mm_cid; false on a fault. */
function writeIds(t: Task, head: Uint8Array): boolean {
  return tryCopyToUser(t.mm, t.rseq, head) && tryCopyToUser(t.mm, t.rseq + 20n, NODE_CID);
}

/** clear_rseq_cs: the area's rseq_cs pointer back to 0. */
function clearCs(t: Task): void {
  if (!tryCopyToUser(t.mm, t.rseq + RSEQ_CS, ZERO_CS)) throw new Errno(EFAULT);
}

/**
 * rseq_ip_fixup for the current task: outside the critical section its
 * area names, that pointer is cleared; inside it, after a preemption or a
 * signal, the task goes to the section's abort handler. Throws (EINVAL,
 * EFAULT) for a descriptor Linux refuses.
 */
function ipFixup(k: Kernel, t: Task): void {
  const ptr = readU64(t.mm, t.rseq + RSEQ_CS);
  if (ptr === 0n) return;
  if (ptr >= TASK_SIZE_MAX) throw new Errno(EINVAL);
  const cs = new DataView(copyFromUser(t.mm, ptr, 32).buffer);
  const version = cs.getUint32(0, true);
  const csFlags = cs.getUint32(4, true);
  const start = cs.getBigUint64(8, true);
  const postCommit = cs.getBigUint64(16, true);
  const abort = cs.getBigUint64(24, true);
  const end = start + postCommit;
  if (start >= TASK_SIZE_MAX || end >= TASK_SIZE_MAX || abort >= TASK_SIZE_MAX || version > 0) throw new Errno(EINVAL);
  // the abort handler must lie outside the section
  if (BigInt.asUintN(64, abort - start) < postCommit) throw new Errno(EINVAL);
  const sig = new DataView(copyFromUser(t.mm, abort - 4n, 4).buffer).getUint32(0, true);
  if (sig !== t.rseqSig) throw new Errno(EINVAL);
  const ip = k.qwords[RIP_Q];
  if (BigInt.asUintN(64, ip - start) >= postCommit) {
    clearCs(t);
    return;
  }
  // rseq_need_restart: the deprecated no-restart flags, in the section or the area, are refused
  if (csFlags !== 0) throw new Errno(EINVAL);
  if (new DataView(copyFromUser(t.mm, t.rseq + RSEQ_FLAGS, 4).buffer).getUint32(0, true) !== 0) throw new Errno(EINVAL);
  const event = t.rseqEvent;
  t.rseqEvent = false;
  if (!event) return;
  clearCs(t);
  k.setRip(abort);
}

/**
 * __rseq_handle_notify_resume for the current task (which has an area):
 * the abort fixup, then the ids. A fault or a bad descriptor is
 * force_sigsegv: the signal being delivered (sig, 0 for none) decides
 * whether a SIGSEGV handler may still catch it.
 */
export function rseqNotifyResume(k: Kernel, sig: number): void {
  const t = k.current;
  t.rseqResume = false;
  try {
    ipFixup(k, t);
    if (!writeIds(t, cpuIds(taskCpu(t)))) throw new Errno(EFAULT);
  } catch (err) {
    if (!(err instanceof Errno)) throw err;
    if (sig === SIGSEGV) k.killProcess(SIGSEGV);
    else forceSignal(k, SIGSEGV, siginfo(SIGSEGV, SI_KERNEL, 0, 0, 0, 0));
  }
}

/** rseq_preempt: a task with an area leaves the CPU; it looks at its critical section when it runs again. */
export function rseqPreempt(t: Task): void {
  if (t.rseq === 0n) return;
  t.rseqEvent = true;
  t.rseqResume = true;
}

/** rseq_signal_deliver: a signal's frame is about to be written for the current task. */
export function rseqSignalDeliver(k: Kernel, sig: number): void {
  if (k.current.rseq === 0n) return;
  k.current.rseqEvent = true;
  rseqNotifyResume(k, sig);
}

/** rseq_fork: a new process keeps its parent's registration (its memory is a copy); a thread or a vfork child has none. */
export function rseqFork(parent: Task, child: Task, sharesVm: boolean): void {
  if (sharesVm) return;
  child.rseq = parent.rseq;
  child.rseqLen = parent.rseqLen;
  child.rseqSig = parent.rseqSig;
  child.rseqEvent = parent.rseqEvent;
}

/** rseq_execve: the new image starts unregistered. */
export function rseqExecve(t: Task): void {
  t.rseq = 0n;
  t.rseqLen = 0;
  t.rseqSig = 0;
  t.rseqEvent = false;
  t.rseqResume = false;
}

export const rseqSyscalls: SyscallRow[] = [
  row(334, 'rseq', 'pudx', (k, a) => {
    const t = k.current;
    const addr = a.u64(0);
    const len = a.u32(1);
    const flags = a.i32(2);
    const sig = a.u32(3);
    if (flags & RSEQ_FLAG_UNREGISTER) {
      if (flags & ~RSEQ_FLAG_UNREGISTER) throw new Errno(EINVAL);
      if (t.rseq === 0n || t.rseq !== addr || len !== t.rseqLen) throw new Errno(EINVAL);
      if (sig !== t.rseqSig) throw new Errno(EPERM);
      // rseq_reset_rseq_cpu_node_id
      if (!writeIds(t, UNREGISTERED)) throw new Errno(EFAULT);
      rseqExecve(t);
      return 0n;
    }
    if (flags !== 0) throw new Errno(EINVAL);
    if (t.rseq !== 0n) {
      if (t.rseq !== addr || len !== t.rseqLen) throw new Errno(EINVAL);
      if (sig !== t.rseqSig) throw new Errno(EPERM);
      throw new Errno(EBUSY);
    }
    // the original 32 bytes or more (which hold every feature this kernel has), 32-aligned
    if (len < ORIG_RSEQ_SIZE || addr % BigInt(ORIG_RSEQ_SIZE) !== 0n) throw new Errno(EINVAL);
    if (addr + BigInt(len) > TASK_SIZE_MAX) throw new Errno(EFAULT);
    // a stale rseq_cs (an area a library reuses for a new thread) is cleared rather than refused
    if (readU64(t.mm, addr + RSEQ_CS) !== 0n && !tryCopyToUser(t.mm, addr + RSEQ_CS, ZERO_CS)) throw new Errno(EFAULT);
    t.rseq = addr;
    t.rseqLen = len;
    t.rseqSig = sig;
    // the ids are written on the way back to user mode
    t.rseqResume = true;
    return 0n;
  }),
];
