/**
 * The file tree's namespace syscalls (src/kernel/vfs.ts): open, openat and
 * creat (a FIFO's open is fifoOpen, in ./pipe.ts), mkdir, unlink, rmdir,
 * rename, link, symlink, truncate, access and faccessat[2], readlink[at],
 * getdents64, chdir (mknod is ./mknod.ts). Everything but /proc is
 * writable, as for root on a machine whose root filesystem is mounted
 * read-write: a given file's first write, truncation or rename copies its
 * bytes into the writable layer (src/kernel/tmpfs.ts), and a removal
 * leaves a whiteout. The image a process runs from cannot be opened for
 * writing (ETXTBSY).
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel, Stream } from '../kernel.js';
import { Errno, EACCES, EBADF, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, ENXIO, EPERM, EROFS, ENOTEMPTY, EXDEV, EBUSY, EFBIG, EOPNOTSUPP, EMLINK } from '../errno.js';
import { copyToUser } from '../uaccess.js';
import { OpenFile, O_ACCMODE, O_APPEND, O_CLOEXEC, O_NONBLOCK, O_RDWR, O_WRONLY, O_PATH } from '../files.js';
import { DirStream, DeviceStream, FileStream, ProcStream, TmpStream, PathStream } from '../file_streams.js';
import { TmpDir, TmpFile, TmpLink, isMountPoint, isNodev, mountOf, type TmpEntry } from '../tmpfs.js';
import { DEVICES, S_IFCHR, inProcfs, inodeOf, listDir, lowerAt, modeOf, nodeAt, type DeviceName, type Node } from '../vfs.js';
import { fifoOpen, fifoOpenResumed } from './pipe.js';
import { StreamInode } from '../pipe.js';
import { followRename } from '../moved_paths.js';
import {
  resize, AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, childPath, copyUp, dirChanged, fdNode, givenAt, givenCopy, givenDir,
  lookup, lowerLinkCopy, newEntry, parentOf, pathArg, splitPath, unlinkEntry,
} from './paths.js';

const AT_EACCESS = 0x200;
const AT_REMOVEDIR = 0x200;
const AT_SYMLINK_FOLLOW = 0x400;
const RENAME_NOREPLACE = 1;
/** The most names a tmpfs file may have. */
const LINK_MAX = 0xffffffff;

const O_CREAT = 0o100;
const O_EXCL = 0o200;
const O_TRUNC = 0o1000;
const O_DIRECTORY = 0o200000;
const O_NOFOLLOW = 0o400000;
const O_TMPFILE = 0o20000000 | O_DIRECTORY;
const O_LARGEFILE = 0o100000;
/** The status flags an open keeps (fcntl F_GETFL shows them). */
const KEPT_FLAGS = O_ACCMODE | O_APPEND | O_NONBLOCK;

const R_OK = 4;
const W_OK = 2;
const X_OK = 1;

/** Everything at and under node's path, parents before children. */
function subtree(k: Kernel, node: Node): Node[] {
  const out = [node];
  if (node.kind === 'dir') for (const e of listDir(k.fileTree(), node.path)) out.push(...subtree(k, e.node));
  return out;
}

/** A new description of stream at the lowest free descriptor, with open's flags. */
function installOpen(k: Kernel, stream: Stream, flags: number): bigint {
  // a 64-bit kernel opens every file with O_LARGEFILE (force_o_largefile)
  const f = new OpenFile(stream, (flags & KEPT_FLAGS) | O_LARGEFILE);
  try {
    return BigInt(k.installFile(f, (flags & O_CLOEXEC) !== 0));
  } catch (err) {
    stream.release?.();
    throw err;
  }
}

/**
 * chrdev_open and blkdev_open of a device node mknod made: /dev's character
 * devices by their numbers, no other device (ENXIO); none on a nodev mount
 * (may_open_dev: EACCES).
 */
function openDevNode(node: Node & { kind: 'devnode' }): DeviceStream {
  if (isNodev(node.path)) throw new Errno(EACCES);
  const { type, major, minor } = node.inode;
  const dev = (Object.keys(DEVICES) as DeviceName[]).find((d) => DEVICES[d][0] === major && DEVICES[d][1] === minor);
  if (type !== S_IFCHR || dev === undefined) throw new Errno(ENXIO);
  return openDevice(dev, node);
}

/** A character device opened: the controlling terminal is ENXIO, as for a task without one (every task of a machine). */
function openDevice(dev: DeviceName, node: Node & { kind: 'dev' | 'devnode' }): DeviceStream {
  if (dev === 'tty') throw new Errno(ENXIO);
  return new DeviceStream(dev, node);
}

/** links: dangling links followed so far to create what they name (Linux's limit is 40 in one lookup). */
function openNode(k: Kernel, dirfd: number, path: string, flags: number, mode: number, links = 0): bigint {
  // an open that slept waiting for a FIFO's other end goes on where it was
  if (k.current.fifoOpening) return installOpen(k, fifoOpenResumed(k), flags);
  if (flags & O_PATH) {
    // a location only: the other flags but these are ignored, nothing is created, opened or waited for
    const node = lookup(k, dirfd, path, (flags & O_NOFOLLOW) === 0);
    if ((flags & O_DIRECTORY) && node.kind !== 'dir') throw new Errno(ENOTDIR);
    return BigInt(k.installFile(new OpenFile(new PathStream(node), O_PATH), (flags & O_CLOEXEC) !== 0));
  }
  const acc = flags & O_ACCMODE;
  const writing = acc === O_WRONLY || acc === O_RDWR;
  if ((flags & O_TMPFILE) === O_TMPFILE) {
    // an unnamed file in a directory of the writable layer (/proc's have none: EOPNOTSUPP)
    const dir = lookup(k, dirfd, path, true);
    if (dir.kind !== 'dir') throw new Errno(ENOTDIR);
    if (!dir.tmp) throw new Errno(EOPNOTSUPP);
    if (!writing) throw new Errno(EINVAL);
    const file = new TmpFile(k.engine, k.nextIno(), mode & 0o7777 & ~k.current.umask, k.realtimeNs());
    file.nlink = 0;
    file.linkable = (flags & O_EXCL) === 0;
    return BigInt(k.installFile(new OpenFile(new TmpStream(file, dir.path + '/#' + file.ino), (flags & KEPT_FLAGS) | O_LARGEFILE), (flags & O_CLOEXEC) !== 0));
  }
  let node: Node;
  try {
    node = lookup(k, dirfd, path, (flags & O_NOFOLLOW) === 0);
  } catch (err) {
    const dir = err instanceof Errno && err.errno === ENOENT && (flags & O_CREAT) ? parentOf(k, dirfd, path) : undefined;
    if (!dir) throw err;
    // a dangling symbolic link: O_CREAT makes what it points to (O_EXCL refuses any link)
    // (one the program made, or one of the lower layer)
    const l = dir.tmp ? nodeAt(k.fileTree(), childPath(dir, path)) : undefined;
    if (l?.kind === 'link') {
      if (flags & O_EXCL) throw new Errno(EEXIST);
      if ((flags & O_NOFOLLOW) || links >= 40) throw new Errno(ELOOP);
      return openNode(k, AT_FDCWD, l.target.startsWith('/') ? l.target : `${dir.path}/${l.target}`, flags, mode, links + 1);
    }
    // creating: anywhere but in /proc, which has no such file
    if (!dir.tmp) throw new Errno(ENOENT);
    if (path.endsWith('/')) throw new Errno(EISDIR);
    const file = new TmpFile(k.engine, k.nextIno(), mode & 0o7777 & ~k.current.umask, k.realtimeNs());
    const at = childPath(dir, path);
    k.tmpfs().entries.set(at, file);
    dirChanged(k, at);
    node = { kind: 'tmp', path: at, file };
    flags &= ~O_EXCL;
  }
  if ((flags & O_CREAT) && (flags & O_EXCL)) throw new Errno(EEXIST);
  if (node.kind === 'link') throw new Errno(ELOOP);
  if ((flags & O_DIRECTORY) && node.kind !== 'dir') throw new Errno(ENOTDIR);
  // a socket is reached through connect, not open
  if (node.kind === 'sock') throw new Errno(ENXIO);
  let stream: Stream;
  if (node.kind === 'dir') {
    if (writing || (flags & O_CREAT)) throw new Errno(EISDIR);
    stream = new DirStream(node);
  } else if (node.kind === 'file' && node.proc) {
    // a read-only sysctl or sysfs attribute refuses writing at open; the others at write
    if (writing && node.proc.denyWrite === EACCES && !node.proc.write) throw new Errno(EACCES);
    stream = node.proc.open ? node.proc.open() : new ProcStream(node);
  } else if (node.kind === 'file' && !writing && !(flags & O_TRUNC)) {
    // a lower file's bytes are read now, so that one the layer cannot read fails the open
    if (node.lower) void node.data;
    stream = new FileStream(node, k.tmpfs().givenInode(node.path));
  } else if (node.kind === 'file' || node.kind === 'tmp') {
    const t = node.kind === 'file' ? copyUp(k, node) : node;
    if (writing && (flags & O_TRUNC)) {
      if (!t.file.mayResize(0)) throw new Errno(EPERM);
      resize(k, t.file, 0);
      t.file.modified(k.realtimeNs());
    }
    stream = new TmpStream(t.file, t.path);
  } else if (node.kind === 'fifo' && node.inode instanceof StreamInode) {
    stream = node.inode.stream;
  } else if (node.kind === 'fifo') {
    stream = fifoOpen(k, node.inode, node.path, flags);
  } else if (node.kind === 'devnode') {
    stream = openDevNode(node);
  } else {
    stream = openDevice(node.dev, node);
  }
  return installOpen(k, stream, flags);
}

/** mkdir: a new directory of the writable layer (EEXIST where something is; none in /proc). */
function mkdir(k: Kernel, dirfd: number, path: string, mode: number): bigint {
  const [dir, at] = newEntry(k, dirfd, path);
  if (!dir.tmp) throw new Errno(ENOENT);
  k.tmpfs().entries.set(at, new TmpDir(k.nextIno(), mode & 0o7777 & ~k.current.umask, k.realtimeNs()));
  dirChanged(k, at);
  return 0n;
}

/** unlink and rmdir: the entry leaves the tree; a directory must be empty, a mount point stays (EBUSY). */
function remove(k: Kernel, dirfd: number, path: string, dirWanted: boolean): bigint {
  const last = splitPath(path)[1];
  if (dirWanted && last === '.') throw new Errno(EINVAL);
  if (dirWanted && last === '..') throw new Errno(ENOTEMPTY);
  const node = lookup(k, dirfd, path, false);
  if (dirWanted && node.kind !== 'dir') throw new Errno(ENOTDIR);
  if (!dirWanted && node.kind === 'dir') throw new Errno(EISDIR);
  if (isMountPoint(node.path)) throw new Errno(EBUSY);
  // /proc's entries belong to the processes
  if (inProcfs(node.path)) throw new Errno(EPERM);
  if (node.kind === 'dir' && listDir(k.fileTree(), node.path).length > 0) throw new Errno(ENOTEMPTY);
  unlinkEntry(k, node.path);
  return 0n;
}

/** rename: a file or directory moves within its filesystem (over a file, or over an empty directory). */
function rename(k: Kernel, olddirfd: number, from: string, newdirfd: number, to: string, flags: number): bigint {
  if (flags & ~RENAME_NOREPLACE) throw new Errno(EINVAL);
  // both parents first: two filesystems are EXDEV before either name is looked up
  const fromDir = parentOf(k, olddirfd, from);
  const dir = parentOf(k, newdirfd, to);
  if (!fromDir || !dir) throw new Errno(ENOENT);
  const at = childPath(dir, to);
  if (mountOf(childPath(fromDir, from)) !== mountOf(at)) throw new Errno(EXDEV);
  const node = lookup(k, olddirfd, from, false);
  if (mountOf(node.path) !== mountOf(at)) throw new Errno(EXDEV);
  if (isMountPoint(node.path) || isMountPoint(at)) throw new Errno(EBUSY);
  if (inProcfs(at) || !dir.tmp) throw new Errno(EPERM);
  let there: Node | undefined;
  try {
    there = lookup(k, AT_FDCWD, at, false);
  } catch (err) {
    if (!(err instanceof Errno) || err.errno !== ENOENT) throw err;
  }
  if (there && (flags & RENAME_NOREPLACE)) throw new Errno(EEXIST);
  if (at === node.path) return 0n;
  if (node.kind === 'dir' && (at + '/').startsWith(node.path + '/')) throw new Errno(EINVAL);
  // a directory of the lower layer is not moved (overlayfs without redirect_dir): mv copies it instead
  if (node.kind === 'dir' && lowerAt(k.fileTree(), node.path)?.kind === 'dir') throw new Errno(EXDEV);
  if (there) {
    if (there.kind === 'dir') {
      if (node.kind !== 'dir') throw new Errno(EISDIR);
      if (listDir(k.fileTree(), at).length > 0) throw new Errno(ENOTEMPTY);
    } else if (node.kind === 'dir') throw new Errno(ENOTDIR);
  }
  // the entry and everything under it, as objects of the writable layer: a given file's bytes and a
  // given directory are copied up (keeping their inode numbers and attributes), made ones move as they are
  const moves: [string, TmpEntry][] = [];
  for (const n of subtree(k, node)) {
    let e: TmpEntry;
    if (n.kind === 'tmp') e = n.file;
    else if (n.kind === 'dir') e = n.tmp instanceof TmpDir ? n.tmp : givenDir(k, n.path, n.lower);
    else if (n.kind === 'file') e = givenCopy(k, n);
    else if (n.kind === 'link' && n.lower) e = lowerLinkCopy(k, { ...n, lower: n.lower });
    else if ((n.kind === 'link' && n.inode) || n.kind === 'sock' || n.kind === 'fifo' || n.kind === 'devnode') e = n.inode!;
    else throw new Errno(EXDEV); // a device: not moved by this tree
    moves.push([n.path, e]);
  }
  if (there) unlinkEntry(k, at);
  const tmp = k.tmpfs();
  for (const [p] of moves.slice().reverse()) {
    tmp.entries.delete(p);
    if (givenAt(k, p)) tmp.removed.add(p);
  }
  for (const [p, e] of moves) tmp.entries.set(at + p.slice(node.path.length), e);
  // the moved inode's ctime, and both directories' times
  moves[0][1].ctime = k.realtimeNs();
  dirChanged(k, node.path);
  dirChanged(k, at);
  followRename(k, node.path, at);
  return 0n;
}

/**
 * link and linkat: a second name for a file on the same filesystem (a
 * given file is copied up first); a directory has none (EPERM). An
 * O_TMPFILE file gets its first name through AT_EMPTY_PATH.
 */
function link(k: Kernel, olddirfd: number, from: string, newdirfd: number, to: string, flags: number): bigint {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) throw new Errno(EINVAL);
  let node: Node;
  if (from === '' && (flags & AT_EMPTY_PATH)) {
    const n = fdNode(k, olddirfd);
    if (!n) throw new Errno(ENOENT);
    node = n;
  } else node = lookup(k, olddirfd, from, (flags & AT_SYMLINK_FOLLOW) !== 0);
  if (node.kind === 'dir') throw new Errno(EPERM);
  const [dir, at] = newEntry(k, newdirfd, to);
  if (mountOf(node.path) !== mountOf(at)) throw new Errno(EXDEV);
  if (!dir.tmp) throw new Errno(EPERM);
  let e: TmpEntry;
  if (node.kind === 'file') e = copyUp(k, node, false).file;
  else if (node.kind === 'tmp') e = node.file;
  else if (node.kind === 'link' && node.lower) {
    // copied up, so that both names are one link of the writable layer
    e = lowerLinkCopy(k, { ...node, lower: node.lower });
    k.tmpfs().entries.set(node.path, e);
  }
  else if ((node.kind === 'link' && node.inode) || node.kind === 'sock' || node.kind === 'fifo' || node.kind === 'devnode') e = node.inode!;
  else throw new Errno(EPERM);
  // an unlinked file stays nameless, unless O_TMPFILE made it to be named
  if (e instanceof TmpFile && e.nlink === 0 && !e.linkable) throw new Errno(ENOENT);
  if (e.nlink >= LINK_MAX) throw new Errno(EMLINK);
  e.nlink++;
  if (e instanceof TmpFile) e.linkable = false;
  e.ctime = k.realtimeNs();
  k.tmpfs().entries.set(at, e);
  dirChanged(k, at);
  return 0n;
}

/** symlink and symlinkat: a link whose target is kept as given (resolved when followed, from the link's directory). */
function symlink(k: Kernel, target: string, newdirfd: number, to: string): bigint {
  if (target === '') throw new Errno(ENOENT);
  const [dir, at] = newEntry(k, newdirfd, to);
  if (!dir.tmp) throw new Errno(ENOENT);
  k.tmpfs().entries.set(at, new TmpLink(k.nextIno(), target, k.realtimeNs()));
  dirChanged(k, at);
  return 0n;
}

/** truncate and ftruncate: a regular file's new size (a given one copied up first). */
function truncateTo(k: Kernel, node: Node, len: bigint): bigint {
  if (len < 0n) throw new Errno(EINVAL);
  if (node.kind === 'dir') throw new Errno(EISDIR);
  if (node.kind === 'file') node = copyUp(k, node);
  if (node.kind !== 'tmp') throw new Errno(EINVAL);
  if (len > 1n << 32n) throw new Errno(EFBIG);
  if (!node.file.mayResize(Number(len))) throw new Errno(EPERM);
  resize(k, node.file, Number(len));
  node.file.modified(k.realtimeNs());
  return 0n;
}

function access(k: Kernel, dirfd: number, pathAddr: bigint, mode: number, flags: number): bigint {
  if (mode & ~(R_OK | W_OK | X_OK)) throw new Errno(EINVAL);
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) throw new Errno(EINVAL);
  const path = pathArg(k, pathAddr);
  const node =
    path === '' && (flags & AT_EMPTY_PATH) && dirfd !== AT_FDCWD
      ? fdNode(k, dirfd)
      : lookup(k, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  // root may read and write anything but /proc's files, and execute what has an execute bit (the
  // running image passes W_OK: only opening it for writing is ETXTBSY)
  if (mode & W_OK) {
    // a read-only sysctl or sysfs attribute refuses even root (proc_sys_permission)
    if (node?.kind === 'file' && node.proc && !node.proc.write && node.proc.denyWrite === EACCES) throw new Errno(EACCES);
    const ro = node?.kind === 'link' && !node.proc;
    if (ro) throw new Errno(EROFS);
  }
  const noExec = node?.kind === 'dev' || (node?.kind === 'file' && node.lower !== undefined && !(node.lower.mode & 0o111)) || (node?.kind === 'tmp' && !(node.file.mode & 0o111)) || ((node?.kind === 'fifo' || node?.kind === 'devnode') && !(node.inode.mode & 0o111));
  if ((mode & X_OK) && noExec) throw new Errno(EACCES);
  return 0n;
}

function readlink(k: Kernel, dirfd: number, pathAddr: bigint, buf: bigint, size: number): bigint {
  if (size <= 0) throw new Errno(EINVAL);
  const path = pathArg(k, pathAddr);
  // an empty path reads the link dirfd names itself (an O_PATH | O_NOFOLLOW descriptor of one)
  const node = path === '' && dirfd !== AT_FDCWD ? fdNode(k, dirfd) : lookup(k, dirfd, path, false);
  if (!node || (path === '' && node.kind !== 'link')) throw new Errno(ENOENT);
  if (node.kind !== 'link') throw new Errno(EINVAL);
  const target = new TextEncoder().encode(node.target).subarray(0, size);
  copyToUser(k.mm, buf, target);
  return BigInt(target.length);
}

const DT_DIR = 4;

/** getdents64: the directory's entries from its offset, as many whole records as fit. */
function getdents64(k: Kernel, fd: number, buf: bigint, count: number): bigint {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  const d = f.stream;
  if (!(d instanceof DirStream)) throw new Errno(ENOTDIR);
  const entries = [
    { name: '.', ino: inodeOf(d.node.path), type: DT_DIR },
    { name: '..', ino: inodeOf(d.node.path === '/' ? '/' : d.node.path.slice(0, d.node.path.lastIndexOf('/')) || '/'), type: DT_DIR },
    ...listDir(k.fileTree(), d.node.path).map(({ name, node }) => ({
      name,
      ino: inodeOf(node.path),
      // the type bits of the mode, as fs_umode_to_dtype takes them
      type: (modeOf(node) >> 12) & 15,
    })),
  ];
  const out: number[] = [];
  const enc = new TextEncoder();
  let i = d.pos;
  for (; i < entries.length; i++) {
    const name = enc.encode(entries[i].name);
    const reclen = (19 + name.length + 1 + 7) & ~7;
    if (out.length + reclen > count) break;
    const rec = new Uint8Array(reclen);
    const dv = new DataView(rec.buffer);
    dv.setBigUint64(0, entries[i].ino, true);
    dv.setBigInt64(8, BigInt(i + 1), true);
    dv.setUint16(16, reclen, true);
    rec[18] = entries[i].type;
    rec.set(name, 19);
    out.push(...rec);
  }
  // a buffer too small for the next record
  if (i < entries.length && out.length === 0) throw new Errno(EINVAL);
  if (out.length > 0) copyToUser(k.mm, buf, Uint8Array.from(out));
  d.pos = i;
  return BigInt(out.length);
}

export const vfsSyscalls: SyscallRow[] = [
  row(2, 'open', 'sxo', (k, a) => openNode(k, AT_FDCWD, pathArg(k, a.u64(0)), a.i32(1), a.i32(2))),
  row(257, 'openat', 'dsxo', (k, a) => openNode(k, a.i32(0), pathArg(k, a.u64(1)), a.i32(2), a.i32(3))),
  row(85, 'creat', 'so', (k, a) => openNode(k, AT_FDCWD, pathArg(k, a.u64(0)), O_CREAT | O_WRONLY | O_TRUNC, a.i32(1))),
  row(83, 'mkdir', 'so', (k, a) => mkdir(k, AT_FDCWD, pathArg(k, a.u64(0)), a.i32(1))),
  row(258, 'mkdirat', 'dso', (k, a) => mkdir(k, a.i32(0), pathArg(k, a.u64(1)), a.i32(2))),
  row(87, 'unlink', 's', (k, a) => remove(k, AT_FDCWD, pathArg(k, a.u64(0)), false)),
  row(84, 'rmdir', 's', (k, a) => remove(k, AT_FDCWD, pathArg(k, a.u64(0)), true)),
  row(263, 'unlinkat', 'dsx', (k, a) => {
    const flags = a.i32(2);
    if (flags & ~AT_REMOVEDIR) throw new Errno(EINVAL);
    return remove(k, a.i32(0), pathArg(k, a.u64(1)), (flags & AT_REMOVEDIR) !== 0);
  }),
  row(82, 'rename', 'ss', (k, a) => rename(k, AT_FDCWD, pathArg(k, a.u64(0)), AT_FDCWD, pathArg(k, a.u64(1)), 0)),
  row(264, 'renameat', 'dsds', (k, a) => rename(k, a.i32(0), pathArg(k, a.u64(1)), a.i32(2), pathArg(k, a.u64(3)), 0)),
  row(316, 'renameat2', 'dsdsx', (k, a) => rename(k, a.i32(0), pathArg(k, a.u64(1)), a.i32(2), pathArg(k, a.u64(3)), a.i32(4))),
  row(86, 'link', 'ss', (k, a) => link(k, AT_FDCWD, pathArg(k, a.u64(0)), AT_FDCWD, pathArg(k, a.u64(1)), 0)),
  row(265, 'linkat', 'dsdsx', (k, a) => link(k, a.i32(0), pathArg(k, a.u64(1)), a.i32(2), pathArg(k, a.u64(3)), a.i32(4))),
  row(88, 'symlink', 'ss', (k, a) => symlink(k, pathArg(k, a.u64(0)), AT_FDCWD, pathArg(k, a.u64(1)))),
  row(266, 'symlinkat', 'sds', (k, a) => symlink(k, pathArg(k, a.u64(0)), a.i32(1), pathArg(k, a.u64(2)))),
  row(76, 'truncate', 'sl', (k, a) => truncateTo(k, lookup(k, AT_FDCWD, pathArg(k, a.u64(0)), true), BigInt.asIntN(64, a.u64(1)))),
  row(77, 'ftruncate', 'dl', (k, a) => {
    const f = k.file(a.i32(0));
    if (!f) throw new Errno(EBADF);
    // a descriptor not open for writing, or not a regular file, cannot be truncated
    if ((f.flags & O_ACCMODE) === 0 || !(f.stream instanceof TmpStream)) throw new Errno(EINVAL);
    return truncateTo(k, { kind: 'tmp', path: f.stream.path, file: f.stream.file }, BigInt.asIntN(64, a.u64(1)));
  }),
  row(21, 'access', 'so', (k, a) => access(k, AT_FDCWD, a.u64(0), a.i32(1), 0)),
  row(269, 'faccessat', 'dso', (k, a) => access(k, a.i32(0), a.u64(1), a.i32(2), 0)),
  row(439, 'faccessat2', 'dsox', (k, a) => access(k, a.i32(0), a.u64(1), a.i32(2), a.i32(3))),
  row(89, 'readlink', 'spd', (k, a) => readlink(k, AT_FDCWD, a.u64(0), a.u64(1), a.i32(2))),
  row(267, 'readlinkat', 'dspd', (k, a) => readlink(k, a.i32(0), a.u64(1), a.u64(2), a.i32(3))),
  row(217, 'getdents64', 'dpu', (k, a) => getdents64(k, a.i32(0), a.u64(1), a.u32(2))),
  row(80, 'chdir', 's', (k, a) => {
    const node = lookup(k, AT_FDCWD, pathArg(k, a.u64(0)), true);
    if (node.kind !== 'dir') throw new Errno(ENOTDIR);
    k.setCwd(node.path);
    return 0n;
  }),
  row(81, 'fchdir', 'd', (k, a) => {
    // an O_PATH descriptor of a directory does too
    const node = fdNode(k, a.i32(0));
    if (node?.kind !== 'dir') throw new Errno(ENOTDIR);
    k.setCwd(node.path);
    return 0n;
  }),
];

