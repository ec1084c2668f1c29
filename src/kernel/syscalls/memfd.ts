/**
 * memfd (Linux: mm/memfd.c): memfd_create makes a tmpfs file that no
 * directory names (its /proc/self/fd link reads "/memfd:NAME (deleted)"),
 * read, written, truncated and mapped as any tmpfs file is; fcntl's
 * F_ADD_SEALS and F_GET_SEALS seal such a file against shrinking, growing
 * and writing.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EBUSY, EINVAL, ENAMETOOLONG, ENOSYS, EPERM } from '../errno.js';
import { OpenFile, O_ACCMODE, O_RDONLY, O_RDWR } from '../files.js';
import { TmpStream } from '../file_streams.js';
import {
  TmpFile, F_SEAL_EXEC, F_SEAL_FUTURE_WRITE, F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE,
} from '../tmpfs.js';
import { readCString } from '../uaccess.js';

const MFD_CLOEXEC = 0x1;
const MFD_ALLOW_SEALING = 0x2;
const MFD_HUGETLB = 0x4;
const MFD_NOEXEC_SEAL = 0x8;
const MFD_EXEC = 0x10;
const MFD_ALL_FLAGS = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC;
/** The huge page size that may come with MFD_HUGETLB (bits 26..31). */
const MFD_HUGE_MASK = 0x3f << 26;
/** NAME_MAX less "memfd:". */
const MFD_NAME_MAX_LEN = 249;
const O_LARGEFILE = 0o100000;

export const F_ADD_SEALS = 1033;
export const F_GET_SEALS = 1034;
const F_ALL_SEALS = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC;

const dec = new TextDecoder();

function memfdCreate(k: Kernel, nameAddr: bigint, flags: number): bigint {
  if (flags & ~(flags & MFD_HUGETLB ? MFD_ALL_FLAGS | MFD_HUGE_MASK : MFD_ALL_FLAGS)) throw new Errno(EINVAL);
  if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL)) throw new Errno(EINVAL);
  let name: Uint8Array;
  try {
    name = readCString(k.mm, nameAddr, MFD_NAME_MAX_LEN + 1);
  } catch (err) {
    throw err instanceof Errno && err.errno === ENAMETOOLONG ? new Errno(EINVAL) : err;
  }
  // hugetlbfs is not built in (its hugetlb_file_setup stub's answer)
  if (flags & MFD_HUGETLB) throw new Errno(ENOSYS);
  const file = new TmpFile(k.engine, k.nextIno(), flags & MFD_NOEXEC_SEAL ? 0o666 : 0o777, k.realtimeNs());
  file.nlink = 0;
  if (flags & MFD_NOEXEC_SEAL) file.seals = F_SEAL_EXEC;
  else if (flags & MFD_ALLOW_SEALING) file.seals = 0;
  const stream = new TmpStream(file, `/memfd:${dec.decode(name)}`);
  return BigInt(k.installFile(new OpenFile(stream, O_RDWR | O_LARGEFILE), (flags & MFD_CLOEXEC) !== 0));
}

/** fcntl's F_ADD_SEALS and F_GET_SEALS (memfd_fcntl): on tmpfs files only (EINVAL for others). */
export function sealsFcntl(f: OpenFile, cmd: number, arg: number): bigint {
  const s = f.stream;
  if (cmd === F_GET_SEALS) {
    if (!(s instanceof TmpStream)) throw new Errno(EINVAL);
    return BigInt(s.file.seals);
  }
  if ((f.flags & O_ACCMODE) === O_RDONLY) throw new Errno(EPERM);
  if (arg & ~F_ALL_SEALS) throw new Errno(EINVAL);
  if (!(s instanceof TmpStream)) throw new Errno(EINVAL);
  const file = s.file;
  if (file.seals & F_SEAL_SEAL) throw new Errno(EPERM);
  // no shared writable mapping may go on writing a file sealed against writes
  if ((arg & F_SEAL_WRITE) && !(file.seals & F_SEAL_WRITE) && file.writers > 0) throw new Errno(EBUSY);
  // sealing an executable file against exec seals it against every change too (W^X from the start)
  if ((arg & F_SEAL_EXEC) && (file.mode & 0o111)) arg |= F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;
  file.seals |= arg;
  return 0n;
}

export const memfdSyscalls: SyscallRow[] = [
  row(319, 'memfd_create', 'sx', (k, a) => memfdCreate(k, a.u64(0), a.u32(1))),
];
