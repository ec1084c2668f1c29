/**
 * futex(2) WAIT and WAKE, enough for thread join and simple locks. Waiters
 * sleep on (address space, address); a woken waiter's restarted call
 * returns 0.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import type { AddressSpace } from '../mm.js';
import { Errno, EAGAIN, EINVAL, ENOSYS } from '../errno.js';
import { copyFromUser } from '../uaccess.js';
import { RestartSyscall } from './tasks.js';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;

/** Wakes up to n tasks sleeping on addr in mm; returns how many woke. */
export function futexWake(k: Kernel, mm: AddressSpace, addr: bigint, n: number): number {
  let woke = 0;
  const sleepers = [...k.tasks.values()].filter((t) => t.state === 'blocked' && t.futexWait && t.futexWait.mm === mm && t.futexWait.addr === addr).sort((a, b) => a.tid - b.tid);
  for (const t of sleepers) {
    if (woke >= n) break;
    t.futexWait = undefined;
    t.futexWoken = true;
    t.state = 'runnable';
    woke++;
  }
  return woke;
}

export const futexSyscalls: SyscallRow[] = [
  row(202, 'futex', 'pdupud', (k, a) => {
    const addr = a.u64(0);
    const op = a.i32(1) & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    const t = k.current;
    if (addr & 3n) throw new Errno(EINVAL);
    switch (op) {
      case FUTEX_WAIT:
      case FUTEX_WAIT_BITSET: {
        if (t.futexWoken) {
          t.futexWoken = false;
          return 0n;
        }
        const cur = new DataView(copyFromUser(t.mm, addr, 4).buffer).getUint32(0, true);
        if (cur !== a.u32(2)) throw new Errno(EAGAIN);
        t.futexWait = { mm: t.mm, addr };
        t.state = 'blocked';
        throw new RestartSyscall();
      }
      case FUTEX_WAKE:
      case FUTEX_WAKE_BITSET: {
        const n = a.i32(2);
        return BigInt(futexWake(k, t.mm, addr, n < 0 ? 0 : n));
      }
      default:
        throw new Errno(ENOSYS);
    }
  }),
];
