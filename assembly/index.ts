// The engine's exports: the KVM-like run() boundary, and the memory
// management primitives the TypeScript kernel drives (page tables, frames,
// kernel access to user memory, TLB and decoded-block cache control).
import { framesInit } from "./mmu/frames";
import { tlbFlush, tlbFlushAll, setCr3, mmuReset, mmuResume, cr3, tlbFlushes, tlbFlushesReset } from "./mmu/access";
import { ptWrites, ptWritesReset } from "./mmu/pagetable";
import { dirtyClear } from "./mmu/dirty";
import { CPU_CR3 } from "./layout";
import { blockCacheFlush } from "./run";

export { run } from "./run";
export { frameAlloc, frameRef, frameUnref } from "./mmu/frames";
export { ptNewRoot, ptMap, ptUnmap, ptProtect, ptGet, ptClone, ptDestroy, ptMapRange, ptUnmapRange, ptProtectRange } from "./mmu/pagetable";
export { kernAddr, kernAddrForce, tlbFlush } from "./mmu/access";
export { blockCacheFlush } from "./run";
export { decode } from "./cpu/decode";
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
 * table was written and the TLBs were not flushed since, the TLBs' read
 * and fetch entries and the blocks' links are kept (mmuResume).
 */
export function snapshotRestored(sameImage: bool): void {
  dirtyClear();
  let root = load<u32>(CPU_CR3);
  if (sameImage && ptWrites == 0 && tlbFlushes == 0 && root == cr3) mmuResume();
  else mmuReset(root);
  ptWritesReset();
  tlbFlushesReset();
}

/** Call after the running address space's mappings change (munmap, mprotect) or it switches. */
export function mmuChanged(root: u32): void {
  setCr3(root);
  tlbFlush();
}
