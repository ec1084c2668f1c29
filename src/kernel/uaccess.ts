/**
 * The kernel's access to user memory (copy_from_user, copy_to_user,
 * strncpy_from_user): page by page through the engine's page walk, with the
 * task's permissions. A bad pointer raises EFAULT, never a host exception.
 */
import type { AddressSpace } from './mm.js';
import { Errno, EFAULT, ENAMETOOLONG } from './errno.js';

const PAGE = 4096;

/** A u64 and its two 32-bit words, for the helpers below. */
const u64Word = new BigUint64Array(1);
const u64Halves = new Int32Array(u64Word.buffer);

/**
 * addr's offset in its page (its low 12 bits, as BigInt.asUintN(12, addr)
 * has them): through the u64 scratch, without making a bigint (each bigint
 * operation allocates one), on every user access.
 */
function pageOffset(addr: bigint): number {
  u64Word[0] = addr;
  return u64Halves[0] & 0xfff;
}

/**
 * Host offset of a user address for the kernel, or 0 (bad address). A page
 * a VMA covers but nobody touched yet is faulted in first, as
 * copy_from_user's page fault would. A writer says how many bytes from addr
 * it writes (len; those in addr's page): a snapshot restore puts back only
 * the parts of a page that were written.
 */
export function hostAddr(mm: AddressSpace, addr: bigint, write: boolean, len = PAGE): number {
  if (addr < 0n || addr >= 0x800000000000n) return 0;
  const h = mm.engine.x.kernAddr(mm.root, addr, write ? 1 : 0, len);
  if (h !== 0) return h;
  if (mm.faultIn(addr, write, false) !== 'ok') return 0;
  return mm.engine.x.kernAddr(mm.root, addr, write ? 1 : 0, len);
}

/**
 * For reading or writing [addr, addr + len) in place: its host offset when
 * the range lies in one page and the offset is 4-byte aligned (0 for a bad
 * address, as copyFromUser would fault), or -1 when it does not fit that
 * case (the caller copies instead).
 */
export function userSpan(mm: AddressSpace, addr: bigint, len: number, write: boolean): number {
  const off = pageOffset(addr);
  if (off + len > PAGE || (off & 3) !== 0) return -1;
  return hostAddr(mm, addr, write, len);
}

/**
 * The u64 at 32-bit words i and i + 1 of w (little-endian, as the engine's
 * memory is): for a 4-byte aligned u64 in user memory (a signal frame's),
 * without a DataView, whose 64-bit accessors cost ten times this.
 */
export function getU64Words(w: Int32Array, i: number): bigint {
  u64Halves[0] = w[i];
  u64Halves[1] = w[i + 1];
  return u64Word[0];
}

/** v's low 32 bits, unsigned (as Number(BigInt.asUintN(32, v)), without making a bigint). */
export function low32(v: bigint): number {
  u64Word[0] = v;
  return u64Halves[0] >>> 0;
}

/** Stores v (modulo 2^64) at 32-bit words i and i + 1 of w. */
export function setU64Words(w: Int32Array, i: number, v: bigint): void {
  u64Word[0] = v;
  w[i] = u64Halves[0];
  w[i + 1] = u64Halves[1];
}

/** The longest copy made word by word (longer ones are cheaper through a subarray). */
const SMALL_COPY = 64;

/** 32-bit words over the last buffer a small copy went to: its callers reuse their buffers. */
let wordsBuf: ArrayBufferLike | undefined;
let wordsView: Int32Array = new Int32Array(0);

/** The 32-bit words of out's whole buffer. */
function wordsOf(out: Uint8Array): Int32Array {
  if (out.buffer !== wordsBuf) {
    wordsBuf = out.buffer;
    wordsView = new Int32Array(out.buffer, 0, out.buffer.byteLength >> 2);
  }
  return wordsView;
}

export function copyFromUser(mm: AddressSpace, addr: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  copyFromUserInto(mm, addr, out);
  return out;
}

/** copyFromUser into the caller's buffer (all of it). */
export function copyFromUserInto(mm: AddressSpace, addr: bigint, out: Uint8Array): void {
  const len = out.length;
  if (len === 0) return;
  const off = pageOffset(addr);
  if (off + len <= PAGE) {
    // the common case: one page, one translation, one copy
    const h = hostAddr(mm, addr, false);
    if (h === 0) throw new Errno(EFAULT);
    // a word or less byte by byte, a few aligned words word by word: a subarray of the
    // shared memory costs more than such a copy (a fuzz case's log header is read this way)
    if (len <= 8) {
      const mem = mm.engine.u8;
      for (let i = 0; i < len; i++) out[i] = mem[h + i];
    } else if (len <= SMALL_COPY && ((h | out.byteOffset | len) & 3) === 0) {
      const words = wordsOf(out);
      const mem = mm.engine.i32v;
      const o = out.byteOffset >> 2;
      const w = h >> 2;
      for (let i = 0; i < len >> 2; i++) words[o + i] = mem[w + i];
    } else {
      const mem = mm.engine.u8;
      out.set(mem.subarray(h, h + len));
    }
    return;
  }
  let done = 0;
  while (done < len) {
    const a = addr + BigInt(done);
    const h = hostAddr(mm, a, false);
    if (h === 0) throw new Errno(EFAULT);
    const n = Math.min(len - done, PAGE - pageOffset(a));
    out.set(mm.engine.u8.subarray(h, h + n), done);
    done += n;
  }
}

export function copyToUser(mm: AddressSpace, addr: bigint, data: Uint8Array): void {
  if (!tryCopyToUser(mm, addr, data)) throw new Errno(EFAULT);
}

/**
 * copyToUser that answers false for a bad address (memory unchanged)
 * instead of throwing: a syscall that fails this way often returns -EFAULT
 * itself, and a JavaScript throw costs about a microsecond.
 */
export function tryCopyToUser(mm: AddressSpace, addr: bigint, data: Uint8Array): boolean {
  const len = data.length;
  if (len === 0) return true;
  const off = pageOffset(addr);
  if (off + len <= PAGE) {
    const h = hostAddr(mm, addr, true, len);
    if (h === 0) return false;
    const mem = mm.engine.u8;
    // a word or less (a status, a tid) byte by byte: cheaper than a copy call into shared memory
    if (len <= 8) for (let i = 0; i < len; i++) mem[h + i] = data[i];
    else mem.set(data, h);
    return true;
  }
  // check every page first so a bad tail leaves memory unchanged: each page's host
  // offset and byte count, in pairs
  const spans: number[] = [];
  let done = 0;
  while (done < len) {
    const a = addr + BigInt(done);
    const n = Math.min(len - done, PAGE - pageOffset(a));
    const h = hostAddr(mm, a, true, n);
    if (h === 0) return false;
    spans.push(h, n);
    done += n;
  }
  done = 0;
  for (let i = 0; i < spans.length; i += 2) {
    const n = spans[i + 1];
    mm.engine.u8.set(data.subarray(done, done + n), spans[i]);
    done += n;
  }
  return true;
}

/**
 * Reads [addr, addr + out.length) as a debugger reads another process's
 * memory (access_remote_vm with FOLL_FORCE): a mapped page is read whatever
 * its protection, PROT_NONE included. Returns the bytes read, up to the
 * first page no mapping holds.
 */
export function peekUser(mm: AddressSpace, addr: bigint, out: Uint8Array): number {
  let done = 0;
  while (done < out.length) {
    const a = addr + BigInt(done);
    const n = Math.min(out.length - done, PAGE - pageOffset(a));
    let h = hostAddr(mm, a, false);
    // not readable as the program would read it: the page as it is (a private copy if shared)
    if (h === 0 && a < 0x800000000000n) h = mm.engine.x.kernAddrForce(mm.root, a, 1);
    if (h === 0 && a < 0x800000000000n && mm.faultIn(a, false, false, true) === 'ok') h = mm.engine.x.kernAddrForce(mm.root, a, 1);
    if (h === 0) break;
    out.set(mm.engine.u8.subarray(h, h + n), done);
    done += n;
  }
  return done;
}

/** Writes regardless of page permissions (exec loading, ptrace POKE). */
export function pokeUser(mm: AddressSpace, addr: bigint, data: Uint8Array): void {
  const len = data.length;
  let done = 0;
  while (done < len) {
    const a = done === 0 ? addr : addr + BigInt(done);
    const n = Math.min(len - done, PAGE - pageOffset(a));
    let h = mm.engine.x.kernAddrForce(mm.root, a, n);
    if (h === 0 && mm.faultIn(a, true, false, true) === 'ok') h = mm.engine.x.kernAddrForce(mm.root, a, n);
    if (h === 0) throw new Errno(EFAULT);
    // all of it in one page (a case's bytes, a stack string): no subarray to make
    if (n === len) mm.engine.u8.set(data, h);
    else mm.engine.u8.set(data.subarray(done, done + n), h);
    done += n;
  }
}

/**
 * Where a string's first bytes are searched for its NUL in a loop: a path
 * or an argument ends within them, and TypedArray indexOf is a call into
 * the runtime, which costs more than the loop over so few.
 */
const NEAR_NUL = 256;

/** The index of the first NUL in mem[h, h + len), or -1. */
function nulAt(mem: Uint8Array, h: number, len: number): number {
  const near = Math.min(len, NEAR_NUL);
  for (let i = 0; i < near; i++) if (mem[h + i] === 0) return i;
  if (near === len) return -1;
  const z = mem.subarray(h + near, h + len).indexOf(0);
  return z < 0 ? -1 : near + z;
}

/** Reads a NUL-terminated string of at most max bytes (ENAMETOOLONG past it). */
export function readCString(mm: AddressSpace, addr: bigint, max = 4096): Uint8Array {
  // page by page: the bytes copied in slices (an argument may be tens of kilobytes)
  const parts: Uint8Array[] = [];
  let total = 0;
  let a = addr;
  while (total < max) {
    const h = hostAddr(mm, a, false);
    if (h === 0) throw new Errno(EFAULT);
    const n = PAGE - pageOffset(a);
    const m = Math.min(n, max - total);
    const mem = mm.engine.u8;
    const z = nulAt(mem, h, m);
    if (z >= 0) {
      if (parts.length === 0) return mem.slice(h, h + z);
      parts.push(mem.subarray(h, h + z));
      total += z;
      const out = new Uint8Array(total);
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    }
    // copied now: the next page's fault-in may move the engine's memory
    parts.push(mem.slice(h, h + m));
    total += m;
    a += BigInt(n);
  }
  throw new Errno(ENAMETOOLONG);
}

/**
 * Scratch words for the helpers below: a DataView over a fresh small typed
 * array costs half a microsecond (V8 moves its bytes off the heap).
 */
const word = new Uint8Array(8);
const wordDv = new DataView(word.buffer);
const word4 = word.subarray(0, 4);

export function readU64(mm: AddressSpace, addr: bigint): bigint {
  copyFromUserInto(mm, addr, word);
  return wordDv.getBigUint64(0, true);
}

export function writeU64(mm: AddressSpace, addr: bigint, v: bigint): void {
  wordDv.setBigUint64(0, BigInt.asUintN(64, v), true);
  copyToUser(mm, addr, word);
}

export function writeU32(mm: AddressSpace, addr: bigint, v: number): void {
  wordDv.setUint32(0, v >>> 0, true);
  copyToUser(mm, addr, word4);
}
