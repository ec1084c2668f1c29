// Run-time state of the running task that lives in Wasm globals while run()
// executes, and is written back to the CPU block when it returns.

/** Address of the instruction being executed. */
export let rip: u64 = 0;
/** Address execution continues at: rip + length, or a branch target. */
export let nextRip: u64 = 0;
export let fsBase: u64 = 0;
export let gsBase: u64 = 0;
/** A handler asks the run loop to leave the current block (exit, fault, re-execute). */
export let stop: bool = false;
/** Why run() returns (EXIT_* of layout.ts); 0 while running. */
export let exitReason: i32 = 0;
/** Instructions retired since the machine started, up to the current block. */
export let retired: u64 = 0;
/** Record address of the current block's first instruction (for rdtsc mid-block). */
export let blockFirst: u32 = 0;
/**
 * Bumped by everything that can make a decoded block stale or move a guest
 * page (a mapping change, a write to a frame holding code, a freed frame, a
 * block cache flushed): the run loop's block-to-block links (run.ts) hold
 * as they are within one epoch, and are checked again after it.
 */
export let codeEpoch: u32 = 1;
@inline export function bumpCodeEpoch(): void { codeEpoch++; }

@inline export function setRip(v: u64): void { rip = v; }
@inline export function setNextRip(v: u64): void { nextRip = v; }
@inline export function setFsBase(v: u64): void { fsBase = v; }
@inline export function setGsBase(v: u64): void { gsBase = v; }
@inline export function setStop(v: bool): void { stop = v; }
@inline export function setExitReason(v: i32): void { exitReason = v; stop = true; }
@inline export function setRetired(v: u64): void { retired = v; }
@inline export function setBlockFirst(v: u32): void { blockFirst = v; }
