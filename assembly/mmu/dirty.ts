// Dirty frames: every frame whose bytes may have changed since the last
// snapshotBegin(), and which 256-byte parts of it, so that a restore
// (src/api/snapshot.ts) puts back only those instead of all of memory.
//
// Marking is off the per-instruction path but for one mask update per
// guest store: each store through the write TLB (hostW, wrSlow, the string
// instructions) marks the parts it writes, and the first mark of a frame
// lists it, so the write TLB's entries outlive a snapshot and a restore.
// Kernel access (kernAddr, kernAddrForce) marks the bytes the kernel writes,
// a page-table entry store its entry and its node's group word
// (pagetable.ts), frameUnref the free-list link it writes; frameAlloc marks a
// zero-filled frame whole, and its variants for guest pages and page-table
// nodes leave a fresh frame (zero already) to the marks of its writers.
//
//   DIRTY_BITS  [ bit per frame ]   DIRTY_COUNT  n   DIRTY_LIST [ i0 i1 ... ]
//   DIRTY_CHUNKS [ u16 per frame: the parts written ]
//
// The list gives restore the frames in O(dirty); when more than
// DIRTY_LIST_MAX frames are marked it is incomplete and the bitmap is read.
// A case writes a few hundred bytes of most pages it touches (its stack,
// its log, a selector byte), so a restore copies and clears a few
// kilobytes rather than a whole frame for each.
import { DIRTY_BITS, DIRTY_COUNT, DIRTY_LIST, DIRTY_LIST_MAX, DIRTY_CHUNKS, DIRTY_CHUNK_SHIFT, MEMORY_MAX_PAGES, FRAME_INFO, FRAMES, SNAP_FRAMES, SNAP_SPANS } from "../layout";
import { bumpCodeEpoch } from "../cpu/state";

const BITMAP_BYTES: u32 = (<u32>MEMORY_MAX_PAGES * 16) >> 3;
const CODE_BIT: u32 = 0x01000000;

/**
 * Puts the frame holding host address a in the dirty set, none of its
 * parts marked yet: the stores that follow mark theirs (markBytes).
 */
export function listFrame(a: u32): void {
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

/** Marks the frame holding host address a as written, all of it. */
export function markDirty(a: u32): void {
  listFrame(a);
  store<u16>(DIRTY_CHUNKS + ((a >> 12) << 1), 0xffff);
}

/**
 * Marks host bytes [h, h + n) as written (0 < n, all in one frame), and
 * lists the frame if none of its parts was marked yet.
 */
@inline export function markBytes(h: u32, n: u32): void {
  let c = DIRTY_CHUNKS + ((h >> 12) << 1);
  let old = <u32>load<u16>(c);
  let lo = (h >> DIRTY_CHUNK_SHIFT) & 15;
  let hi = ((h + n - 1) >> DIRTY_CHUNK_SHIFT) & 15;
  store<u16>(c, <u16>(old | ((<u32>2 << hi) - (<u32>1 << lo))));
  if (old == 0) listFrame(h);
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
 * the snapshot, by fork or mmap) has its written parts zeroed, so that it is
 * all zero again, as a never-used frame is (frameAlloc relies on it).
 * memory.fill here costs a third of a fill from JavaScript, which goes
 * through the shared buffer.
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
  // each run of written parts: back to zero above the image's top, else to the kept copy
  let m = <u32>load<u16>(DIRTY_CHUNKS + (i << 1));
  while (m != 0) {
    let lo = ctz<u32>(m);
    let len = ctz<u32>(~(m >> lo));
    let b0 = lo << DIRTY_CHUNK_SHIFT;
    let b1 = (lo + len) << DIRTY_CHUNK_SHIFT;
    if (a >= top) memory.fill(a + b0, 0, b1 - b0);
    else if (kept) restoreKeptBytes(a, b0, b1);
    m &= ~(((<u32>1 << len) - 1) << lo);
  }
}

/**
 * Bytes [b0, b1) of the frame at a get their kept copy back: the bytes of
 * the frame's span among them copied, the rest zeroed (most frames of an
 * image are mostly zero, and a fill, which reads nothing, costs less than a
 * copy).
 */
@inline function restoreKeptBytes(a: u32, b0: u32, b1: u32): void {
  let k = (a - FRAMES) >> 12;
  let span = load<u32>(SNAP_SPANS + (k << 2));
  let lo = span & 0xffff;
  let hi = span >> 16;
  if (hi <= lo) {
    memory.fill(a + b0, 0, b1 - b0);
    return;
  }
  let c0 = max<u32>(b0, lo);
  let c1 = min<u32>(b1, hi);
  if (c0 >= c1) {
    memory.fill(a + b0, 0, b1 - b0);
    return;
  }
  if (c0 > b0) memory.fill(a + b0, 0, c0 - b0);
  memory.copy(a + c0, SNAP_FRAMES + (k << 12) + c0, c1 - c0);
  if (b1 > c1) memory.fill(a + c1, 0, b1 - c1);
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
    memory.fill(DIRTY_CHUNKS, 0, BITMAP_BYTES << 4);
  } else {
    for (let k: u32 = 0; k < n; k++) {
      let i = load<u32>(DIRTY_LIST + (k << 2));
      store<u32>(DIRTY_BITS + ((i >> 5) << 2), 0);
      store<u16>(DIRTY_CHUNKS + (i << 1), 0);
    }
  }
  store<u32>(DIRTY_COUNT, 0);
}

