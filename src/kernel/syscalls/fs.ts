/**
 * File-descriptor syscalls: read, write and their vector and offset forms
 * on every kind of stream (the machine's streams, pipes, the file tree's
 * files and devices, and the streams that read and write themselves),
 * lseek, ioctl, the fsync family, and the descriptor table's dup, dup2,
 * dup3, close, close_range and fcntl.
 */
import { Sock } from '../sock.js';
import { row, errnoResult, type SyscallRow } from './table.js';
import type { Kernel, Stream } from '../kernel.js';
import { DeviceStream, DirStream, FileStream, ProcStream, TmpStream, writeByPage } from '../file_streams.js';
import { F_ADD_SEALS, F_GET_SEALS, sealsFcntl } from './memfd.js';
import { Errno, EBADF, EINVAL, EISDIR, ENODEV, ENOSPC, ENOTTY, ENXIO, EPERM, EPIPE, ESPIPE, EFAULT, EOPNOTSUPP, EFBIG } from '../errno.js';
import { sendSignalTo } from '../signals.js';
import { killInfo } from '../signal_frame.js';
import { SIGPIPE } from '../signal_names.js';
import { SI_USER } from '../siginfo.js';
import { copyFromUser, copyToUser, writeU32 } from '../uaccess.js';
import { OpenFile, O_ACCMODE, O_APPEND, O_CLOEXEC, O_NONBLOCK, O_PATH, O_RDONLY, O_WRONLY } from '../files.js';
import { PipeEnd } from '../pipe.js';
import { MemStream } from '../proc_mem.js';
import { pipeRead, pipeWrite, userReader } from './pipe.js';
import { fcntlLock, F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW } from './locks.js';

const MAX_RW = 0x7ffff000;
const POSIX_FADV_NOREUSE = 5;
const FALLOC_FL_KEEP_SIZE = 1;
const FALLOC_FL_PUNCH_HOLE = 2;
/** The RWF_* flags preadv2 and pwritev2 know (hipri, dsync, sync, nowait, append, noappend, atomic, dontcache, nosignal). */
const RWF_SUPPORTED = 0x1ff;
const RWF_APPEND = 0x10;
/** The largest file a write or allocation may make (tmpfs's limit here: what a host array holds). */
const MAX_FILE = 1n << 32n;

/** A read or write count as Linux clamps it. */
const count = (n: bigint): number => (n > BigInt(MAX_RW) ? MAX_RW : Number(n));

/**
 * n bytes at most at offset off of what f names, its own position left
 * alone: a regular file or a device; ESPIPE for a pipe or stream, EISDIR
 * for a directory.
 */
export function readAt(k: Kernel, f: OpenFile, off: bigint, n: number): Uint8Array {
  const s = f.stream;
  // /proc/<pid>/mem: the offset is an address (pread64's loff_t as unsigned)
  if (s instanceof MemStream) return s.readAt(BigInt.asUintN(64, off), n);
  if (!(s instanceof FileStream) && !(s instanceof DeviceStream) && !(s instanceof TmpStream)) throw new Errno(s instanceof DirStream ? EISDIR : ESPIPE);
  if (off < 0n) throw new Errno(EINVAL);
  if (s instanceof DeviceStream) {
    // random and urandom: the machine's generator, so that a seed gives the same bytes
    return s.dev === 'random' || s.dev === 'urandom' ? k.randomBytes(Math.min(n, 1 << 20)) : s.read(n);
  }
  if (s instanceof TmpStream) {
    const got = s.file.read(off > 0xffffffffn ? 0xffffffff : Number(off), n);
    s.file.accessed(k.realtimeNs());
    return got;
  }
  const data = s.node.data;
  const at = off > BigInt(data.length) ? data.length : Number(off);
  return data.slice(at, Math.min(at + n, data.length));
}

/**
 * n bytes from `read` written at offset off of what f names, its own
 * position left alone (O_APPEND still appends, as Linux's pwrite does): a
 * file of the writable layer or a device; ESPIPE otherwise.
 */
export function writeAt(k: Kernel, f: OpenFile, off: bigint, n: number, read: (off: number, len: number) => Uint8Array): bigint {
  const s = f.stream;
  if (s instanceof DeviceStream) return writeFrom(k, f, n, read);
  if (s instanceof MemStream) return BigInt(s.writeFrom(BigInt.asUintN(64, off), n, read));
  if (!(s instanceof TmpStream) && !(s instanceof ProcStream)) throw new Errno(ESPIPE);
  if (off < 0n) throw new Errno(EINVAL);
  if (off + BigInt(n) > MAX_FILE) throw new Errno(EFBIG);
  const keep = s.pos;
  s.pos = Number(off);
  try {
    return s.sysWrite(k, f, n, read);
  } finally {
    s.pos = keep;
  }
}

/**
 * preadv and preadv2: the vectors filled from offset off; preadv2 with
 * offset -1 reads at the file's position and moves it, as readv does.
 */
function preadv(k: Kernel, fd: bigint, iov: bigint, cnt: bigint, off: bigint, flags: number | undefined): bigint {
  const f = readable(k, fd);
  if (flags !== undefined && (flags & ~RWF_SUPPORTED)) throw new Errno(EOPNOTSUPP);
  const vecs = iovecs(k, iov, cnt);
  if (flags !== undefined && off === -1n) return readv(k, fd, vecs);
  const got = readAt(k, f, off, iovTotal(vecs));
  scatter(k, vecs, got);
  return BigInt(got.length);
}

/** pwritev and pwritev2: the vectors written at offset off; pwritev2 with offset -1 (or RWF_APPEND) writes as writev does. */
function pwritev(k: Kernel, fd: bigint, iov: bigint, cnt: bigint, off: bigint, flags: number | undefined): bigint {
  const f = writable(k, fd);
  if (flags !== undefined && (flags & ~RWF_SUPPORTED)) throw new Errno(EOPNOTSUPP);
  const vecs = iovecs(k, iov, cnt);
  if (flags !== undefined && (off === -1n || (flags & RWF_APPEND))) {
    if (!(flags & RWF_APPEND)) return writev(k, fd, vecs);
    const keep = f.flags;
    f.flags |= O_APPEND;
    try {
      return writev(k, fd, vecs);
    } finally {
      f.flags = keep;
    }
  }
  return writeAt(k, f, off, iovTotal(vecs), iovReader(k, vecs));
}

/**
 * fallocate on a file of the writable layer: mode 0 makes the file at
 * least offset + len long; FALLOC_FL_KEEP_SIZE reserves nothing a memory
 * file needs; with FALLOC_FL_PUNCH_HOLE the range reads as zeros. The other
 * modes are tmpfs's EOPNOTSUPP.
 */
function fallocate(k: Kernel, fd: number, mode: number, off: bigint, len: bigint): bigint {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  if (off < 0n || len <= 0n) throw new Errno(EINVAL);
  if ((f.flags & O_ACCMODE) === O_RDONLY) throw new Errno(EBADF);
  const s = f.stream;
  if (s instanceof PipeEnd) throw new Errno(ESPIPE);
  if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) throw new Errno(EOPNOTSUPP);
  if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE)) throw new Errno(EOPNOTSUPP);
  if (!(s instanceof TmpStream)) throw new Errno(s instanceof DirStream ? EISDIR : ENODEV);
  const end = off + len;
  if (end > MAX_FILE) throw new Errno(EFBIG);
  const file = s.file;
  // memfd seals: no hole in a write-sealed file, no growth past a grow-sealed one's end
  if ((mode & FALLOC_FL_PUNCH_HOLE) ? !file.mayWrite(0, 0) : Number(end) > file.size && !file.mayResize(Number(end))) throw new Errno(EPERM);
  if (mode & FALLOC_FL_PUNCH_HOLE) {
    const from = Number(off);
    const to = Math.min(Number(end), file.size);
    if (to > from) file.write(from, new Uint8Array(to - from));
  } else if (!(mode & FALLOC_FL_KEEP_SIZE) && Number(end) > file.size) file.truncate(Number(end));
  file.modified(k.realtimeNs());
  return 0n;
}

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

function write(k: Kernel, fd: bigint, buf: bigint, n: bigint): bigint {
  return writeFrom(k, writable(k, fd), count(n), userReader(k, buf));
}

/**
 * n bytes from `read` (which copies `len` bytes at an offset of the
 * source, throwing EFAULT on a fault) written to whatever f names, at its
 * position: what write(2) does once it has the description.
 */
export function writeFrom(k: Kernel, f: OpenFile, n: number, read: (off: number, len: number) => Uint8Array): bigint {
  const s = f.stream;
  if (s instanceof PipeEnd) return pipeWrite(k, f, s.pipe, n, read);
  if (s.sysWrite) return s.sysWrite(k, f, n, read);
  if (!s.write) throw new Errno(EINVAL);
  if (s instanceof DeviceStream && s.dev === 'full' && n > 0) throw new Errno(ENOSPC);
  try {
    return BigInt(writeByPage(s.write.bind(s), n, read));
  } catch (err) {
    throw brokenPipe(k, err);
  }
}

/**
 * A write the host's pipe refused, its reader gone (the machine's stdout
 * piped to a program that exited): SIGPIPE, as pipe_write raises it, with
 * the EPIPE the call fails with if the signal is ignored or handled.
 */
function brokenPipe(k: Kernel, err: unknown): unknown {
  if (err instanceof Errno && err.errno === EPIPE) {
    const t = k.current;
    sendSignalTo(t, SIGPIPE, killInfo(SIGPIPE, SI_USER, t.tgid, 0));
  }
  return err;
}

function read(k: Kernel, fd: bigint, buf: bigint, len: bigint): bigint {
  const f = readable(k, fd);
  const n = count(len);
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
    if (!k.fileRaw(fd)) return errnoResult(EBADF);
    k.closeFd(Number(fd));
    return 0n;
  }),
  row(436, 'close_range', 'uux', (k, a) => {
    const first = a.u32(0);
    const last = a.u32(1);
    const flags = a.u32(2);
    if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) throw new Errno(EINVAL);
    if (first > last) throw new Errno(EINVAL);
    // a table shared with threads is copied first, the range then closed in the copy only
    if (flags & CLOSE_RANGE_UNSHARE) k.unshareFiles(k.current);
    const files = k.current.files;
    for (const fd of files.fds()) {
      if (fd < first || fd > last) continue;
      if (flags & CLOSE_RANGE_CLOEXEC) files.setCloseOnExec(fd, true);
      else k.closeFd(fd);
    }
    return 0n;
  }),
  row(32, 'dup', 'd', (k, a) => {
    const f = k.fileRaw(a.u32(0));
    if (!f) throw new Errno(EBADF);
    return BigInt(k.installFile(f));
  }),
  row(33, 'dup2', 'dd', (k, a) => {
    const oldfd = a.u32(0);
    const newfd = a.u32(1);
    const f = k.fileRaw(oldfd);
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
    const f = k.fileRaw(oldfd);
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
  // the offset forms leave the file's own position alone
  row(18, 'pwrite64', 'dbul', (k, a) => {
    const f = writable(k, a.u64(0));
    return writeAt(k, f, BigInt.asIntN(64, a.u64(3)), count(a.u64(2)), userReader(k, a.u64(1)));
  }),
  row(17, 'pread64', 'dpul', (k, a) => {
    const f = readable(k, a.u64(0));
    const got = readAt(k, f, BigInt.asIntN(64, a.u64(3)), count(a.u64(2)));
    if (got.length > 0) copyToUser(k.mm, a.u64(1), got);
    return BigInt(got.length);
  }),
  row(295, 'preadv', 'dpdl', (k, a) => preadv(k, a.u64(0), a.u64(1), a.u64(2), BigInt.asIntN(64, a.u64(3)), undefined)),
  row(296, 'pwritev', 'dpdl', (k, a) => pwritev(k, a.u64(0), a.u64(1), a.u64(2), BigInt.asIntN(64, a.u64(3)), undefined)),
  row(327, 'preadv2', 'dpdlxx', (k, a) => preadv(k, a.u64(0), a.u64(1), a.u64(2), BigInt.asIntN(64, a.u64(3)), a.u32(5))),
  row(328, 'pwritev2', 'dpdlxx', (k, a) => pwritev(k, a.u64(0), a.u64(1), a.u64(2), BigInt.asIntN(64, a.u64(3)), a.u32(5))),
  row(285, 'fallocate', 'ddll', (k, a) => fallocate(k, a.i32(0), a.i32(1), BigInt.asIntN(64, a.u64(2)), BigInt.asIntN(64, a.u64(3)))),
  row(221, 'fadvise64', 'dlld', (k, a) => {
    const f = k.file(a.i32(0));
    if (!f) throw new Errno(EBADF);
    if (f.stream instanceof PipeEnd) throw new Errno(ESPIPE);
    // nothing is cached to advise about; the arguments are checked as Linux checks them
    if (BigInt.asIntN(64, a.u64(2)) < 0n || a.u32(3) > POSIX_FADV_NOREUSE) throw new Errno(EINVAL);
    return 0n;
  }),
  row(187, 'readahead', 'dlu', (k, a) => {
    const f = k.file(a.i32(0));
    if (!f || (f.flags & O_ACCMODE) === O_WRONLY) throw new Errno(EBADF);
    if (!(f.stream instanceof FileStream) && !(f.stream instanceof TmpStream)) throw new Errno(EINVAL);
    return 0n;
  }),
  row(16, 'ioctl', 'dxp', (k, a) => {
    const f = k.file(a.u64(0));
    if (!f) throw new Errno(EBADF);
    // FIONREAD on a pipe: the bytes waiting in it
    if (a.u32(1) === FIONREAD && f.stream instanceof PipeEnd) {
      writeU32(k.mm, a.u64(2), f.stream.pipe.size);
      return 0n;
    }
    // FIONREAD (SIOCINQ) on a socket: a stream's bytes waiting, a datagram socket's next message's size
    if (a.u32(1) === FIONREAD && f.stream instanceof Sock) {
      if (f.stream.listening) throw new Errno(EINVAL);
      writeU32(k.mm, a.u64(2), f.stream.inq());
      return 0n;
    }
    // no terminals in the machine: every stream answers as a pipe or file does
    return errnoResult(ENOTTY);
  }),
  row(19, 'readv', 'dpd', (k, a) => readv(k, a.u64(0), iovecs(k, a.u64(1), a.u64(2)))),
  row(20, 'writev', 'dpd', (k, a) => writev(k, a.u64(0), iovecs(k, a.u64(1), a.u64(2)))),
];

function readv(k: Kernel, fd: bigint, vecs: [bigint, bigint][]): bigint {
  let total = 0n;
  const s = k.fd(fd);
  // a stream that reads itself: one read of all the vectors' room, scattered over them
  if (s?.sysRead) {
    const got = s.sysRead(k, readable(k, fd), iovTotal(vecs));
    scatter(k, vecs, got);
    return BigInt(got.length);
  }
  for (const [base, len] of vecs) {
    // a pipe read sleeps only while nothing is read: once some is, an empty pipe ends the call
    if (total > 0n && s instanceof PipeEnd && s.pipe.size === 0) break;
    const got = read(k, fd, base, len);
    total += got;
    if (got < len) break;
  }
  return total;
}

function writev(k: Kernel, fd: bigint, vecs: [bigint, bigint][]): bigint {
  const file = writable(k, fd);
  // one write of all the vectors' bytes, as Linux's pipe_write takes an iov_iter
  if (file.stream instanceof PipeEnd || file.stream.sysWrite) return writeFrom(k, file, iovTotal(vecs), iovReader(k, vecs));
  const f = file.stream;
  if (!f.write) throw new Errno(EINVAL);
  let total = 0;
  for (const [base, len] of vecs) {
    if (len === 0n) continue;
    const want = Math.min(count(len), MAX_RW - total);
    let got: number;
    try {
      got = writeByPage(f.write.bind(f), want, userReader(k, base));
    } catch (err) {
      if (err instanceof Errno && total > 0) break;
      throw brokenPipe(k, err);
    }
    total += got;
    if (got < want || total >= MAX_RW) break;
  }
  return BigInt(total);
}

const CLOSE_RANGE_UNSHARE = 1 << 1;
const CLOSE_RANGE_CLOEXEC = 1 << 2;
const FIONREAD = 0x541b;
const F_DUPFD = 0;
const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const F_DUPFD_CLOEXEC = 1030;
const F_GETPIPE_SZ = 1032;
const FD_CLOEXEC = 1;
const PATH_FCNTL = [F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL];
/** The status flags F_SETFL changes (of those this kernel keeps). */
const SETFL_MASK = O_APPEND | O_NONBLOCK;

/** dup2 and dup3: newfd (below the descriptor limit) names f, whatever it named closed first. */
function dupTo(k: Kernel, f: OpenFile, newfd: number, cloexec: boolean): number {
  if (newfd >= k.fdLimit()) throw new Errno(EBADF);
  const old = k.fileRaw(newfd);
  k.current.files.set(newfd, f, cloexec);
  if (old && old.refs === 0 && old.stream instanceof PipeEnd) k.wakeIo();
  return newfd;
}

function fcntl(k: Kernel, fd: number, cmd: number, arg: bigint): bigint {
  const f = k.fileRaw(fd);
  // an O_PATH descriptor takes only the commands about the descriptor itself (check_fcntl_cmd)
  if (!f || ((f.flags & O_PATH) && !PATH_FCNTL.includes(cmd))) throw new Errno(EBADF);
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
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
      return fcntlLock(k, f, cmd, arg);
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
  if (s instanceof MemStream) return s.seek(offset, whence);
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
