// Page frames: 4 KiB pieces of linear memory above FRAMES that hold guest
// pages and page-table nodes. A free list threads through freed frames; fresh
// frames come from a bump pointer, growing the shared memory as needed.
import {
  FRAMES, FRAME_FREE, FRAME_TOP, FRAME_USED, FRAME_INFO, FRAME_REFS, PAGE_SIZE,
} from "../layout";
import { bumpCodeEpoch } from "../cpu/state";
import { markDirty, listFrame, markBytes } from "./dirty";

@inline export function frameIndex(frame: u32): u32 {
  return frame >> 12;
}

@inline export function frameRefs(frame: u32): u32 {
  return <u32>load<u16>(FRAME_REFS + (frameIndex(frame) << 1));
}

@inline function setFrameRefs(frame: u32, n: u32): void {
  store<u16>(FRAME_REFS + (frameIndex(frame) << 1), <u16>n);
}

/** How a fresh frame (from above the top, zero already) is marked: see frameAllocPage and frameAllocNode. */
const FRESH_UNLISTED = 0;
const FRESH_LISTED = 1;
const FRESH_WRITTEN = 2;

/**
 * A zeroed frame with one reference, all of it marked written (its caller
 * may write anywhere in it), or 0 when memory is exhausted.
 */
export function frameAlloc(): u32 {
  return frameTake(FRESH_WRITTEN);
}

/**
 * frameAlloc for a demand-zero guest page: a fresh frame is listed dirty
 * (a restore retires code decoded from it) with none of its parts marked,
 * as its writers mark theirs. A restore then clears only what was written.
 */
export function frameAllocPage(): u32 {
  return frameTake(FRESH_LISTED);
}

/**
 * frameAlloc for a page-table node, which never holds code: a fresh frame
 * is not even listed, since every store into a node marks its part.
 */
export function frameAllocNode(): u32 {
  return frameTake(FRESH_UNLISTED);
}

function frameTake(fresh: i32): u32 {
  let f = load<u32>(FRAME_FREE);
  if (f != 0) {
    store<u32>(FRAME_FREE, load<u32>(f));
    memory.fill(f, 0, PAGE_SIZE);
    markDirty(f);
  } else {
    let top = load<u32>(FRAME_TOP);
    if (top == 0) top = FRAMES;
    let need = top + PAGE_SIZE;
    let have = <u32>memory.size() << 16;
    if (need > have || have == 0) {
      let grow = ((need - have) + 0xffff) >> 16;
      if (grow < 16) grow = 16;
      if (memory.grow(grow) < 0) {
        grow = ((need - have) + 0xffff) >> 16;
        if (memory.grow(grow) < 0) return 0;
      }
    }
    f = top;
    store<u32>(FRAME_TOP, top + PAGE_SIZE);
    // fresh frames above the old top are still zero: memory only grows
    if (fresh == FRESH_WRITTEN) markDirty(f);
    else if (fresh == FRESH_LISTED) listFrame(f);
  }
  setFrameRefs(f, 1);
  store<u32>(FRAME_USED, load<u32>(FRAME_USED) + 1);
  return f;
}

export function frameRef(f: u32): void {
  setFrameRefs(f, frameRefs(f) + 1);
}

/** Drops a reference; the frame returns to the free list at zero. */
export function frameUnref(f: u32): void {
  let n = frameRefs(f);
  if (n > 1) {
    setFrameRefs(f, n - 1);
    return;
  }
  setFrameRefs(f, 0);
  // bump the generation so decoded blocks of this frame die with it
  let info = FRAME_INFO + (frameIndex(f) << 2);
  store<u32>(info, (load<u32>(info) + 1) & 0x00ffffff);
  bumpCodeEpoch();
  // the free-list link: the frame's only bytes that change here
  markBytes(f, 4);
  store<u32>(f, load<u32>(FRAME_FREE));
  store<u32>(FRAME_FREE, f);
  store<u32>(FRAME_USED, load<u32>(FRAME_USED) - 1);
}

export function framesInit(): void {
  store<u32>(FRAME_FREE, 0);
  store<u32>(FRAME_TOP, FRAMES);
  store<u32>(FRAME_USED, 0);
}
