/**
 * futex(2) WAIT, WAKE and their bitset forms, with timeouts: enough for
 * thread join, locks, condition variables and semaphores with timed waits.
 * Waiters sleep on (address space, address), or a shared futex in a
 * shared mapping on (file, offset); a woken waiter's restarted
 * call returns 0, one whose deadline passed first ETIMEDOUT. A timeout is
 * relative for FUTEX_WAIT and an absolute CLOCK_MONOTONIC (or, with
 * FUTEX_CLOCK_REALTIME, CLOCK_REALTIME) time for FUTEX_WAIT_BITSET, on the
 * machine's virtual clock.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { PAGE, type AddressSpace } from '../mm.js';
import { Errno, EAGAIN, EINVAL, ENOSYS, ETIMEDOUT } from '../errno.js';
import { timespecNs } from './time.js';
import { copyFromUser, readU64, writeU32, writeU64 } from '../uaccess.js';
import type { Task } from '../task.js';
import { RestartSyscall } from './tasks.js';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;

/**
 * The word a futex names (get_futex_key): its address in its address
 * space, but a shared futex (no FUTEX_PRIVATE_FLAG) in a shared mapping of
 * a file or of shared memory is its place in what is mapped, so that
 * processes mapping it at any address meet on it (a POSIX semaphore in
 * /dev/shm between processes).
 */
export interface FutexKey {
  /** The address space, or the mapped file's number (MappedFiles). */
  space: AddressSpace | number;
  /** The address, or the offset in the file. */
  addr: bigint;
}

export function futexKey(mm: AddressSpace, addr: bigint, shared: boolean): FutexKey {
  const v = shared ? mm.find(addr) : undefined;
  if (v && v.shared && v.file !== 0) return { space: v.file, addr: BigInt(v.pgoff) * PAGE + (addr - v.start) };
  return { space: mm, addr };
}

/** Wakes up to n tasks sleeping on the futex `key` whose bitset meets `bitset`; returns how many woke. */
export function futexWake(k: Kernel, key: FutexKey, n: number, bitset = -1): number {
  // one pass, and a list only when someone sleeps there: a wake mostly finds one sleeper or none
  let sleepers: Task[] | undefined;
  for (const t of k.tasks.values()) {
    const w = t.futexWait;
    if (t.state === 'blocked' && w !== undefined && w.space === key.space && w.addr === key.addr && (w.bitset & bitset) !== 0) (sleepers ??= []).push(t);
  }
  if (sleepers === undefined) return 0;
  sleepers.sort((a, b) => a.tid - b.tid);
  let woke = 0;
  for (const t of sleepers) {
    if (woke >= n) break;
    t.futexWait = undefined;
    t.futexWoken = true;
    t.sleepUntil = undefined;
    t.state = 'runnable';
    woke++;
  }
  return woke;
}

/**
 * futexWake of one waiter on the word at addr of mm, as the kernel itself
 * wakes it (a thread's exit clearing its tid word, a robust lock's owner
 * dying): the word's key (a walk of the VMAs, to see whether it is shared
 * memory) is worked out only when some task sleeps on a futex at all, as
 * most of these wakes find no one.
 */
export function futexWakeWord(k: Kernel, mm: AddressSpace, addr: bigint): void {
  for (const t of k.tasks.values()) {
    if (t.state === 'blocked' && t.futexWait !== undefined) {
      futexWake(k, futexKey(mm, addr, true), 1);
      return;
    }
  }
}

/** struct robust_list_head's size: the list, futex_offset, list_op_pending. */
const ROBUST_HEAD_SIZE = 24n;
/** How many entries exit walks at most (ROBUST_LIST_LIMIT), so that a looping list ends. */
const ROBUST_LIST_LIMIT = 2048;
const FUTEX_WAITERS = 0x80000000;
const FUTEX_OWNER_DIED = 0x40000000;
const FUTEX_TID_MASK = 0x3fffffff;

/**
 * handle_futex_death: a lock word the dying task t holds (its tid in the
 * low bits) gets FUTEX_OWNER_DIED, keeping FUTEX_WAITERS, and one waiter
 * is woken to take it over.
 */
function futexDeath(k: Kernel, t: Task, uaddr: bigint): void {
  if (uaddr & 3n) return;
  const word = Number(readU64(t.mm, uaddr) & 0xffffffffn);
  if ((word & FUTEX_TID_MASK) !== t.tid) return;
  writeU32(t.mm, uaddr, ((word & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0);
  if (word & FUTEX_WAITERS) futexWakeWord(k, t.mm, uaddr);
}

/**
 * exit_robust_list: as task t exits, each robust lock on its list (and the
 * one it was taking or releasing, list_op_pending) that it still holds is
 * marked and handed to a waiter. A fault or a bad entry ends the walk, as
 * it does in Linux.
 */
export function exitRobustList(k: Kernel, t: Task): void {
  const head = t.robustList;
  if (head === 0n) return;
  t.robustList = 0n;
  try {
    let entry = readU64(t.mm, head) & ~1n;
    const offset = BigInt.asIntN(64, readU64(t.mm, head + 8n));
    const pending = readU64(t.mm, head + 16n) & ~1n;
    for (let n = 0; entry !== head && n < ROBUST_LIST_LIMIT; n++) {
      const next = readU64(t.mm, entry) & ~1n;
      if (entry !== pending) futexDeath(k, t, BigInt.asUintN(64, entry + offset));
      entry = next;
    }
    if (pending !== 0n) futexDeath(k, t, BigInt.asUintN(64, pending + offset));
  } catch {
    // an unmapped list ends the walk
  }
}

/** The virtual-clock deadline of a wait's timespec at addr (relative, or absolute on a clock). */
function deadline(k: Kernel, addr: bigint, absolute: boolean, realtime: boolean): bigint {
  const ns = timespecNs(k, addr);
  if (!absolute) return k.clockNs() + ns;
  return realtime ? ns - k.epochNs : ns;
}

export const futexSyscalls: SyscallRow[] = [
  row(273, 'set_robust_list', 'pu', (k, a) => {
    if (a.u64(1) !== ROBUST_HEAD_SIZE) throw new Errno(EINVAL);
    k.current.robustList = a.u64(0);
    return 0n;
  }),
  row(274, 'get_robust_list', 'dpp', (k, a) => {
    const pid = a.i32(0);
    const t = pid === 0 ? k.current : k.tasks.get(pid);
    if (!t || t.state === 'zombie') throw new Errno(3); // ESRCH
    writeU64(k.mm, a.u64(1), t.robustList);
    writeU64(k.mm, a.u64(2), ROBUST_HEAD_SIZE);
    return 0n;
  }),
  row(202, 'futex', 'pdupud', (k, a) => {
    const addr = a.u64(0);
    const cmd = a.i32(1);
    const op = cmd & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    const t = k.current;
    if (addr & 3n) throw new Errno(EINVAL);
    switch (op) {
      case FUTEX_WAIT:
      case FUTEX_WAIT_BITSET: {
        if (t.futexWoken) {
          t.futexWoken = false;
          t.sleepUntil = undefined;
          return 0n;
        }
        if (t.futexWait !== undefined) {
          // back from a sleep that no wake ended: its deadline passed, or a signal's handler
          // ran and the wait begins again
          t.futexWait = undefined;
          const until = t.sleepUntil;
          t.sleepUntil = undefined;
          if (until !== undefined && k.clockNs() >= until) throw new Errno(ETIMEDOUT);
        }
        const bitset = op === FUTEX_WAIT_BITSET ? a.i32(5) : -1;
        if (bitset === 0) throw new Errno(EINVAL);
        const cur = new DataView(copyFromUser(t.mm, addr, 4).buffer).getUint32(0, true);
        if (cur !== a.u32(2)) throw new Errno(EAGAIN);
        const timeout = a.u64(3);
        if (timeout !== 0n) {
          // (a wait begun again after a handler keeps to its first deadline only for FUTEX_WAIT_BITSET's absolute one)
          const at = deadline(k, timeout, op === FUTEX_WAIT_BITSET, (cmd & FUTEX_CLOCK_REALTIME) !== 0);
          if (k.clockNs() >= at) throw new Errno(ETIMEDOUT);
          t.sleepUntil = at;
        }
        t.futexWait = { ...futexKey(t.mm, addr, (cmd & FUTEX_PRIVATE_FLAG) === 0), bitset };
        t.state = 'blocked';
        throw new RestartSyscall();
      }
      case FUTEX_WAKE:
      case FUTEX_WAKE_BITSET: {
        const n = a.i32(2);
        const bitset = op === FUTEX_WAKE_BITSET ? a.i32(5) : -1;
        if (bitset === 0) throw new Errno(EINVAL);
        return BigInt(futexWake(k, futexKey(t.mm, addr, (cmd & FUTEX_PRIVATE_FLAG) === 0), n < 0 ? 0 : n, bitset));
      }
      default:
        throw new Errno(ENOSYS);
    }
  }),
];
