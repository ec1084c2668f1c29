// Per-address-space page tables: a 4-level radix tree over the 48-bit user
// address space, 9 bits a level, u32 entries. A leaf entry is
// frame address | PTE bits; a present leaf with frame 0 is a demand-zero page
// whose frame is allocated on first touch.
//
//   va: [47..39 | 38..30 | 29..21 | 20..12 | 11..0]
//         L0       L1       L2       L3     offset
//
// A node is a frame: its 512 entries fill the first half, and the u64 at
// GROUPS in the second half has bit g set once any of entries 8g .. 8g+7
// was written non-zero (never cleared: a set bit may cover empty entries
// again). Page tables are sparse, so fork and exit visit those groups only
// instead of all 512 entries of every node.
import { PTE_P, PTE_SHARED, PTE_COW, PAGE_SIZE } from "../layout";
import { frameAlloc, frameAllocPage, frameAllocNode, frameRef, frameUnref, frameRefs } from "./frames";
import { markBytes } from "./dirty";

/**
 * Page-table writes since the last snapshot or restore: none means the
 * TLBs' read and fetch entries, and the decoded blocks' links, still hold
 * after a restore (src/engine/snapshot.ts).
 */
export let ptWrites: u32 = 0;

export function ptWritesReset(): void {
  ptWrites = 0;
}

/**
 * Marks entry a of a page-table node written, and the node's written-groups
 * word with it (setEntry writes both), as the entry is about to change.
 */
@inline function ptTouch(a: u32): void {
  ptWrites++;
  markBytes(a, 4);
  markBytes((a & ~0xfff) + GROUPS, 8);
}

/** Offset in a node of its written-groups word (see the file comment). */
const GROUPS: u32 = 2048;

/** Stores the non-zero entry v at a, noting its group in the node's GROUPS word. */
@inline function setEntry(a: u32, v: u32): void {
  store<u32>(a, v);
  let g = (a & ~0xfff) + GROUPS;
  store<u64>(g, load<u64>(g) | (<u64>1 << <u64>((a & 0x7ff) >> 5)));
}

@inline function levelIndex(va: u64, level: i32): u32 {
  return <u32>(va >> (39 - <u64>(level * 9))) & 511;
}

/** A new empty root, or 0 when out of memory. */
export function ptNewRoot(): u32 {
  return frameAllocNode();
}

/** Address of the leaf entry for va, creating nodes when create is set; 0 if absent. */
export function ptLeaf(root: u32, va: u64, create: bool): u32 {
  let node = root;
  for (let level = 0; level < 3; level++) {
    let slot = node + (levelIndex(va, level) << 2);
    let next = load<u32>(slot);
    if (next == 0) {
      if (!create) return 0;
      next = frameAllocNode();
      if (next == 0) return 0;
      ptTouch(slot);
      setEntry(slot, next);
    }
    node = next;
  }
  return node + (levelIndex(va, 3) << 2);
}

/** The leaf entry for va (0 when unmapped). */
export function ptGet(root: u32, va: u64): u32 {
  let leaf = ptLeaf(root, va, false);
  return leaf == 0 ? 0 : load<u32>(leaf);
}

/**
 * Maps one page. frame 0 maps a demand-zero page. Any page mapped there
 * before is dropped. Returns 0, or -1 when out of memory.
 */
export function ptMap(root: u32, va: u64, frame: u32, bits: u32): i32 {
  let leaf = ptLeaf(root, va, true);
  if (leaf == 0) return -1;
  let old = load<u32>(leaf);
  if ((old & PTE_P) != 0 && (old & ~0xfff) != 0) frameUnref(old & ~0xfff);
  ptTouch(leaf);
  setEntry(leaf, (frame & ~0xfff) | (bits & 0xfff) | PTE_P);
  return 0;
}

/** Unmaps one page (no-op when absent). */
export function ptUnmap(root: u32, va: u64): void {
  let leaf = ptLeaf(root, va, false);
  if (leaf == 0) return;
  let old = load<u32>(leaf);
  if ((old & PTE_P) != 0 && (old & ~0xfff) != 0) frameUnref(old & ~0xfff);
  ptTouch(leaf);
  store<u32>(leaf, 0);
}

/** Changes the permission bits of a mapped page; returns -1 when the page is not mapped. */
export function ptProtect(root: u32, va: u64, bits: u32): i32 {
  let leaf = ptLeaf(root, va, false);
  if (leaf == 0) return -1;
  let old = load<u32>(leaf);
  if ((old & PTE_P) == 0) return -1;
  ptTouch(leaf);
  const keep: u32 = PTE_SHARED | PTE_COW;
  store<u32>(leaf, (old & ~0xfff) | (old & keep) | (bits & 0xfff & ~keep) | PTE_P);
  return 0;
}

/** Makes a demand-zero page real; returns the frame or 0 when out of memory. */
export function ptPopulate(leaf: u32): u32 {
  let e = load<u32>(leaf);
  let f = e & ~0xfff;
  if (f != 0) return f;
  f = frameAllocPage();
  if (f == 0) return 0;
  ptTouch(leaf);
  store<u32>(leaf, f | (e & 0xfff));
  return f;
}

/**
 * Before a write through leaf (present, with a frame): a copy-on-write page
 * gets a frame of its own, copied from the shared one, or, when nobody else
 * holds the frame any more, just loses the mark. Returns the frame to write,
 * or 0 when out of memory.
 */
export function ptBreakCow(leaf: u32): u32 {
  let e = load<u32>(leaf);
  let f = e & ~0xfff;
  if ((e & PTE_COW) == 0) return f;
  ptTouch(leaf);
  if (frameRefs(f) > 1) {
    let n = frameAlloc();
    if (n == 0) return 0;
    memory.copy(n, f, PAGE_SIZE);
    frameUnref(f);
    f = n;
  }
  store<u32>(leaf, f | (e & 0xfff & ~PTE_COW));
  return f;
}

/** References a frame may hold before fork copies it instead of sharing it (FRAME_REFS is u16). */
const SHARE_MAX: u32 = 0xff00;

/**
 * Fork: a new tree whose private pages share the parent's frames copy-on-write
 * (both sides' entries get PTE_COW; the caller flushes the TLBs, which may
 * hold write entries for them) and whose MAP_SHARED pages are the same
 * frames. Returns the new root, or 0 when out of memory.
 */
export function ptClone(root: u32): u32 {
  ptWrites++;
  let nroot = frameAllocNode();
  if (nroot == 0) return 0;
  if (!cloneLevel(root, nroot, 0)) {
    ptDestroy(nroot);
    return 0;
  }
  return nroot;
}

/** Stores entry v at a in a node fork is filling (a frame from frameAllocNode: each store marks its part). */
@inline function cloneStore(a: u32, v: u32): void {
  store<u32>(a, v);
  markBytes(a, 4);
}

function cloneLevel(src: u32, dst: u32, level: i32): bool {
  let groups = load<u64>(src + GROUPS);
  store<u64>(dst + GROUPS, groups);
  markBytes(dst + GROUPS, 8);
  while (groups != 0) {
    let g = <u32>ctz<u64>(groups);
    groups &= groups - 1;
    for (let i = g << 3, last = i + 8; i < last; i++) {
      let e = load<u32>(src + (i << 2));
      if (e == 0) continue;
      if (level < 3) {
        let n = frameAllocNode();
        if (n == 0) return false;
        cloneStore(dst + (i << 2), n);
        if (!cloneLevel(e, n, level + 1)) return false;
      } else {
        let f = e & ~0xfff;
        if (f == 0) {
          cloneStore(dst + (i << 2), e);
        } else if ((e & PTE_SHARED) != 0) {
          frameRef(f);
          cloneStore(dst + (i << 2), e);
        } else if (frameRefs(f) < SHARE_MAX) {
          frameRef(f);
          if ((e & PTE_COW) == 0) {
            ptTouch(src + (i << 2));
            store<u32>(src + (i << 2), e | PTE_COW);
          }
          cloneStore(dst + (i << 2), e | PTE_COW);
        } else {
          let n = frameAlloc();
          if (n == 0) return false;
          memory.copy(n, f, PAGE_SIZE);
          cloneStore(dst + (i << 2), n | (e & 0xfff));
        }
      }
    }
  }
  return true;
}

/** Frees a whole tree and drops its pages. */
export function ptDestroy(root: u32): void {
  ptWrites++;
  destroyLevel(root, 0);
  frameUnref(root);
}

function destroyLevel(node: u32, level: i32): void {
  let groups = load<u64>(node + GROUPS);
  while (groups != 0) {
    let g = <u32>ctz<u64>(groups);
    groups &= groups - 1;
    for (let i = g << 3, last = i + 8; i < last; i++) {
      let e = load<u32>(node + (i << 2));
      if (e == 0) continue;
      if (level < 3) {
        destroyLevel(e, level + 1);
        frameUnref(e);
      } else {
        let f = e & ~0xfff;
        if (f != 0) frameUnref(f);
      }
    }
  }
}

/** Maps npages demand-zero pages from va (mmap, brk, exec). Returns 0 or -1 (out of memory). */
export function ptMapRange(root: u32, va: u64, npages: u64, bits: u32): i32 {
  for (let i: u64 = 0; i < npages; i++) {
    if (ptMap(root, va + (i << 12), 0, bits) != 0) return -1;
  }
  return 0;
}

/** Set by presentLeaf when it returns 0: the next address that may have a leaf. */
let skipTo: u64 = 0;

/**
 * The leaf entry for a, or 0 when a level above it is absent; then skipTo is
 * the first address past that absent subtree, so range walks over huge,
 * sparse mappings touch only what exists.
 */
function presentLeaf(root: u32, a: u64): u32 {
  let node = root;
  let span: u64 = <u64>1 << 39;
  for (let level = 0; level < 3; level++) {
    let next = load<u32>(node + (levelIndex(a, level) << 2));
    if (next == 0) {
      skipTo = (a & ~(span - 1)) + span;
      return 0;
    }
    node = next;
    span >>= 9;
  }
  return node + (levelIndex(a, 3) << 2);
}

/** Unmaps npages from va (munmap of huge, sparse ranges included). */
export function ptUnmapRange(root: u32, va: u64, npages: u64): void {
  let end = va + (npages << 12);
  let a = va;
  while (a < end) {
    let leaf = presentLeaf(root, a);
    if (leaf == 0) {
      a = skipTo;
      continue;
    }
    let old = load<u32>(leaf);
    if ((old & PTE_P) != 0 && (old & ~0xfff) != 0) frameUnref(old & ~0xfff);
    ptTouch(leaf);
    store<u32>(leaf, 0);
    a += 4096;
  }
}

/** Changes permission bits of every populated page in the range. */
export function ptProtectRange(root: u32, va: u64, npages: u64, bits: u32): void {
  let end = va + (npages << 12);
  let a = va;
  while (a < end) {
    let leaf = presentLeaf(root, a);
    if (leaf == 0) {
      a = skipTo;
      continue;
    }
    ptProtect(root, a, bits);
    a += 4096;
  }
}

/**
 * mremap: moves the entries of npages from va to the same offsets from to,
 * frames and bits as they are (a shared page stays shared, a copy-on-write
 * one stays copy-on-write); the pages at to must be unmapped. Returns 0, or
 * -1 when out of memory for a node (the entries moved so far stay moved).
 */
export function ptMoveRange(root: u32, va: u64, to: u64, npages: u64): i32 {
  let end = va + (npages << 12);
  let a = va;
  while (a < end) {
    let leaf = presentLeaf(root, a);
    if (leaf == 0) {
      a = skipTo;
      continue;
    }
    let e = load<u32>(leaf);
    if (e != 0) {
      let dst = ptLeaf(root, to + (a - va), true);
      if (dst == 0) return -1;
      ptTouch(dst);
      setEntry(dst, e);
      ptTouch(leaf);
      store<u32>(leaf, 0);
    }
    a += 4096;
  }
  return 0;
}
