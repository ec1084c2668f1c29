/**
 * The file tree's syscalls (src/kernel/vfs.ts): open, openat and creat,
 * mkdir, unlink, rmdir, rename, truncate, stat, lstat, fstat and
 * newfstatat, access and faccessat[2], readlink[at], getdents64, chdir.
 * Everything but /proc is writable, as for root on a machine whose root
 * filesystem is mounted read-write: a given file's first write, truncation
 * or rename copies its bytes into the writable layer (src/kernel/tmpfs.ts),
 * and a removal leaves a whiteout. The image a process runs from cannot be
 * opened for writing (ETXTBSY).
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel, Stream } from '../kernel.js';
import type { AddressSpace } from '../mm.js';
import { Errno, EACCES, EBADF, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, EPERM, EROFS } from '../errno.js';
import { copyToUser, readCString } from '../uaccess.js';
import { OpenFile, O_ACCMODE, O_APPEND, O_CLOEXEC, O_NONBLOCK, O_RDWR, O_WRONLY } from '../files.js';
import { PipeEnd } from '../pipe.js';
import { DeviceStream, DirStream, FileStream, TmpStream } from '../file_streams.js';
import { TmpDir, TmpFile, isMountPoint, mountOf } from '../tmpfs.js';
import { DEVICES, S_IFIFO, inodeOf, listDir, modeOf, resolve, type Node } from '../vfs.js';
import { EPOCH_NS } from './time.js';
import { UnixSocket } from './socket.js';

const S_IFSOCK = 0o140000;

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EACCESS = 0x200;
const AT_NO_AUTOMOUNT = 0x800;
const AT_EMPTY_PATH = 0x1000;
const AT_REMOVEDIR = 0x200;
const RENAME_NOREPLACE = 1;
const ENOTEMPTY = 39;
const EXDEV = 18;
const EBUSY = 16;
const EFBIG = 27;
const ETXTBSY = 26;
const EOPNOTSUPP = 95;
const ENAMETOOLONG = 36;

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

const dec = new TextDecoder();

/** The path argument at addr, as text (UTF-8, as the machine's files are named). */
function pathArg(k: Kernel, addr: bigint): string {
  return dec.decode(readCString(k.mm, addr));
}

/** The directory a relative path starts from: the working directory or dirfd's directory. */
function baseDir(k: Kernel, dirfd: number, path: string): string {
  if (path.startsWith('/')) return '/';
  if (dirfd === AT_FDCWD) return k.cwd();
  const f = k.file(dirfd);
  if (!f) throw new Errno(EBADF);
  if (!(f.stream instanceof DirStream)) throw new Errno(ENOTDIR);
  return f.stream.node.path;
}

function lookup(k: Kernel, dirfd: number, path: string, follow: boolean): Node {
  return resolve(k.fileTree(), baseDir(k, dirfd, path), path, follow);
}

/** path's parent directory and last component (the parent as a path the lookup resolves). */
function splitPath(path: string): [string, string] {
  const trimmed = path.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  return [cut < 0 ? '.' : cut === 0 ? '/' : trimmed.slice(0, cut), trimmed.slice(cut + 1)];
}

/** The directory that would hold path's last component, or undefined when there is none. */
function parentOf(k: Kernel, dirfd: number, path: string): (Node & { kind: 'dir' }) | undefined {
  try {
    const n = lookup(k, dirfd, splitPath(path)[0], true);
    return n.kind === 'dir' ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The absolute path of a new entry named by path's last component in directory dir. */
function childPath(dir: Node & { kind: 'dir' }, path: string): string {
  const name = splitPath(path)[1];
  if (name.length > 255) throw new Errno(ENAMETOOLONG);
  return dir.path === '/' ? `/${name}` : `${dir.path}/${name}`;
}

/** Whether a process runs the image at path: it cannot be written while it does (deny_write_access). */
function runningImage(k: Kernel, path: string): boolean {
  for (const t of k.tasks.values()) if (t.state !== 'zombie' && t.mm.exePath === path) return true;
  return false;
}

/**
 * A given file about to change, as a file of the writable layer with its
 * bytes and inode number (copied up once; later writes go to the copy).
 * /proc's files are not the tree's to change (EROFS); the running image
 * is busy (ETXTBSY).
 */
function copyUp(k: Kernel, node: Node & { kind: 'file' }): Node & { kind: 'tmp' } {
  if (node.proc || mountOf(node.path) === '/proc') throw new Errno(EROFS);
  if (runningImage(k, node.path)) throw new Errno(ETXTBSY);
  const file = new TmpFile(k.engine, inodeOf(node.path), 0o755);
  file.write(0, node.data);
  k.tmpfs().entries.set(node.path, file);
  return { kind: 'tmp', path: node.path, file };
}

/** Whether something given (a file, the running image, a device, a directory above them) lies at path or under it. */
function givenAt(k: Kernel, path: string): boolean {
  const prefix = path + '/';
  const src = k.fileTree();
  if (src.exe && (src.exe.path === path || src.exe.path.startsWith(prefix))) return true;
  if (path === '/dev' || path.startsWith('/dev/')) return true;
  for (const p of src.files.keys()) if (p === path || p.startsWith(prefix)) return true;
  return false;
}

/** Takes the entry at path out of the tree: a made one is dropped, a given one whited out. */
function unlinkEntry(k: Kernel, path: string): void {
  const tmp = k.tmpfs();
  const e = tmp.entries.get(path);
  if (e instanceof TmpFile) {
    e.nlink = 0;
    e.put();
  }
  tmp.entries.delete(path);
  if (givenAt(k, path)) tmp.removed.add(path);
}

/** Everything at and under node's path, parents before children. */
function subtree(k: Kernel, node: Node): Node[] {
  const out = [node];
  if (node.kind === 'dir') for (const e of listDir(k.fileTree(), node.path)) out.push(...subtree(k, e.node));
  return out;
}

function openNode(k: Kernel, dirfd: number, path: string, flags: number, mode: number): bigint {
  const acc = flags & O_ACCMODE;
  const writing = acc === O_WRONLY || acc === O_RDWR;
  if ((flags & O_TMPFILE) === O_TMPFILE) {
    // an unnamed file in a directory: only tmpfs has one to make
    const dir = lookup(k, dirfd, path, true);
    if (dir.kind !== 'dir') throw new Errno(ENOTDIR);
    if (!dir.tmp) throw new Errno(EOPNOTSUPP);
    if (!writing) throw new Errno(EINVAL);
    const file = new TmpFile(k.engine, k.nextIno(), mode & 0o7777 & ~k.current.umask);
    file.nlink = 0;
    return BigInt(k.installFile(new OpenFile(new TmpStream(file, dir.path + '/#' + file.ino), (flags & KEPT_FLAGS) | O_LARGEFILE), (flags & O_CLOEXEC) !== 0));
  }
  let node: Node;
  try {
    node = lookup(k, dirfd, path, (flags & O_NOFOLLOW) === 0);
  } catch (err) {
    const dir = err instanceof Errno && err.errno === ENOENT && (flags & O_CREAT) ? parentOf(k, dirfd, path) : undefined;
    if (!dir) throw err;
    // creating: anywhere but in /proc, which has no such file
    if (!dir.tmp) throw new Errno(ENOENT);
    if (path.endsWith('/')) throw new Errno(EISDIR);
    const file = new TmpFile(k.engine, k.nextIno(), mode & 0o7777 & ~k.current.umask);
    const at = childPath(dir, path);
    k.tmpfs().entries.set(at, file);
    node = { kind: 'tmp', path: at, file };
    flags &= ~O_EXCL;
  }
  if ((flags & O_CREAT) && (flags & O_EXCL)) throw new Errno(EEXIST);
  if (node.kind === 'link') throw new Errno(ELOOP);
  if ((flags & O_DIRECTORY) && node.kind !== 'dir') throw new Errno(ENOTDIR);
  let stream: Stream;
  if (node.kind === 'dir') {
    if (writing || (flags & O_CREAT)) throw new Errno(EISDIR);
    stream = new DirStream(node);
  } else if (node.kind === 'file' && !writing && !(flags & O_TRUNC)) {
    stream = new FileStream(node);
  } else if (node.kind === 'file' || node.kind === 'tmp') {
    const t = node.kind === 'file' ? copyUp(k, node) : node;
    if (writing && (flags & O_TRUNC)) resize(k, t.file, 0);
    stream = new TmpStream(t.file, t.path);
  } else {
    stream = new DeviceStream(node.dev);
  }
  // a 64-bit kernel opens every file with O_LARGEFILE (force_o_largefile)
  return BigInt(k.installFile(new OpenFile(stream, (flags & KEPT_FLAGS) | O_LARGEFILE), (flags & O_CLOEXEC) !== 0));
}

/** mkdir: a new directory of the writable layer (EEXIST where something is; none in /proc). */
function mkdir(k: Kernel, dirfd: number, path: string, mode: number): bigint {
  const dir = parentOf(k, dirfd, path);
  if (!dir) {
    lookup(k, dirfd, splitPath(path)[0], true);
    throw new Errno(ENOTDIR);
  }
  const at = childPath(dir, path);
  try {
    lookup(k, AT_FDCWD, at, false);
    throw new Errno(EEXIST);
  } catch (err) {
    if (!(err instanceof Errno) || err.errno !== ENOENT) throw err;
  }
  if (!dir.tmp) throw new Errno(ENOENT);
  k.tmpfs().entries.set(at, new TmpDir(k.nextIno(), mode & 0o7777 & ~k.current.umask));
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
  if (mountOf(node.path) === '/proc') throw new Errno(EPERM);
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
  if (mountOf(at) === '/proc' || !dir.tmp) throw new Errno(EPERM);
  let there: Node | undefined;
  try {
    there = lookup(k, AT_FDCWD, at, false);
  } catch (err) {
    if (!(err instanceof Errno) || err.errno !== ENOENT) throw err;
  }
  if (there && (flags & RENAME_NOREPLACE)) throw new Errno(EEXIST);
  if (at === node.path) return 0n;
  if (node.kind === 'dir' && (at + '/').startsWith(node.path + '/')) throw new Errno(EINVAL);
  if (there) {
    if (there.kind === 'dir') {
      if (node.kind !== 'dir') throw new Errno(EISDIR);
      if (listDir(k.fileTree(), at).length > 0) throw new Errno(ENOTEMPTY);
    } else if (node.kind === 'dir') throw new Errno(ENOTDIR);
  }
  // the entry and everything under it, as objects of the writable layer: a given file's bytes and a
  // given directory are copied up (keeping their inode numbers), made ones move as they are
  const moves: [string, TmpFile | TmpDir][] = [];
  for (const n of subtree(k, node)) {
    let e: TmpFile | TmpDir;
    if (n.kind === 'tmp') e = n.file;
    else if (n.kind === 'dir') e = n.tmp instanceof TmpDir ? n.tmp : new TmpDir(inodeOf(n.path), 0o755);
    else if (n.kind === 'file') {
      const f = new TmpFile(k.engine, inodeOf(n.path), 0o755);
      f.write(0, n.data);
      e = f;
    } else throw new Errno(EXDEV); // a device or a link of /dev: not moved by this tree
    moves.push([n.path, e]);
  }
  if (there) unlinkEntry(k, at);
  const tmp = k.tmpfs();
  for (const [p] of moves.slice().reverse()) {
    tmp.entries.delete(p);
    if (givenAt(k, p)) tmp.removed.add(p);
  }
  for (const [p, e] of moves) tmp.entries.set(at + p.slice(node.path.length), e);
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
  return 0n;
}

/** A tmpfs file's new size: pages wholly past a shorter end leave every mapping of it first. */
function resize(k: Kernel, file: TmpFile, n: number): void {
  if (n < file.size && file.maps > 0) {
    const seen = new Set<AddressSpace>();
    for (const t of k.tasks.values()) {
      if (seen.has(t.mm)) continue;
      seen.add(t.mm);
      t.mm.unmapFilePages(file.mapId, Math.ceil(n / 4096));
    }
  }
  file.truncate(n);
}

/** st_dev of each mount's files (the root filesystem's is 8:1). */
const mountDevs: Record<string, bigint> = { '/tmp': 0x2an, '/dev/shm': 0x18n, '/dev': 0x5n, '/proc': 0x16n };

/** A struct stat (x86-64, 144 bytes) for a node of the tree or an open stream that is not one. */
function statBuf(node: Node | undefined, other?: { ino: bigint; mode: number }): Uint8Array {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  let dev = 0x801n;
  let ino: bigint;
  let mode: number;
  let nlink = 1n;
  let size = 0;
  let rdev = 0n;
  let blocks = 0;
  if (node) {
    ino = inodeOf(node.path);
    mode = modeOf(node);
    if (node.kind === 'file') {
      // a /proc file has no size until read
      size = node.proc ? 0 : node.data.length;
      blocks = Math.ceil(size / 4096) * 8;
    } else if (node.kind === 'tmp') {
      ino = node.file.ino;
      dev = mountDevs[mountOf(node.path)] ?? dev;
      nlink = BigInt(node.file.nlink);
      size = node.file.size;
      blocks = Math.ceil(size / 4096) * 8;
    } else if (node.kind === 'dir') {
      nlink = 2n;
      size = 4096;
      blocks = 8;
    } else if (node.kind === 'dev') {
      dev = 0x5n;
      rdev = BigInt((1 << 8) | DEVICES[node.dev]);
    } else {
      size = node.target.length;
    }
  } else {
    ino = other!.ino;
    mode = other!.mode;
    dev = 0xen;
  }
  dv.setBigUint64(0, dev, true);
  dv.setBigUint64(8, ino, true);
  dv.setBigUint64(16, nlink, true);
  dv.setUint32(24, mode, true);
  dv.setBigUint64(40, rdev, true);
  dv.setBigInt64(48, BigInt(size), true);
  dv.setBigInt64(56, 4096n, true);
  dv.setBigInt64(64, BigInt(blocks), true);
  // every file dates from the machine's boot
  const sec = EPOCH_NS / 1_000_000_000n;
  for (const at of [72, 88, 104]) dv.setBigInt64(at, sec, true);
  return b;
}

/** The stat of what descriptor fd names. */
function fdStat(k: Kernel, fd: number): Uint8Array {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  const s = f.stream;
  if (s instanceof FileStream || s instanceof DirStream) return statBuf(s.node);
  if (s instanceof TmpStream) return statBuf({ kind: 'tmp', path: s.path, file: s.file });
  if (s instanceof DeviceStream) return statBuf({ kind: 'dev', path: `/dev/${s.dev}`, dev: s.dev });
  if (s instanceof UnixSocket) return statBuf(undefined, { ino: s.ino, mode: S_IFSOCK | 0o777 });
  // a pidfd, an eventfd or an epoll instance is an anonymous inode (no type bits); pipes and the machine's streams are FIFOs
  if (s.pid !== undefined || s.sysRead !== undefined || s.readyEvents !== undefined) return statBuf(undefined, { ino: 1n, mode: 0o600 });
  const ino = s instanceof PipeEnd ? s.pipe.ino : BigInt(fd) + 1n;
  return statBuf(undefined, { ino, mode: S_IFIFO | 0o600 });
}

function stat(k: Kernel, dirfd: number, pathAddr: bigint, buf: bigint, flags: number): bigint {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) throw new Errno(EINVAL);
  const path = pathArg(k, pathAddr);
  let out: Uint8Array;
  if (path === '' && (flags & AT_EMPTY_PATH)) {
    out = dirfd === AT_FDCWD ? statBuf(lookup(k, AT_FDCWD, '.', true)) : fdStat(k, dirfd);
  } else {
    out = statBuf(lookup(k, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0));
  }
  copyToUser(k.mm, buf, out);
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
    const ro = node?.kind === 'link' || (node?.kind === 'dir' && node.tmp === undefined) || (node?.kind === 'file' && (node.proc || mountOf(node.path) === '/proc'));
    if (ro) throw new Errno(EROFS);
  }
  if ((mode & X_OK) && (node?.kind === 'dev' || (node?.kind === 'tmp' && !(node.file.mode & 0o111)))) throw new Errno(EACCES);
  return 0n;
}

/** The tree's node behind descriptor fd (undefined for a pipe or stream, which are no file of the tree). */
function fdNode(k: Kernel, fd: number): Node | undefined {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  const s = f.stream;
  if (s instanceof FileStream || s instanceof DirStream) return s.node;
  if (s instanceof DeviceStream) return { kind: 'dev', path: `/dev/${s.dev}`, dev: s.dev };
  if (s instanceof TmpStream) return { kind: 'tmp', path: s.path, file: s.file };
  return undefined;
}

function readlink(k: Kernel, dirfd: number, pathAddr: bigint, buf: bigint, size: number): bigint {
  if (size <= 0) throw new Errno(EINVAL);
  const node = lookup(k, dirfd, pathArg(k, pathAddr), false);
  if (node.kind !== 'link') throw new Errno(EINVAL);
  const target = new TextEncoder().encode(node.target).subarray(0, size);
  copyToUser(k.mm, buf, target);
  return BigInt(target.length);
}

const DT_CHR = 2;
const DT_DIR = 4;
const DT_REG = 8;
const DT_LNK = 10;

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
      type: node.kind === 'dir' ? DT_DIR : node.kind === 'file' || node.kind === 'tmp' ? DT_REG : node.kind === 'dev' ? DT_CHR : DT_LNK,
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
  row(76, 'truncate', 'sl', (k, a) => truncateTo(k, lookup(k, AT_FDCWD, pathArg(k, a.u64(0)), true), BigInt.asIntN(64, a.u64(1)))),
  row(77, 'ftruncate', 'dl', (k, a) => {
    const f = k.file(a.i32(0));
    if (!f) throw new Errno(EBADF);
    // a descriptor not open for writing, or not a regular file, cannot be truncated
    if ((f.flags & O_ACCMODE) === 0 || !(f.stream instanceof TmpStream)) throw new Errno(EINVAL);
    return truncateTo(k, { kind: 'tmp', path: f.stream.path, file: f.stream.file }, BigInt.asIntN(64, a.u64(1)));
  }),
  row(4, 'stat', 'sp', (k, a) => stat(k, AT_FDCWD, a.u64(0), a.u64(1), 0)),
  row(6, 'lstat', 'sp', (k, a) => stat(k, AT_FDCWD, a.u64(0), a.u64(1), AT_SYMLINK_NOFOLLOW)),
  row(5, 'fstat', 'dp', (k, a) => {
    copyToUser(k.mm, a.u64(1), fdStat(k, a.i32(0)));
    return 0n;
  }),
  row(262, 'newfstatat', 'dspx', (k, a) => stat(k, a.i32(0), a.u64(1), a.u64(2), a.i32(3))),
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
    const f = k.file(a.i32(0));
    if (!f) throw new Errno(EBADF);
    if (!(f.stream instanceof DirStream)) throw new Errno(ENOTDIR);
    k.setCwd(f.stream.node.path);
    return 0n;
  }),
];

