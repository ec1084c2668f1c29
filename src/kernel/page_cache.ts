/**
 * The page cache: frames holding whole pages of the executable files the
 * machine has loaded, as Linux keeps file pages in memory and maps them into
 * every process that maps the file. exec maps such pages copy-on-write
 * (PTE_COW), so a program executed again, or a fork server's image run
 * after a snapshot restore, runs from the very frames the engine has
 * already decoded code from: nothing is decoded again unless a process
 * writes to its copy, which then gets a frame of its own.
 *
 * Pages are found by the file's contents (length and two hashes), not by
 * path or object: the in-memory filesystem copies what Machine.addFile is
 * given, and the program first loaded is not a file at all. A hit is
 * compared byte for byte with the file before it is used, so a hash
 * collision costs a fresh frame, never a wrong page. The cache holds one
 * reference on each frame, for the machine's lifetime (it is kernel state:
 * a snapshot restore puts it back along with the frames' contents).
 */
import type { Engine } from '../engine/engine.js';
import { PAGE_SIZE as PAGE } from '../engine/layout.js';
import { CLONE, shallowCopy } from './clone.js';


/**
 * Per file object (files are never written): the key of its contents, and
 * the key of each of its pages (`key/offset`) made once, since a key
 * concatenated anew for every lookup is a new string, which the Map must
 * flatten and hash again on each exec.
 */
const fileKeys = new WeakMap<Uint8Array, { key: string; pages: Map<number, string> }>();

function pageKey(bytes: Uint8Array, offset: number): string {
  let f = fileKeys.get(bytes);
  if (f === undefined) fileKeys.set(bytes, (f = { key: contentKey(bytes), pages: new Map() }));
  let k = f.pages.get(offset);
  if (k === undefined) f.pages.set(offset, (k = `${f.key}/${offset}`));
  return k;
}

/** The key of a file's contents: its length and two hashes. */
function contentKey(bytes: Uint8Array): string {
  // FNV-1a twice, from different offset bases: 64 bits of key between two files of one length
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ bytes.length;
  for (let i = 0; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 0x01000193);
    h2 = Math.imul(h2 ^ bytes[i], 0x01000193);
  }
  return `${bytes.length}:${(h1 >>> 0).toString(16)}:${(h2 >>> 0).toString(16)}`;
}

/**
 * Hits already compared, per engine and file object: offset -> frame. A
 * frame keeps its page for as long as a cache holds it (nothing writes a
 * cached frame, and a snapshot restore brings back a cache together with
 * its frames' contents), so a comparison that once succeeded need not be
 * made again.
 */
const verified = new WeakMap<Engine, WeakMap<Uint8Array, Map<number, number>>>();

/**
 * The frames frame() last served for each file object, while they are what
 * that PageCache's map (the same map object: an addition replaces it) gives
 * in that engine, all compared already: a program executed again (a fork
 * server's image, after every snapshot restore) finds each page with one
 * lookup here instead of its key, the map and the comparison record above.
 */
const served = new WeakMap<Uint8Array, { engine: Engine; frames: Map<string, number>; byOffset: Map<number, number> }>();

export class PageCache {
  /**
   * The frame holding each cached page, by `key/offset`. Never changed in
   * place (an addition replaces the map), so snapshot copies share it.
   */
  private frames = new Map<string, number>();

  /** Snapshot copy (kernel/clone.ts): the map is shared, as an addition replaces it. */
  [CLONE](): PageCache {
    return shallowCopy(this);
  }

  /**
   * A frame holding the file page at offset (zero past the file's end) with
   * a reference taken for the caller, who maps it copy-on-write; 0 when the
   * engine is out of memory or a colliding page already holds the slot (the
   * caller then copies the page into a frame of its own).
   */
  frame(engine: Engine, bytes: Uint8Array, offset: number): number {
    const s = served.get(bytes);
    if (s !== undefined && s.frames === this.frames && s.engine === engine) {
      const hit = s.byOffset.get(offset);
      if (hit !== undefined) {
        engine.x.frameRef(hit);
        return hit;
      }
    }
    const page = bytes.subarray(offset, offset + PAGE);
    const key = pageKey(bytes, offset);
    let f = this.frames.get(key);
    if (f === undefined) {
      f = engine.x.frameAlloc();
      if (f === 0) return 0;
      engine.u8.set(page, f);
      this.frames = new Map(this.frames).set(key, f);
    } else {
      let byFile = verified.get(engine);
      if (!byFile) verified.set(engine, (byFile = new WeakMap()));
      let v = byFile.get(bytes);
      if (v?.get(offset) !== f) {
        if (!sameBytes(engine.u8, f, page)) return 0;
        if (!v) byFile.set(bytes, (v = new Map()));
        v.set(offset, f);
      }
      if (s !== undefined && s.frames === this.frames && s.engine === engine) s.byOffset.set(offset, f);
      else served.set(bytes, { engine, frames: this.frames, byOffset: new Map([[offset, f]]) });
    }
    engine.x.frameRef(f);
    return f;
  }
}

/** The frame at `at` holds page's bytes (past them, a cached frame is zero: nothing writes it). */
function sameBytes(mem: Uint8Array, at: number, page: Uint8Array): boolean {
  for (let i = 0; i < page.length; i++) if (mem[at + i] !== page[i]) return false;
  return true;
}
