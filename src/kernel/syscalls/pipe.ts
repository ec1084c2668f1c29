/**
 * pipe and pipe2, the open of a FIFO, and read and write on a pipe's ends
 * (src/kernel/pipe.ts says how the buffer fills and drains). A sleeping
 * reader or writer, or an open waiting for the FIFO's other end, waits in
 * ERESTARTSYS: a handler with SA_RESTART restarts it, any other makes it
 * fail with EINTR, or return the bytes a long write had put in already.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EAGAIN, EFAULT, EINVAL, EMFILE, ENXIO, EPIPE } from '../errno.js';
import { copyFromUser, copyToUser } from '../uaccess.js';
import { OpenFile, O_ACCMODE, O_CLOEXEC, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY } from '../files.js';
import { FifoEnd, Pipe, PipeEnd, PipefsInode, PAGE } from '../pipe.js';
import type { TmpFifo } from '../tmpfs.js';
import { RestartSyscall } from './tasks.js';
import { sendSignalTo } from '../signals.js';
import { killInfo } from '../signal_frame.js';

const SIGPIPE = 13;
const SI_USER = 0;
/** O_DIRECT: a packet-mode pipe; accepted, its writes stored as in a byte-stream pipe. */
const O_DIRECT = 0o40000;
/** O_NOTIFICATION_PIPE (O_EXCL): needs CONFIG_WATCH_QUEUE. */
const O_NOTIFICATION_PIPE = 0o200;

const SLEEP = new RestartSyscall();

/** The task sleeps until a pipe or an eventfd changes (Kernel.wakeIo), then runs the call again. */
export function sleepOnIo(k: Kernel): never {
  const t = k.current;
  t.ioWait = true;
  t.state = 'blocked';
  throw SLEEP;
}

/** read(2) on a pipe's read end: n > 0 bytes at most, to buf. */
export function pipeRead(k: Kernel, f: OpenFile, p: Pipe, buf: bigint, n: number): bigint {
  if (n === 0) return 0n;
  if (p.size === 0) {
    if (p.writers === 0) return 0n;
    if (f.flags & O_NONBLOCK) throw new Errno(EAGAIN);
    sleepOnIo(k);
  }
  // copied out before the bytes leave the pipe: a fault loses none of them
  const data = p.peek(n);
  copyToUser(k.mm, buf, data);
  p.drop(data.length);
  k.wakeIo();
  return BigInt(data.length);
}

/**
 * write(2) on a pipe's write end: n bytes from buf, through `read`, which
 * copies `len` bytes at an offset from the caller's memory (a fault throws
 * EFAULT).
 */
export function pipeWrite(k: Kernel, f: OpenFile, p: Pipe, n: number, read: (off: number, len: number) => Uint8Array): bigint {
  const t = k.current;
  let done = t.pipeWritten ?? 0;
  const fresh = t.pipeWritten === undefined;
  t.pipeWritten = undefined;
  if (p.readers === 0) {
    sendSignalTo(t, SIGPIPE, killInfo(SIGPIPE, SI_USER, t.tgid, 0));
    if (done > 0) return BigInt(done);
    throw new Errno(EPIPE);
  }
  if (n === 0) return 0n;
  const before = done;
  try {
    // the first (n mod 4096) bytes join the last buffer when they fit there, once per call
    const chars = n & (PAGE - 1);
    if (fresh && chars > 0 && p.fitsLast(chars)) {
      p.appendToLast(read(0, chars));
      done = chars;
    }
    while (done < n && !p.isFull()) {
      const len = Math.min(PAGE, n - done);
      p.pushPage(read(done, len));
      done += len;
    }
  } catch (err) {
    if (!(err instanceof Errno) || done === 0) throw err;
    // a fault part-way: the bytes already in the pipe are the result
    if (done > before) k.wakeIo();
    return BigInt(done);
  }
  if (done > before) k.wakeIo();
  if (done === n) return BigInt(n);
  if (f.flags & O_NONBLOCK) {
    if (done > 0) return BigInt(done);
    throw new Errno(EAGAIN);
  }
  t.pipeWritten = done;
  sleepOnIo(k);
}

/**
 * fifo_open: an open of the FIFO at path joins its pipe (the first open
 * makes it) as a reader, a writer or both. A reader waits for a writer and
 * a writer for a reader, counted meanwhile as what they are to be, so that
 * the other side's open finds them; O_NONBLOCK opens a reader at once and
 * fails a writer with no reader (ENXIO); O_RDWR never waits, as the
 * process can at least talk to itself. A waiting open sleeps with its end
 * in Task.fifoOpening, where the call finds it when it runs again
 * (fifoOpenResumed); a handler or the task's exit abandons it
 * (Kernel.abandonFifoOpen). A pipe's own inode (pipefs) opens as either
 * end at once, with or without the other.
 */
export function fifoOpen(k: Kernel, fifo: TmpFifo, path: string, flags: number): FifoEnd {
  const acc = flags & O_ACCMODE;
  // O_ACCMODE itself asks for neither end
  if (acc !== O_RDONLY && acc !== O_WRONLY && acc !== O_RDWR) throw new Errno(EINVAL);
  // the descriptor is taken before the file is opened (get_unused_fd_flags)
  if (k.current.files.lowestFree(0, k.fdLimit()) < 0) throw new Errno(EMFILE);
  const pipe = (fifo.pipe ??= new Pipe(fifo.ino));
  // an anonymous pipe opened again (through /proc/<pid>/fd) waits for no partner
  if (fifo instanceof PipefsInode) return new FifoEnd(fifo, path, acc !== O_WRONLY, acc !== O_RDONLY);
  if (acc === O_WRONLY && (flags & O_NONBLOCK) && pipe.readers === 0) {
    // a pipe made for this open alone goes with it
    if (pipe.writers === 0) fifo.pipe = undefined;
    throw new Errno(ENXIO);
  }
  const end = new FifoEnd(fifo, path, acc !== O_WRONLY, acc !== O_RDONLY);
  // wake_up_partner: opens waiting for this side look again
  k.wakeIo();
  if (acc === O_RDONLY && pipe.writers === 0) {
    // no hang-up reported until a writer has come
    if (flags & O_NONBLOCK) end.fPipe = pipe.wCounter;
    else waitForPartner(k, end, pipe.wCounter);
  }
  if (acc === O_WRONLY && pipe.readers === 0) waitForPartner(k, end, pipe.rCounter);
  return end;
}

/** wait_for_partner: the open sleeps until the other side's counter moves from `counter`. */
function waitForPartner(k: Kernel, end: FifoEnd, counter: number): never {
  k.current.fifoOpening = { end, counter };
  sleepOnIo(k);
}

/** The waiting open of a FIFO, run again: its end once the other side has opened, another sleep before. */
export function fifoOpenResumed(k: Kernel): FifoEnd {
  const t = k.current;
  const { end, counter } = t.fifoOpening!;
  if ((end.readable ? end.pipe.wCounter : end.pipe.rCounter) === counter) sleepOnIo(k);
  t.fifoOpening = undefined;
  return end;
}

function makePipe(k: Kernel, fds: bigint, flags: number): bigint {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE)) throw new Errno(EINVAL);
  if (flags & O_NOTIFICATION_PIPE) throw new Errno(EINVAL);
  const p = new Pipe(k.nextIno());
  const status = flags & (O_NONBLOCK | O_DIRECT);
  const rd = new OpenFile(new PipeEnd(p, true, false), O_RDONLY | status);
  const wr = new OpenFile(new PipeEnd(p, false, true), O_WRONLY | status);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const r = k.installFile(rd, cloexec);
  let w: number;
  try {
    w = k.installFile(wr, cloexec);
  } catch (err) {
    k.closeFd(r);
    throw err;
  }
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, r, true);
  dv.setInt32(4, w, true);
  try {
    copyToUser(k.mm, fds, out);
  } catch {
    // Linux makes the files first and installs them only after the copy succeeds
    k.closeFd(w);
    k.closeFd(r);
    throw new Errno(EFAULT);
  }
  return 0n;
}

export const pipeSyscalls: SyscallRow[] = [
  row(22, 'pipe', 'p', (k, a) => makePipe(k, a.u64(0), 0)),
  row(293, 'pipe2', 'px', (k, a) => makePipe(k, a.u64(0), a.i32(1))),
];

/** Bytes len at offset off of a user buffer (pipeWrite's reader for write(2)). */
export function userReader(k: Kernel, buf: bigint): (off: number, len: number) => Uint8Array {
  return (off, len) => copyFromUser(k.mm, buf + BigInt(off), len);
}
