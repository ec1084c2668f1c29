/**
 * Extended attributes (Linux: fs/xattr.c) of the file tree's files,
 * directories and devices, kept per inode as tmpfs keeps them (Linux 6.6
 * on: the user.*, trusted.* and security.* namespaces; ext4, the reference
 * host's root filesystem, answers the same but lists in another order):
 * set, read back, listed (by name, highest first, as tmpfs walks them) and
 * removed. /proc and the streams that are no file of the tree (pipes,
 * sockets, eventfds...) have none (EOPNOTSUPP), and a user.* attribute
 * belongs only to a regular file or a directory (ENODATA to read one
 * elsewhere, EPERM to write one). POSIX ACLs read as absent; setting one
 * is not supported (EOPNOTSUPP). Every form, the f* ones too, checks the
 * name and value before the path or descriptor (Linux 6.13 on).
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, E2BIG, EBADF, EEXIST, EFAULT, EINVAL, ENAMETOOLONG, EPERM, ERANGE, ENODATA, EOPNOTSUPP } from '../errno.js';
import { copyFromUser, readCString, tryCopyToUser } from '../uaccess.js';
import { inProcfs, inodeOf, type Node } from '../vfs.js';
import { AT_FDCWD, lookup, pathArg } from './paths.js';
import { DeviceStream, DirStream, FileStream, TmpStream } from '../file_streams.js';
import { FifoEnd } from '../pipe.js';
import { TmpDir } from '../tmpfs.js';

const XATTR_CREATE = 1;
const XATTR_REPLACE = 2;
/** XATTR_NAME_MAX + 1: a name and its NUL. */
const NAME_BUF = 256;
/** XATTR_SIZE_MAX and XATTR_LIST_MAX. */
const XATTR_SIZE_MAX = 65536;
const XATTR_LIST_MAX = 65536;

/** The namespaces tmpfs has a handler for. */
const HANDLED = ['user.', 'trusted.', 'security.'];
const ACL_NAMES = ['system.posix_acl_access', 'system.posix_acl_default'];

/** What an xattr call acts on: the inode whose attributes it names (undefined: a filesystem without any), and whether that is a regular file or directory. */
interface Target {
  ino: bigint | undefined;
  regOrDir: boolean;
}

function target(n: Node): Target {
  if (inProcfs(n.path)) return { ino: undefined, regOrDir: n.kind === 'file' || n.kind === 'dir' };
  switch (n.kind) {
    case 'tmp': return { ino: n.file.ino, regOrDir: true };
    case 'file': return { ino: inodeOf(n.path), regOrDir: true };
    case 'dir': return { ino: n.tmp instanceof TmpDir ? n.tmp.ino : inodeOf(n.path), regOrDir: true };
    case 'dev': return { ino: inodeOf(n.path), regOrDir: false };
    case 'link': return { ino: undefined, regOrDir: false };
    case 'sock':
    case 'fifo':
    case 'devnode': return { ino: n.inode.ino, regOrDir: false };
  }
}

/** The target of a path (the last component's link followed when follow). */
function pathTarget(k: Kernel, addr: bigint, follow: boolean): Target {
  return target(lookup(k, AT_FDCWD, pathArg(k, addr), follow));
}

/** The target of a descriptor: a file of the tree, or a stream of a filesystem without attributes (pipefs, sockfs, anon_inodefs). */
function fdTarget(k: Kernel, fd: number): Target {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  const s = f.stream;
  if (s instanceof FileStream || s instanceof DirStream) return target(s.node);
  if (s instanceof TmpStream) return target({ kind: 'tmp', path: s.path, file: s.file });
  if (s instanceof DeviceStream) return target(s.node);
  if (s instanceof FifoEnd) return target({ kind: 'fifo', path: s.path, inode: s.fifo });
  return { ino: undefined, regOrDir: false };
}

/** import_xattr_name: the name (bytes as latin1 text), ERANGE when empty or longer than XATTR_NAME_MAX. */
function nameArg(k: Kernel, addr: bigint): string {
  let bytes: Uint8Array;
  try {
    bytes = readCString(k.mm, addr, NAME_BUF);
  } catch (err) {
    throw err instanceof Errno && err.errno === ENAMETOOLONG ? new Errno(ERANGE) : err;
  }
  if (bytes.length === 0) throw new Errno(ERANGE);
  return String.fromCharCode(...bytes);
}

function nameBytes(name: string): Uint8Array {
  return Uint8Array.from(name, (c) => c.charCodeAt(0));
}

/**
 * xattr_permission: a user.* attribute of anything but a regular file or
 * directory reads as absent and cannot be written; root passes the rest.
 */
function permit(t: Target, name: string, write: boolean): void {
  if (name.startsWith('user.') && !t.regOrDir) throw new Errno(write ? EPERM : ENODATA);
}

/** xattr_resolve_name: the attributes of t's inode for a name a handler takes (EOPNOTSUPP, or EINVAL for a bare prefix). */
function attrsFor(k: Kernel, t: Target, name: string): Map<string, Uint8Array> | undefined {
  if (t.ino === undefined) throw new Errno(EOPNOTSUPP);
  const prefix = HANDLED.find((p) => name.startsWith(p));
  if (prefix === undefined) throw new Errno(EOPNOTSUPP);
  if (name.length === prefix.length) throw new Errno(EINVAL);
  return k.xattrs?.get(t.ino);
}

function getxattr(k: Kernel, t: Target, name: string, value: bigint, size: bigint): bigint {
  const room = size > BigInt(XATTR_SIZE_MAX) ? XATTR_SIZE_MAX : Number(size);
  permit(t, name, false);
  if (ACL_NAMES.includes(name)) {
    if (t.ino === undefined) throw new Errno(EOPNOTSUPP);
    throw new Errno(ENODATA);
  }
  const v = attrsFor(k, t, name)?.get(name);
  if (v === undefined) throw new Errno(ENODATA);
  if (room === 0) return BigInt(v.length);
  if (v.length > room) throw new Errno(ERANGE);
  if (!tryCopyToUser(k.mm, value, v)) throw new Errno(EFAULT);
  return BigInt(v.length);
}

/** setxattr_copy: the flags, the name and the value, checked and copied before anything is looked up. */
function setArgs(k: Kernel, nameAddr: bigint, value: bigint, size: bigint, flags: number): [string, Uint8Array, number] {
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) throw new Errno(EINVAL);
  const name = nameArg(k, nameAddr);
  if (size > BigInt(XATTR_SIZE_MAX)) throw new Errno(E2BIG);
  return [name, copyFromUser(k.mm, value, Number(size)), flags];
}

function setxattr(k: Kernel, t: Target, [name, value, flags]: [string, Uint8Array, number]): bigint {
  permit(t, name, true);
  if (ACL_NAMES.includes(name)) {
    // an empty value removes the ACL there is not
    if (t.ino === undefined || value.length !== 0) throw new Errno(EOPNOTSUPP);
    return 0n;
  }
  const attrs = attrsFor(k, t, name);
  const has = attrs?.has(name) ?? false;
  if ((flags & XATTR_CREATE) && has) throw new Errno(EEXIST);
  if ((flags & XATTR_REPLACE) && !has) throw new Errno(ENODATA);
  const store = (k.xattrs ??= new Map());
  if (attrs) attrs.set(name, value);
  else store.set(t.ino!, new Map([[name, value]]));
  return 0n;
}

function removexattr(k: Kernel, t: Target, name: string): bigint {
  permit(t, name, true);
  if (ACL_NAMES.includes(name)) {
    if (t.ino === undefined) throw new Errno(EOPNOTSUPP);
    return 0n;
  }
  const attrs = attrsFor(k, t, name);
  if (!attrs?.delete(name)) throw new Errno(ENODATA);
  if (attrs.size === 0) k.xattrs!.delete(t.ino!);
  return 0n;
}

function listxattr(k: Kernel, t: Target, list: bigint, size: bigint): bigint {
  const room = size > BigInt(XATTR_LIST_MAX) ? XATTR_LIST_MAX : Number(size);
  const attrs = t.ino === undefined ? undefined : k.xattrs?.get(t.ino);
  // each name with its NUL
  const names = attrs ? [...attrs.keys()].sort().reverse() : [];
  let total = 0;
  for (const n of names) total += n.length + 1;
  if (room === 0 || total === 0) return BigInt(total);
  if (total > room) throw new Errno(room >= XATTR_LIST_MAX ? E2BIG : ERANGE);
  const out = new Uint8Array(total);
  let at = 0;
  for (const n of names) {
    out.set(nameBytes(n), at);
    at += n.length + 1;
  }
  if (!tryCopyToUser(k.mm, list, out)) throw new Errno(EFAULT);
  return BigInt(total);
}

export const xattrSyscalls: SyscallRow[] = [
  row(188, 'setxattr', 'sspux', (k, a) => {
    const args = setArgs(k, a.u64(1), a.u64(2), a.u64(3), a.i32(4));
    return setxattr(k, pathTarget(k, a.u64(0), true), args);
  }),
  row(189, 'lsetxattr', 'sspux', (k, a) => {
    const args = setArgs(k, a.u64(1), a.u64(2), a.u64(3), a.i32(4));
    return setxattr(k, pathTarget(k, a.u64(0), false), args);
  }),
  row(190, 'fsetxattr', 'dspux', (k, a) => {
    const args = setArgs(k, a.u64(1), a.u64(2), a.u64(3), a.i32(4));
    return setxattr(k, fdTarget(k, a.i32(0)), args);
  }),
  row(191, 'getxattr', 'sspu', (k, a) => {
    const name = nameArg(k, a.u64(1));
    return getxattr(k, pathTarget(k, a.u64(0), true), name, a.u64(2), a.u64(3));
  }),
  row(192, 'lgetxattr', 'sspu', (k, a) => {
    const name = nameArg(k, a.u64(1));
    return getxattr(k, pathTarget(k, a.u64(0), false), name, a.u64(2), a.u64(3));
  }),
  row(193, 'fgetxattr', 'dspu', (k, a) => {
    const name = nameArg(k, a.u64(1));
    return getxattr(k, fdTarget(k, a.i32(0)), name, a.u64(2), a.u64(3));
  }),
  row(194, 'listxattr', 'spu', (k, a) => listxattr(k, pathTarget(k, a.u64(0), true), a.u64(1), a.u64(2))),
  row(195, 'llistxattr', 'spu', (k, a) => listxattr(k, pathTarget(k, a.u64(0), false), a.u64(1), a.u64(2))),
  row(196, 'flistxattr', 'dpu', (k, a) => listxattr(k, fdTarget(k, a.i32(0)), a.u64(1), a.u64(2))),
  row(197, 'removexattr', 'ss', (k, a) => {
    const name = nameArg(k, a.u64(1));
    return removexattr(k, pathTarget(k, a.u64(0), true), name);
  }),
  row(198, 'lremovexattr', 'ss', (k, a) => {
    const name = nameArg(k, a.u64(1));
    return removexattr(k, pathTarget(k, a.u64(0), false), name);
  }),
  row(199, 'fremovexattr', 'ds', (k, a) => {
    const name = nameArg(k, a.u64(1));
    return removexattr(k, fdTarget(k, a.i32(0)), name);
  }),
];
