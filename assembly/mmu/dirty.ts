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
import { DIRTY_BITS, DIRTY_COUNT, DIRTY_LIST, DIRTY_LIST_MAX, MEMORY_MAX_PAGES, FRAME_INFO, FRAMES, SNAP_FRAMES, SNAP_SPANS } from "../layout";
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
  restorePass(top, false);
}

/**
 * dirtyRestorePass for the image kept in SNAP (layout.ts), whose frames
 * reach up to top: each dirty frame below top also gets its copy back.
 */
export function dirtyRestoreKept(top: u32): void {
  restorePass(top, true);
}

@inline function restorePass(top: u32, kept: bool): void {
  let n = load<u32>(DIRTY_COUNT);
  if (n <= <u32>DIRTY_LIST_MAX) {
    for (let k: u32 = 0; k < n; k++) restoreFrame(load<u32>(DIRTY_LIST + (k << 2)), top, kept);
    return;
  }
  for (let w: u32 = 0; w < BITMAP_BYTES; w += 4) {
    let v = load<u32>(DIRTY_BITS + w);
    while (v != 0) {
      let b = ctz<u32>(v);
      v &= v - 1;
      restoreFrame((w << 3) + b, top, kept);
    }
  }
}

@inline function restoreFrame(i: u32, top: u32, kept: bool): void {
  let info = FRAME_INFO + (i << 2);
  let gi = load<u32>(info);
  if ((gi & CODE_BIT) != 0) {
    store<u32>(info, (gi + 1) & 0x00ffffff);
    // links between blocks bypass the generation check: they die with the epoch
    bumpCodeEpoch();
  }
  let a = i << 12;
  if (a >= top) memory.fill(a, 0, 4096);
  else if (kept) restoreKeptFrame(a);
}

/**
 * The frame at a gets its kept copy back: the bytes of its span copied, the
 * rest zeroed (most frames of an image are mostly zero, and a fill, which
 * reads nothing, costs less than a copy).
 */
@inline function restoreKeptFrame(a: u32): void {
  let k = (a - FRAMES) >> 12;
  let span = load<u32>(SNAP_SPANS + (k << 2));
  let lo = span & 0xffff;
  let hi = span >> 16;
  if (lo != 0) memory.fill(a, 0, lo);
  if (hi > lo) memory.copy(a + lo, SNAP_FRAMES + (k << 12) + lo, hi - lo);
  if (hi < 4096) memory.fill(a + hi, 0, 4096 - hi);
}

/** Records the span of each frame FRAMES .. top in SNAP_SPANS (see layout.ts). */
export function keepSpans(top: u32): void {
  for (let a: u32 = FRAMES, k: u32 = 0; a < top; a += 4096, k++) {
    let lo: u32 = 0;
    while (lo < 4096 && load<u64>(a + lo) == 0) lo += 8;
    let hi: u32 = 4096;
    while (hi > lo && load<u64>(a + hi - 8) == 0) hi -= 8;
    store<u32>(SNAP_SPANS + (k << 2), (lo & ~63) | (((hi + 63) & ~63) << 16));
  }
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

