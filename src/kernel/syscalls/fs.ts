/**
 * File-descriptor syscalls: read, write and their vector and offset forms
 * on every kind of stream (the machine's streams, pipes, the file tree's
 * files and devices, and the streams that read and write themselves),
 * lseek, ioctl, the fsync family, and the descriptor table's dup, dup2,
 * dup3, close and fcntl.
 */
import { row, errnoResult, type SyscallRow } from './table.js';
import type { Kernel, Stream } from '../kernel.js';
import { DeviceStream, DirStream, FileStream, TmpStream } from '../file_streams.js';
import { F_ADD_SEALS, F_GET_SEALS, sealsFcntl } from './memfd.js';
import { Errno, EBADF, EINVAL, EISDIR, ENOSPC, ENOTTY, ENXIO, ESPIPE, EFAULT } from '../errno.js';
import { copyFromUser, copyToUser, writeU32 } from '../uaccess.js';
import { OpenFile, O_ACCMODE, O_APPEND, O_CLOEXEC, O_NONBLOCK, O_RDONLY, O_WRONLY } from '../files.js';
import { PipeEnd } from '../pipe.js';
import { pipeRead, pipeWrite, userReader } from './pipe.js';

const MAX_RW = 0x7ffff000;

/** The description fd names, if it was opened for reading (EBADF otherwise). */
function readable(k: Kernel, fd: bigint): OpenFile {
  const f = k.file(fd);
  if (!f || (f.flags & O_ACCMODE) === O_WRONLY) throw new Errno(EBADF);
  return f;
}

/** The description fd names, if it was opened for writing (EBADF otherwise). */
function writable(k: Kernel, fd: bigint): OpenFile {
  const f = k.file(fd);
  if (!f || (f.flags & O_ACCMODE) === O_RDONLY) throw new Errno(EBADF);
  return f;
}

function write(k: Kernel, fd: bigint, buf: bigint, count: bigint): bigint {
  const f = writable(k, fd);
  const n = count > BigInt(MAX_RW) ? MAX_RW : Number(count);
  const s = f.stream;
  if (s instanceof PipeEnd) return pipeWrite(k, f, s.pipe, n, userReader(k, buf));
  if (s.sysWrite) return s.sysWrite(k, f, n, userReader(k, buf));
  if (!s.write) throw new Errno(EINVAL);
  if (s instanceof DeviceStream && s.dev === 'full' && n > 0) throw new Errno(ENOSPC);
  return BigInt(writeOut(k, s.write.bind(s), buf, n));
}

/**
 * Copies n bytes from user memory to a stream the way a pipe takes them:
 * one page of data at a time; a copy that faults part-way through a page
 * ends the write, with the bytes of the pages already taken, or EFAULT when
 * there are none (Linux: fs/pipe.c, pipe_write). A huge count never becomes
 * a huge host buffer.
 */
function writeOut(k: Kernel, write: (d: Uint8Array) => void, buf: bigint, n: number): number {
  let done = 0;
  while (done < n) {
    const len = Math.min(4096, n - done);
    let data: Uint8Array;
    try {
      data = copyFromUser(k.mm, buf + BigInt(done), len);
    } catch (err) {
      if (err instanceof Errno && done > 0) return done;
      throw err;
    }
    write(data);
    done += len;
  }
  return done;
}

function read(k: Kernel, fd: bigint, buf: bigint, count: bigint): bigint {
  const f = readable(k, fd);
  const n = count > BigInt(MAX_RW) ? MAX_RW : Number(count);
  const s = f.stream;
  if (s instanceof PipeEnd) return pipeRead(k, f, s.pipe, buf, n);
  if (s.sysRead) {
    const got = s.sysRead(k, f, n);
    if (got.length > 0) copyToUser(k.mm, buf, got);
    return BigInt(got.length);
  }
  if (!s.read) throw new Errno(EINVAL);
  if (n === 0) return 0n;
  // random and urandom: the machine's generator, so that a seed gives the same bytes
  const data = s instanceof DeviceStream && (s.dev === 'random' || s.dev === 'urandom') ? k.randomBytes(Math.min(n, 1 << 20)) : s.read(n);
  if (data.length > 0) copyToUser(k.mm, buf, data);
  return BigInt(data.length);
}

export function iovecs(k: Kernel, iov: bigint, cnt: bigint): [bigint, bigint][] {
  if (cnt < 0n || cnt > 1024n) throw new Errno(EINVAL);
  const n = Number(cnt);
  if (n === 0) return [];
  const raw = copyFromUser(k.mm, iov, n * 16);
  const dv = new DataView(raw.buffer);
  const out: [bigint, bigint][] = [];
  for (let i = 0; i < n; i++) {
    const len = dv.getBigUint64(i * 16 + 8, true);
    if (BigInt.asIntN(64, len) < 0n) throw new Errno(EINVAL);
    out.push([dv.getBigUint64(i * 16, true), len]);
  }
  return out;
}

export const fsSyscalls: SyscallRow[] = [
  row(0, 'read', 'dpu', (k, a) => read(k, a.u64(0), a.u64(1), a.u64(2))),
  row(1, 'write', 'dbu', (k, a) => write(k, a.u64(0), a.u64(1), a.u64(2))),
  row(3, 'close', 'd', (k, a) => {
    const fd = a.u64(0);
    if (!k.fd(fd)) return errnoResult(EBADF);
    k.closeFd(Number(fd));
    return 0n;
  }),
  row(32, 'dup', 'd', (k, a) => {
    const f = k.file(a.u32(0));
    if (!f) throw new Errno(EBADF);
    return BigInt(k.installFile(f));
  }),
  row(33, 'dup2', 'dd', (k, a) => {
    const oldfd = a.u32(0);
    const newfd = a.u32(1);
    const f = k.file(oldfd);
    if (!f) throw new Errno(EBADF);
    if (oldfd === newfd) return BigInt(newfd);
    return BigInt(dupTo(k, f, newfd, false));
  }),
  row(292, 'dup3', 'ddx', (k, a) => {
    const oldfd = a.u32(0);
    const newfd = a.u32(1);
    const flags = a.i32(2);
    if (flags & ~O_CLOEXEC) throw new Errno(EINVAL);
    if (oldfd === newfd) throw new Errno(EINVAL);
    const f = k.file(oldfd);
    if (!f) throw new Errno(EBADF);
    return BigInt(dupTo(k, f, newfd, (flags & O_CLOEXEC) !== 0));
  }),
  row(72, 'fcntl', 'ddx', (k, a) => fcntl(k, a.u32(0), a.u32(1), a.u64(2))),
  // nothing is buffered for a disk: syncing succeeds on files, devices and directories; a pipe has no fsync
  row(74, 'fsync', 'd', (k, a) => syncFd(k, a.i32(0))),
  row(75, 'fdatasync', 'd', (k, a) => syncFd(k, a.i32(0))),
  row(162, 'sync', '', () => 0n),
  row(306, 'syncfs', 'd', (k, a) => {
    if (!k.file(a.i32(0))) throw new Errno(EBADF);
    return 0n;
  }),
  row(8, 'lseek', 'dld', (k, a) => {
    const s = k.fd(a.u64(0));
    if (!s) throw new Errno(EBADF);
    const whence = a.u32(2);
    // Linux refuses an unknown whence before it asks the file
    if (whence > 4) throw new Errno(EINVAL); // SEEK_MAX is SEEK_HOLE
    return seek(s, a.u64(1), whence);
  }),
  // pwrite64: at an offset, leaving the file's own alone (only tmpfs files take writes at one)
  row(18, 'pwrite64', 'dbul', (k, a) => {
    const s = k.fd(a.u64(0));
    const f = writable(k, a.u64(0));
    const off = BigInt.asIntN(64, a.u64(3));
    if (!(s instanceof TmpStream)) {
      if (s instanceof DeviceStream) return write(k, a.u64(0), a.u64(1), a.u64(2));
      throw new Errno(ESPIPE);
    }
    if (off < 0n) throw new Errno(EINVAL);
    const keep = s.pos;
    s.pos = Number(off);
    try {
      // O_APPEND still appends, as Linux's pwrite does
      return s.sysWrite(k, f, a.u64(2) > BigInt(MAX_RW) ? MAX_RW : Number(a.u64(2)), userReader(k, a.u64(1)));
    } finally {
      s.pos = keep;
    }
  }),
  row(17, 'pread64', 'dpul', (k, a) => {
    const s = k.fd(a.u64(0));
    readable(k, a.u64(0));
    const off = BigInt.asIntN(64, a.u64(3));
    if (!(s instanceof FileStream) && !(s instanceof DeviceStream) && !(s instanceof TmpStream)) throw new Errno(s instanceof DirStream ? EISDIR : ESPIPE);
    if (off < 0n) throw new Errno(EINVAL);
    const n = a.u64(2) > BigInt(MAX_RW) ? MAX_RW : Number(a.u64(2));
    if (s instanceof DeviceStream) return read(k, a.u64(0), a.u64(1), BigInt(n));
    if (s instanceof TmpStream) {
      const got = s.file.read(off > 0xffffffffn ? 0xffffffff : Number(off), n);
      if (got.length > 0) copyToUser(k.mm, a.u64(1), got);
      return BigInt(got.length);
    }
    const data = s.node.data;
    const at = off > BigInt(data.length) ? data.length : Number(off);
    const part = data.subarray(at, Math.min(at + n, data.length));
    if (part.length > 0) copyToUser(k.mm, a.u64(1), part);
    return BigInt(part.length);
  }),
  row(16, 'ioctl', 'dxp', (k, a) => {
    const f = k.file(a.u64(0));
    if (!f) throw new Errno(EBADF);
    // FIONREAD on a pipe: the bytes waiting in it
    if (a.u32(1) === FIONREAD && f.stream instanceof PipeEnd) {
      writeU32(k.mm, a.u64(2), f.stream.pipe.size);
      return 0n;
    }
    // no terminals in the machine: every stream answers as a pipe or file does
    return errnoResult(ENOTTY);
  }),
  row(19, 'readv', 'dpd', (k, a) => {
    let total = 0n;
    const s = k.fd(a.u64(0));
    // a stream that reads itself: one read of all the vectors' room, scattered over them
    if (s?.sysRead) {
      const vecs = iovecs(k, a.u64(1), a.u64(2));
      const got = s.sysRead(k, readable(k, a.u64(0)), iovTotal(vecs));
      scatter(k, vecs, got);
      return BigInt(got.length);
    }
    for (const [base, len] of iovecs(k, a.u64(1), a.u64(2))) {
      // a pipe read sleeps only while nothing is read: once some is, an empty pipe ends the call
      if (total > 0n && s instanceof PipeEnd && s.pipe.size === 0) break;
      const got = read(k, a.u64(0), base, len);
      total += got;
      if (got < len) break;
    }
    return total;
  }),
  row(20, 'writev', 'dpd', (k, a) => {
    const file = writable(k, a.u64(0));
    const vecs = iovecs(k, a.u64(1), a.u64(2));
    // one write of all the vectors' bytes, as Linux's pipe_write takes an iov_iter
    if (file.stream instanceof PipeEnd) return pipeWrite(k, file, file.stream.pipe, iovTotal(vecs), iovReader(k, vecs));
    if (file.stream.sysWrite) return file.stream.sysWrite(k, file, iovTotal(vecs), iovReader(k, vecs));
    const f = file.stream;
    if (!f.write) throw new Errno(EINVAL);
    let total = 0;
    for (const [base, len] of vecs) {
      if (len === 0n) continue;
      const want = Math.min(Number(len > BigInt(MAX_RW) ? BigInt(MAX_RW) : len), MAX_RW - total);
      let got: number;
      try {
        got = writeOut(k, f.write.bind(f), base, want);
      } catch (err) {
        if (err instanceof Errno && total > 0) break;
        throw err;
      }
      total += got;
      if (got < want || total >= MAX_RW) break;
    }
    return BigInt(total);
  }),
];

const FIONREAD = 0x541b;
const F_DUPFD = 0;
const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const F_DUPFD_CLOEXEC = 1030;
const F_GETPIPE_SZ = 1032;
const FD_CLOEXEC = 1;
/** The status flags F_SETFL changes (of those this kernel keeps). */
const SETFL_MASK = O_APPEND | O_NONBLOCK;

/** dup2 and dup3: newfd (below the descriptor limit) names f, whatever it named closed first. */
function dupTo(k: Kernel, f: OpenFile, newfd: number, cloexec: boolean): number {
  if (newfd >= k.fdLimit()) throw new Errno(EBADF);
  const old = k.file(newfd);
  k.current.files.set(newfd, f, cloexec);
  if (old && old.refs === 0 && old.stream instanceof PipeEnd) k.wakeIo();
  return newfd;
}

function fcntl(k: Kernel, fd: number, cmd: number, arg: bigint): bigint {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const min = BigInt.asUintN(32, arg);
      if (min >= BigInt(k.fdLimit())) throw new Errno(EINVAL);
      return BigInt(k.installFile(f, cmd === F_DUPFD_CLOEXEC, Number(min)));
    }
    case F_GETFD:
      return k.current.files.closeOnExecOf(fd) ? BigInt(FD_CLOEXEC) : 0n;
    case F_SETFD:
      k.current.files.setCloseOnExec(fd, (Number(arg & 1n) & FD_CLOEXEC) !== 0);
      return 0n;
    case F_GETFL:
      return BigInt(f.flags);
    case F_SETFL:
      f.flags = (f.flags & ~SETFL_MASK) | (Number(BigInt.asUintN(32, arg)) & SETFL_MASK);
      return 0n;
    case F_ADD_SEALS:
    case F_GET_SEALS:
      return sealsFcntl(f, cmd, Number(BigInt.asUintN(32, arg)));
    case F_GETPIPE_SZ:
      if (!(f.stream instanceof PipeEnd)) throw new Errno(EBADF);
      return 65536n;
    default:
      throw new Errno(EINVAL);
  }
}

export function iovTotal(vecs: [bigint, bigint][]): number {
  let n = 0n;
  for (const [, len] of vecs) n += len;
  return n > BigInt(MAX_RW) ? MAX_RW : Number(n);
}

/** pipeWrite's reader over an iovec array: bytes [off, off + len) of their concatenation. */
export function iovReader(k: Kernel, vecs: [bigint, bigint][]): (off: number, len: number) => Uint8Array {
  return (off, len) => {
    const out = new Uint8Array(len);
    let at = 0;
    let skip = off;
    for (const [base, l] of vecs) {
      if (at === len) break;
      const vl = Number(l);
      if (skip >= vl) {
        skip -= vl;
        continue;
      }
      const take = Math.min(vl - skip, len - at);
      out.set(copyFromUser(k.mm, base + BigInt(skip), take), at);
      at += take;
      skip = 0;
    }
    if (at < len) throw new Errno(EFAULT);
    return out;
  };
}

const SEEK_SET = 0;
const SEEK_CUR = 1;
const SEEK_END = 2;
const SEEK_DATA = 3;

/** lseek on a stream: files move their offset; devices stay at 0; pipes and the machine's streams cannot seek. */
function seek(s: Stream, offset: bigint, whence: number): bigint {
  if (s instanceof DeviceStream) return 0n;
  if (s instanceof DirStream) {
    // a directory rewinds (or moves to an entry index, which is its offset here)
    if (whence !== SEEK_SET || BigInt.asIntN(64, offset) < 0n) throw new Errno(EINVAL);
    s.pos = Number(offset > 0x7fffffffn ? 0x7fffffffn : offset);
    return offset;
  }
  if (!(s instanceof FileStream) && !(s instanceof TmpStream)) throw new Errno(ESPIPE);
  const size = BigInt(s instanceof FileStream ? s.node.data.length : s.file.size);
  const off = BigInt.asIntN(64, offset);
  let pos: bigint;
  if (whence === SEEK_SET) pos = off;
  else if (whence === SEEK_CUR) pos = BigInt(s.pos) + off;
  else if (whence === SEEK_END) pos = size + off;
  else {
    // SEEK_DATA: the offset itself while inside the file; SEEK_HOLE: the end (a file has no holes)
    if (off < 0n || off >= size) throw new Errno(ENXIO);
    pos = whence === SEEK_DATA ? off : size;
  }
  if (pos < 0n) throw new Errno(EINVAL);
  s.pos = pos > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(pos);
  return pos;
}

function syncFd(k: Kernel, fd: number): bigint {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  const s = f.stream;
  if (s instanceof FileStream || s instanceof DirStream || s instanceof DeviceStream || s instanceof TmpStream) return 0n;
  throw new Errno(EINVAL);
}

/** Copies data over the iovecs in order, as far as it goes. */
export function scatter(k: Kernel, vecs: [bigint, bigint][], data: Uint8Array): void {
  let at = 0;
  for (const [base, len] of vecs) {
    if (at >= data.length) break;
    const take = Math.min(Number(len), data.length - at);
    if (take > 0) copyToUser(k.mm, base, data.subarray(at, at + take));
    at += take;
  }
}
