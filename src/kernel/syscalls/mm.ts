/** Memory syscalls: mmap (anonymous), munmap, mprotect, brk, madvise. */
import { row, type SyscallRow } from './table.js';
import { Errno, EINVAL, ENOMEM, EBADF, ENODEV } from '../errno.js';
import {
  MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE,
  PAGE, pageUp, TASK_SIZE_MAX,
} from '../mm.js';

const PROT_MASK = 0x7n;
const PROT_GROWS = 0x03000000n;
/** Masks made once: each bigint operation allocates. */
const PAGE_OFF = PAGE - 1n;
const PROT_INVALID = ~(PROT_MASK | PROT_GROWS);

export const mmSyscalls: SyscallRow[] = [
  row(9, 'mmap', 'pxxxdx', (k, a) => {
    const addr = a[0];
    const len = a[1];
    const prot = a[2];
    const flagsRaw = a[3];
    const fd = a[4];
    const off = a[5];
    const flags = Number(BigInt.asUintN(32, flagsRaw));
    if (off & PAGE_OFF) throw new Errno(EINVAL);
    if (len === 0n) throw new Errno(EINVAL);
    const size = pageUp(len);
    if (size === 0n || size > TASK_SIZE_MAX) throw new Errno(ENOMEM);
    const type = flags & 3;
    if (type !== MAP_PRIVATE && type !== MAP_SHARED && type !== MAP_SHARED_VALIDATE) throw new Errno(EINVAL);
    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr & PAGE_OFF)) throw new Errno(EINVAL);
    if ((flags & MAP_FIXED) && addr + size > TASK_SIZE_MAX) throw new Errno(ENOMEM);
    if (!(flags & MAP_ANONYMOUS)) {
      const f = k.fd(fd);
      if (!f) throw new Errno(EBADF);
      throw new Errno(ENODEV);
    }
    const p = Number(prot & PROT_MASK);
    return k.mm.mmapAnon(addr, size, p, flags);
  }, 'p'),
  row(11, 'munmap', 'pu', (k, a) => {
    k.mm.validateRange(a[0], a[1]);
    k.mm.unmapRange(a[0], a[0] + pageUp(a[1]));
    return 0n;
  }),
  row(10, 'mprotect', 'pux', (k, a) => {
    const addr = a[0];
    const len = a[1];
    const prot = a[2];
    if (addr & PAGE_OFF) throw new Errno(EINVAL);
    if (prot & PROT_INVALID) throw new Errno(EINVAL);
    if (len === 0n) return 0n;
    const end = addr + pageUp(len);
    if (end <= addr || end > TASK_SIZE_MAX) throw new Errno(ENOMEM);
    k.mm.protect(addr, end, Number(prot & PROT_MASK));
    return 0n;
  }),
  row(12, 'brk', 'p', (k, a) => k.mm.setBrk(a[0]), 'p'),
  row(28, 'madvise', 'pud', (k, a) => {
    if (a[0] & PAGE_OFF) throw new Errno(EINVAL);
    return 0n;
  }),
];
