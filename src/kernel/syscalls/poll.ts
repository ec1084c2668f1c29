/**
 * pidfd_open, poll and nanosleep. A pidfd is readable once its process has
 * exited. Timeouts run on virtual time: when every task sleeps, the clock
 * jumps to the earliest deadline, so a timeout costs no wall-clock time and
 * always ends the same way.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EINVAL, ESRCH } from '../errno.js';
import { copyFromUser, copyToUser } from '../uaccess.js';
import { RestartSyscall } from './tasks.js';

const POLLIN = 1;
const POLLOUT = 4;
const POLLNVAL = 0x20;

function pollReady(k: Kernel, fd: number, events: number): number {
  const f = k.fd(fd);
  if (!f) return POLLNVAL;
  if (f.pid !== undefined) {
    const t = k.tasks.get(f.pid);
    return !t || t.state === 'zombie' ? events & POLLIN : 0;
  }
  let r = 0;
  if (f.read) r |= POLLIN;
  if (f.write) r |= POLLOUT;
  return r & events;
}

/** Sleeps until the deadline, restarting the call; returns true once the deadline has passed. */
function sleepUntil(k: Kernel, ns: bigint, poll: boolean): boolean {
  const t = k.current;
  if (t.sleepUntil === undefined) t.sleepUntil = k.clockNs() + ns;
  if (k.clockNs() >= t.sleepUntil) {
    t.sleepUntil = undefined;
    t.inPoll = false;
    return true;
  }
  t.inPoll = poll;
  t.state = 'blocked';
  throw new RestartSyscall(true);
}

export const pollSyscalls: SyscallRow[] = [
  row(434, 'pidfd_open', 'dd', (k, a) => {
    const pid = a.i32(0);
    const flags = a.u64(1);
    if (flags !== 0n && flags !== 0x800n) throw new Errno(EINVAL);
    const t = k.tasks.get(pid);
    if (pid <= 0 || !t || t.tid !== t.tgid) throw new Errno(pid <= 0 ? EINVAL : ESRCH);
    return BigInt(k.installFd({ pid }));
  }),
  row(7, 'poll', 'pdd', (k, a) => {
    const n = a.u32(1);
    if (n > 1024) throw new Errno(EINVAL);
    const timeout = a.i32(2);
    const raw = n > 0 ? copyFromUser(k.mm, a.u64(0), n * 8) : new Uint8Array(0);
    const dv = new DataView(raw.buffer);
    let ready = 0;
    for (let i = 0; i < n; i++) {
      const fd = dv.getInt32(i * 8, true);
      const ev = dv.getInt16(i * 8 + 4, true);
      const r = fd < 0 ? 0 : pollReady(k, fd, ev | POLLNVAL);
      dv.setInt16(i * 8 + 6, r, true);
      if (r) ready++;
    }
    const t = k.current;
    if (ready === 0 && timeout !== 0) {
      if (timeout < 0) {
        t.inPoll = true;
        t.state = 'blocked';
        throw new RestartSyscall(true);
      }
      if (!sleepUntil(k, BigInt(timeout) * 1_000_000n, true)) return 0n;
    }
    t.sleepUntil = undefined;
    t.inPoll = false;
    if (n > 0) copyToUser(k.mm, a.u64(0), raw);
    return BigInt(ready);
  }),
  row(35, 'nanosleep', 'pp', (k, a) => {
    const ts = new DataView(copyFromUser(k.mm, a.u64(0), 16).buffer);
    const sec = ts.getBigInt64(0, true);
    const nsec = ts.getBigInt64(8, true);
    if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) throw new Errno(EINVAL);
    sleepUntil(k, sec * 1_000_000_000n + nsec, false);
    return 0n;
  }),
];

