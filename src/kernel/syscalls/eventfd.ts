/**
 * eventfd (Linux: fs/eventfd.c): a 64-bit counter behind a descriptor. A
 * write of 8 bytes adds to it (sleeping while the sum would pass
 * 0xfffffffffffffffe), a read takes all of it (or 1 in semaphore mode),
 * sleeping while it is 0; both fail with EAGAIN instead when the
 * description is non-blocking. poll sees it readable while the counter is
 * above 0 and writable while 1 more would fit.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel, Stream } from '../kernel.js';
import { Errno, EAGAIN, EINVAL } from '../errno.js';
import { OpenFile, O_CLOEXEC, O_NONBLOCK, O_RDWR } from '../files.js';
import { sleepOnIo } from './pipe.js';

const EFD_SEMAPHORE = 1;
/** The most the counter holds. */
export const EVENTFD_MAX = 0xfffffffffffffffen;

export class EventFd implements Stream {
  /** Reads and writes so far: each wakes the waiters (epoll's edge-triggered entries). */
  events = 0;

  constructor(
    public count: bigint,
    readonly semaphore: boolean,
  ) {}

  wakeups(): number {
    return this.events;
  }

  linkName(): string {
    return 'anon_inode:[eventfd]';
  }

  sysRead(k: Kernel, f: OpenFile, max: number): Uint8Array {
    return eventfdRead(k, f, this, max);
  }

  sysWrite(k: Kernel, f: OpenFile, n: number, read: (off: number, len: number) => Uint8Array): bigint {
    return eventfdWrite(k, f, this, n, read);
  }
}

function eventfdRead(k: Kernel, f: OpenFile, e: EventFd, n: number): Uint8Array {
  if (n < 8) throw new Errno(EINVAL);
  if (e.count === 0n) {
    if (f.flags & O_NONBLOCK) throw new Errno(EAGAIN);
    sleepOnIo(k);
  }
  const v = e.semaphore ? 1n : e.count;
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, true);
  e.count -= v;
  e.events++;
  k.wakeIo();
  return out;
}

function eventfdWrite(k: Kernel, f: OpenFile, e: EventFd, n: number, read: (off: number, len: number) => Uint8Array): bigint {
  if (n < 8) throw new Errno(EINVAL);
  const b = read(0, 8);
  const v = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  if (v === 0xffffffffffffffffn) throw new Errno(EINVAL);
  if (v > EVENTFD_MAX - e.count) {
    if (f.flags & O_NONBLOCK) throw new Errno(EAGAIN);
    sleepOnIo(k);
  }
  e.count += v;
  e.events++;
  k.wakeIo();
  return 8n;
}

function makeEventfd(k: Kernel, initval: number, flags: number): bigint {
  if (flags & ~(EFD_SEMAPHORE | O_CLOEXEC | O_NONBLOCK)) throw new Errno(EINVAL);
  const e = new EventFd(BigInt(initval >>> 0), (flags & EFD_SEMAPHORE) !== 0);
  return BigInt(k.installFile(new OpenFile(e, O_RDWR | (flags & O_NONBLOCK)), (flags & O_CLOEXEC) !== 0));
}

export const eventfdSyscalls: SyscallRow[] = [
  row(284, 'eventfd', 'u', (k, a) => makeEventfd(k, a.u32(0), 0)),
  row(290, 'eventfd2', 'ux', (k, a) => makeEventfd(k, a.u32(0), a.i32(1))),
];
