/** File-descriptor syscalls over the machine's streams (fd 0, 1, 2). */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EBADF, EINVAL, ENOTTY, EFAULT, ESPIPE } from '../errno.js';
import { copyFromUser, copyToUser } from '../uaccess.js';

const MAX_RW = 0x7ffff000;

function write(k: Kernel, fd: bigint, buf: bigint, count: bigint): bigint {
  const f = k.fd(fd);
  if (!f || !f.write) throw new Errno(EBADF);
  const n = count > BigInt(MAX_RW) ? MAX_RW : Number(count);
  if (n === 0) return 0n;
  const data = copyFromUser(k.mm, buf, n);
  f.write(data);
  return BigInt(n);
}

function read(k: Kernel, fd: bigint, buf: bigint, count: bigint): bigint {
  const f = k.fd(fd);
  if (!f || !f.read) throw new Errno(EBADF);
  const n = count > BigInt(MAX_RW) ? MAX_RW : Number(count);
  if (n === 0) return 0n;
  const data = f.read(n);
  if (data.length > 0) copyToUser(k.mm, buf, data);
  return BigInt(data.length);
}

function iovecs(k: Kernel, iov: bigint, cnt: bigint): [bigint, bigint][] {
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
  row(0, 'read', 'dpu', (k, a) => read(k, a[0], a[1], a[2])),
  row(1, 'write', 'dbu', (k, a) => write(k, a[0], a[1], a[2])),
  row(3, 'close', 'd', (k, a) => {
    if (!k.fd(a[0])) throw new Errno(EBADF);
    k.closeFd(Number(a[0]));
    return 0n;
  }),
  row(8, 'lseek', 'dld', (k, a) => {
    if (!k.fd(a[0])) throw new Errno(EBADF);
    // Linux refuses an unknown whence before it asks the file
    if (BigInt.asUintN(32, a[2]) > 4n) throw new Errno(EINVAL); // SEEK_MAX is SEEK_HOLE
    // every stream here behaves as a pipe, and pipes cannot seek
    throw new Errno(ESPIPE);
  }),
  row(16, 'ioctl', 'dxp', (k, a) => {
    if (!k.fd(a[0])) throw new Errno(EBADF);
    // no terminals in the machine: every stream answers as a pipe or file does
    return BigInt(-ENOTTY);
  }),
  row(19, 'readv', 'dpd', (k, a) => {
    let total = 0n;
    for (const [base, len] of iovecs(k, a[1], a[2])) {
      const got = read(k, a[0], base, len);
      total += got;
      if (got < len) break;
    }
    return total;
  }),
  row(20, 'writev', 'dpd', (k, a) => {
    const f = k.fd(a[0]);
    if (!f || !f.write) throw new Errno(EBADF);
    const vecs = iovecs(k, a[1], a[2]);
    // gather first: a bad iovec fails the call before anything is written
    const parts: Uint8Array[] = [];
    for (const [base, len] of vecs) {
      if (len === 0n) continue;
      if (len > BigInt(MAX_RW)) throw new Errno(EFAULT);
      parts.push(copyFromUser(k.mm, base, Number(len)));
    }
    let total = 0;
    for (const p of parts) {
      f.write(p);
      total += p.length;
    }
    return BigInt(total);
  }),
];
