/**
 * Memory syscalls: mmap (anonymous memory and files), munmap, mprotect,
 * mremap, mincore, brk, madvise, msync, the mlock family. Their
 * own argument checks return -errno rather than throw (a throw costs about
 * a microsecond); the address space's operations may still throw.
 */
import { row, errnoResult, type SyscallRow } from './table.js';
import { Errno, EACCES, EFAULT, EINVAL, ENOMEM, EBADF, ENODEV, EPERM } from '../errno.js';
import { DeviceStream, FileStream, ProcStream, TmpStream } from '../file_streams.js';
import { nodeAt } from '../vfs.js';
import { copyUp } from './paths.js';
import { O_ACCMODE, O_RDWR, O_WRONLY } from '../files.js';
import { F_SEAL_FUTURE_WRITE, F_SEAL_WRITE } from '../tmpfs.js';
import { copyToUser, pokeUser } from '../uaccess.js';
import type { Kernel } from '../kernel.js';
import {
  MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE,
  MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE, PAGE, pageDown, pageUp, TASK_SIZE_MAX, PROT_WRITE,
  isVdsoMapping,
} from '../mm.js';
import { splitsSpecial, vvarForbids } from '../special_mappings.js';

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
    const p = Number(prot & PROT_MASK);
    if (!(flags & MAP_ANONYMOUS)) {
      const file = k.file(fd);
      if (!file) return errnoResult(EBADF);
      let s = file.stream;
      if (s instanceof FileStream && !(s instanceof ProcStream) && nodeAt(k.fileTree(), s.node.path)?.kind === 'file') {
        // a given file still in the tree is copied up to be mapped: the mapping and every descriptor
        // of the file then share the copy's pages, as they share the page cache on Linux (one
        // no longer in the tree can never change: its bytes are copied below)
        copyUp(k, s.node, false);
        s = file.stream = s.successor() ?? s;
      }
      // /dev/zero maps anonymous memory (shared with MAP_SHARED), as its mmap does
      if (s instanceof DeviceStream && s.dev === 'zero') return k.mm.mmap(addr, size, p, flags & ~MAP_ANONYMOUS);
      if (!(s instanceof FileStream) && !(s instanceof TmpStream)) return errnoResult(ENODEV);
      const mode = file.flags & O_ACCMODE;
      // a shared writable mapping needs a description open for writing, any mapping one open for reading
      if (type !== MAP_PRIVATE && (p & PROT_WRITE) && mode !== O_RDWR) return errnoResult(EACCES);
      if (mode === O_WRONLY) return errnoResult(EACCES);
      if (s instanceof TmpStream) {
        if (type !== MAP_PRIVATE && (p & PROT_WRITE) && (s.file.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))) return errnoResult(EPERM);
        return k.mm.mmap(addr, size, p, flags, s.file, Number(off / PAGE), s.path);
      }
      // a given file no longer in the tree, or a file of /proc: its pages as a copy of its bytes
      // from the offset, zero past its end
      const at = k.mm.mmap(addr, size, p, flags);
      if (BigInt.asIntN(64, at) < 0n) return at;
      const data = s.node.data;
      if (off < BigInt(data.length)) {
        const from = Number(off);
        pokeUser(k.mm, at, data.subarray(from, Math.min(data.length, from + Number(size))));
      }
      return at;
    }
    return k.mm.mmap(addr, size, p, flags);
  }, 'p'),
  row(25, 'mremap', 'puuxp', (k, a) => {
    const addr = a.u64(0);
    const flags = a.u64(3);
    const newAddr = a.u64(4);
    if (flags & ~MREMAP_FLAGS) return errnoResult(EINVAL);
    if (addr & PAGE_OFF) return errnoResult(EINVAL);
    // lengths round up to pages, a length within a page of 2^64 to 0
    const oldLen = BigInt.asUintN(64, pageUp(a.u64(1)));
    const newLen = BigInt.asUintN(64, pageUp(a.u64(2)));
    if (newLen === 0n || newLen > TASK_SIZE_MAX) return errnoResult(EINVAL);
    // a new address is given with MREMAP_FIXED and MREMAP_DONTUNMAP, which are moves
    if (flags & BigInt(MREMAP_FIXED | MREMAP_DONTUNMAP)) {
      if (!(flags & BigInt(MREMAP_MAYMOVE))) return errnoResult(EINVAL);
      if ((flags & BigInt(MREMAP_DONTUNMAP)) && oldLen !== newLen) return errnoResult(EINVAL);
      if (newAddr & PAGE_OFF) return errnoResult(EINVAL);
      if (newAddr > TASK_SIZE_MAX - newLen) return errnoResult(EINVAL);
      if (addr + oldLen > newAddr && newAddr + newLen > addr) return errnoResult(EINVAL);
    }
    const special = k.mm.find(addr);
    if (special !== undefined && isVdsoMapping(special.name)) {
      if (newLen > oldLen) return errnoResult(EFAULT);
      if (newLen < oldLen || splitsSpecial(k.mm, addr, addr + oldLen)) return errnoResult(EINVAL);
    }
    return k.mm.remap(addr, oldLen, newLen, Number(flags), newAddr);
  }, 'p'),
  row(27, 'mincore', 'pup', (k, a) => {
    const start = a.u64(0);
    const len = a.u64(1);
    let vec = a.u64(2);
    if (start & PAGE_OFF) return errnoResult(EINVAL);
    // access_ok: the range lies below the top of user space
    if (len > TASK_SIZE_MAX || start > TASK_SIZE_MAX - len) return errnoResult(ENOMEM);
    const end = start + pageUp(len);
    // a VMA at a time, at most a page of answers at a time, each copied out before the next
    // (a hole after them is ENOMEM with those answers written)
    for (let at = start; at < end; ) {
      const v = k.mm.find(at);
      if (!v) return errnoResult(ENOMEM);
      let stop = v.end < end ? v.end : end;
      if (stop - at > MINCORE_BATCH) stop = at + MINCORE_BATCH;
      const out = new Uint8Array(Number((stop - at) / PAGE));
      for (let i = 0; i < out.length; i++) out[i] = k.mm.resident(v, at + BigInt(i) * PAGE) ? 1 : 0;
      copyToUser(k.mm, vec, out);
      vec += BigInt(out.length);
      at = stop;
    }
    return 0n;
  }),
  row(11, 'munmap', 'pu', (k, a) => {
    const addr = a.u64(0);
    const len = a.u64(1);
    k.mm.validateRange(addr, len);
    if (splitsSpecial(k.mm, addr, addr + pageUp(len))) return errnoResult(EINVAL);
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
    if (vvarForbids(k.mm, addr, end, Number(prot))) return errnoResult(EACCES);
    if (splitsSpecial(k.mm, addr, end) && k.mm.covers(addr, end)) return errnoResult(EINVAL);
    return k.mm.protect(addr, end, Number(prot & PROT_MASK)) ? 0n : errnoResult(ENOMEM);
  }),
  row(12, 'brk', 'p', (k, a) => k.mm.setBrk(a.u64(0)), 'p'),
  // msync: nothing is written back (no mapping has a file), but the range and flags are checked
  row(26, 'msync', 'pux', (k, a) => {
    const addr = a.u64(0);
    const flags = a.i32(2);
    if (addr & PAGE_OFF) throw new Errno(EINVAL);
    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || ((flags & MS_ASYNC) && (flags & MS_SYNC))) throw new Errno(EINVAL);
    const end = addr + pageUp(a.u64(1));
    if (end < addr || end > TASK_SIZE_MAX) throw new Errno(ENOMEM);
    if (!k.mm.covers(addr, end)) throw new Errno(ENOMEM);
    return 0n;
  }),
  // memory locking: every page stays anyway (nothing is swapped), the range must be mapped
  row(149, 'mlock', 'pu', (k, a) => lockRange(k, a.u64(0), a.u64(1))),
  row(150, 'munlock', 'pu', (k, a) => lockRange(k, a.u64(0), a.u64(1))),
  row(325, 'mlock2', 'pux', (k, a) => {
    if (a.i32(2) & ~MLOCK_ONFAULT) throw new Errno(EINVAL);
    return lockRange(k, a.u64(0), a.u64(1));
  }),
  row(151, 'mlockall', 'x', (_k, a) => {
    const flags = a.i32(0);
    if (!(flags & (MCL_CURRENT | MCL_FUTURE)) || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))) throw new Errno(EINVAL);
    return 0n;
  }),
  row(152, 'munlockall', '', () => 0n),
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

const MREMAP_FLAGS = BigInt(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP);
/** Pages mincore answers for at a time (Linux fills one page of bytes). */
const MINCORE_BATCH = 4096n * PAGE;
const MS_ASYNC = 1;
const MS_INVALIDATE = 2;
const MS_SYNC = 4;
const MLOCK_ONFAULT = 1;
const MCL_CURRENT = 1;
const MCL_FUTURE = 2;
const MCL_ONFAULT = 4;

/** mlock's and munlock's range: the pages addr..addr + len touch, all mapped (ENOMEM otherwise). */
function lockRange(k: Kernel, addr: bigint, len: bigint): bigint {
  const start = pageDown(addr);
  const end = pageUp(addr + len);
  if (end < start) throw new Errno(EINVAL);
  if (end > start && !k.mm.covers(start, end)) throw new Errno(ENOMEM);
  return 0n;
}
