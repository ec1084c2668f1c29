/**
 * The memory half of a machine snapshot: a copy of the engine's state that
 * a restore puts back by rewriting only the frames written since
 * (assembly/mmu/dirty.ts), so that it costs microseconds for a guest that
 * touched a few pages.
 *
 *   snapshot                              restore
 *   --------                              -------
 *   snapshotBegin(): dirty set empty,     each dirty frame below the old
 *     TLBs empty                            FRAME_TOP <- its copy; above it
 *   copy ENGINE + CPU blocks                 <- zeros (never-used frames are
 *   copy FRAMES .. FRAME_TOP                 zero: frameAlloc relies on it)
 *   copy FRAME_REFS for those frames      FRAME_REFS <- copy (zero above)
 *                                         ENGINE + CPU fields <- copy
 *                                         dirtyRestorePass: dirty code
 *                                           frames get a new generation
 *                                         snapshotRestored(): dirty set
 *                                           emptied, TLBs too unless no
 *                                           page table changed
 *
 * Not copied, and not restored: the TLBs (flushed, or when no page table
 * was written and nothing flushed them since, kept but for their write
 * entries: every read and fetch entry still holds), the decoded-block
 * cache, its links and the FRAME_INFO generations. Generations only move
 * forward, so a block decoded from a frame that restore rewrote can never
 * match again, while blocks of code frames nobody wrote stay valid: restore
 * does not re-decode unchanged code. Memory that grew stays (Wasm memory
 * never shrinks); the restored FRAME_TOP hands it out again.
 *
 * The dirty set describes the difference from the image the memory last
 * equalled (the last one taken or restored). Restoring any other image
 * (several snapshots of one machine) rewrites all its frames instead.
 *
 * The engine also keeps a copy of that image in its own memory (SNAP in the
 * layout) when the image's frames fit there: restoring it is then one call
 * into the engine, which copies the dirty frames, the reference counts and
 * the ENGINE/CPU fields back from that copy (a copy inside Wasm costs less
 * than one from a JavaScript array into the shared memory, and the one
 * call replaces a host call per frame). The arrays here stay the truth for
 * every other restore and for verifyMemory.
 */
import type { Engine } from './engine.js';
import * as L from './layout.js';

const PAGE = L.PAGE_SIZE;
/**
 * The image each engine's memory last equalled (taken or restored): its
 * dirty set lists the frames that differ from that image only, so restoring
 * another image rewrites every frame instead.
 */
const baseline = new WeakMap<Engine, MemoryImage>();
const ZERO_PAGE = new Uint8Array(PAGE);
/** The fixed state blocks: ENGINE and CPU. */
const LOW_START = L.ENGINE;
const LOW_END = L.SNAP;

/**
 * Where the meaningful bytes of the block [start, end) end: 8 past the last
 * layout constant inside it (ENGINE's fields are scalars of at most a u64),
 * at least start + min, rounded up to 64; a constant that is no address
 * only lengthens the span. Nothing writes the rest of a block, so a restore
 * copies these spans only (the whole 8 KiB cost four times as much);
 * verifyMemory still compares the blocks whole.
 */
function usedEnd(start: number, end: number, min: number): number {
  let last = start + min;
  for (const v of Object.values(L)) if (typeof v === 'number' && v >= start && v < end && v + 8 > last) last = v + 8;
  return Math.min(end, (last + 63) & ~63);
}
/** ENGINE's fields, then the CPU block's state (CPU_STATE_SIZE, what a task saves: whatever its constants say). */
const LOW_SPANS: readonly (readonly [number, number])[] = [
  [L.ENGINE, usedEnd(L.ENGINE, L.CPU, 0)],
  [L.CPU, usedEnd(L.CPU, L.SNAP, L.CPU_STATE_SIZE)],
];

/** A copy of the engine's memory state, taken by the constructor (the machine's snapshot owns it). */
export class MemoryImage {
  /** ENGINE and CPU blocks. */
  readonly low: Uint8Array;
  /** FRAME_TOP when the image was taken. */
  readonly top: number;
  /** The bytes of FRAMES .. top. */
  readonly frames: Uint8Array;
  /** FRAME_REFS entries of FRAMES .. top. */
  readonly refs: Uint8Array;
  /** The parts of low a restore copies back (LOW_SPANS), with their addresses. */
  readonly lowSpans: readonly { bytes: Uint8Array; at: number }[];
  /**
   * Whether its frames fit SNAP: then the engine keeps a copy of it while
   * it is the image memory last equalled, and a restore of it runs in Wasm.
   */
  readonly fits: boolean;
  private readonly views: (Uint8Array | undefined)[];

  constructor(e: Engine) {
    e.x.snapshotBegin();
    const u8 = e.u8;
    this.low = u8.slice(LOW_START, LOW_END);
    this.top = frameTop(e);
    this.frames = u8.slice(L.FRAMES, this.top);
    this.refs = u8.slice(refsAt(L.FRAMES), refsAt(this.top));
    this.views = new Array((this.top - L.FRAMES) / PAGE);
    this.lowSpans = LOW_SPANS.map(([a, b]) => ({ bytes: this.low.subarray(a - LOW_START, b - LOW_START), at: a }));
    this.fits = this.top - L.FRAMES <= L.SNAP_FRAMES_MAX * PAGE;
    becomeBaseline(e, this);
  }

  /** The copy of the frame at host address a (below top). */
  frame(a: number): Uint8Array {
    const i = (a - L.FRAMES) / PAGE;
    let v = this.views[i];
    if (!v) {
      v = this.frames.subarray(a - L.FRAMES, a - L.FRAMES + PAGE);
      this.views[i] = v;
    }
    return v;
  }
}

function frameTop(e: Engine): number {
  const t = e.u32(L.FRAME_TOP);
  return t === 0 ? L.FRAMES : t;
}

/** Address of the FRAME_REFS entry of the frame at host address a. */
function refsAt(a: number): number {
  return L.FRAME_REFS + (a / PAGE) * 2;
}

/**
 * Records img as the image e's memory equals now, and has the engine keep a
 * copy of it when it fits: the copy always belongs to the baseline image.
 */
function becomeBaseline(e: Engine, img: MemoryImage): void {
  baseline.set(e, img);
  if (img.fits) e.x.snapshotKeep(img.top);
}

/** Calls f with the host address of every frame written since snapshotBegin. */
export function forEachDirty(e: Engine, f: (a: number) => void): void {
  const dv = e.dv;
  const n = dv.getUint32(L.DIRTY_COUNT, true);
  if (n <= L.DIRTY_LIST_MAX) {
    for (let k = 0; k < n; k++) f(dv.getUint32(L.DIRTY_LIST + 4 * k, true) * PAGE);
    return;
  }
  // more than the list holds: the bitmap is the truth
  for (let w = L.DIRTY_BITS; w < L.DIRTY_COUNT; w += 4) {
    let v = dv.getUint32(w, true);
    while (v !== 0) {
      const b = 31 - Math.clz32(v & -v);
      v &= v - 1;
      f(((w - L.DIRTY_BITS) * 8 + b) * PAGE);
    }
  }
}

/** Puts the memory state of img back (see the file comment). */
export function restoreMemory(e: Engine, img: MemoryImage): void {
  const sameImage = baseline.get(e) === img;
  if (sameImage && img.fits) {
    // all of it in the engine, from its copy of img
    e.x.snapshotRestoreKept(img.top, LOW_SPANS[0][1], LOW_SPANS[1][1]);
    return;
  }
  const curTop = frameTop(e);
  if (sameImage) {
    // one pass in the engine retires the dirty code frames' blocks and zeroes the frames
    // above the image's top (a JavaScript fill of a shared memory costs three times as
    // much); the others go back to their copies
    e.x.dirtyRestorePass(img.top);
    // forEachDirty's walk, without a closure per restore
    const u8 = e.u8;
    const dv = e.dv;
    const n = dv.getUint32(L.DIRTY_COUNT, true);
    if (n <= L.DIRTY_LIST_MAX) {
      for (let k = 0; k < n; k++) {
        const a = dv.getUint32(L.DIRTY_LIST + 4 * k, true) * PAGE;
        if (a < img.top) u8.set(img.frame(a), a);
      }
    } else {
      forEachDirty(e, (a) => {
        if (a < img.top) u8.set(img.frame(a), a);
      });
    }
  } else {
    // another snapshot was taken or restored since img: the dirty set says nothing about img
    e.x.markDirtyRange(L.FRAMES, Math.max(curTop, img.top));
    e.x.dirtyRestorePass(img.top);
    e.u8.set(img.frames, L.FRAMES);
  }
  const u8 = e.u8;
  u8.set(img.refs, refsAt(L.FRAMES));
  if (curTop > img.top) u8.fill(0, refsAt(img.top), refsAt(curTop));
  const spans = img.lowSpans;
  for (let i = 0; i < spans.length; i++) u8.set(spans[i].bytes, spans[i].at);
  if (!sameImage) becomeBaseline(e, img);
  e.x.snapshotRestored(sameImage ? 1 : 0);
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Self-check for tests: the host addresses of the frames whose bytes differ
 * from img (every frame up to its top, zeros above it to the end of
 * memory), plus -1 when the frame reference counts differ (or are not zero
 * above the top), -2 when the ENGINE/CPU blocks do and -3 when the
 * engine's kept copy of img (SNAP, when img fits and memory last equalled
 * it) does. Empty right after a
 * correct restore: a frame written through a path that does not mark it
 * dirty shows up here.
 */
export function verifyMemory(e: Engine, img: MemoryImage): number[] {
  // a view of all of memory, grown or not (e.u8 may stop at the last FRAME_TOP it saw)
  const u8 = new Uint8Array(e.memory.buffer);
  const bad: number[] = [];
  for (let a = L.FRAMES; a < img.top; a += PAGE) {
    if (!same(u8.subarray(a, a + PAGE), img.frame(a))) bad.push(a);
  }
  // above the image's top every byte is zero, up to the end of (possibly grown) memory
  const end = u8.length;
  for (let a = img.top; a < end; a += PAGE) {
    if (!same(u8.subarray(a, a + PAGE), ZERO_PAGE)) bad.push(a);
  }
  const refsAbove = u8.subarray(refsAt(img.top), refsAt(end));
  if (!same(u8.subarray(refsAt(L.FRAMES), refsAt(img.top)), img.refs) || refsAbove.some((x) => x !== 0)) bad.push(-1);
  if (!same(u8.subarray(LOW_START, LOW_END), img.low)) bad.push(-2);
  if (
    img.fits &&
    baseline.get(e) === img &&
    (!same(u8.subarray(L.SNAP_LOW, L.SNAP_LOW + img.low.length), img.low) ||
      !same(u8.subarray(L.SNAP_REFS, L.SNAP_REFS + img.refs.length), img.refs) ||
      !same(u8.subarray(L.SNAP_FRAMES, L.SNAP_FRAMES + img.frames.length), img.frames))
  )
    bad.push(-3);
  return bad;
}
