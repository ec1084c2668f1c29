/**
 * mknod and mknodat (Linux: fs/namei.c, do_mknodat): a new entry of the
 * writable layer that is no directory or link: an empty regular file
 * (S_IFREG, or type 0), a FIFO, a socket's name with no socket bound to it
 * (a connect to it is refused), or a character or block device node, which
 * only a task with CAP_MKNOD makes. The type is checked before the path
 * (may_mknod); the umask applies to the permission bits; a FIFO or socket
 * keeps no device number.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EINVAL, ENOENT, EPERM } from '../errno.js';
import { TmpDevNode, TmpFifo, TmpFile, TmpSock, type TmpEntry } from '../tmpfs.js';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFMT, S_IFREG, S_IFSOCK } from '../vfs.js';
import { AT_FDCWD, dirChanged, newEntry, pathArg } from './paths.js';

/** The types mknod makes (0 is S_IFREG). */
const MKNOD_TYPES = [0, S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK];

/** CAP_MKNOD: root's, lost with a nonzero effective or filesystem uid (it is one of CAP_FS_MASK). */
const mayMakeDevices = (k: Kernel): boolean => k.current.cred.euid === 0 && k.current.cred.fsuid === 0;

function mknod(k: Kernel, dirfd: number, path: string, mode: number, dev: number): bigint {
  const type = mode & S_IFMT;
  if (type === S_IFDIR) throw new Errno(EPERM);
  if (!MKNOD_TYPES.includes(type)) throw new Errno(EINVAL);
  const [dir, at] = newEntry(k, dirfd, path);
  // a trailing slash asks for a directory, which mknod does not make (filename_create)
  if (path.endsWith('/')) throw new Errno(ENOENT);
  // /proc has no such entry to make
  if (!dir.tmp) throw new Errno(ENOENT);
  // a character device 0:0 is a whiteout, which needs no capability (vfs_mknod)
  const device = type === S_IFCHR || type === S_IFBLK;
  if (device && !(type === S_IFCHR && dev === 0) && !mayMakeDevices(k)) throw new Errno(EPERM);
  const perm = mode & 0o7777 & ~k.current.umask;
  const ino = k.nextIno();
  const now = k.realtimeNs();
  let e: TmpEntry;
  if (type === S_IFIFO) e = new TmpFifo(ino, perm, now);
  else if (type === S_IFSOCK) e = new TmpSock(ino, perm, now, undefined);
  // new_decode_dev: 12 bits of major, 20 of minor, the minor's low byte lowest
  else if (device) e = new TmpDevNode(ino, type, perm, now, (dev & 0xfff00) >>> 8, (dev & 0xff) | ((dev >>> 12) & 0xfff00));
  else e = new TmpFile(k.engine, ino, perm, now);
  k.tmpfs().entries.set(at, e);
  dirChanged(k, at);
  return 0n;
}

// the mode is a umode_t: its low 16 bits
export const mknodSyscalls: SyscallRow[] = [
  row(133, 'mknod', 'sox', (k, a) => mknod(k, AT_FDCWD, pathArg(k, a.u64(0)), a.u32(1) & 0xffff, a.u32(2))),
  row(259, 'mknodat', 'dsox', (k, a) => mknod(k, a.i32(0), pathArg(k, a.u64(1)), a.u32(2) & 0xffff, a.u32(3))),
];
