// Guest memory access through the soft TLBs. The fast path is one tag compare
// and a load; a miss walks the page table, checks R/W/X and fills the TLB. A
// failed access never throws: it records a pending fault (signal, si_code,
// si_addr, error code) that the run loop turns into an exit reason.
import {
  TLB_R, TLB_W, TLB_X, TLB_ENTRIES, PTE_P, PTE_R, PTE_W, PTE_X, PTE_COW, FRAME_INFO,
  CNT_TLB_MISSES, TLB_LOG, TLB_LOG_COUNT, TLB_LOG_MAX,
} from "../layout";
import { ptLeaf, ptPopulate, ptBreakCow } from "./pagetable";
import { setStop, bumpCodeEpoch } from "../cpu/state";
import { markDirty, markBytes } from "./dirty";

export const ACC_R = 0;
export const ACC_W = 1;
export const ACC_X = 2;

export const SIGBUS = 7;
export const SIGSEGV = 11;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const SI_KERNEL = 0x80;
export const BUS_ADRERR = 2;

// x86 page-fault error code bits (sigcontext.err)
const PF_PROT: u64 = 1;
const PF_WRITE: u64 = 2;
const PF_USER: u64 = 4;
const PF_INSTR: u64 = 16;

/** Root of the running address space's page table. */
export let cr3: u32 = 0;

/** A guest access failed; the fields below say how. */
export let faulted: bool = false;
export let faultSig: i32 = 0;
export let faultCode: i32 = 0;
export let faultAddr: u64 = 0;
export let faultErr: u64 = 0;
export let faultTrap: i32 = 0;
/** A write hit a frame holding decoded code: the current block must stop. */
export let codeWritten: bool = false;

/** The first address above the canonical lower half. */
const USER_CANONICAL_END: u64 = 0x800000000000;

export function raiseFault(sig: i32, code: i32, addr: u64, trap: i32, err: u64): void {
  if (faulted) return;
  faulted = true;
  setStop(true);
  faultSig = sig;
  faultCode = code;
  faultAddr = addr;
  faultTrap = trap;
  faultErr = err;
}

export function clearFault(): void {
  faulted = false;
  codeWritten = false;
}

@inline function tlbSlot(base: u32, va: u64): u32 {
  return base + ((<u32>(va >> 12) & (TLB_ENTRIES - 1)) << 4);
}

/** TLB flushes since the last snapshot or restore (see mmuResume). */
export let tlbFlushes: u32 = 0;

export function tlbFlushesReset(): void {
  tlbFlushes = 0;
}

/** Empties every TLB slot (a fresh memory, or more fills than TLB_LOG holds). */
export function tlbFlushAll(): void {
  tlbFlushes++;
  bumpCodeEpoch();
  for (let i: u32 = 0; i < <u32>TLB_ENTRIES; i++) {
    store<u64>(TLB_R + (i << 4), 1);
    store<u64>(TLB_W + (i << 4), 1);
    store<u64>(TLB_X + (i << 4), 1);
  }
  store<u32>(TLB_LOG_COUNT, 0);
}

/** Empties the TLBs: only the slots filled since the last flush, when TLB_LOG has them all. */
export function tlbFlush(): void {
  let n = load<u32>(TLB_LOG_COUNT);
  if (n > <u32>TLB_LOG_MAX) {
    tlbFlushAll();
    return;
  }
  tlbFlushes++;
  bumpCodeEpoch();
  for (let k: u32 = 0; k < n; k++) {
    let o = <u32>load<u16>(TLB_LOG + (k << 1)) << 4;
    store<u64>(TLB_R + o, 1);
    store<u64>(TLB_W + o, 1);
    store<u64>(TLB_X + o, 1);
  }
  store<u32>(TLB_LOG_COUNT, 0);
}

/**
 * Empties va's slots in all three TLBs, when va may be in the running
 * address space (a kernel write that broke copy-on-write moved its frame).
 */
function dropTlb(va: u64): void {
  store<u64>(tlbSlot(TLB_R, va), 1);
  store<u64>(tlbSlot(TLB_W, va), 1);
  store<u64>(tlbSlot(TLB_X, va), 1);
}

/**
 * Records that va's TLB slots are being filled (for tlbFlush). A slot that
 * one of the TLBs still uses is in the log already: every used slot is, as
 * long as the count has not passed TLB_LOG_MAX. Logging it again would grow
 * the log by one for each fill after a restore that kept the TLBs and their
 * log (mmuResume) until every flush emptied every slot.
 */
@inline function tlbLog(va: u64): void {
  if (load<u64>(tlbSlot(TLB_R, va)) != 1 || load<u64>(tlbSlot(TLB_W, va)) != 1 ||
      load<u64>(tlbSlot(TLB_X, va)) != 1) return;
  let n = load<u32>(TLB_LOG_COUNT);
  if (n < <u32>TLB_LOG_MAX) store<u16>(TLB_LOG + (n << 1), <u16>(<u32>(va >> 12) & (TLB_ENTRIES - 1)));
  if (n <= <u32>TLB_LOG_MAX) store<u32>(TLB_LOG_COUNT, n + 1);
}

/** Empties the write TLB (the slots filled since the last full flush, when TLB_LOG has them all). */
export function tlbFlushWrite(): void {
  let n = load<u32>(TLB_LOG_COUNT);
  if (n > <u32>TLB_LOG_MAX) {
    for (let i: u32 = 0; i < <u32>TLB_ENTRIES; i++) store<u64>(TLB_W + (i << 4), 1);
    return;
  }
  for (let k: u32 = 0; k < n; k++) store<u64>(TLB_W + (<u32>load<u16>(TLB_LOG + (k << 1)) << 4), 1);
}

/**
 * After a snapshot restore rewrote memory under the engine: the running
 * address space is root, no fault is pending, and nothing cached in the
 * TLBs (or in block links, through the code epoch tlbFlush bumps) survives.
 */
export function mmuReset(root: u32): void {
  cr3 = root;
  clearFaultState();
  tlbFlush();
}

/** No fault pending, nothing recorded of the last one. */
function clearFaultState(): void {
  faulted = false;
  codeWritten = false;
  faultSig = 0;
  faultCode = 0;
  faultAddr = 0;
  faultErr = 0;
  faultTrap = 0;
}

/**
 * After a snapshot restore that found the running address space's page
 * table unwritten and the TLBs unflushed since the image was taken or last
 * restored: every entry (filled from that same table) still holds, and
 * decoded blocks' links too (restore retired written code itself); a store
 * through a kept write entry marks its bytes as any store does. Only the
 * pending-fault state goes.
 */
export function mmuResume(): void {
  clearFaultState();
}

/** Switches the address space (flushes the TLBs when it changes). */
export function setCr3(root: u32): void {
  if (root != cr3) {
    cr3 = root;
    tlbFlush();
  }
}

/**
 * Walks the page table for va with access kind acc. Returns the host
 * address of va's byte, or 0 after raising the fault a CPU would take.
 */
export function translateSlow(va: u64, acc: i32): u32 {
  store<u64>(CNT_TLB_MISSES, load<u64>(CNT_TLB_MISSES) + 1);
  let err: u64 = PF_USER | (acc == ACC_W ? PF_WRITE : 0) | (acc == ACC_X ? PF_INSTR : 0);
  if (va >= USER_CANONICAL_END) {
    if (va < 0xffff800000000000) {
      // non-canonical: #GP, which Linux reports with SI_KERNEL and no address
      raiseFault(SIGSEGV, SI_KERNEL, 0, 13, 0);
    } else {
      raiseFault(SIGSEGV, SEGV_MAPERR, va, 14, err | PF_PROT);
    }
    return 0;
  }
  let leaf = ptLeaf(cr3, va, false);
  let e: u32 = leaf == 0 ? 0 : load<u32>(leaf);
  if ((e & PTE_P) == 0) {
    raiseFault(SIGSEGV, SEGV_MAPERR, va, 14, err);
    return 0;
  }
  let need: u32 = acc == ACC_W ? PTE_W : acc == ACC_X ? PTE_X : PTE_R;
  if ((e & need) == 0) {
    raiseFault(SIGSEGV, SEGV_ACCERR, va, 14, err | PF_PROT);
    return 0;
  }
  let f = ptPopulate(leaf);
  if (f != 0 && acc == ACC_W && (e & PTE_COW) != 0) {
    let shared = f;
    f = ptBreakCow(leaf);
    if (f != shared) {
      // the read and fetch slots may still name the shared frame
      store<u64>(tlbSlot(TLB_R, va), 1);
      store<u64>(tlbSlot(TLB_X, va), 1);
      if ((load<u32>(FRAME_INFO + ((shared >> 12) << 2)) & 0x01000000) != 0) {
        // the running block may be decoded from the shared frame: end it, so that
        // the next fetch reads the copy this write goes to; and links to the shared
        // frame's blocks, which would skip that fetch, are checked again
        codeWritten = true;
        setStop(true);
        bumpCodeEpoch();
      }
    }
  }
  if (f == 0) {
    raiseFault(SIGBUS, BUS_ADRERR, va, 14, err);
    return 0;
  }
  let page = va & ~<u64>0xfff;
  tlbLog(va);
  if (acc == ACC_W) {
    let info = FRAME_INFO + ((f >> 12) << 2);
    let gi = load<u32>(info);
    if ((gi & 0x01000000) != 0) {
      // self-modifying code: retire the frame's decoded blocks
      store<u32>(info, (gi + 1) & 0x00ffffff);
      bumpCodeEpoch();
      codeWritten = true;
      setStop(true);
    }
    // each store through the write TLB marks the parts of the frame it writes (hostW,
    // wrSlow), which lists the frame as dirty
    let s = tlbSlot(TLB_W, va);
    store<u64>(s, page);
    store<u32>(s, f, 8);
  } else if (acc == ACC_X) {
    let s = tlbSlot(TLB_X, va);
    store<u64>(s, page);
    store<u32>(s, f, 8);
  }
  if ((e & PTE_R) != 0) {
    let s = tlbSlot(TLB_R, va);
    store<u64>(s, page);
    store<u32>(s, f, 8);
  }
  return f + (<u32>va & 0xfff);
}

// ------------------------------------------------------------------ reads

@inline export function hostR(va: u64, size: u32): u32 {
  let s = tlbSlot(TLB_R, va);
  if (load<u64>(s) == (va & ~<u64>0xfff) && (<u32>va & 0xfff) <= 4096 - size) {
    return load<u32>(s, 8) + (<u32>va & 0xfff);
  }
  return 0;
}

/**
 * The host address to store size bytes at va when the write TLB holds its
 * page, else 0. The bytes are marked written (markBytes): callers store
 * them, or read them to store them back (probeW only checks, and a part
 * marked needlessly is only put back needlessly).
 */
@inline export function hostW(va: u64, size: u32): u32 {
  let s = tlbSlot(TLB_W, va);
  if (load<u64>(s) == (va & ~<u64>0xfff) && (<u32>va & 0xfff) <= 4096 - size) {
    let h = load<u32>(s, 8) + (<u32>va & 0xfff);
    markBytes(h, size);
    return h;
  }
  return 0;
}

/**
 * va's host address when the fetch TLB holds its page, else 0: a probe with
 * no walk, no fault and no fill (run.ts checks a cached block's second page
 * with it).
 */
@inline export function hostXCached(va: u64): u32 {
  let s = tlbSlot(TLB_X, va);
  if (load<u64>(s) == (va & ~<u64>0xfff)) return load<u32>(s, 8) + (<u32>va & 0xfff);
  return 0;
}

@inline export function hostX(va: u64): u32 {
  let s = tlbSlot(TLB_X, va);
  if (load<u64>(s) == (va & ~<u64>0xfff)) return load<u32>(s, 8) + (<u32>va & 0xfff);
  return translateSlow(va, ACC_X);
}

/** Reads size bytes (1, 2, 4, 8) little-endian; on a fault returns 0 with `faulted` set. */
@inline export function rd(va: u64, size: u32): u64 {
  let h = hostR(va, size);
  if (h != 0) {
    if (size == 8) return load<u64>(h);
    if (size == 4) return <u64>load<u32>(h);
    if (size == 2) return <u64>load<u16>(h);
    return <u64>load<u8>(h);
  }
  return rdSlow(va, size);
}

export function rdSlow(va: u64, size: u32): u64 {
  if ((<u32>va & 0xfff) <= 4096 - size) {
    let h = translateSlow(va, ACC_R);
    if (h == 0) return 0;
    if (size == 8) return load<u64>(h);
    if (size == 4) return <u64>load<u32>(h);
    if (size == 2) return <u64>load<u16>(h);
    return <u64>load<u8>(h);
  }
  // split across two pages: byte by byte, faulting on the first bad byte
  let v: u64 = 0;
  for (let i: u32 = 0; i < size; i++) {
    let a = va + i;
    let h = hostR(a, 1);
    if (h == 0) h = translateSlow(a, ACC_R);
    if (h == 0) return 0;
    v |= <u64>load<u8>(h) << (<u64>i << 3);
  }
  return v;
}

@inline export function rd8(va: u64): u64 { return rd(va, 1); }
@inline export function rd16(va: u64): u64 { return rd(va, 2); }
@inline export function rd32(va: u64): u64 { return rd(va, 4); }
@inline export function rd64(va: u64): u64 { return rd(va, 8); }

// ------------------------------------------------------------------ writes

@inline export function wr(va: u64, v: u64, size: u32): void {
  let h = hostW(va, size);
  if (h != 0) {
    if (size == 8) store<u64>(h, v);
    else if (size == 4) store<u32>(h, <u32>v);
    else if (size == 2) store<u16>(h, <u16>v);
    else store<u8>(h, <u8>v);
    return;
  }
  wrSlow(va, v, size);
}

export function wrSlow(va: u64, v: u64, size: u32): void {
  if ((<u32>va & 0xfff) <= 4096 - size) {
    let h = translateSlow(va, ACC_W);
    if (h == 0) return;
    markBytes(h, size);
    if (size == 8) store<u64>(h, v);
    else if (size == 4) store<u32>(h, <u32>v);
    else if (size == 2) store<u16>(h, <u16>v);
    else store<u8>(h, <u8>v);
    return;
  }
  // split: both pages must be writable before any byte changes
  let h0 = translateSlow(va, ACC_W);
  if (h0 == 0) return;
  let h1 = translateSlow(va + size - 1, ACC_W);
  if (h1 == 0) return;
  for (let i: u32 = 0; i < size; i++) {
    let h = translateSlow(va + i, ACC_W);
    markBytes(h, 1);
    store<u8>(h, <u8>(v >> (<u64>i << 3)));
  }
}

/** Checks that size bytes at va are writable without writing (for read-modify-write). */
export function probeW(va: u64, size: u32): bool {
  if (hostW(va, size) != 0) return true;
  if (translateSlow(va, ACC_W) == 0) return false;
  if ((<u32>va & 0xfff) > 4096 - size) return translateSlow(va + size - 1, ACC_W) != 0;
  return true;
}

// ------------------------------------------------------------------ kernel access

/**
 * The kernel's read of a user byte at va (the selector load): its host
 * address, or 0, without raising a guest fault. The read TLB first, as the
 * CPU's TLB serves the kernel's __get_user: a page it holds is one the task
 * may read now (mprotect, munmap and exec flush it); a miss walks the
 * tables with the task's own permissions and fills the slot.
 */
export function userAddr(va: u64): u32 {
  let h = hostR(va, 1);
  if (h != 0) return h;
  let saved = faulted;
  h = translateSlow(va, ACC_R);
  if (!saved) faulted = false;
  return h;
}

/**
 * Host address of va in the address space rooted at root, for the
 * TypeScript kernel (copy to/from user, ptrace peek/poke, exec): no TLB, no
 * guest fault. Returns 0 when the page is absent or lacks the permission.
 * For a write, len is how many bytes from va the caller writes (those in
 * va's page are marked written); a write to a frame holding decoded code
 * retires its decoded blocks.
 */
export function kernAddr(root: u32, va: u64, write: bool, len: u32): u32 {
  if (va >= USER_CANONICAL_END) return 0;
  let leaf = ptLeaf(root, va, false);
  if (leaf == 0) return 0;
  let e = load<u32>(leaf);
  if ((e & PTE_P) == 0) return 0;
  if ((e & (write ? PTE_W : PTE_R)) == 0) return 0;
  if (!write) {
    let f = ptPopulate(leaf);
    return f == 0 ? 0 : f + (<u32>va & 0xfff);
  }
  return kernWritable(leaf, e, va, len);
}

/**
 * Like kernAddr for a write of len bytes but ignores permissions (ptrace
 * POKEDATA writes read-only text, exec loads).
 */
export function kernAddrForce(root: u32, va: u64, len: u32): u32 {
  if (va >= USER_CANONICAL_END) return 0;
  let leaf = ptLeaf(root, va, false);
  if (leaf == 0) return 0;
  let e = load<u32>(leaf);
  if ((e & PTE_P) == 0) return 0;
  return kernWritable(leaf, e, va, len);
}

/**
 * The host address of va behind the present leaf (entry e), ready for a
 * kernel write of len bytes: the page's own frame (copy-on-write broken),
 * the bytes in the page marked written, any code decoded from it retired.
 * 0 when out of memory.
 */
function kernWritable(leaf: u32, e: u32, va: u64, len: u32): u32 {
  let f = ptPopulate(leaf);
  if (f != 0 && (e & PTE_COW) != 0) {
    let shared = f;
    f = ptBreakCow(leaf);
    dropTlb(va);
    // links to blocks of the shared frame would skip the fetch that now finds the copy
    if (f != shared && (load<u32>(FRAME_INFO + ((shared >> 12) << 2)) & 0x01000000) != 0) bumpCodeEpoch();
  }
  if (f == 0) return 0;
  let off = <u32>va & 0xfff;
  // marking the bytes lists the frame; a write of nothing marks nothing
  if (len != 0) markBytes(f + off, min<u32>(len, 4096 - off));
  retireCode(f);
  return f + off;
}

/**
 * Before the kernel writes frame f (through a page table or not: a tmpfs
 * file's page): all of it marked dirty, any code decoded from it retired.
 */
export function frameWrite(f: u32): void {
  markDirty(f);
  retireCode(f);
}

/** Retires the blocks decoded from frame f, if any (its bytes are about to change). */
@inline function retireCode(f: u32): void {
  let info = FRAME_INFO + ((f >> 12) << 2);
  let gi = load<u32>(info);
  if ((gi & 0x01000000) != 0) { store<u32>(info, (gi + 1) & 0x00ffffff); bumpCodeEpoch(); }
}
