/**
 * epoll (Linux: fs/eventpoll.c): an interest list of descriptors, each with
 * the events it waits for and the data epoll_wait hands back. A
 * registration names the open file description: it goes when the last
 * descriptor naming that description closes, not when one of several
 * dups does. Readiness is what poll sees (src/kernel/syscalls/poll.ts).
 * Entries are reported in the order they became ready (a level-triggered
 * one goes back to the end of that list once reported); EPOLLET ones only
 * on an event since their last report (a write to a pipe for its read
 * end, a read for its write end); EPOLLONESHOT ones once, until
 * EPOLL_CTL_MOD arms them again. epoll_wait sleeps on the
 * virtual clock as poll does; the instance itself polls as readable while
 * one of its entries is ready.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel, Stream } from '../kernel.js';
import { Errno, EBADF, EEXIST, EFAULT, EINVAL, ELOOP, ENOENT, EPERM } from '../errno.js';
import { copyFromUser, tryCopyToUser } from '../uaccess.js';
import { OpenFile, O_CLOEXEC, O_RDWR } from '../files.js';
import { DeviceStream, DirStream, FileStream, TmpStream } from '../file_streams.js';
import { streamReady, waitForIo } from './poll.js';
import { timespecNs } from './time.js';
import { withSigmask } from '../signals.js';

const EPOLLIN = 1;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLL_CTL_MOD = 3;
const EPOLLERR = 0x8;
const EPOLLHUP = 0x10;
const EPOLLEXCLUSIVE = 1 << 28;
const EPOLLWAKEUP = 1 << 29;
const EPOLLONESHOT = 1 << 30;
const EPOLLET = 1 << 31;
/** The event bits a registration may ask for (EPOLLIN..EPOLLRDHUP and the modes). */
const EPOLL_EVENTS = 0x3fff | EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET;
/** EP_MAX_EVENTS: maxevents may not pass INT_MAX / sizeof(struct epoll_event). */
const EP_MAX_EVENTS = Math.floor(0x7fffffff / 12);

/** One registration: a record replaced on a change, never written in place. */
interface EpollItem {
  readonly fd: number;
  readonly file: OpenFile;
  readonly events: number;
  readonly data: bigint;
  /** EPOLLET: the stream's wakeups (or, where it counts none, the events) at the last report. */
  readonly seenWakeups: number | undefined;
  readonly seen: number;
  /** EPOLLONESHOT: reported, so off until EPOLL_CTL_MOD. */
  readonly off: boolean;
  /** Its place on the ready list (undefined: not on it): the order epoll_wait reports in. */
  readonly queuedAt: number | undefined;
}

export class Epoll implements Stream {
  /** The interest list in the order entries were added. */
  items = new Map<number, EpollItem>();
  /** The last place given on the ready list. */
  seq = 0;

  linkName(): string {
    return 'anon_inode:[eventpoll]';
  }

  /** Entries whose description is gone (every descriptor of it closed) leave the list. */
  prune(): void {
    for (const [fd, it] of this.items) if (it.file.refs === 0) this.items.delete(fd);
  }

  /**
   * Brings the ready list up to date: an entry that has become ready (for an
   * edge-triggered one, with an event since its last report) joins its end,
   * one no longer ready leaves it. Returns the entries on it, in order.
   */
  refresh(k: Kernel): [EpollItem, number][] {
    this.prune();
    const ready: [EpollItem, number][] = [];
    for (let it of this.items.values()) {
      const r = it.off ? 0 : levelOf(k, it);
      if (r === 0 || !isNew(it, r)) {
        if (it.queuedAt !== undefined) this.items.set(it.fd, { ...it, queuedAt: undefined });
        continue;
      }
      if (it.queuedAt === undefined) {
        it = { ...it, queuedAt: ++this.seq };
        this.items.set(it.fd, it);
      }
      ready.push([it, r]);
    }
    return ready.sort((x, y) => x[0].queuedAt! - y[0].queuedAt!);
  }

  /** The instance polls readable while an entry is ready (poll on an epoll descriptor). */
  readyEvents(k: Kernel): number {
    return this.refresh(k).length > 0 ? EPOLLIN : 0;
  }
}

/** The events an entry's stream is ready for now, of those it asks for (error and hang-up always). */
function levelOf(k: Kernel, it: EpollItem): number {
  const ask = (it.events & 0x3fff) | EPOLLERR | EPOLLHUP;
  return streamReady(k, it.file.stream, ask) & ask;
}

/** Whether a ready entry is to be reported: always when level-triggered, on a new event when edge-triggered. */
function isNew(it: EpollItem, r: number): boolean {
  if (!(it.events & EPOLLET)) return true;
  const w = it.file.stream.wakeups?.();
  return w !== undefined ? w !== it.seenWakeups : (r & ~it.seen) !== 0;
}

function epollOf(k: Kernel, fd: number): Epoll {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  if (!(f.stream instanceof Epoll)) throw new Errno(EINVAL);
  return f.stream;
}

function create(k: Kernel, flags: number): bigint {
  if (flags & ~O_CLOEXEC) throw new Errno(EINVAL);
  return BigInt(k.installFile(new OpenFile(new Epoll(), O_RDWR), (flags & O_CLOEXEC) !== 0));
}

function ctl(k: Kernel, epfd: number, op: number, fd: number, eventAddr: bigint): bigint {
  let events = 0;
  let data = 0n;
  if (op !== EPOLL_CTL_DEL) {
    const b = copyFromUser(k.mm, eventAddr, 12);
    const dv = new DataView(b.buffer);
    events = dv.getUint32(0, true) | 0;
    data = dv.getBigUint64(4, true);
  }
  const ef = k.file(epfd);
  const tf = k.file(fd);
  if (!ef || !tf) throw new Errno(EBADF);
  // a file that is always ready (a regular file, a directory, /dev/null, zero or full: no poll
  // method) cannot be watched
  const ts = tf.stream;
  if (ts instanceof FileStream || ts instanceof TmpStream || ts instanceof DirStream || (ts instanceof DeviceStream && ts.dev !== 'random' && ts.dev !== 'urandom')) {
    throw new Errno(EPERM);
  }
  if (!(ef.stream instanceof Epoll) || epfd === fd) throw new Errno(EINVAL);
  const ep = ef.stream;
  if (tf.stream instanceof Epoll && (tf.stream === ep || watches(tf.stream, ep))) throw new Errno(ELOOP);
  ep.prune();
  const cur = ep.items.get(fd);
  const item = cur && cur.file === tf ? cur : undefined;
  switch (op) {
    case EPOLL_CTL_ADD:
      if (item) throw new Errno(EEXIST);
      if (events & ~EPOLL_EVENTS) events &= EPOLL_EVENTS;
      ep.items.set(fd, { fd, file: tf, events, data, seenWakeups: undefined, seen: 0, off: false, queuedAt: undefined });
      // already ready: on the ready list now, ahead of what becomes ready later
      ep.refresh(k);
      return 0n;
    case EPOLL_CTL_MOD:
      if (!item) throw new Errno(ENOENT);
      if ((events | item.events) & EPOLLEXCLUSIVE) throw new Errno(EINVAL);
      ep.items.set(fd, { fd, file: tf, events: events & EPOLL_EVENTS, data, seenWakeups: undefined, seen: 0, off: false, queuedAt: undefined });
      ep.refresh(k);
      return 0n;
    case EPOLL_CTL_DEL:
      if (!item) throw new Errno(ENOENT);
      ep.items.delete(fd);
      return 0n;
    default:
      throw new Errno(EINVAL);
  }
}

/** Whether epoll a watches b, directly or through other instances (a loop EPOLL_CTL_ADD refuses). */
function watches(a: Epoll, b: Epoll, depth = 0): boolean {
  if (depth > 5) return true;
  for (const it of a.items.values()) {
    const s = it.file.stream;
    if (s === b || (s instanceof Epoll && watches(s, b, depth + 1))) return true;
  }
  return false;
}

/** epoll_wait with a timeout in ns (-1n: none). */
function wait(k: Kernel, epfd: number, eventsAddr: bigint, max: number, timeoutNs: bigint): bigint {
  if (max <= 0 || max > EP_MAX_EVENTS) throw new Errno(EINVAL);
  const ep = epollOf(k, epfd);
  const out = ep.refresh(k).slice(0, max);
  const t = k.current;
  if (out.length === 0) waitForIo(k, timeoutNs);
  t.sleepUntil = undefined;
  t.inPoll = false;
  if (out.length === 0) return 0n;
  const b = new Uint8Array(12 * out.length);
  const dv = new DataView(b.buffer);
  out.forEach(([it, r], i) => {
    dv.setUint32(12 * i, r >>> 0, true);
    dv.setBigUint64(12 * i + 4, it.data, true);
  });
  if (!tryCopyToUser(k.mm, eventsAddr, b)) throw new Errno(EFAULT);
  // what was reported: a level-triggered entry goes back to the list's end, an edge-triggered
  // one waits for its next event, a one-shot one turns off
  for (const [it, r] of out) {
    if (it.events & EPOLLONESHOT) ep.items.set(it.fd, { ...it, off: true, queuedAt: undefined });
    else if (it.events & EPOLLET) {
      ep.items.set(it.fd, { ...it, seenWakeups: it.file.stream.wakeups?.(), seen: it.seen | r, queuedAt: undefined });
    } else ep.items.set(it.fd, { ...it, queuedAt: ++ep.seq });
  }
  return BigInt(out.length);
}

export const epollSyscalls: SyscallRow[] = [
  row(213, 'epoll_create', 'd', (k, a) => {
    if (a.i32(0) <= 0) throw new Errno(EINVAL);
    return create(k, 0);
  }),
  row(291, 'epoll_create1', 'x', (k, a) => create(k, a.i32(0))),
  row(233, 'epoll_ctl', 'dddp', (k, a) => ctl(k, a.i32(0), a.i32(1), a.i32(2), a.u64(3))),
  row(232, 'epoll_wait', 'dpdd', (k, a) => {
    const ms = a.i32(3);
    return wait(k, a.i32(0), a.u64(1), a.i32(2), ms < 0 ? -1n : BigInt(ms) * 1_000_000n);
  }),
  // the p forms wait under the signal mask given, as ppoll does
  row(281, 'epoll_pwait', 'dpddpu', (k, a) => {
    const ms = a.i32(3);
    return withSigmask(k, a.u64(4), a.u64(5), () => wait(k, a.i32(0), a.u64(1), a.i32(2), ms < 0 ? -1n : BigInt(ms) * 1_000_000n));
  }),
  row(441, 'epoll_pwait2', 'dpdppu', (k, a) => {
    const ns = a.u64(3) === 0n ? -1n : timespecNs(k, a.u64(3));
    return withSigmask(k, a.u64(4), a.u64(5), () => wait(k, a.i32(0), a.u64(1), a.i32(2), ns));
  }),
];
