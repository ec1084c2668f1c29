/**
 * timerfd (Linux: fs/timerfd.c): a timer on the machine's virtual clock
 * behind a descriptor. Reading it takes the expirations since the last
 * read (sleeping while there are none, or EAGAIN when non-blocking);
 * poll, select and epoll see it readable once it has expired. An absolute
 * time is on the clock the timer was made for (CLOCK_REALTIME counts from
 * the machine's epoch). The kernel wakes the tasks that wait on it when
 * it expires (Kernel.expireTimerfds), jumping the clock to it when every
 * task sleeps.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel, Stream } from '../kernel.js';
import { OpenFile, O_CLOEXEC, O_NONBLOCK, O_RDWR } from '../files.js';
import { Errno, EAGAIN, EBADF, EINVAL } from '../errno.js';
import { copyFromUser, copyToUser } from '../uaccess.js';
import { sleepOnIo } from './pipe.js';

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_BOOTTIME = 7;
const CLOCK_REALTIME_ALARM = 8;
const CLOCK_BOOTTIME_ALARM = 9;
const TFD_TIMER_ABSTIME = 1;
const TFD_TIMER_CANCEL_ON_SET = 2;
const NSEC = 1_000_000_000n;

export class TimerFd implements Stream {
  /** The machine-clock time of the next expiry (undefined: disarmed). */
  next: bigint | undefined;
  interval = 0n;
  /** Expirations not yet read. */
  ticks = 0n;
  /** Reads and expiries so far (epoll's edge-triggered entries). */
  events = 0;
  closed = false;

  constructor(readonly realtime: boolean) {}

  /** Counts the expiries up to now (the machine clock): true when there were new ones. */
  expire(now: bigint): boolean {
    if (this.next === undefined || now < this.next) return false;
    if (this.interval > 0n) {
      const n = (now - this.next) / this.interval + 1n;
      this.ticks += n;
      this.next += n * this.interval;
    } else {
      this.ticks += 1n;
      this.next = undefined;
    }
    this.events++;
    return true;
  }

  release(): void {
    this.closed = true;
  }

  linkName(): string {
    return 'anon_inode:[timerfd]';
  }

  wakeups(): number {
    return this.events;
  }

  sysRead(k: Kernel, f: OpenFile, n: number): Uint8Array {
    if (n < 8) throw new Errno(EINVAL);
    this.expire(k.clockNs());
    if (this.ticks === 0n) {
      if (f.flags & O_NONBLOCK) throw new Errno(EAGAIN);
      sleepOnIo(k);
    }
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, this.ticks, true);
    this.ticks = 0n;
    this.events++;
    return out;
  }

  sysWrite(): bigint {
    throw new Errno(EINVAL);
  }

  /** What poll sees: readable once expired. */
  readyEvents(k: Kernel): number {
    this.expire(k.clockNs());
    return this.ticks > 0n ? 0x1 | 0x40 : 0;
  }
}

function timerOf(k: Kernel, fd: number): TimerFd {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  if (!(f.stream instanceof TimerFd)) throw new Errno(EINVAL);
  return f.stream;
}

/** An itimerspec: [interval, value] in ns; EINVAL for a field out of range. */
function readItimerspec(k: Kernel, addr: bigint): [bigint, bigint] {
  const dv = new DataView(copyFromUser(k.mm, addr, 32).buffer);
  const f = [0, 8, 16, 24].map((o) => dv.getBigInt64(o, true));
  for (const i of [0, 2]) if (f[i] < 0n || f[i + 1] < 0n || f[i + 1] >= NSEC) throw new Errno(EINVAL);
  return [f[0] * NSEC + f[1], f[2] * NSEC + f[3]];
}

/** The timer's setting as an itimerspec: its interval and the time to its next expiry. */
function itimerspec(k: Kernel, t: TimerFd): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  const left = t.next === undefined ? 0n : t.next - k.clockNs() > 0n ? t.next - k.clockNs() : 1n;
  dv.setBigInt64(0, t.interval / NSEC, true);
  dv.setBigInt64(8, t.interval % NSEC, true);
  dv.setBigInt64(16, left / NSEC, true);
  dv.setBigInt64(24, left % NSEC, true);
  return b;
}

export const timerfdSyscalls: SyscallRow[] = [
  row(283, 'timerfd_create', 'dx', (k, a) => {
    const clock = a.i32(0);
    const flags = a.i32(1);
    if (![CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM].includes(clock)) throw new Errno(EINVAL);
    if (flags & ~(O_CLOEXEC | O_NONBLOCK)) throw new Errno(EINVAL);
    const t = new TimerFd(clock === CLOCK_REALTIME || clock === CLOCK_REALTIME_ALARM);
    return BigInt(k.installFile(new OpenFile(t, O_RDWR | (flags & O_NONBLOCK)), (flags & O_CLOEXEC) !== 0));
  }),
  row(286, 'timerfd_settime', 'dxpp', (k, a) => {
    const t = timerOf(k, a.i32(0));
    const flags = a.i32(1);
    if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) throw new Errno(EINVAL);
    const [interval, value] = readItimerspec(k, a.u64(2));
    if (a.u64(3) !== 0n) copyToUser(k.mm, a.u64(3), itimerspec(k, t));
    const now = k.clockNs();
    t.ticks = 0n;
    t.interval = interval;
    if (value === 0n) t.next = undefined;
    else if (flags & TFD_TIMER_ABSTIME) {
      // a time on the timer's clock, which may already have passed (then it expires at once)
      t.next = t.realtime ? value - k.epochNs : value;
    } else t.next = now + value;
    if (t.next !== undefined) k.armTimerfd(t);
    // an expiry already due wakes whoever waits
    if (t.expire(now)) k.wakeIo();
    return 0n;
  }),
  row(287, 'timerfd_gettime', 'dp', (k, a) => {
    const t = timerOf(k, a.i32(0));
    t.expire(k.clockNs());
    copyToUser(k.mm, a.u64(1), itimerspec(k, t));
    return 0n;
  }),
];
