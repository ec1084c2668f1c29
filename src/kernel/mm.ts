/**
 * An address space: the engine's page table (in shared memory) plus the
 * kernel's list of mappings (VMAs), which decides placement, splitting and
 * what munmap/mprotect/brk may touch. Pages are demand-zero until touched.
 */
import type { Engine } from '../engine/engine.js';
import { PTE_R, PTE_W, PTE_X, PTE_SHARED } from '../engine/layout.js';
import { Errno, EINVAL, ENOMEM, EEXIST } from './errno.js';
import { SHARES, type SharesFields } from './clone.js';

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

export const PAGE = 4096n;
/** TASK_SIZE_MAX on x86-64 with 4-level paging: the last page below is a guard. */
export const TASK_SIZE_MAX = 0x7ffffffff000n;
export const STACK_TOP = TASK_SIZE_MAX;
export const STACK_SIZE = 8n * 1024n * 1024n;
/** Top of the mmap area (below the stack and its gap); deterministic, no randomization. */
export const MMAP_BASE = 0x7ffff7fff000n;
/** Where a static-pie executable is loaded (ELF_ET_DYN_BASE with randomization off). */
export const ET_DYN_BASE = 0x555555554000n;

/** One mapping. Records are values: a change replaces the record (copies of the list share them). */
/** The name of the VMAs an executable's segments are loaded into. */
export const FILE_PAGES = '[file]';

export interface Vma {
  readonly start: bigint;
  readonly end: bigint;
  readonly prot: number;
  readonly shared: boolean;
  readonly name: string;
}

/**
 * A VMA record, always built with its fields in one order (object spreads
 * cost far more, and a record of another shape makes reads polymorphic).
 */
function vma(start: bigint, end: bigint, prot: number, shared: boolean, name: string): Vma {
  return { start, end, prot, shared, name };
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
  vmas: Vma[] = [];
  brkStart = 0n;
  brk = 0n;
  /** Address spaces sharing this one (threads): freed when it reaches zero. */
  users = 1;
  /** The executable's bytes (mm->exe_file: what /proc/self/exe names), never written. */
  exe: Uint8Array | undefined;
  /** The path the executable was run as, absolute (what /proc/self/exe links to). */
  exePath = '';
  /** The argument strings' place on the stack (mm->arg_start, arg_end). */
  argStart = 0n;
  argEnd = 0n;
  /** mm->membarrier_state: the MEMBARRIER_STATE_* bits registrations set (src/kernel/syscalls/sched.ts). */
  membarrierState = 0;
  /** mm->context.pkey_allocation_map (src/kernel/syscalls/pkeys.ts). */
  pkeyAllocationMap = 0;

  constructor(readonly engine: Engine, root?: number) {
    this.root = root ?? engine.x.ptNewRoot();
    if (this.root === 0) throw new Errno(ENOMEM, 'out of engine memory for a page table');
  }

  /** A copy for fork: private pages shared copy-on-write, MAP_SHARED pages shared. */
  fork(): AddressSpace {
    const root = this.engine.x.ptClone(this.root);
    if (root === 0) throw new Errno(ENOMEM);
    // the private pages are copy-on-write now: no write may go through a TLB entry made before
    this.engine.x.tlbFlush();
    const child = new AddressSpace(this.engine, root);
    child.vmas = this.vmas; // never changed in place: shared
    child.brkStart = this.brkStart;
    child.brk = this.brk;
    child.exe = this.exe;
    child.exePath = this.exePath;
    child.argStart = this.argStart;
    child.argEnd = this.argEnd;
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
    this.vmas = [];
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
   * Maps [start, end) demand-zero with prot, replacing what was there. Only
   * the VMA is recorded: page-table entries appear on first touch (faultIn),
   * so reserving gigabytes costs nothing until used, as on Linux.
   */
  mapFixed(start: bigint, end: bigint, prot: number, shared: boolean, name = ''): void {
    this.unmapRange(start, end);
    if (shared) {
      // a MAP_SHARED page must be one frame for every process that forks from here,
      // whoever touches it first: give it its frame now
      const bits = protBits(prot, true);
      for (let a = start; a < end; a += PAGE) {
        const f = this.engine.x.frameAlloc();
        if (f === 0 || this.engine.x.ptMap(this.root, a, f, bits) !== 0) throw new Errno(ENOMEM);
      }
      this.engine.x.tlbFlush();
    }
    // inserted where it sorts (after any equal start, as a stable sort would put it): the list
    // is sorted already, and Array.sort with a bigint comparator costs far more. In place: the
    // list is the one unmapRange made above, which no other address space holds yet
    const vmas = this.vmas;
    let i = vmas.length;
    while (i > 0 && vmas[i - 1].start > start) i--;
    vmas.splice(i, 0, vma(start, end, prot, shared, name));
  }

  /**
   * The page-fault handler: makes the page at addr present when a VMA allows
   * the access. Returns 'ok', or the si_code Linux would report: 'maperr' (no
   * VMA) or 'accerr' (the VMA forbids this access).
   */
  faultIn(addr: bigint, write: boolean, exec: boolean, force = false): 'ok' | 'maperr' | 'accerr' {
    const v = this.find(addr);
    if (!v) return 'maperr';
    if (!force) {
      if (write && !(v.prot & PROT_WRITE)) return 'accerr';
      if (exec && !(v.prot & PROT_EXEC)) return 'accerr';
      if (!(v.prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) return 'accerr';
    }
    const page = pageDown(addr);
    if (this.engine.x.ptGet(this.root, page) !== 0) return force ? 'ok' : 'accerr';
    if (this.engine.x.ptMap(this.root, page, 0, protBits(v.prot, v.shared)) !== 0) throw new Errno(ENOMEM);
    return 'ok';
  }

  /** Removes [start, end) from the VMAs and page table (splitting VMAs at the edges). */
  unmapRange(start: bigint, end: bigint): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        out.push(v);
        continue;
      }
      if (v.start < start) out.push(vma(v.start, start, v.prot, v.shared, v.name));
      if (v.end > end) out.push(vma(end, v.end, v.prot, v.shared, v.name));
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
      if (!drop || v.shared || v.name === FILE_PAGES) continue;
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

  /** mprotect: every page of [start, end) must be mapped (else ENOMEM). */
  protect(start: bigint, end: bigint, prot: number): void {
    for (let a = start; a < end; ) {
      const v = this.find(a);
      if (!v) throw new Errno(ENOMEM);
      a = v.end;
    }
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        out.push(v);
        continue;
      }
      if (v.start < start) out.push(vma(v.start, start, v.prot, v.shared, v.name));
      const s = v.start > start ? v.start : start;
      const e = v.end < end ? v.end : end;
      out.push(vma(s, e, prot, v.shared, v.name));
      if (v.end > end) out.push(vma(end, v.end, v.prot, v.shared, v.name));
      const bits = protBits(prot, v.shared);
      this.engine.x.ptProtectRange(this.root, s, (e - s) / PAGE, bits);
    }
    this.vmas = out;
    this.engine.x.tlbFlush();
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

  /** mmap of anonymous memory; returns the address. Validation is the caller's. */
  mmapAnon(addr: bigint, len: bigint, prot: number, flags: number): bigint {
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
    this.mapFixed(start, start + size, prot, shared, shared ? '[shared]' : '');
    return start;
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
