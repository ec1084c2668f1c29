/**
 * The guest's memory as far as a case can reach it: the fixed pages of
 * docs/fuzz-case.md, with their bytes and protections. Anything else
 * (UNMAPPED, the guard page at TOP, low addresses, the kernel half) counts as
 * unmapped. The guest's text, data and stack are left out: no address base
 * points at them.
 *
 *   0x10000000 SITES   r-x  8 slots of 32 bytes, then int3 (0xcc) padding
 *   0x10010000 SEL_RW  rw-  zeros; private (fork copies it)
 *   0x10020000 SEL_RO  r--  byte 0 = roValue, then zeros
 *   0x10030000 CASE    rw-  encodeCase(c, direct)
 *   0x10040000 LOG     rw-  2 pages, MAP_SHARED: the log, then the scratch page
 *   TOP - 4096 [stack] rw-  the top of the initial stack, as exec leaves it
 *                           without ASLR (the engine; `setarch -R`): its last
 *                           8 bytes are the zero end marker; the rest (strings,
 *                           auxv) is not modelled and reads as 0
 *
 * With ASLR (a native run by default) the stack's top page lies lower and the
 * page below TOP is unmapped: a selector there is flagged by `stackRead`.
 *
 * Only SEL_RW ever changes per process: the guest's byte writes (sel_write)
 * go only there, and its mprotect and munmap target only it. So a Memory
 * holds SEL_RW's state itself and reads every other page from what never
 * changes (SITES, SEL_RO, CASE, the stack) or from the one LOG area all
 * processes of the run share. (predict() runs once per fuzz case: a general
 * page table with a Map of bigint keys and words stored as bytes was most of
 * its time.)
 */
import { SITES, SEL_RW, SEL_RO, CASE_ADDR, LOG_ADDR, LOG_BYTES, LOG_CAPACITY, SLOTS, TOP, encodeCase, type FuzzCase } from '../case.js';
import { logLength, logOverflow, SMALL_WORDS, type LogRecord } from '../outcome.js';
import { putHalves, u64FromHalves } from './words.js';

export const PAGE = 4096n;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

/** One slot: syscall; ret; int3 x5; int $0x80; ret; int3 x5; mov $15,%eax; syscall; ud2; int3 x7. */
function sitesPage(): Uint8Array {
  const p = new Uint8Array(4096).fill(0xcc);
  const slot = [
    0x0f, 0x05, 0xc3, ...Array(5).fill(0xcc), 0xcd, 0x80, 0xc3, ...Array(5).fill(0xcc),
    0xb8, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x0f, 0x0b, ...Array(7).fill(0xcc),
  ];
  for (let k = 0; k < SLOTS; k++) p.set(slot, 32 * k);
  return p;
}

const SITES_PAGE = sitesPage();
/**
 * read() runs on every selector check: it compares the address as a Number
 * with the pages' bounds, where each BigInt comparison was a call. The
 * Number is exact below 2^53 and rounds to 2^53 or more above it, where no
 * page lies (they are all below TOP < 2^47).
 */
const SITES_AT = Number(SITES);
const SEL_RW_AT = Number(SEL_RW);
const SEL_RO_AT = Number(SEL_RO);
const CASE_AT = Number(CASE_ADDR);
const LOG_AT = Number(LOG_ADDR);
const STACK_TOP_PAGE_AT = Number(TOP - PAGE);
const END_MARKER_AT = Number(TOP - 8n);
const TOP_AT = Number(TOP);
const PAGE_BYTES = Number(PAGE);

/** Word index (u64 units from LOG) of the scratch page's first word. */
const SCRATCH_WORD = 4096 / 8;

/**
 * The halves buffer of the run released last, for the next run to take: a
 * buffer of its own per run (8 KiB, beyond what V8 keeps on its heap) cost
 * more than what comparing by halves saves, and a plain array grown record
 * by record as much. A run started while another is under way (a plug-in's
 * decide predicting) finds none and makes its own.
 */
let spareHalves: Int32Array | null = null;

/**
 * A record as an Outcome holds it. A class rather than an object literal: V8
 * pretenured the literal's allocation site, so every record was made in the
 * old generation and held its young BigInts through each scavenge.
 */
class LogEntry implements LogRecord {
  constructor(
    public head: bigint,
    public a: bigint,
    public b: bigint,
    public c: bigint,
  ) {}
}

/**
 * The u64 whose halves are at `j` in `h`: most log words are a kind, a step
 * index, a small result or zero, which take a BigInt made once.
 */
function wordAt(h: Int32Array, j: number): bigint {
  const lo = h[j];
  return h[j + 1] === 0 && lo >= 0 && lo < 256 ? SMALL_WORDS[lo] : u64FromHalves(h[j + 1], lo);
}

/**
 * What every process of a run sees alike (one object per run: a prediction
 * made five per-run objects before any step, a tenth of its time): the two
 * LOG pages, MAP_SHARED, and the CASE page, which never changes.
 *
 * The LOG pages are kept as the records the guest appended, as the 32-bit
 * halves of their words (`halves`), rather than as bytes or BigInts: the
 * fuzz loop holds a prediction against the engine's log page half by half
 * (showsPage), where a BigInt per word took a compare call each, and an
 * Outcome's records are made only when asked for (records). Word 0 is the
 * record count, word 1 the overflow flag, words 2-3 zero, record r is words
 * 4+4r .. 7+4r. The second page is also the scratch page children report
 * through, so records 127 and up share words with it (a long log overwrites
 * scratch[0..1], and a later scratch write changes record 127): `word` and
 * `setScratch` follow the same overlap, so every read sees the bytes the
 * guest's memory holds.
 */
export class SharedPages {
  /**
   * The records' words from log word 4 on, each as its low then its high
   * 32-bit half: the log page's int32s from byte 32, eight per record.
   */
  private readonly halves: Int32Array;
  /** The halves in use: 8 per record. */
  private n = 0;
  overflow = false;
  /** Scratch-page words 0 and 1 while no record covers them (the guest uses no other). */
  private scratch0 = 0n;
  private scratch1 = 0n;
  /** The CASE page, made on first read (only a selector pointing there reads it). */
  private caseBytes: Uint8Array | null = null;

  constructor(
    /** The case: the CASE page's bytes and SEL_RO's first byte. */
    readonly c: FuzzCase,
    /** The CASE page's direct flag (word 1). */
    private readonly direct: boolean,
  ) {
    this.halves = spareHalves ?? new Int32Array(8 * LOG_CAPACITY);
    spareHalves = null;
  }

  /** Gives the halves buffer to the next run: this run's pages are not read again. */
  release(): void {
    spareHalves = this.halves;
  }

  /** The number of records appended. */
  get count(): number {
    return this.n >> 3;
  }

  /**
   * guest.c rec: append a record, or set the overflow flag once the log is
   * full. `head` is the record's first word (below 2^31: a kind and SIGSYS's
   * bytes); the others are u64 already (the model keeps every register and
   * result it records in 0 .. 2^64 - 1, so their halves are the words).
   */
  append(head: number, a: bigint, b: bigint, c: bigint): void {
    if (this.full()) return;
    const h = this.halves;
    const n = this.n;
    h[n] = head;
    h[n + 1] = 0;
    putHalves(h, n + 2, a);
    putHalves(h, n + 4, b);
    putHalves(h, n + 6, c);
    this.n = n + 8;
  }

  /**
   * A record about step `i` (RET, CHILD): its head, the index, the u64 `b`
   * and `c` (0 .. 2^32 - 1): a BigInt for only the one word that needs it.
   */
  appendStep(head: number, i: number, b: bigint, c: number): void {
    if (this.full()) return;
    const h = this.halves;
    const n = this.n;
    h[n] = head;
    h[n + 1] = 0;
    h[n + 2] = i;
    h[n + 3] = 0;
    putHalves(h, n + 4, b);
    h[n + 6] = c;
    h[n + 7] = 0;
    this.n = n + 8;
  }

  /** No record fits any more: the overflow flag is set instead. */
  private full(): boolean {
    if (this.n < LOG_CAPACITY * 8) return false;
    this.overflow = true;
    return true;
  }

  /** The records, as an Outcome holds them. */
  records(): LogRecord[] {
    const h = this.halves;
    const out: LogRecord[] = [];
    for (let j = 0; j < this.n; j += 8) out.push(new LogEntry(wordAt(h, j), wordAt(h, j + 2), wordAt(h, j + 4), wordAt(h, j + 6)));
    return out;
  }

  /**
   * Whether the log page `log` (at least 32 + 32 * logLength bytes) holds
   * what the LOG area does: the same record count, overflow flag and
   * records (firstDifference of the records() Outcome and the page decoded
   * finds none), compared as int32s.
   */
  showsPage(log: DataView): boolean {
    const h = this.halves;
    if (this.n !== logLength(log) * 8 || this.overflow !== logOverflow(log)) return false;
    for (let j = 0; j < this.n; j++) if (h[j] !== log.getInt32(32 + 4 * j, true)) return false;
    return true;
  }

  /** The u64 at word `w` of the log area. */
  word(w: number): bigint {
    if (w === 0) return BigInt(this.count);
    if (w === 1) return this.overflow ? 1n : 0n;
    if (w < 4) return 0n;
    const j = 2 * (w - 4);
    if (j < this.n) return wordAt(this.halves, j);
    if (w === SCRATCH_WORD) return this.scratch0;
    return w === SCRATCH_WORD + 1 ? this.scratch1 : 0n;
  }

  scratch(i: 0 | 1): bigint {
    return this.word(SCRATCH_WORD + i);
  }

  /** Writes scratch word `i`, 0 or 1 (`v` is u64, like a record's words). */
  setScratch(i: 0 | 1, v: bigint): void {
    const j = 2 * (SCRATCH_WORD + i - 4);
    if (j < this.n) {
      putHalves(this.halves, j, v);
    } else if (i === 0) this.scratch0 = v;
    else this.scratch1 = v;
  }

  /** The byte at offset `o` of the log area (little-endian words). */
  logByte(o: number): number {
    return Number((this.word(o >> 3) >> BigInt(8 * (o & 7))) & 0xffn);
  }

  /** The byte at offset `o` of the CASE page. */
  caseByte(o: number): number {
    this.caseBytes ??= encodeCase(this.c, this.direct);
    return this.caseBytes[o];
  }
}

/** An address space: SEL_RW of its own (fork copies it), the rest shared or constant. */
export class Memory {
  /**
   * SEL_RW's bytes written so far (the rest are 0), as offset, value pairs,
   * an offset at most once. A case writes a few bytes, at one offset or two:
   * a 4 KiB page per case was a large share of predict's time, and a Map
   * allocated three times what a pair does.
   */
  private rw: number[] | null = null;
  /** `rw` is shared with another address space (fork): copy before writing. */
  private rwCow = false;
  private rwProt = PROT_READ | PROT_WRITE;
  private rwMapped = true;

  constructor(private readonly shared: SharedPages) {}

  /** Whether a read of `addr` (as a Number, like read's) depends on the stack layout (ASLR, strings and auxv the model leaves out). */
  static stackRead(a: number): 'end-marker' | 'unknown' | null {
    if (a < STACK_TOP_PAGE_AT || a >= TOP_AT) return null;
    return a >= END_MARKER_AT ? 'end-marker' : 'unknown';
  }

  fork(): Memory {
    const m = new Memory(this.shared);
    // both sides copy on their next write
    if (this.rw) this.rwCow = m.rwCow = true;
    m.rw = this.rw;
    m.rwProt = this.rwProt;
    m.rwMapped = this.rwMapped;
    return m;
  }

  /**
   * The address space a successful execve of the guest leaves: a new image,
   * so SEL_RW is fresh (mapped rw-, all zeros) and SEL_RO holds roValue again;
   * the LOG area is the same shared memory (the log memfd at fd 100, mapped
   * again).
   */
  exec(): Memory {
    return new Memory(this.shared);
  }

  /**
   * A user read of one byte (x86: any accessible page is readable; no
   * protection keys). `a` is the address as a Number (u64Number).
   */
  read(a: number): number | 'unreadable' {
    if (a >= SEL_RW_AT && a < SEL_RW_AT + PAGE_BYTES) {
      if (!this.rwMapped || !(this.rwProt & (PROT_READ | PROT_WRITE | PROT_EXEC))) return 'unreadable';
      return this.rwByte(a - SEL_RW_AT);
    }
    if (a >= SITES_AT && a < SITES_AT + PAGE_BYTES) return SITES_PAGE[a - SITES_AT];
    if (a >= SEL_RO_AT && a < SEL_RO_AT + PAGE_BYTES) return a === SEL_RO_AT ? this.shared.c.roValue & 0xff : 0;
    if (a >= CASE_AT && a < CASE_AT + PAGE_BYTES) return this.shared.caseByte(a - CASE_AT);
    if (a >= LOG_AT && a < LOG_AT + LOG_BYTES) return this.shared.logByte(a - LOG_AT);
    if (a >= STACK_TOP_PAGE_AT && a < TOP_AT) return 0;
    return 'unreadable';
  }

  /** A user write of one byte to SEL_RW (the only page the guest writes bytes to): false when it faults. */
  write(addr: number, v: number): boolean {
    const off = addr - SEL_RW_AT;
    if (!(off >= 0 && off < PAGE_BYTES)) throw new RangeError('model: the guest writes bytes only to SEL_RW');
    if (!this.rwMapped || !(this.rwProt & PROT_WRITE)) return false;
    if (!this.rw) {
      this.rw = [off, v & 0xff];
      return true;
    }
    if (this.rwCow) this.rw = this.rw.slice();
    this.rwCow = false;
    const rw = this.rw;
    for (let k = 0; k < rw.length; k += 2) {
      if (rw[k] === off) {
        rw[k + 1] = v & 0xff;
        return true;
      }
    }
    rw.push(off, v & 0xff);
    return true;
  }

  /** SEL_RW's byte at offset `off`. */
  private rwByte(off: number): number {
    const rw = this.rw;
    if (rw) {
      for (let k = 0; k < rw.length; k += 2) if (rw[k] === off) return rw[k + 1];
    }
    return 0;
  }

  /** mprotect of SEL_RW: false (ENOMEM) when it is not mapped. */
  protectRw(prot: number): boolean {
    if (!this.rwMapped) return false;
    this.rwProt = prot;
    return true;
  }

  unmapRw(): void {
    this.rwMapped = false;
  }
}
