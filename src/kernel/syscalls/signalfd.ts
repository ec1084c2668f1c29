/**
 * signalfd (Linux: fs/signalfd.c): a descriptor that reads the reading
 * thread's pending signals of a mask (its own queue first, then its
 * process's), as 128-byte signalfd_siginfo records laid out by the
 * signal's siginfo layout; reading sleeps until one is pending (the
 * signals are normally blocked, so that only this takes them), or fails
 * with EAGAIN when non-blocking. poll sees it readable while one is
 * pending for the polling thread.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel, Stream } from '../kernel.js';
import type { Task } from '../task.js';
import { Errno, EAGAIN, EBADF, EINVAL } from '../errno.js';
import { copyFromUser } from '../uaccess.js';
import { OpenFile, O_CLOEXEC, O_NONBLOCK, O_RDWR } from '../files.js';
import type { Siginfo } from '../signal_frame.js';
import { RestartSyscall } from './tasks.js';

const SIGKILL = 9;
const SIGSTOP = 19;
const SIGCHLD = 17;
const SIGSYS = 31;
const SI_USER = 0;
const SI_KERNEL = 0x80;
/** Signals whose positive si_code gives a fault's layout (an address). */
const FAULTS = new Set([4, 5, 7, 8, 11]); // SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV
const RECORD = 128;

export class SignalFd implements Stream {
  constructor(public mask: bigint) {}

  /** The lowest pending signal of the mask for task t, and the queue holding it; 0 for none. */
  next(t: Task): number {
    // SigQueue.next takes a mask of signals to leave: all but those of this descriptor
    return t.sig.next(~this.mask) || t.shared.next(~this.mask);
  }

  sysRead(k: Kernel, f: OpenFile, n: number): Uint8Array {
    if (n < RECORD) throw new Errno(EINVAL);
    const t = k.current;
    const out: Uint8Array[] = [];
    while (out.length < Math.floor(n / RECORD)) {
      const sig = this.next(t);
      if (!sig) break;
      const q = t.sig.next(~this.mask) === sig ? t.sig : t.shared;
      out.push(record(q.take(sig)!));
    }
    if (out.length === 0) {
      if (f.flags & O_NONBLOCK) throw new Errno(EAGAIN);
      // asleep until one of the mask is sent (a sent signal wakes a waiter whose set has it)
      t.sigwaitSet = this.mask;
      t.state = 'blocked';
      throw new RestartSyscall();
    }
    t.sigwaitSet = undefined;
    const b = new Uint8Array(RECORD * out.length);
    out.forEach((r, i) => b.set(r, i * RECORD));
    return b;
  }

  sysWrite(): bigint {
    throw new Errno(EINVAL);
  }

  linkName(): string {
    return 'anon_inode:[signalfd]';
  }

  readyEvents(k: Kernel): number {
    return this.next(k.current) ? 0x1 | 0x40 : 0;
  }
}

/** A signalfd_siginfo of info, its fields by the siginfo layout Linux gives the signal and code. */
function record(info: Siginfo): Uint8Array {
  const b = new Uint8Array(RECORD);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, info.signo, true);
  dv.setInt32(4, info.errno, true);
  dv.setInt32(8, info.code, true);
  const u64 = (lo: number, hi: number): bigint => BigInt(lo >>> 0) | (BigInt(hi >>> 0) << 32n);
  const code = info.code;
  if (code > SI_USER && code < SI_KERNEL) {
    if (FAULTS.has(info.signo)) dv.setBigUint64(72, u64(info.f0, info.f1), true);
    else if (info.signo === SIGCHLD) {
      dv.setUint32(12, info.f0, true);
      dv.setUint32(16, info.f1, true);
      dv.setInt32(40, info.f2, true);
    } else if (info.signo === SIGSYS) {
      dv.setBigUint64(88, u64(info.f0, info.f1), true);
      dv.setInt32(84, info.f2, true);
      dv.setUint32(96, info.f3, true);
    }
  } else {
    // SI_USER and SI_KERNEL: the sender; a negative code (sigqueue, tkill): the sender and a value
    dv.setUint32(12, info.f0, true);
    dv.setUint32(16, info.f1, true);
    if (code < 0) {
      dv.setInt32(44, info.f2, true);
      dv.setBigUint64(48, u64(info.f2, info.f3), true);
    }
  }
  return b;
}

function make(k: Kernel, fd: number, maskAddr: bigint, size: bigint, flags: number): bigint {
  if (size !== 8n) throw new Errno(EINVAL);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK)) throw new Errno(EINVAL);
  const raw = new DataView(copyFromUser(k.mm, maskAddr, 8).buffer).getBigUint64(0, true);
  // SIGKILL and SIGSTOP cannot be taken this way
  const mask = raw & ~((1n << BigInt(SIGKILL - 1)) | (1n << BigInt(SIGSTOP - 1)));
  if (fd === -1) {
    return BigInt(k.installFile(new OpenFile(new SignalFd(mask), O_RDWR | (flags & O_NONBLOCK)), (flags & O_CLOEXEC) !== 0));
  }
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  if (!(f.stream instanceof SignalFd)) throw new Errno(EINVAL);
  f.stream.mask = mask;
  return BigInt(fd);
}

export const signalfdSyscalls: SyscallRow[] = [
  row(282, 'signalfd', 'dpu', (k, a) => make(k, a.i32(0), a.u64(1), a.u64(2), 0)),
  row(289, 'signalfd4', 'dpux', (k, a) => make(k, a.i32(0), a.u64(1), a.u64(2), a.i32(3))),
];
