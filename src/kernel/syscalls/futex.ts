/**
 * futex(2) WAIT, WAKE and their bitset forms, with timeouts: enough for
 * thread join, locks, condition variables and semaphores with timed waits.
 * Waiters sleep on (address space, address); a woken waiter's restarted
 * call returns 0, one whose deadline passed first ETIMEDOUT. A timeout is
 * relative for FUTEX_WAIT and an absolute CLOCK_MONOTONIC (or, with
 * FUTEX_CLOCK_REALTIME, CLOCK_REALTIME) time for FUTEX_WAIT_BITSET, on the
 * machine's virtual clock.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import type { AddressSpace } from '../mm.js';
import { Errno, EAGAIN, EINVAL, ENOSYS, ETIMEDOUT } from '../errno.js';
import { EPOCH_NS, timespecNs } from './time.js';
import { copyFromUser } from '../uaccess.js';
import { RestartSyscall } from './tasks.js';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;

/** Wakes up to n tasks sleeping on addr in mm whose bitset meets `bitset`; returns how many woke. */
export function futexWake(k: Kernel, mm: AddressSpace, addr: bigint, n: number, bitset = -1): number {
  let woke = 0;
  const sleepers = [...k.tasks.values()]
    .filter((t) => t.state === 'blocked' && t.futexWait && t.futexWait.mm === mm && t.futexWait.addr === addr && (t.futexWait.bitset & bitset) !== 0)
    .sort((a, b) => a.tid - b.tid);
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

/** The virtual-clock deadline of a wait's timespec at addr (relative, or absolute on a clock). */
function deadline(k: Kernel, addr: bigint, absolute: boolean, realtime: boolean): bigint {
  const ns = timespecNs(k, addr);
  if (!absolute) return k.clockNs() + ns;
  return realtime ? ns - EPOCH_NS : ns;
}

export const futexSyscalls: SyscallRow[] = [
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
        t.futexWait = { mm: t.mm, addr, bitset };
        t.state = 'blocked';
        throw new RestartSyscall();
      }
      case FUTEX_WAKE:
      case FUTEX_WAKE_BITSET: {
        const n = a.i32(2);
        const bitset = op === FUTEX_WAKE_BITSET ? a.i32(5) : -1;
        if (bitset === 0) throw new Errno(EINVAL);
        return BigInt(futexWake(k, t.mm, addr, n < 0 ? 0 : n, bitset));
      }
      default:
        throw new Errno(ENOSYS);
    }
  }),
];
