/**
 * An address space: the engine's page table (in shared memory) plus the
 * kernel's list of mappings (VMAs), which decides placement, splitting and
 * what munmap/mprotect/mremap/brk may touch. Pages are demand-zero until
 * touched, or, in a mapping of a tmpfs file (shared anonymous memory is
 * one, as on Linux), the file's pages, faulted in from it.
 */
import type { Engine } from '../engine/engine.js';
import { PTE_R, PTE_W, PTE_X, PTE_SHARED, PTE_COW } from '../engine/layout.js';
import { Errno, EINVAL, ENOMEM, EEXIST, EFAULT } from './errno.js';
import { SHARES, type SharesFields } from './clone.js';
import { TmpFile, type MappedFiles } from './tmpfs.js';

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_SHARED_VALIDATE = 0x03;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_GROWSDOWN = 0x100;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
export const MAP_FIXED_NOREPLACE = 0x100000;
export const MREMAP_MAYMOVE = 1;
export const MREMAP_FIXED = 2;
export const MREMAP_DONTUNMAP = 4;

export const PAGE = 4096n;
/** TASK_SIZE_MAX on x86-64 with 4-level paging: the last page below is a guard. */
export const TASK_SIZE_MAX = 0x7ffffffff000n;
export const STACK_TOP = TASK_SIZE_MAX;
export const STACK_SIZE = 8n * 1024n * 1024n;
/** Top of the mmap area (below the stack and its gap); deterministic, no randomization. */
export const MMAP_BASE = 0x7ffff7fff000n;
/**
 * ELF_ET_DYN_BASE (two thirds of the user address space): where an ET_DYN
 * program with an interpreter is loaded (page-aligned down), and where a
 * static-pie's heap begins (page-aligned up), randomization off.
 */
export const ELF_ET_DYN_BASE = (TASK_SIZE_MAX / 3n) * 2n;

/** The name of the VMAs an executable's segments are loaded into. */
export const FILE_PAGES = '[file]';
/** The name of shared anonymous mappings (/proc/self/maps shows "/dev/zero (deleted)"). */
export const SHARED_ANON = '[shared]';
/** The vDSO's special mappings (src/kernel/vdso.ts): its clock data, the paravirtual clock pages, its code. */
export const VVAR = '[vvar]';
export const VVAR_VCLOCK = '[vvar_vclock]';
export const VDSO = '[vdso]';

/** Whether a VMA is one of the vDSO's special mappings (which the kernel fills, not page faults). */
export function isVdsoMapping(name: string): boolean {
  return name === VDSO || name === VVAR || name === VVAR_VCLOCK;
}

/** One mapping. Records are values: a change replaces the record (copies of the list share them). */
export interface Vma {
  readonly start: bigint;
  readonly end: bigint;
  readonly prot: number;
  readonly shared: boolean;
  readonly name: string;
  /** The tmpfs file mapped, by its MappedFiles number; 0 for anonymous memory and an executable's pages. */
  readonly file: number;
  /** The file's page at start. */
  readonly pgoff: number;
}

/**
 * A VMA record, always built with its fields in one order (object spreads
 * cost far more, and a record of another shape makes reads polymorphic).
 */
function vma(start: bigint, end: bigint, prot: number, shared: boolean, name: string, file: number, pgoff: number): Vma {
  return { start, end, prot, shared, name, file, pgoff };
}

/** The part [s, e) of v with prot, its file page moved along. */
function part(v: Vma, s: bigint, e: bigint, prot: number): Vma {
  return vma(s, e, prot, v.shared, v.name, v.file, v.file === 0 ? 0 : v.pgoff + Number((s - v.start) / PAGE));
}

/** Whether VMA b goes on from a as one mapping would (Linux merges such neighbours into one VMA). */
function continues(a: Vma, b: Vma): boolean {
  return a.end === b.start && a.prot === b.prot && a.shared === b.shared && a.name === b.name && a.file === b.file &&
    (a.file === 0 || a.pgoff + Number((a.end - a.start) / PAGE) === b.pgoff);
}

/** A VMA that counts as a writer of its file (F_SEAL_WRITE is EBUSY while one exists). */
function writer(v: Vma): boolean {
  return v.file !== 0 && v.shared && (v.prot & PROT_WRITE) !== 0;
}

/** PAGE - 1 and its complement, made once: each bigint operation allocates. */
const PAGE_OFFSET_MASK = PAGE - 1n;
const PAGE_MASK = ~PAGE_OFFSET_MASK;

export const pageDown = (a: bigint): bigint => a & PAGE_MASK;
export const pageUp = (a: bigint): bigint => (a + PAGE_OFFSET_MASK) & PAGE_MASK;

/** PTE permission bits for a mmap prot: on x86 any accessible page is readable. */
export function protBits(prot: number, shared: boolean): number {
  let b = 0;
  if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) b |= PTE_R;
  if (prot & PROT_WRITE) b |= PTE_W;
  if (prot & PROT_EXEC) b |= PTE_X;
  if (shared) b |= PTE_SHARED;
  return b;
}

/**
 * The VMA list of an address space with no mapping (a new one, or one
 * destroyed): shared by all of them, which a list never changed in place
 * allows (a fork's replaces it at once).
 */
const NO_VMAS: Vma[] = [];

/** The AddressSpace fields its snapshot copies share ([SHARES]). */
const SHARED_FIELDS: readonly string[] = ['vmas', 'exe'];

export class AddressSpace implements SharesFields {
  /** Page-table root (a frame address in the engine's memory). */
  root: number;
  /**
   * Sorted by start, never overlapping, none empty: unmapRange and protect
   * make a new list with a VMA replaced by its pieces in order, and mapFixed
   * inserts in place into the list its unmapRange has just made. So a list
   * is never changed once another address space may hold it: forks and
   * snapshot copies share it (and its records, which are values too).
   */
  vmas: Vma[] = NO_VMAS;
  brkStart = 0n;
  brk = 0n;
  /** Address spaces sharing this one (threads): freed when it reaches zero. */
  users = 1;
  /** The executable's bytes (mm->exe_file: what /proc/self/exe names), never written. */
  exe: Uint8Array | undefined;
  /** The path the executable was run as, absolute (what /proc/self/exe links to). */
  exePath = '';
  /** The tmpfs file the executable was run from, if it was one: once it has no name, the exe link and maps say "(deleted)". */
  exeFile: TmpFile | undefined;
  /** Where the executable was loaded relative to its link addresses (binfmt_elf's load_bias; 0 for ET_EXEC). */
  exeBias = 0n;
  /** The argument and environment strings' place on the stack (mm->arg_start, arg_end, env_start, env_end). */
  argStart = 0n;
  argEnd = 0n;
  envEnd = 0n;
  /** Where the stack began at exec, argc's address (mm->start_stack), and the auxiliary vector's. */
  startStack = 0n;
  auxv = 0n;
  /** mm->membarrier_state: the MEMBARRIER_STATE_* bits registrations set (src/kernel/syscalls/sched.ts). */
  membarrierState = 0;
  /** mm->context.pkey_allocation_map (src/kernel/syscalls/pkeys.ts). */
  pkeyAllocationMap = 0;

  constructor(
    readonly engine: Engine,
    /** The machine's mapped tmpfs files, which file VMAs name by number. */
    readonly files: MappedFiles,
    root?: number,
  ) {
    this.root = root ?? engine.x.ptNewRoot();
    if (this.root === 0) throw new Errno(ENOMEM, 'out of engine memory for a page table');
  }

  /** A copy for fork: private pages shared copy-on-write, MAP_SHARED pages shared. */
  fork(): AddressSpace {
    const root = this.engine.x.ptClone(this.root);
    if (root === 0) throw new Errno(ENOMEM);
    // the private pages are copy-on-write now: no write may go through a TLB entry made before
    this.engine.x.tlbFlush();
    const child = new AddressSpace(this.engine, this.files, root);
    child.vmas = this.vmas; // never changed in place: shared
    for (const v of this.vmas) this.hold(v);
    child.brkStart = this.brkStart;
    child.brk = this.brk;
    child.exe = this.exe;
    child.exePath = this.exePath;
    child.exeFile = this.exeFile;
    child.exeBias = this.exeBias;
    child.argStart = this.argStart;
    child.argEnd = this.argEnd;
    child.envEnd = this.envEnd;
    child.startStack = this.startStack;
    child.auxv = this.auxv;
    // dup_mm copies the whole mm_struct, these with it
    child.membarrierState = this.membarrierState;
    child.pkeyAllocationMap = this.pkeyAllocationMap;
    return child;
  }

  /**
   * Snapshot copies (kernel/clone.ts, on every restore) share the VMA list,
   * never changed in place, and the executable's bytes; the other fields are primitives and the
   * engine, which snapshots keep by identity.
   */
  get [SHARES](): readonly string[] {
    return SHARED_FIELDS;
  }

  destroy(): void {
    this.engine.x.ptDestroy(this.root);
    this.root = 0;
    for (const v of this.vmas) this.drop(v);
    this.vmas = NO_VMAS;
  }

  /** v is a new record of this address space: its file has one more mapping. */
  private hold(v: Vma): Vma {
    if (v.file !== 0) this.files.hold(this.files.get(v.file), writer(v));
    return v;
  }

  /** What /proc/<pid>/exe and maps name the executable as: its path, "(deleted)" once its file has no name. */
  exeName(): string {
    return this.exeFile !== undefined && this.exeFile.nlink === 0 ? `${this.exePath} (deleted)` : this.exePath;
  }

  /**
   * The VMAs' names that rename gives a new one (a mapped file's path after
   * a rename of it or a directory above it: moved_paths.ts), in a new list
   * when any changes, as every change of the list makes one.
   */
  renamePaths(rename: (name: string) => string | undefined): void {
    let list: Vma[] | undefined;
    for (let i = 0; i < this.vmas.length; i++) {
      const v = this.vmas[i];
      const name = v.name === '' ? undefined : rename(v.name);
      if (name === undefined) continue;
      list ??= this.vmas.slice();
      list[i] = vma(v.start, v.end, v.prot, v.shared, name, v.file, v.pgoff);
    }
    if (list) this.vmas = list;
  }

  /** v left this address space's list. */
  private drop(v: Vma): void {
    if (v.file !== 0) this.files.drop(v.file, writer(v));
  }

  find(addr: bigint): Vma | undefined {
    // a loop, not Array.find: no closure per page fault
    const vmas = this.vmas;
    for (let i = 0; i < vmas.length; i++) {
      const v = vmas[i];
      if (addr >= v.start && addr < v.end) return v;
    }
    return undefined;
  }

  overlaps(start: bigint, end: bigint): boolean {
    const vmas = this.vmas;
    for (let i = 0; i < vmas.length; i++) if (vmas[i].start < end && start < vmas[i].end) return true;
    return false;
  }

  /**
   * Maps [start, end) with prot, replacing what was there: demand-zero, or
   * the pages of file from page pgoff on. Only the VMA is recorded:
   * page-table entries appear on first touch (faultIn), so reserving
   * gigabytes costs nothing until used, as on Linux.
   */
  mapFixed(start: bigint, end: bigint, prot: number, shared: boolean, name = '', file?: TmpFile, pgoff = 0): void {
    this.unmapRange(start, end);
    const id = file ? this.files.hold(file, shared && (prot & PROT_WRITE) !== 0) : 0;
    this.insert(vma(start, end, prot, shared, name, id, pgoff));
  }

  /**
   * mapFixed for an address space exec is building, which no task runs yet
   * (so no TLB holds its entries): where no VMA lies in [start, end) there
   * is no page-table entry either, and the new VMA alone is recorded,
   * without mapFixed's clearing of the page-table range and flush of the
   * running task's TLB, which would change nothing.
   */
  mapNew(start: bigint, end: bigint, prot: number, name: string): void {
    if (this.overlaps(start, end)) {
      this.mapFixed(start, end, prot, false, name);
      return;
    }
    // the list is this address space's own (no fork or snapshot copies one exec is still
    // building), but for the empty one every new address space starts with
    if (this.vmas === NO_VMAS) this.vmas = [];
    this.insert(vma(start, end, prot, false, name, 0, 0));
  }

  /**
   * Puts v, whose range is unmapped, into the list where it sorts (after
   * any equal start, as a stable sort would put it): the list is sorted
   * already, and Array.sort with a bigint comparator costs far more. In
   * place: the list is one unmapRange has just made, or the one of an
   * address space exec is building (mapNew), which no other address space
   * holds yet.
   */
  private insert(v: Vma): void {
    const vmas = this.vmas;
    let i = vmas.length;
    // the records above moved up by hand: splice is a call into the runtime, and makes an
    // array of what it removes
    vmas.push(v);
    for (; i > 0 && vmas[i - 1].start > v.start; i--) vmas[i] = vmas[i - 1];
    vmas[i] = v;
  }

  /**
   * The page-fault handler: makes the page at addr present when a VMA allows
   * the access. Returns 'ok', or the si_code Linux would report: 'maperr' (no
   * VMA) or 'accerr' (the VMA forbids this access).
   */
  faultIn(addr: bigint, write: boolean, exec: boolean, force = false): 'ok' | 'maperr' | 'accerr' | 'sigbus' {
    const v = this.find(addr);
    if (!v) return 'maperr';
    if (!force) {
      if (write && !(v.prot & PROT_WRITE)) return 'accerr';
      if (exec && !(v.prot & PROT_EXEC)) return 'accerr';
      if (!(v.prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) return 'accerr';
    }
    const page = pageDown(addr);
    if (this.engine.x.ptGet(this.root, page) !== 0) return force ? 'ok' : 'accerr';
    let frame = 0;
    let bits = protBits(v.prot, v.shared);
    if (v.file !== 0) {
      const file = this.files.get(v.file);
      const index = v.pgoff + Number((page - v.start) / PAGE);
      // a page past the file's end is no page of it
      if (index * 4096 >= file.size) return 'sigbus';
      // a shared mapping writes the file's page (made for a hole); a private one reads it
      // copy-on-write, and a hole demand-zero
      frame = file.frameAt(index, v.shared);
      if (frame !== 0) {
        this.engine.x.frameRef(frame);
        if (!v.shared) bits |= PTE_COW;
      }
    }
    if (this.engine.x.ptMap(this.root, page, frame, bits) !== 0) {
      if (frame !== 0) this.engine.x.frameUnref(frame);
      throw new Errno(ENOMEM);
    }
    return 'ok';
  }

  /**
   * mincore's answer for the page at addr, mapped by v: whether it is in
   * memory. A page the process has touched is; an anonymous one never
   * touched is not; a file's page is when the file has it, as the page
   * cache answers for a page this process has not touched.
   */
  resident(v: Vma, addr: bigint): boolean {
    if ((this.engine.x.ptGet(this.root, addr) & ~0xfff) !== 0) return true;
    if (v.file === 0) return false;
    const file = this.files.get(v.file);
    const index = v.pgoff + Number((addr - v.start) / PAGE);
    return index * 4096 < file.size && file.frameAt(index, false) !== 0;
  }

  /**
   * Takes the pages of file `id` from page index `from` on out of the page
   * table (private copies too): a truncation, after which they fault again,
   * with SIGBUS past the new end (unmap_mapping_range).
   */
  unmapFilePages(id: number, from: number): void {
    for (const v of this.vmas) {
      if (v.file !== id) continue;
      const last = v.pgoff + Number((v.end - v.start) / PAGE);
      if (last <= from) continue;
      const s = from > v.pgoff ? v.start + BigInt(from - v.pgoff) * PAGE : v.start;
      this.engine.x.ptUnmapRange(this.root, s, (v.end - s) / PAGE);
    }
    this.engine.x.tlbFlush();
  }

  /** Removes [start, end) from the VMAs and page table (splitting VMAs at the edges). */
  unmapRange(start: bigint, end: bigint): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        out.push(v);
        continue;
      }
      if (v.start < start) out.push(this.hold(part(v, v.start, start, v.prot)));
      if (v.end > end) out.push(this.hold(part(v, end, v.end, v.prot)));
      this.drop(v);
    }
    this.vmas = out;
    if (end > start) this.engine.x.ptUnmapRange(this.root, start, (end - start) / PAGE);
    this.engine.x.tlbFlush();
  }

  /**
   * madvise over [start, end): with drop (MADV_DONTNEED), the private
   * anonymous pages are dropped, to fault in as zero again; shared pages and
   * an executable's file pages keep their bytes (Linux would read the file's
   * back in). Returns whether every page of the range is mapped.
   */
  advise(start: bigint, end: bigint, drop: boolean): boolean {
    let covered = start;
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) continue;
      if (v.start > covered) return false;
      covered = v.end;
      if (!drop || v.shared || v.name === FILE_PAGES || isVdsoMapping(v.name)) continue;
      const s = v.start > start ? v.start : start;
      const e = v.end < end ? v.end : end;
      this.engine.x.ptUnmapRange(this.root, s, (e - s) / PAGE);
    }
    this.engine.x.tlbFlush();
    return covered >= end;
  }

  /** Whether every page of [start, end) is mapped. */
  covers(start: bigint, end: bigint): boolean {
    let covered = start;
    for (const v of this.vmas) {
      if (v.end <= covered || v.start >= end) continue;
      if (v.start > covered) return false;
      covered = v.end;
      if (covered >= end) return true;
    }
    return covered >= end;
  }

  /**
   * mprotect: false, with nothing changed, when a page of [start, end) is
   * not mapped (the syscall's ENOMEM, returned: a fuzz case's mprotect of
   * an unmapped page is common, and a throw costs a microsecond).
   */
  protect(start: bigint, end: bigint, prot: number): boolean {
    if (!this.covers(start, end)) return false;
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        out.push(v);
        continue;
      }
      if (v.start < start) out.push(this.hold(part(v, v.start, start, v.prot)));
      const s = v.start > start ? v.start : start;
      const e = v.end < end ? v.end : end;
      out.push(this.hold(part(v, s, e, prot)));
      if (v.end > end) out.push(this.hold(part(v, end, v.end, v.prot)));
      this.drop(v);
      const bits = protBits(prot, v.shared);
      this.engine.x.ptProtectRange(this.root, s, (e - s) / PAGE, bits);
    }
    this.vmas = out;
    this.engine.x.tlbFlush();
    return true;
  }

  /** Top-down search for a free range of len bytes below MMAP_BASE. */
  findFree(len: bigint, hint: bigint): bigint {
    if (hint !== 0n) {
      const h = pageDown(hint);
      if (h >= PAGE * 16n && h + len <= MMAP_BASE && !this.overlaps(h, h + len)) return h;
    }
    let top = MMAP_BASE;
    // from the highest VMA down (the list is sorted by start, starts are distinct)
    const vmas = this.vmas;
    for (let i = vmas.length - 1; i >= 0; i--) {
      const v = vmas[i];
      if (v.start >= top) continue;
      if (v.end <= top - len) return top - len;
      top = v.start < top ? v.start : top;
    }
    if (top - len >= 0x10000n) return top - len;
    throw new Errno(ENOMEM);
  }

  /**
   * mmap of anonymous memory, or of file from page pgoff; returns the
   * address. Validation is the caller's. Shared anonymous memory is a file
   * of its own (shmem_zero_setup), of the mapping's size: so a fork's
   * copies share its pages, and growing it with mremap finds no page past
   * its end (SIGBUS), as on Linux.
   */
  mmap(addr: bigint, len: bigint, prot: number, flags: number, file?: TmpFile, pgoff = 0, name = ''): bigint {
    const size = pageUp(len);
    const shared = (flags & 3) !== MAP_PRIVATE;
    let start: bigint;
    if (flags & MAP_FIXED) {
      start = addr;
    } else if (flags & MAP_FIXED_NOREPLACE) {
      if (this.overlaps(addr, addr + size)) throw new Errno(EEXIST);
      start = addr;
    } else {
      start = this.findFree(size, addr);
    }
    if (start + size > TASK_SIZE_MAX || start + size < start) throw new Errno(ENOMEM);
    if (!file && shared) {
      // shmem's inode behind the mapping (no name: nothing stats it), dated from boot
      file = new TmpFile(this.engine, 0n, 0o600, this.files.epochNs);
      file.nlink = 0;
      file.size = Number(size);
      name = SHARED_ANON;
    }
    this.mapFixed(start, start + size, prot, shared, name, file, pgoff);
    return start;
  }

  /**
   * mremap (Linux: mm/mremap.c), with its arguments checked by the caller
   * (the flags, the alignment of addr and of a fixed newAddr, the lengths
   * page-aligned, newLen not 0, a fixed range apart from the old); returns
   * the mapping's address. The pages move with their page-table entries,
   * so their contents, copy-on-write state and sharing go along.
   */
  remap(addr: bigint, oldLen: bigint, newLen: bigint, flags: number, newAddr: bigint): bigint {
    const v = this.find(addr);
    if (!v) throw new Errno(EFAULT);
    // an executable's pages would fault in again from its file, which this VMA does not name
    if ((flags & MREMAP_DONTUNMAP) && v.name === FILE_PAGES) throw new Errno(EINVAL);
    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) return this.remapTo(addr, oldLen, newLen, flags, newAddr);
    // shrinking is always allowed: it unmaps the tail
    if (oldLen >= newLen) {
      if (oldLen > newLen) this.unmapTail(addr + newLen, addr + oldLen);
      return addr;
    }
    const last = this.toResize(addr, oldLen);
    // a range ending where its mapping does grows in place when the pages after it are free
    if (last.end === addr + oldLen) {
      const grown = last.end + (newLen - oldLen);
      if (grown <= TASK_SIZE_MAX && !this.overlaps(last.end, grown)) {
        const big = this.hold(part(last, last.start, grown, last.prot));
        this.vmas = this.vmas.map((x) => (x === last ? big : x));
        this.drop(last);
        return addr;
      }
    }
    if (!(flags & MREMAP_MAYMOVE)) throw new Errno(ENOMEM);
    return this.move(addr, oldLen, newLen, this.findFree(newLen, 0n), flags);
  }

  /** mremap_to: a move to newAddr (with MREMAP_FIXED, replacing what is there; else a hint). */
  private remapTo(addr: bigint, oldLen: bigint, newLen: bigint, flags: number, newAddr: bigint): bigint {
    if (flags & MREMAP_FIXED) this.unmapRange(newAddr, newAddr + newLen);
    if (oldLen > newLen) {
      this.unmapTail(addr + newLen, addr + oldLen);
      oldLen = newLen;
    }
    this.toResize(addr, oldLen);
    const to = flags & MREMAP_FIXED ? newAddr : this.findFree(newLen, newAddr);
    return this.move(addr, oldLen, newLen, to, flags);
  }

  /** The munmap of a shrinking mremap: EINVAL for a range past user space, as munmap's. */
  private unmapTail(start: bigint, end: bigint): void {
    if (end > TASK_SIZE_MAX) throw new Errno(EINVAL);
    this.unmapRange(start, end);
  }

  /**
   * vma_to_resize: the last VMA of the mapping at addr, which must hold
   * the whole old range. A mapping is a run of VMAs that Linux would have
   * merged into one (this list keeps mprotect's pieces apart).
   */
  private toResize(addr: bigint, oldLen: bigint): Vma {
    const vmas = this.vmas;
    let i = 0;
    while (i < vmas.length && !(addr >= vmas[i].start && addr < vmas[i].end)) i++;
    if (i === vmas.length) throw new Errno(EFAULT);
    // a length of 0 duplicates a shared mapping; a private one it would not copy
    if (oldLen === 0n && !vmas[i].shared) throw new Errno(EINVAL);
    while (i + 1 < vmas.length && continues(vmas[i], vmas[i + 1])) i++;
    if (oldLen > vmas[i].end - addr) throw new Errno(EFAULT);
    return vmas[i];
  }

  /**
   * move_vma: the old range's VMAs and page-table entries go to `to`, the
   * rest of newLen mapped as the range's last page is; the old range is
   * unmapped, but with MREMAP_DONTUNMAP, where it stays without its pages
   * (anonymous memory reads as zeros there, a file's pages fault in again).
   */
  private move(addr: bigint, oldLen: bigint, newLen: bigint, to: bigint, flags: number): bigint {
    const oldEnd = addr + oldLen;
    const moved: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= addr || v.start >= oldEnd) continue;
      const p = part(v, v.start > addr ? v.start : addr, v.end < oldEnd ? v.end : oldEnd, v.prot);
      moved.push(vma(to + (p.start - addr), to + (p.end - addr), p.prot, p.shared, p.name, p.file, p.pgoff));
    }
    if (newLen > oldLen) {
      const tail = this.find(oldLen > 0n ? oldEnd - 1n : addr)!;
      const p = part(tail, oldEnd, addr + newLen, tail.prot);
      moved.push(vma(to + oldLen, to + newLen, p.prot, p.shared, p.name, p.file, p.pgoff));
    }
    // the destination is free: this makes the list a new one for the inserts below
    this.unmapRange(to, to + newLen);
    if (this.engine.x.ptMoveRange(this.root, addr, to, oldLen / PAGE) !== 0) throw new Errno(ENOMEM);
    if (!(flags & MREMAP_DONTUNMAP)) this.unmapRange(addr, oldEnd);
    for (const m of moved) this.insert(this.hold(m));
    this.engine.x.tlbFlush();
    return to;
  }

  /** brk(2): grows or shrinks the heap; returns the new (or unchanged) break. */
  setBrk(want: bigint): bigint {
    if (want < this.brkStart) return this.brk;
    const oldTop = pageUp(this.brk);
    const newTop = pageUp(want);
    if (newTop > oldTop) {
      if (this.overlaps(oldTop, newTop) || newTop > MMAP_BASE) return this.brk;
      this.mapFixed(oldTop, newTop, PROT_READ | PROT_WRITE, false, '[heap]');
    } else if (newTop < oldTop) {
      this.unmapRange(newTop, oldTop);
    }
    this.brk = want;
    return this.brk;
  }

  validateRange(addr: bigint, len: bigint): void {
    if (addr & PAGE_OFFSET_MASK) throw new Errno(EINVAL);
    if (len === 0n) throw new Errno(EINVAL);
    const end = addr + pageUp(len);
    if (end > TASK_SIZE_MAX || end < addr) throw new Errno(EINVAL);
  }
}
