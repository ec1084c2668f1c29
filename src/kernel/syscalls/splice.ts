/**
 * Moving bytes between descriptors inside the kernel: sendfile (from a
 * file to anything), copy_file_range (file to file), splice (into or out
 * of a pipe) and tee (pipe to pipe, leaving the source). The bytes go
 * through the same writes as write(2), so a full pipe sleeps and a
 * restarted call finds its source where it left it: a position or offset
 * moves only once the write has returned.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EAGAIN, EBADF, EINVAL, ESPIPE } from '../errno.js';
import { copyFromUser, copyToUser } from '../uaccess.js';
import { O_ACCMODE, O_APPEND, O_NONBLOCK, O_RDONLY, O_WRONLY, type OpenFile } from '../files.js';
import { DeviceStream, FileStream, TmpStream } from '../file_streams.js';
import { PipeEnd, type Pipe } from '../pipe.js';
import { readAt, writeAt, writeFrom } from './fs.js';
import { sleepOnIo } from './pipe.js';

const MAX_RW = 0x7ffff000;
const SPLICE_F_NONBLOCK = 2;
const SPLICE_F_ALL = 0xf;

const count = (n: bigint): number => (n > BigInt(MAX_RW) ? MAX_RW : Number(n));

function description(k: Kernel, fd: number, writing: boolean): OpenFile {
  const f = k.file(fd);
  if (!f || (f.flags & O_ACCMODE) === (writing ? O_RDONLY : O_WRONLY)) throw new Errno(EBADF);
  return f;
}

/** A 64-bit offset argument (null: none), EINVAL when negative. */
function offsetArg(k: Kernel, addr: bigint): bigint | undefined {
  if (addr === 0n) return undefined;
  const off = new DataView(copyFromUser(k.mm, addr, 8).buffer).getBigInt64(0, true);
  if (off < 0n) throw new Errno(EINVAL);
  return off;
}

function putOffset(k: Kernel, addr: bigint, off: bigint): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, off, true);
  copyToUser(k.mm, addr, b);
}

/** Whether f names a file whose bytes can be read at an offset (what sendfile and copy_file_range read from). */
const seekable = (f: OpenFile): boolean => f.stream instanceof FileStream || f.stream instanceof TmpStream || f.stream instanceof DeviceStream;

/** The position of a seekable stream (a device has none). */
function positionOf(f: OpenFile): number {
  const s = f.stream;
  return s instanceof FileStream || s instanceof TmpStream ? s.pos : 0;
}

function setPosition(f: OpenFile, pos: number): void {
  const s = f.stream;
  if (s instanceof FileStream || s instanceof TmpStream) s.pos = pos;
}

/** A reader over bytes already in hand (what writeFrom takes). */
const bytesReader = (data: Uint8Array) => (off: number, len: number): Uint8Array => data.subarray(off, off + len);

/** sendfile: up to n bytes of a file, from *offp (updated) or its position (moved), written to out as write(2) would. */
function sendfile(k: Kernel, outFd: number, inFd: number, offp: bigint, n: bigint): bigint {
  const inF = description(k, inFd, false);
  const outF = description(k, outFd, true);
  if (!seekable(inF)) throw new Errno(EINVAL);
  const off = offsetArg(k, offp);
  const from = off ?? BigInt(positionOf(inF));
  const data = readAt(k, inF, from, count(n));
  if (data.length === 0) return 0n;
  const done = writeFrom(k, outF, data.length, bytesReader(data));
  if (off !== undefined) putOffset(k, offp, off + done);
  else setPosition(inF, Number(from + done));
  return done;
}

/**
 * copy_file_range: up to n bytes from one regular file to another, each
 * at its offset (updated) or position (moved). Overlapping ranges of one
 * file are EINVAL; an O_APPEND destination is EBADF.
 */
function copyFileRange(k: Kernel, inFd: number, offIn: bigint, outFd: number, offOut: bigint, n: bigint, flags: number): bigint {
  if (flags !== 0) throw new Errno(EINVAL);
  const inF = description(k, inFd, false);
  const outF = description(k, outFd, true);
  if (outF.flags & O_APPEND) throw new Errno(EBADF);
  const regular = (f: OpenFile): boolean => f.stream instanceof FileStream || f.stream instanceof TmpStream;
  if (!regular(inF) || !(outF.stream instanceof TmpStream)) throw new Errno(EINVAL);
  const inOff = offsetArg(k, offIn);
  const outOff = offsetArg(k, offOut);
  const from = inOff ?? BigInt(positionOf(inF));
  const to = outOff ?? BigInt(positionOf(outF));
  const len = count(n);
  const sameFile = inF.stream instanceof TmpStream && inF.stream.file === outF.stream.file;
  if (sameFile && from < to + BigInt(len) && to < from + BigInt(len)) throw new Errno(EINVAL);
  if (len === 0) return 0n;
  const data = readAt(k, inF, from, len);
  if (data.length === 0) return 0n;
  const done = writeAt(k, outF, to, data.length, bytesReader(data));
  if (inOff !== undefined) putOffset(k, offIn, inOff + done);
  else setPosition(inF, Number(from + done));
  if (outOff !== undefined) putOffset(k, offOut, outOff + done);
  else setPosition(outF, Number(to + done));
  return done;
}

/**
 * The bytes waiting in a pipe, up to n, once there are some: 0 at end of
 * file, EAGAIN without sleeping for a non-blocking call, else the task
 * sleeps until a writer comes.
 */
function waitForBytes(k: Kernel, f: OpenFile, p: Pipe, n: number, nonblock: boolean): Uint8Array | undefined {
  if (p.size === 0) {
    if (p.writers === 0) return undefined;
    if (nonblock || (f.flags & O_NONBLOCK)) throw new Errno(EAGAIN);
    sleepOnIo(k);
  }
  return p.peek(n);
}

/** splice: up to n bytes out of a pipe, into one, or both; an offset is for the side that is not a pipe (ESPIPE otherwise). */
function splice(k: Kernel, inFd: number, offIn: bigint, outFd: number, offOut: bigint, n: bigint, flags: number): bigint {
  if (flags & ~SPLICE_F_ALL) throw new Errno(EINVAL);
  const inF = description(k, inFd, false);
  const outF = description(k, outFd, true);
  const inPipe = inF.stream instanceof PipeEnd ? inF.stream.pipe : undefined;
  const outPipe = outF.stream instanceof PipeEnd ? outF.stream.pipe : undefined;
  if (!inPipe && !outPipe) throw new Errno(EINVAL);
  if ((inPipe && offIn !== 0n) || (outPipe && offOut !== 0n)) throw new Errno(ESPIPE);
  if (inPipe && inPipe === outPipe) throw new Errno(EINVAL);
  const len = count(n);
  if (len === 0) return 0n;
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0;
  if (inPipe) {
    const data = waitForBytes(k, inF, inPipe, len, nonblock);
    if (!data) return 0n;
    const outOff = offsetArg(k, offOut);
    let done: bigint;
    if (outOff !== undefined) {
      done = writeAt(k, outF, outOff, data.length, bytesReader(data));
      putOffset(k, offOut, outOff + done);
    } else done = writeFrom(k, outF, data.length, bytesReader(data));
    // the bytes leave the pipe only once they are written
    inPipe.drop(Number(done));
    k.wakeIo();
    return done;
  }
  // from a file into a pipe
  if (!seekable(inF)) throw new Errno(EINVAL);
  const off = offsetArg(k, offIn);
  const from = off ?? BigInt(positionOf(inF));
  const data = readAt(k, inF, from, len);
  if (data.length === 0) return 0n;
  if (nonblock && outPipe!.isFull()) throw new Errno(EAGAIN);
  const done = writeFrom(k, outF, data.length, bytesReader(data));
  if (off !== undefined) putOffset(k, offIn, off + done);
  else setPosition(inF, Number(from + done));
  return done;
}

/** tee: up to n bytes of one pipe copied into another, left in the first. */
function tee(k: Kernel, inFd: number, outFd: number, n: bigint, flags: number): bigint {
  if (flags & ~SPLICE_F_ALL) throw new Errno(EINVAL);
  const inF = description(k, inFd, false);
  const outF = description(k, outFd, true);
  if (!(inF.stream instanceof PipeEnd) || !(outF.stream instanceof PipeEnd) || inF.stream.pipe === outF.stream.pipe) throw new Errno(EINVAL);
  const len = count(n);
  if (len === 0) return 0n;
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0;
  const data = waitForBytes(k, inF, inF.stream.pipe, len, nonblock);
  if (!data) return 0n;
  if (nonblock && outF.stream.pipe.isFull()) throw new Errno(EAGAIN);
  return writeFrom(k, outF, data.length, bytesReader(data));
}

export const spliceSyscalls: SyscallRow[] = [
  row(40, 'sendfile', 'ddpu', (k, a) => sendfile(k, a.i32(0), a.i32(1), a.u64(2), a.u64(3))),
  row(326, 'copy_file_range', 'dpdpux', (k, a) => copyFileRange(k, a.i32(0), a.u64(1), a.i32(2), a.u64(3), a.u64(4), a.u32(5))),
  row(275, 'splice', 'dpdpux', (k, a) => splice(k, a.i32(0), a.u64(1), a.i32(2), a.u64(3), a.u64(4), a.u32(5))),
  row(276, 'tee', 'ddux', (k, a) => tee(k, a.i32(0), a.i32(1), a.u64(2), a.u32(3))),
];
