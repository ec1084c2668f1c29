/** File-descriptor syscalls over the machine's streams (fd 0, 1, 2). */
import { row, errnoResult, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EBADF, EINVAL, ENOTTY, ESPIPE } from '../errno.js';
import { copyFromUser, copyToUser } from '../uaccess.js';

const MAX_RW = 0x7ffff000;

function write(k: Kernel, fd: bigint, buf: bigint, count: bigint): bigint {
  const f = k.fd(fd);
  if (!f || !f.write) throw new Errno(EBADF);
  const n = count > BigInt(MAX_RW) ? MAX_RW : Number(count);
  return BigInt(writeOut(k, f.write.bind(f), buf, n));
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
  row(0, 'read', 'dpu', (k, a) => read(k, a.u64(0), a.u64(1), a.u64(2))),
  row(1, 'write', 'dbu', (k, a) => write(k, a.u64(0), a.u64(1), a.u64(2))),
  row(3, 'close', 'd', (k, a) => {
    const fd = a.u64(0);
    if (!k.fd(fd)) return errnoResult(EBADF);
    k.closeFd(Number(fd));
    return 0n;
  }),
  row(8, 'lseek', 'dld', (k, a) => {
    if (!k.fd(a.u64(0))) throw new Errno(EBADF);
    // Linux refuses an unknown whence before it asks the file
    if (a.u32(2) > 4) throw new Errno(EINVAL); // SEEK_MAX is SEEK_HOLE
    // every stream here behaves as a pipe, and pipes cannot seek
    throw new Errno(ESPIPE);
  }),
  row(16, 'ioctl', 'dxp', (k, a) => {
    if (!k.fd(a.u64(0))) throw new Errno(EBADF);
    // no terminals in the machine: every stream answers as a pipe or file does
    return errnoResult(ENOTTY);
  }),
  row(19, 'readv', 'dpd', (k, a) => {
    let total = 0n;
    for (const [base, len] of iovecs(k, a.u64(1), a.u64(2))) {
      const got = read(k, a.u64(0), base, len);
      total += got;
      if (got < len) break;
    }
    return total;
  }),
  row(20, 'writev', 'dpd', (k, a) => {
    const f = k.fd(a.u64(0));
    if (!f || !f.write) throw new Errno(EBADF);
    const vecs = iovecs(k, a.u64(1), a.u64(2));
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
