/**
 * What the file tree says of its files: stat, lstat, fstat and newfstatat
 * (struct stat), statx (struct statx), statfs and fstatfs (struct statfs).
 * Each answer is built from one kstat record, as Linux's vfs_getattr fills
 * a struct kstat that cp_new_stat and cp_statx then lay out. Given files
 * and directories are root's, from the machine's boot; what the writable
 * layer holds carries its own owner, permission bits and times; what the
 * lower layer holds, the lower layer's owner, permission bits, size,
 * blocks, link count and times. Every file of the root filesystem, of any
 * layer, is on its one device, with its path's inode number (inodeOf), as
 * getdents64 gives it: a copy-up keeps it.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EBADF, EINVAL, ENOENT } from '../errno.js';
import { copyToUser } from '../uaccess.js';
import type { OpenFile } from '../files.js';
import { DeviceStream, DirStream, FileStream, PathStream, TmpStream } from '../file_streams.js';
import { FifoEnd, PipeEnd, PipefsInode, StreamInode } from '../pipe.js';
import { TmpDir, TmpFile, isMountPoint, mountOf } from '../tmpfs.js';
import { DEVICES, S_IFIFO, inProcfs, inodeOf, listDir, modeOf, type Node } from '../vfs.js';
import { FS_BLOCKS, mountAt } from '../mounts.js';
import { Sock } from '../sock.js';
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, attrsOf, lookup, pathArg } from './paths.js';

const S_IFSOCK = 0o140000;
const AT_NO_AUTOMOUNT = 0x800;
const AT_STATX_SYNC_TYPE = 0x6000;
const STATX_BASIC_STATS = 0x7ff;
const STATX_BTIME = 0x800;
const STATX_MNT_ID = 0x1000;
const STATX_RESERVED = 0x80000000;
const STATX_ATTR_MOUNT_ROOT = 0x2000;

/** What every answer is made from (Linux's struct kstat). */
export interface Kstat {
  devMajor: number;
  devMinor: number;
  ino: bigint;
  nlink: number;
  mode: number;
  uid: number;
  gid: number;
  rdevMajor: number;
  rdevMinor: number;
  size: number;
  blksize: number;
  blocks: number;
  atime: bigint;
  mtime: bigint;
  ctime: bigint;
  /** Known for what the writable layer made and what was given; not for /proc's files. */
  btime: bigint | undefined;
  mntId: number;
  /** statx's attributes_mask: the attribute bits this filesystem can report. */
  attributesMask: bigint;
  mountRoot: boolean;
}


const blocksOf = (size: number): number => Math.ceil(size / 4096) * 8;

/**
 * A directory's link count: its name in its parent, its own `.`, and the
 * `..` of each subdirectory (as tmpfs and ext4 count them, inc_nlink at
 * each mkdir); 0 once removed, for a descriptor that still holds it
 * (rmdir's clear_nlink).
 */
function dirLinks(k: Kernel, node: Node & { kind: 'dir' }): number {
  const tree = k.fileTree();
  if (node.tmp instanceof TmpDir && tree.tmp?.entries.get(node.path) !== node.tmp) return 0;
  // a lower directory nothing above has changed under counts as the lower layer counts it
  if (node.lower && !upperUnder(k, node.path)) return node.lower.nlink;
  return 2 + listDir(tree, node.path).filter((e) => e.node.kind === 'dir').length;
}

/**
 * A tmpfs directory's size: tmpfs keeps no blocks for entries, and counts
 * BOGO_DIRENT_SIZE (20) for each, its own two (`.` and `..`) included.
 */
function tmpfsDirSize(k: Kernel, node: Node & { kind: 'dir' }): number {
  return 20 * (2 + listDir(k.fileTree(), node.path).length);
}

/** Whether the writable layer (entries or whiteouts) or the given files have anything under dir. */
function upperUnder(k: Kernel, dir: string): boolean {
  const prefix = dir === '/' ? '/' : dir + '/';
  const under = (paths: Iterable<string>): boolean => {
    for (const p of paths) if (p.startsWith(prefix)) return true;
    return false;
  };
  return under(k.fsFiles.keys()) || under(k.tmp?.entries.keys() ?? []) || under(k.tmp?.removed ?? []) || (k.fileTree().exe?.path.startsWith(prefix) ?? false);
}

/** The kstat of a node of the tree. */
function kstatOf(k: Kernel, node: Node): Kstat {
  if (node.kind === 'fifo' && (node.inode instanceof PipefsInode || node.inode instanceof StreamInode)) return pipefsKstat(k, node.inode.ino);
  const m = mountAt(mountOf(node.path));
  const st: Kstat = {
    devMajor: m.major,
    devMinor: m.minor,
    ino: inodeOf(node.path),
    nlink: 1,
    mode: modeOf(node),
    uid: 0,
    gid: 0,
    rdevMajor: 0,
    rdevMinor: 0,
    size: 0,
    blksize: 4096,
    blocks: 0,
    atime: k.epochNs,
    mtime: k.epochNs,
    ctime: k.epochNs,
    btime: k.epochNs,
    mntId: m.mntId,
    attributesMask: m.attributesMask,
    mountRoot: isMountPoint(node.path),
  };
  switch (node.kind) {
    case 'file':
      // a /proc file has no size until read
      // a lower file's size is the lower layer's: a stat reads no contents
      st.size = node.proc ? (node.proc.size ?? 0) : node.lower ? node.lower.size : node.data.length;
      break;
    case 'tmp':
      st.nlink = node.file.nlink;
      st.size = node.file.size;
      break;
    case 'dir':
      st.nlink = node.proc ? node.proc.nlink : dirLinks(k, node);
      st.size = node.proc ? node.proc.size : m.fstype === 'tmpfs' ? tmpfsDirSize(k, node) : 4096;
      break;
    case 'dev':
      [st.rdevMajor, st.rdevMinor] = DEVICES[node.dev];
      break;
    case 'link':
      st.size = node.proc ? node.proc.size : new TextEncoder().encode(node.target).length;
      if (node.inode) st.nlink = node.inode.nlink;
      break;
    case 'devnode':
      st.rdevMajor = node.inode.major;
      st.rdevMinor = node.inode.minor;
      st.nlink = node.inode.nlink;
      break;
    case 'sock':
    case 'fifo':
      st.nlink = node.inode.nlink;
      break;
  }
  st.blocks = node.kind === 'dev' || node.kind === 'link' || (node.kind === 'dir' && m.fstype === 'tmpfs') ? 0 : blocksOf(st.size);
  // procfs and sysfs hold no blocks, nor a birth time; procfs's block size is 1 KiB (s_blocksize)
  if (inProcfs(node.path) && !isMountPoint(node.path)) {
    st.blocks = 0;
    st.btime = undefined;
    st.blksize = mountOf(node.path) === '/proc' ? 1024 : 4096;
  }
  const low = node.kind === 'file' || node.kind === 'dir' || node.kind === 'link' ? node.lower : undefined;
  if (low) {
    if (node.kind !== 'dir') st.nlink = low.nlink;
    st.uid = low.uid;
    st.gid = low.gid;
    st.size = low.size;
    st.blocks = low.blocks;
    st.atime = low.atime;
    st.mtime = low.mtime;
    st.ctime = low.ctime;
    st.btime = low.btime;
  }
  const a = attrsOf(k, node);
  if (a) {
    st.ino = a.ino;
    st.mode = (st.mode & ~0o7777) | a.mode;
    st.uid = a.uid;
    st.gid = a.gid;
    st.atime = a.atime;
    st.mtime = a.mtime;
    st.ctime = a.ctime;
    st.btime = a.btime;
  }
  return st;
}

/** The kstat of what descriptor fd names: a node of the tree, or a pipe, socket or anonymous inode. */
function kstatOfFd(k: Kernel, fd: number): Kstat {
  const f = k.fileRaw(fd);
  if (!f) throw new Errno(EBADF);
  return kstatOfFile(k, f, fd);
}

/** The kstat of an open file (fd: a descriptor naming it, which the machine's own streams take their inode numbers from). */
export function kstatOfFile(k: Kernel, f: OpenFile, fd: number): Kstat {
  const s = f.stream;
  if (s instanceof FileStream || s instanceof DirStream || s instanceof PathStream) return kstatOf(k, s.node);
  if (s instanceof TmpStream) return kstatOf(k, { kind: 'tmp', path: s.path, file: s.file });
  if (s instanceof DeviceStream) return kstatOf(k, s.node);
  if (s instanceof FifoEnd) return kstatOf(k, { kind: 'fifo', path: s.path, inode: s.fifo });
  if (s instanceof PipeEnd) return pipefsKstat(k, s.pipe.ino);
  let ino: bigint;
  let mode: number;
  let minor: number;
  if (s instanceof Sock) [ino, mode, minor] = [s.ino, S_IFSOCK | 0o777, 8];
  // a pidfd, an eventfd or an epoll instance is an anonymous inode (no type bits)
  else if (s.pid !== undefined || s.sysRead !== undefined || s.readyEvents !== undefined) [ino, mode, minor] = [1n, 0o600, 15];
  // the machine's streams are FIFOs of pipefs
  else return pipefsKstat(k, BigInt(fd) + 1n);
  return anonKstat(k, ino, mode, minor);
}

/** The kstat of an inode of no mounted filesystem (pipefs, sockfs, anon_inodefs: minor), dated from the machine's boot. */
const anonKstat = (k: Kernel, ino: bigint, mode: number, minor: number): Kstat => ({
  devMajor: 0, devMinor: minor, ino, nlink: 1, mode, uid: 0, gid: 0, rdevMajor: 0, rdevMinor: 0,
  size: 0, blksize: 4096, blocks: 0, atime: k.epochNs, mtime: k.epochNs, ctime: k.epochNs, btime: undefined,
  mntId: 0, attributesMask: 0n, mountRoot: false,
});

/** A pipe's inode on pipefs. */
const pipefsKstat = (k: Kernel, ino: bigint): Kstat => anonKstat(k, ino, S_IFIFO | 0o600, 14);

/** A device number as struct stat holds it (new_encode_dev). */
const encodeDev = (major: number, minor: number): bigint => BigInt(((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0);

const splitTime = (ns: bigint): [bigint, number] => {
  const sec = ns / 1_000_000_000n;
  return [sec, Number(ns - sec * 1_000_000_000n)];
};

/** struct stat (x86-64, 144 bytes). */
function encodeStat(st: Kstat): Uint8Array {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, encodeDev(st.devMajor, st.devMinor), true);
  dv.setBigUint64(8, st.ino, true);
  dv.setBigUint64(16, BigInt(st.nlink), true);
  dv.setUint32(24, st.mode, true);
  dv.setUint32(28, st.uid, true);
  dv.setUint32(32, st.gid, true);
  dv.setBigUint64(40, encodeDev(st.rdevMajor, st.rdevMinor), true);
  dv.setBigInt64(48, BigInt(st.size), true);
  dv.setBigInt64(56, BigInt(st.blksize), true);
  dv.setBigInt64(64, BigInt(st.blocks), true);
  [st.atime, st.mtime, st.ctime].forEach((t, i) => {
    const [sec, nsec] = splitTime(t);
    dv.setBigInt64(72 + 16 * i, sec, true);
    dv.setBigInt64(80 + 16 * i, BigInt(nsec), true);
  });
  return b;
}

/** struct statx (256 bytes): what was asked for that the filesystem has, in stx_mask. */
function encodeStatx(st: Kstat, want: number): Uint8Array {
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  const btime = st.btime !== undefined && (want & STATX_BTIME) !== 0;
  dv.setUint32(0, STATX_BASIC_STATS | STATX_MNT_ID | (btime ? STATX_BTIME : 0), true);
  dv.setUint32(4, st.blksize, true);
  dv.setBigUint64(8, st.mountRoot ? BigInt(STATX_ATTR_MOUNT_ROOT) : 0n, true);
  dv.setUint32(16, st.nlink, true);
  dv.setUint32(20, st.uid, true);
  dv.setUint32(24, st.gid, true);
  dv.setUint16(28, st.mode, true);
  dv.setBigUint64(32, st.ino, true);
  dv.setBigUint64(40, BigInt(st.size), true);
  dv.setBigUint64(48, BigInt(st.blocks), true);
  dv.setBigUint64(56, st.attributesMask, true);
  const times: [number, bigint | undefined][] = [[64, st.atime], [80, btime ? st.btime : undefined], [96, st.ctime], [112, st.mtime]];
  for (const [at, t] of times) {
    if (t === undefined) continue;
    const [sec, nsec] = splitTime(t);
    dv.setBigInt64(at, sec, true);
    dv.setUint32(at + 8, nsec, true);
  }
  dv.setUint32(128, st.rdevMajor, true);
  dv.setUint32(132, st.rdevMinor, true);
  dv.setUint32(136, st.devMajor, true);
  dv.setUint32(140, st.devMinor, true);
  dv.setBigUint64(144, BigInt(st.mntId), true);
  return b;
}

/** The kstat a *stat*at call names: dirfd itself for an empty path with AT_EMPTY_PATH, else the path's node. */
function kstatAt(k: Kernel, dirfd: number, pathAddr: bigint, flags: number): Kstat {
  const path = pathAddr === 0n && (flags & AT_EMPTY_PATH) ? '' : pathArg(k, pathAddr);
  if (path === '') {
    if (!(flags & AT_EMPTY_PATH)) throw new Errno(ENOENT);
    return dirfd === AT_FDCWD ? kstatOf(k, lookup(k, AT_FDCWD, '.', true)) : kstatOfFd(k, dirfd);
  }
  return kstatOf(k, lookup(k, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0));
}

function stat(k: Kernel, dirfd: number, pathAddr: bigint, buf: bigint, flags: number): bigint {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) throw new Errno(EINVAL);
  copyToUser(k.mm, buf, encodeStat(kstatAt(k, dirfd, pathAddr, flags)));
  return 0n;
}

function statx(k: Kernel, dirfd: number, pathAddr: bigint, flags: number, mask: number, buf: bigint): bigint {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) throw new Errno(EINVAL);
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE || (mask & STATX_RESERVED)) throw new Errno(EINVAL);
  copyToUser(k.mm, buf, encodeStatx(kstatAt(k, dirfd, pathAddr, flags), mask));
  return 0n;
}

const EXT4_SUPER_MAGIC = 0xef53;
const TMPFS_MAGIC = 0x01021994;
const PROC_SUPER_MAGIC = 0x9fa0;
const PIPEFS_MAGIC = 0x50495045;
const SOCKFS_MAGIC = 0x534f434b;
const ANON_INODE_FS_MAGIC = 0x09041934;
const SYSFS_MAGIC = 0x62656572;
const ST_VALID = 0x20;
const ST_NOSUID = 0x2;
const ST_NODEV = 0x4;
const ST_NOEXEC = 0x8;
const ST_RELATIME = 0x1000;

/** struct statfs (120 bytes) of the filesystem a mount (or a pseudo-filesystem's magic) names. */
function statfsBuf(k: Kernel, fs: string | number): Uint8Array {
  const b = new Uint8Array(120);
  const dv = new DataView(b.buffer);
  let type: number;
  let flags = ST_VALID | ST_RELATIME;
  let blocks = 0;
  let used = 0;
  if (typeof fs === 'number') type = fs;
  else {
    const m = mountAt(fs);
    flags |= (m.nosuid ? ST_NOSUID : 0) | (m.nodev ? ST_NODEV : 0) | (m.noexec ? ST_NOEXEC : 0);
    if (fs === '/proc') type = PROC_SUPER_MAGIC;
    else if (fs === '/sys') type = SYSFS_MAGIC;
    else {
      type = fs === '/' ? EXT4_SUPER_MAGIC : TMPFS_MAGIC;
      // the pages its files hold; the given files count on the root filesystem
      blocks = FS_BLOCKS;
      for (const [p, e] of k.tmp?.entries ?? []) if (e instanceof TmpFile && mountOf(p) === fs) used += Math.ceil(e.size / 4096);
      if (fs === '/') for (const data of k.fsFiles.values()) used += Math.ceil(data.length / 4096);
    }
  }
  dv.setBigInt64(0, BigInt(type), true);
  dv.setBigInt64(8, 4096n, true);
  dv.setBigUint64(16, BigInt(blocks), true);
  dv.setBigUint64(24, BigInt(Math.max(0, blocks - used)), true);
  dv.setBigUint64(32, BigInt(Math.max(0, blocks - used)), true);
  dv.setBigUint64(40, BigInt(blocks / 4), true);
  dv.setBigUint64(48, BigInt(Math.max(0, blocks / 4 - used)), true);
  dv.setBigInt64(64, 255n, true);
  dv.setBigInt64(72, 4096n, true);
  dv.setBigInt64(80, BigInt(flags), true);
  return b;
}

/** The filesystem of what descriptor fd names. */
function fdFilesystem(k: Kernel, fd: number): string | number {
  const f = k.fileRaw(fd);
  if (!f) throw new Errno(EBADF);
  const s = f.stream;
  if (s instanceof FileStream || s instanceof DirStream || s instanceof PathStream) return mountOf(s.node.path);
  if (s instanceof TmpStream) return mountOf(s.path);
  if (s instanceof DeviceStream) return mountOf(s.node.path);
  if (s instanceof FifoEnd) return mountOf(s.path);
  if (s instanceof Sock) return SOCKFS_MAGIC;
  if (s.pid !== undefined || s.sysRead !== undefined || s.readyEvents !== undefined) return ANON_INODE_FS_MAGIC;
  return PIPEFS_MAGIC;
}

export const statSyscalls: SyscallRow[] = [
  row(4, 'stat', 'sp', (k, a) => stat(k, AT_FDCWD, a.u64(0), a.u64(1), 0)),
  row(6, 'lstat', 'sp', (k, a) => stat(k, AT_FDCWD, a.u64(0), a.u64(1), AT_SYMLINK_NOFOLLOW)),
  row(5, 'fstat', 'dp', (k, a) => {
    copyToUser(k.mm, a.u64(1), encodeStat(kstatOfFd(k, a.i32(0))));
    return 0n;
  }),
  row(262, 'newfstatat', 'dspx', (k, a) => stat(k, a.i32(0), a.u64(1), a.u64(2), a.i32(3))),
  row(332, 'statx', 'dsxxp', (k, a) => statx(k, a.i32(0), a.u64(1), a.i32(2), a.u32(3), a.u64(4))),
  row(137, 'statfs', 'sp', (k, a) => {
    const node = lookup(k, AT_FDCWD, pathArg(k, a.u64(0)), true);
    copyToUser(k.mm, a.u64(1), statfsBuf(k, mountOf(node.path)));
    return 0n;
  }),
  row(138, 'fstatfs', 'dp', (k, a) => {
    copyToUser(k.mm, a.u64(1), statfsBuf(k, fdFilesystem(k, a.i32(0))));
    return 0n;
  }),
];
