/**
 * pidfd_open, poll and nanosleep. A pidfd is readable once its process has
 * exited. Timeouts run on virtual time: when every task sleeps, the clock
 * jumps to the earliest deadline, so a timeout costs no wall-clock time and
 * always ends the same way.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel, Stream } from '../kernel.js';
import { Errno, EINVAL, ESRCH } from '../errno.js';
import { timespecNs } from './time.js';

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_BOOTTIME = 7;
const TIMER_ABSTIME = 1;
import { copyFromUser, copyToUser } from '../uaccess.js';
import { RestartSyscall } from './tasks.js';
import { PipeEnd } from '../pipe.js';
import { TmpStream } from '../file_streams.js';
import { withSigmask } from '../signals.js';
import { writeTimeLeft } from './select.js';
import { EventFd, EVENTFD_MAX } from './eventfd.js';

const POLLIN = 1;
const POLLOUT = 4;
const POLLNVAL = 0x20;
const POLLERR = 0x8;
const POLLHUP = 0x10;
const POLLRDNORM = 0x40;
const POLLWRNORM = 0x100;

function pollReady(k: Kernel, fd: number, events: number): number {
  const f = k.fd(fd);
  return f ? streamReady(k, f, events) : POLLNVAL;
}

/** What poll reports of a stream for the events asked (POLLHUP and POLLERR always). */
export function streamReady(k: Kernel, f: Stream, events: number): number {
  if (f.readyEvents) return f.readyEvents(k) & (events | POLLHUP | POLLERR);
  if (f.pid !== undefined) {
    // pidfd_poll: readable once the process has exited, hung up too once it is reaped
    const t = k.tasks.get(f.pid);
    if (!t) return ((POLLIN | POLLRDNORM) & events) | POLLHUP;
    return t.state === 'zombie' ? (POLLIN | POLLRDNORM) & events : 0;
  }
  if (f instanceof EventFd) return ((f.count > 0n ? POLLIN | POLLRDNORM : 0) | (f.count < EVENTFD_MAX ? POLLOUT | POLLWRNORM : 0)) & events;
  if (f instanceof PipeEnd) {
    // pipe_poll: readable with data, hung up with no writer (for a FIFO's reader that opened
    // before any writer, once one has come); writable with a free buffer, in error with no
    // reader (POLLHUP and POLLERR are reported whatever was asked)
    const p = f.pipe;
    let r = 0;
    if (f.readable) r |= ((p.size > 0 ? POLLIN | POLLRDNORM : 0) & events) | (p.writers === 0 && f.fPipe !== p.wCounter ? POLLHUP : 0);
    if (f.writable) r |= ((!p.isFull() ? POLLOUT | POLLWRNORM : 0) & events) | (p.readers === 0 ? POLLERR : 0);
    return r;
  }
  // a regular file (tmpfs's too) is always ready
  if (f instanceof TmpStream) return (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM) & events;
  let r = 0;
  if (f.read) r |= POLLIN;
  if (f.write) r |= POLLOUT;
  return r & events;
}

/** poll over n pollfds at addr, waiting timeoutNs (-1n: until one is ready; never restarted after a handler). */
function pollFds(k: Kernel, addr: bigint, n: number, timeoutNs: bigint): bigint {
  if (n > 1024) throw new Errno(EINVAL);
  const raw = n > 0 ? copyFromUser(k.mm, addr, n * 8) : new Uint8Array(0);
  const dv = new DataView(raw.buffer);
  let ready = 0;
  for (let i = 0; i < n; i++) {
    const fd = dv.getInt32(i * 8, true);
    const ev = dv.getInt16(i * 8 + 4, true);
    const r = fd < 0 ? 0 : pollReady(k, fd, ev | POLLNVAL);
    dv.setInt16(i * 8 + 6, r, true);
    if (r) ready++;
  }
  if (ready === 0) waitForIo(k, timeoutNs);
  k.current.sleepUntil = undefined;
  k.current.inPoll = false;
  if (n > 0) copyToUser(k.mm, addr, raw);
  return BigInt(ready);
}

/**
 * The wait of poll, select and epoll_wait when nothing is ready: none with
 * a zero timeout, until a change to what they watch with none (-1n), else
 * until then on the virtual clock. Returns once the time is up.
 */
export function waitForIo(k: Kernel, timeoutNs: bigint): void {
  const t = k.current;
  if (timeoutNs < 0n) {
    t.inPoll = true;
    t.state = 'blocked';
    throw new RestartSyscall(true);
  }
  if (timeoutNs > 0n) sleepUntil(k, timeoutNs, true);
  t.sleepUntil = undefined;
  t.inPoll = false;
}

/**
 * Sleeps ns from the call's first entry (or, absolute, until that time on
 * the virtual clock), restarting the call; returns true once the deadline
 * has passed.
 */
export function sleepUntil(k: Kernel, ns: bigint, poll: boolean, absolute = false): boolean {
  const t = k.current;
  if (t.sleepUntil === undefined) t.sleepUntil = absolute ? ns : k.clockNs() + ns;
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
    const ms = a.i32(2);
    return pollFds(k, a.u64(0), a.u32(1), ms < 0 ? -1n : BigInt(ms) * 1_000_000n);
  }),
  // ppoll: a timespec timeout (NULL: none) and a signal mask to wait under
  row(271, 'ppoll', 'pdppu', (k, a) => {
    const ns = a.u64(2) === 0n ? -1n : timespecNs(k, a.u64(2));
    const deadline = k.current.sleepUntil ?? (ns >= 0n ? k.clockNs() + ns : undefined);
    const r = withSigmask(k, a.u64(3), a.u64(4), () => pollFds(k, a.u64(0), a.u32(1), ns));
    // the time left written back, as for pselect6
    if (deadline !== undefined) writeTimeLeft(k, a.u64(2), deadline, false);
    return r;
  }),

  row(35, 'nanosleep', 'pp', (k, a) => {
    k.current.sleepRem = a.u64(1);
    sleepUntil(k, timespecNs(k, a.u64(0)), false);
    k.current.sleepRem = 0n;
    return 0n;
  }),
  // clock_nanosleep: what glibc's nanosleep and sleep call; an absolute time is on the clock named
  row(230, 'clock_nanosleep', 'ddpp', (k, a) => {
    const clock = a.i32(0);
    if (clock !== CLOCK_REALTIME && clock !== CLOCK_MONOTONIC && clock !== CLOCK_BOOTTIME) throw new Errno(EINVAL);
    const ns = timespecNs(k, a.u64(2));
    if (a.i32(1) & TIMER_ABSTIME) sleepUntil(k, clock === CLOCK_REALTIME ? ns - k.epochNs : ns, false, true);
    else {
      k.current.sleepRem = a.u64(3);
      sleepUntil(k, ns, false);
      k.current.sleepRem = 0n;
    }
    return 0n;
  }),
];

