// Dirty frames: every frame whose bytes may have changed since the last
// snapshotBegin(), so that a restore (src/api/snapshot.ts) copies back only
// those instead of all of memory.
//
// Marking is off the per-instruction path: guest stores go through the write
// TLB, and a page enters the write TLB only through translateSlow, which
// marks its frame. snapshotBegin() empties the write TLB so that the first
// store to each page after it is seen. The other writers mark directly:
// kernel access (kernAddr, kernAddrForce), frameAlloc (the zero fill),
// frameUnref (the free-list link it writes into the frame) and every
// page-table entry store (pagetable.ts).
//
//   DIRTY_BITS  [ bit per frame ]   DIRTY_COUNT  n   DIRTY_LIST [ i0 i1 ... ]
//
// The list gives restore the frames in O(dirty); when more than
// DIRTY_LIST_MAX frames are marked it is incomplete and the bitmap is read.
import { DIRTY_BITS, DIRTY_COUNT, DIRTY_LIST, DIRTY_LIST_MAX, MEMORY_MAX_PAGES, FRAME_INFO } from "../layout";
import { bumpCodeEpoch } from "../cpu/state";

const BITMAP_BYTES: u32 = (<u32>MEMORY_MAX_PAGES * 16) >> 3;
const CODE_BIT: u32 = 0x01000000;

/** Marks the frame holding host address a as written. */
export function markDirty(a: u32): void {
  let i = a >> 12;
  let w = DIRTY_BITS + ((i >> 5) << 2);
  let b: u32 = 1 << (i & 31);
  let v = load<u32>(w);
  if ((v & b) != 0) return;
  store<u32>(w, v | b);
  let n = load<u32>(DIRTY_COUNT);
  if (n < <u32>DIRTY_LIST_MAX) store<u32>(DIRTY_LIST + (n << 2), i);
  store<u32>(DIRTY_COUNT, n + 1);
}

/** Marks every frame of host addresses [start, end) as written. */
export function markDirtyRange(start: u32, end: u32): void {
  for (let a = start; a < end; a += 4096) markDirty(a);
}

/**
 * Restore's one pass over the dirty set, before the snapshot's bytes are
 * copied back: each dirty frame that holds code has its decoded blocks
 * retired (its generation bumped: its bytes are about to change back, or
 * changed since the snapshot, while blocks of clean code frames stay
 * valid), and each dirty frame at or above host address top (taken after
 * the snapshot, by fork or mmap) becomes zero again, as a never-used frame
 * is (frameAlloc relies on it). memory.fill here costs a third of a fill
 * from JavaScript, which goes through the shared buffer.
 */
export function dirtyRestorePass(top: u32): void {
  let n = load<u32>(DIRTY_COUNT);
  if (n <= <u32>DIRTY_LIST_MAX) {
    for (let k: u32 = 0; k < n; k++) restoreFrame(load<u32>(DIRTY_LIST + (k << 2)), top);
    return;
  }
  for (let w: u32 = 0; w < BITMAP_BYTES; w += 4) {
    let v = load<u32>(DIRTY_BITS + w);
    while (v != 0) {
      let b = ctz<u32>(v);
      v &= v - 1;
      restoreFrame((w << 3) + b, top);
    }
  }
}

@inline function restoreFrame(i: u32, top: u32): void {
  let info = FRAME_INFO + (i << 2);
  let gi = load<u32>(info);
  if ((gi & CODE_BIT) != 0) {
    store<u32>(info, (gi + 1) & 0x00ffffff);
    // links between blocks bypass the generation check: they die with the epoch
    bumpCodeEpoch();
  }
  let a = i << 12;
  if (a >= top) memory.fill(a, 0, 4096);
}

/** Empties the dirty set. */
export function dirtyClear(): void {
  let n = load<u32>(DIRTY_COUNT);
  if (n > <u32>DIRTY_LIST_MAX) {
    memory.fill(DIRTY_BITS, 0, BITMAP_BYTES);
  } else {
    for (let k: u32 = 0; k < n; k++) {
      let i = load<u32>(DIRTY_LIST + (k << 2));
      store<u32>(DIRTY_BITS + ((i >> 5) << 2), 0);
    }
  }
  store<u32>(DIRTY_COUNT, 0);
}

