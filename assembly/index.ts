// The engine's exports: the KVM-like run() boundary, and the memory
// management primitives the TypeScript kernel drives (page tables, frames,
// kernel access to user memory, TLB and decoded-block cache control).
import { framesInit } from "./mmu/frames";
import { tlbFlush, setCr3 } from "./mmu/access";
import { blockCacheFlush } from "./run";

export { run } from "./run";
export { frameAlloc, frameRef, frameUnref } from "./mmu/frames";
export { ptNewRoot, ptMap, ptUnmap, ptProtect, ptGet, ptClone, ptDestroy, ptMapRange, ptUnmapRange, ptProtectRange } from "./mmu/pagetable";
export { kernAddr, kernAddrForce, tlbFlush } from "./mmu/access";
export { blockCacheFlush } from "./run";
export { decode } from "./cpu/decode";

/** Resets the engine's own tables in a fresh memory. */
export function init(): void {
  framesInit();
  tlbFlush();
  blockCacheFlush();
}

/** Call after the running address space's mappings change (munmap, mprotect) or it switches. */
export function mmuChanged(root: u32): void {
  setCr3(root);
  tlbFlush();
}
