// The engine's exports: the KVM-like run() boundary, and the memory
// management primitives the TypeScript kernel drives (page tables, frames,
// kernel access to user memory, TLB and decoded-block cache control).
import { framesInit } from "./mmu/frames";
import { tlbFlush, tlbFlushAll, setCr3, mmuReset, mmuResume, cr3, tlbFlushes, tlbFlushesReset } from "./mmu/access";
import { ptWrites, ptWritesReset } from "./mmu/pagetable";
import { dirtyClear, dirtyRestoreKept, keepSpans } from "./mmu/dirty";
import { CPU, CPU_CR3, ENGINE, FRAMES, FRAME_REFS, FRAME_TOP, SNAP, SNAP_FRAMES, SNAP_LOW, SNAP_REFS } from "./layout";
import { blockCacheFlush } from "./run";

export { run } from "./run";
export { frameAlloc, frameRef, frameUnref } from "./mmu/frames";
export { ptNewRoot, ptMap, ptUnmap, ptProtect, ptGet, ptClone, ptDestroy, ptMapRange, ptUnmapRange, ptProtectRange, ptMoveRange } from "./mmu/pagetable";
export { kernAddr, kernAddrForce, tlbFlush, frameWrite } from "./mmu/access";
export { blockCacheFlush } from "./run";
export { decode } from "./cpu/decode";
export { fpuInit } from "./cpu/x87";
export { fxrstorImage } from "./cpu/fxsave";
export { sigframeFpstate, sigframeWrite, sigframeRestore } from "./entry/sigframe";
export { markDirtyRange, dirtyRestorePass } from "./mmu/dirty";

/** Resets the engine's own tables in a fresh memory. */
export function init(): void {
  framesInit();
  tlbFlushAll();
  blockCacheFlush();
}

/**
 * Snapshot: empties the dirty set (mmu/dirty.ts) and the TLBs, so that
 * every frame written from now on is recorded. The host copies memory and
 * kernel state around this call (src/api/snapshot.ts).
 */
export function snapshotBegin(): void {
  dirtyClear();
  tlbFlush();
  ptWritesReset();
  tlbFlushesReset();
}

/**
 * Restore, after dirtyRestorePass and after the host has copied the
 * snapshot's bytes back into the dirty frames and the ENGINE and CPU
 * blocks: empties the dirty set and resets the MMU's globals to the
 * restored CPU block. sameImage: the image restored is the one memory last
 * equalled (its dirty set described every change); then, when no page
 * table was written and the TLBs were not flushed since, the TLBs and the
 * blocks' links are kept (mmuResume).
 */
export function snapshotRestored(sameImage: bool): void {
  dirtyClear();
  let root = load<u32>(CPU_CR3);
  if (sameImage && ptWrites == 0 && tlbFlushes == 0 && root == cr3) mmuResume();
  else mmuReset(root);
  ptWritesReset();
  tlbFlushesReset();
}

/** Address of the FRAME_REFS entry of the frame at host address a. */
@inline function refsAt(a: u32): u32 {
  return FRAME_REFS + ((a >> 12) << 1);
}

/**
 * Keeps the image memory equals now (a snapshot just taken or restored:
 * src/engine/snapshot.ts) in SNAP: the ENGINE and CPU blocks, and the
 * frames FRAMES .. top with their reference counts and spans. The host calls it only
 * when the frames fit (SNAP_FRAMES_MAX).
 */
export function snapshotKeep(top: u32): void {
  memory.copy(SNAP_LOW, ENGINE, SNAP - ENGINE);
  memory.copy(SNAP_REFS, refsAt(FRAMES), refsAt(top) - refsAt(FRAMES));
  memory.copy(SNAP_FRAMES, FRAMES, top - FRAMES);
  keepSpans(top);
}

/**
 * A whole memory restore of the image kept in SNAP (snapshotKeep), whose
 * frames reach up to top, when memory last equalled it (its dirty set
 * describes every change since): the dirty frames get their copies back
 * (dirtyRestoreKept), the reference counts theirs (zero above top), the
 * ENGINE and CPU blocks the spans [ENGINE, engineEnd) and [CPU, cpuEnd)
 * that hold state (the host derives them from the layout), then
 * snapshotRestored. One call instead of a host copy per frame, each of
 * which costs more from a JavaScript array than memory.copy here.
 */
export function snapshotRestoreKept(top: u32, engineEnd: u32, cpuEnd: u32): void {
  let curTop = load<u32>(FRAME_TOP);
  dirtyRestoreKept(top);
  memory.copy(refsAt(FRAMES), SNAP_REFS, refsAt(top) - refsAt(FRAMES));
  if (curTop > top) memory.fill(refsAt(top), 0, refsAt(curTop) - refsAt(top));
  memory.copy(ENGINE, SNAP_LOW, engineEnd - ENGINE);
  memory.copy(CPU, SNAP_LOW + (CPU - ENGINE), cpuEnd - CPU);
  snapshotRestored(true);
}

/** Call after the running address space's mappings change (munmap, mprotect) or it switches. */
export function mmuChanged(root: u32): void {
  setCr3(root);
  tlbFlush();
}
