/**
 * Memory syscalls: mmap (anonymous), munmap, mprotect, brk, madvise. Their
 * own argument checks return -errno rather than throw (a throw costs about
 * a microsecond); the address space's operations may still throw.
 */
import { row, errnoResult, type SyscallRow } from './table.js';
import { EINVAL, ENOMEM, EBADF, ENODEV } from '../errno.js';
import {
  MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE,
  PAGE, pageUp, TASK_SIZE_MAX,
} from '../mm.js';

const PROT_MASK = 0x7n;
const PROT_GROWS = 0x03000000n;
/** Masks made once: each bigint operation allocates. */
const PAGE_OFF = PAGE - 1n;
const PROT_INVALID = ~(PROT_MASK | PROT_GROWS);
const MADV_DONTNEED = 4;
const MADV_DONTNEED_LOCKED = 24;
/** The highest advice Linux 6.x knows (MADV_COLLAPSE). */
const MADV_LAST = 25;

export const mmSyscalls: SyscallRow[] = [
  row(9, 'mmap', 'pxxxdx', (k, a) => {
    const addr = a.u64(0);
    const len = a.u64(1);
    const prot = a.u64(2);
    const flags = a.u32(3);
    const fd = a.u64(4);
    const off = a.u64(5);
    if (off & PAGE_OFF) return errnoResult(EINVAL);
    if (len === 0n) return errnoResult(EINVAL);
    const size = pageUp(len);
    if (size === 0n || size > TASK_SIZE_MAX) return errnoResult(ENOMEM);
    const type = flags & 3;
    if (type !== MAP_PRIVATE && type !== MAP_SHARED && type !== MAP_SHARED_VALIDATE) return errnoResult(EINVAL);
    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr & PAGE_OFF)) return errnoResult(EINVAL);
    if ((flags & MAP_FIXED) && addr + size > TASK_SIZE_MAX) return errnoResult(ENOMEM);
    if (!(flags & MAP_ANONYMOUS)) {
      const f = k.fd(fd);
      if (!f) return errnoResult(EBADF);
      return errnoResult(ENODEV);
    }
    const p = Number(prot & PROT_MASK);
    return k.mm.mmapAnon(addr, size, p, flags);
  }, 'p'),
  row(11, 'munmap', 'pu', (k, a) => {
    const addr = a.u64(0);
    const len = a.u64(1);
    k.mm.validateRange(addr, len);
    k.mm.unmapRange(addr, addr + pageUp(len));
    return 0n;
  }),
  row(10, 'mprotect', 'pux', (k, a) => {
    const addr = a.u64(0);
    const len = a.u64(1);
    const prot = a.u64(2);
    if (addr & PAGE_OFF) return errnoResult(EINVAL);
    if (prot & PROT_INVALID) return errnoResult(EINVAL);
    if (len === 0n) return 0n;
    const end = addr + pageUp(len);
    if (end <= addr || end > TASK_SIZE_MAX) return errnoResult(ENOMEM);
    k.mm.protect(addr, end, Number(prot & PROT_MASK));
    return 0n;
  }),
  row(12, 'brk', 'p', (k, a) => k.mm.setBrk(a.u64(0)), 'p'),
  row(28, 'madvise', 'pud', (k, a) => {
    const addr = a.u64(0);
    const advice = a.i32(2);
    if (addr & PAGE_OFF) return errnoResult(EINVAL);
    if (advice < 0 || advice > MADV_LAST || (advice > 4 && advice < 8)) return errnoResult(EINVAL);
    const len = a.u64(1);
    if (len === 0n) return 0n;
    const end = addr + pageUp(len);
    if (end <= addr || end > TASK_SIZE_MAX) return errnoResult(EINVAL);
    // the other advice changes nothing a program can see (MADV_FREE's pages stay while memory lasts)
    return k.mm.advise(addr, end, advice === MADV_DONTNEED || advice === MADV_DONTNEED_LOCKED) ? 0n : errnoResult(ENOMEM);
  }),
];
