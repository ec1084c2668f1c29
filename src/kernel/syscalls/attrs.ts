/**
 * Changing a file's attributes: chmod, fchmod, fchmodat and fchmodat2;
 * chown, fchown, lchown and fchownat; utime, utimes, futimesat and
 * utimensat. The process is root, so every change is allowed (but in
 * /proc); a given file or directory gets attributes of its own in the
 * writable layer (src/kernel/syscalls/paths.ts, attrsToChange), and each
 * change stamps the inode's ctime.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EBADF, EFAULT, EINVAL, ENOENT, EOPNOTSUPP } from '../errno.js';
import { copyFromUser } from '../uaccess.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, attrsToChange, fdNode, lookup, pathArg } from './paths.js';
import type { Node } from '../vfs.js';

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_IXGRP = 0o010;
const UTIME_NOW = (1 << 30) - 1;
const UTIME_OMIT = (1 << 30) - 2;

/** The node a *at call names: dirfd itself for an empty path with AT_EMPTY_PATH. */
function nodeAt(k: Kernel, dirfd: number, pathAddr: bigint, flags: number): Node {
  const path = pathAddr === 0n && (flags & AT_EMPTY_PATH) ? '' : pathArg(k, pathAddr);
  if (path === '') {
    if (!(flags & AT_EMPTY_PATH)) throw new Errno(ENOENT);
    if (dirfd === AT_FDCWD) return lookup(k, AT_FDCWD, '.', true);
    // a location, so an O_PATH descriptor names one too
    const n = fdNode(k, dirfd);
    if (!n) throw new Errno(EOPNOTSUPP);
    return n;
  }
  return lookup(k, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0);
}

/** The node behind a descriptor, for fchmod, fchown and futimens: a pipe or socket has attributes Linux keeps in memory only, which the machine does not. */
function fdTarget(k: Kernel, fd: number): Node {
  // fchmod, fchown and futimens use the file: an O_PATH descriptor is EBADF
  if (!k.file(fd)) throw new Errno(EBADF);
  const n = fdNode(k, fd);
  if (!n) {
    if (!k.file(fd)) throw new Errno(EBADF);
    throw new Errno(EOPNOTSUPP);
  }
  return n;
}

function chmod(k: Kernel, node: Node, mode: number): bigint {
  // a symbolic link's own mode cannot change (fchmodat2 with AT_SYMLINK_NOFOLLOW)
  if (node.kind === 'link') throw new Errno(EOPNOTSUPP);
  const a = attrsToChange(k, node);
  a.mode = mode & 0o7777;
  a.ctime = k.realtimeNs();
  return 0n;
}

/**
 * chown: -1 keeps an id. A regular file loses its set-user-id bit, and its
 * set-group-id bit when group-executable (without it the bit marks
 * mandatory locking and stays), even for root (notify_change's
 * ATTR_KILL_SUID / ATTR_KILL_SGID).
 */
function chown(k: Kernel, node: Node, uid: number, gid: number): bigint {
  const a = attrsToChange(k, node);
  if (uid !== -1) a.uid = uid >>> 0;
  if (gid !== -1) a.gid = gid >>> 0;
  if (node.kind === 'tmp' || node.kind === 'file') {
    a.mode &= ~S_ISUID;
    if (a.mode & S_IXGRP) a.mode &= ~S_ISGID;
  }
  a.ctime = k.realtimeNs();
  return 0n;
}

/** A time given as (seconds, nanoseconds) or UTIME_NOW / UTIME_OMIT, as ns since the epoch or undefined for omit. */
function timeArg(k: Kernel, sec: bigint, nsec: bigint): bigint | undefined {
  if (nsec === BigInt(UTIME_OMIT)) return undefined;
  if (nsec === BigInt(UTIME_NOW)) return k.realtimeNs();
  if (nsec < 0n || nsec >= 1_000_000_000n) throw new Errno(EINVAL);
  return sec * 1_000_000_000n + nsec;
}

/**
 * Sets atime and mtime (undefined: leave it; null times: both now), and
 * ctime to now unless both are left (utimensat's rule).
 */
function setTimes(k: Kernel, node: Node, atime: bigint | undefined, mtime: bigint | undefined): bigint {
  if (atime === undefined && mtime === undefined) return 0n;
  const a = attrsToChange(k, node);
  if (atime !== undefined) a.atime = atime;
  if (mtime !== undefined) a.mtime = mtime;
  a.ctime = k.realtimeNs();
  return 0n;
}

/** Two struct timespec (utimensat) or struct timeval (utimes) at addr, each as ns or undefined; both now for a null pointer. */
function readTimes(k: Kernel, addr: bigint, timeval: boolean): [bigint | undefined, bigint | undefined] {
  if (addr === 0n) {
    const now = k.realtimeNs();
    return [now, now];
  }
  const dv = new DataView(copyFromUser(k.mm, addr, 32).buffer);
  const pair = (at: number): bigint | undefined => {
    const sec = dv.getBigInt64(at, true);
    const frac = dv.getBigInt64(at + 8, true);
    if (!timeval) return timeArg(k, sec, frac);
    if (frac < 0n || frac >= 1_000_000n) throw new Errno(EINVAL);
    return sec * 1_000_000_000n + frac * 1000n;
  };
  return [pair(0), pair(16)];
}

function utimensat(k: Kernel, dirfd: number, pathAddr: bigint, times: bigint, flags: number): bigint {
  const [atime, mtime] = readTimes(k, times, false);
  // both left as they are: nothing to do, not even a look at the path or the flags
  if (times !== 0n && atime === undefined && mtime === undefined) return 0n;
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) throw new Errno(EINVAL);
  // a null path is futimens, on the descriptor itself (with AT_FDCWD it names nothing: EFAULT)
  if (pathAddr === 0n && dirfd === AT_FDCWD) throw new Errno(EFAULT);
  const node = pathAddr === 0n ? fdTarget(k, dirfd) : nodeAt(k, dirfd, pathAddr, flags);
  return setTimes(k, node, atime, mtime);
}

export const attrSyscalls: SyscallRow[] = [
  row(90, 'chmod', 'so', (k, a) => chmod(k, lookup(k, AT_FDCWD, pathArg(k, a.u64(0)), true), a.u32(1))),
  row(91, 'fchmod', 'do', (k, a) => chmod(k, fdTarget(k, a.i32(0)), a.u32(1))),
  row(268, 'fchmodat', 'dso', (k, a) => chmod(k, lookup(k, a.i32(0), pathArg(k, a.u64(1)), true), a.u32(2))),
  row(452, 'fchmodat2', 'dsox', (k, a) => {
    const flags = a.i32(3);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) throw new Errno(EINVAL);
    return chmod(k, nodeAt(k, a.i32(0), a.u64(1), flags), a.u32(2));
  }),
  row(92, 'chown', 'sdd', (k, a) => chown(k, lookup(k, AT_FDCWD, pathArg(k, a.u64(0)), true), a.i32(1), a.i32(2))),
  row(94, 'lchown', 'sdd', (k, a) => chown(k, lookup(k, AT_FDCWD, pathArg(k, a.u64(0)), false), a.i32(1), a.i32(2))),
  row(93, 'fchown', 'ddd', (k, a) => chown(k, fdTarget(k, a.i32(0)), a.i32(1), a.i32(2))),
  row(260, 'fchownat', 'dsddx', (k, a) => {
    const flags = a.i32(4);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) throw new Errno(EINVAL);
    return chown(k, nodeAt(k, a.i32(0), a.u64(1), flags), a.i32(2), a.i32(3));
  }),
  row(280, 'utimensat', 'dspx', (k, a) => utimensat(k, a.i32(0), a.u64(1), a.u64(2), a.i32(3))),
  row(235, 'utimes', 'sp', (k, a) => {
    const [atime, mtime] = readTimes(k, a.u64(1), true);
    return setTimes(k, lookup(k, AT_FDCWD, pathArg(k, a.u64(0)), true), atime, mtime);
  }),
  row(261, 'futimesat', 'dsp', (k, a) => {
    const [atime, mtime] = readTimes(k, a.u64(2), true);
    return setTimes(k, lookup(k, a.i32(0), pathArg(k, a.u64(1)), true), atime, mtime);
  }),
  row(132, 'utime', 'sp', (k, a) => {
    // struct utimbuf: actime and modtime in whole seconds
    let times: [bigint | undefined, bigint | undefined];
    if (a.u64(1) === 0n) times = readTimes(k, 0n, false);
    else {
      const dv = new DataView(copyFromUser(k.mm, a.u64(1), 16).buffer);
      times = [dv.getBigInt64(0, true) * 1_000_000_000n, dv.getBigInt64(8, true) * 1_000_000_000n];
    }
    return setTimes(k, lookup(k, AT_FDCWD, pathArg(k, a.u64(0)), true), times[0], times[1]);
  }),
];
