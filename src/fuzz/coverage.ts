/**
 * Coverage feedback: the behaviours a case reached, named by what the
 * kernel did (prctl validation result per mode, dispatch outcome per call
 * site kind, signal delivery path, how the process ended) and by the order
 * in which they followed each other. A case that adds a new point joins the
 * corpus, and mutation works from the corpus, so generation drifts toward
 * behaviour not seen yet.
 */
import { type FuzzCase, type Step, CaseScratch, LOG_BYTES, OP_CODES, SITES, SLOT_H, SLOT_SIZE, SLOTS, encodeCase, profileIndex } from './case.js';
import { type Outcome, type CaseEnd, REC_RET, REC_SIGSYS, REC_NESTED, REC_CHILD, REC_PTRACE1, REC_PTRACE2, REC_PTRACE3 } from './outcome.js';

/** A result as a class: ok, positive, an errno name, or other (resultCode, named). */
export function resultClass(v: bigint): string {
  const u = BigInt.asUintN(64, v);
  const code = resultCode(Number(u & 0xffffffffn), Number(u >> 32n));
  if (code === 0) return '0';
  if (code === RESULT_POS) return 'pos';
  if (code === RESULT_OTHER) return 'other';
  return ERRNO_NAMES[code - 1] ?? `E${code - 1}`;
}

const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 3: 'ESRCH', 5: 'EIO', 9: 'EBADF', 10: 'ECHILD', 12: 'ENOMEM', 14: 'EFAULT', 22: 'EINVAL', 38: 'ENOSYS',
};

/** Where a syscall was issued from, as a class: a call site or a restorer, and whether it was slot H (siteCode, named). */
export function siteClass(ip: bigint): string {
  return SITE_CLASSES[ip >= SITES && ip < SITES_END ? siteCodeAt(Number(ip - SITES)) : 0];
}

const SITE_CLASSES = ['elsewhere', 'call', 'restorer', 'call-H', 'restorer-H'];

/** A step's op as a number from 0: its code in the case bytes, less one. */
const OP_ARM = OP_CODES.arm - 1;
const OP_PTRACE = OP_CODES.ptrace - 1;

/**
 * The case as encodeCase writes it, as 32-bit halves of its words
 * (docs/fuzz-case.md): the step count in word 3, step s from word
 * 16 + 8s on (its op code, then its arguments). Coverage names a step by
 * these numbers: the engine runner encoded the case already, where each
 * step object (a dozen shapes) costs a megamorphic load of `op` and a keyed
 * load of its code.
 */
const CASE_STEPS_HALF = 2 * 3;
const CASE_STEP0_HALF = 2 * 16;
const STEP_HALVES = 2 * 8;
/** An arm step's selector base, word 6 of the step (ADDR_BASES index). */
const SEL_BASE_HALF = 2 * 6;

/**
 * An arming's mode (0 to 3, or other) and selector base as one number. The
 * mode is read from the step itself: a negative one from JSON is named as
 * such, where its encoding wraps it modulo 2^64.
 */
function armExtra(step: Extract<Step, { op: 'arm' | 'ptrace' }>, selBase: number): number {
  return (step.mode <= 3n ? Number(step.mode) : 4) * 8 + selBase;
}

const RESULT_POS = 5000;
const RESULT_OTHER = 5001;

/**
 * A small class of the u64 result lo + 2^32 hi: 0, 1 + errno for -4095..-1,
 * positive (below 0x10000), other.
 */
function resultCode(lo: number, hi: number): number {
  if (hi === 0) {
    if (lo === 0) return 0;
    return lo < 0x10000 ? RESULT_POS : RESULT_OTHER;
  }
  // -4095..-1 as u64: the high word all ones, the low one from 0xfffff001; 1 - s is 2^32 + 1 - lo
  return hi === 0xffffffff && lo >= 0xfffff001 ? 0x100000001 - lo : RESULT_OTHER;
}

const SITES_END = SITES + SLOT_SIZE * BigInt(SLOTS);
const SLOT_BYTES = Number(SLOT_SIZE);
/** The site page's bounds as numbers: it lies below 2^32. */
const SITES_LO = Number(SITES);
const SITES_END_LO = Number(SITES_END);

/** Where a syscall at `off` bytes into the site page was issued from: 1 call, 2 restorer, 3 and 4 the same in slot H (0 is elsewhere). */
function siteCodeAt(off: number): number {
  const slot = Math.floor(off / SLOT_BYTES);
  return (off % SLOT_BYTES < 16 ? 1 : 2) + (slot === SLOT_H ? 2 : 0);
}

const FNV_PRIME = 0x01000193;
/**
 * FNV_PRIME^2k modulo 2^32: what point's rounds for k trailing zero
 * arguments multiply by (a zero leaves each xor as it is, and the products
 * of the prime fold into one power modulo 2^32).
 */
const ZEROS1 = Math.imul(FNV_PRIME, FNV_PRIME);
const ZEROS2 = Math.imul(ZEROS1, ZEROS1);
const ZEROS3 = Math.imul(ZEROS2, ZEROS1);
const ZEROS4 = Math.imul(ZEROS2, ZEROS2);
const FNV_OFFSET = 0x811c9dc5;

/**
 * FNV-1a over up to five small integers, 16 bits at a time: a coverage
 * point's id (fixed arity: no array per call), as an int32 (the id is its
 * unsigned value, `id >>> 0`: an int32 is a small integer to V8, where half
 * the unsigned ids were heap numbers, one allocated per point passed on).
 * The five steps are written out: as calls of a helper, the worker's
 * optimized code kept them calls.
 */
function point(a: number, b = 0, c = 0, d = 0, e = 0): number {
  let h = FNV_OFFSET;
  h = Math.imul(Math.imul(h ^ (a & 0xffff), FNV_PRIME) ^ (a >>> 16), FNV_PRIME);
  h = Math.imul(Math.imul(h ^ (b & 0xffff), FNV_PRIME) ^ (b >>> 16), FNV_PRIME);
  h = Math.imul(Math.imul(h ^ (c & 0xffff), FNV_PRIME) ^ (c >>> 16), FNV_PRIME);
  h = Math.imul(Math.imul(h ^ (d & 0xffff), FNV_PRIME) ^ (d >>> 16), FNV_PRIME);
  h = Math.imul(Math.imul(h ^ (e & 0xffff), FNV_PRIME) ^ (e >>> 16), FNV_PRIME);
  return h;
}

/** point(a, b): the rounds of its three zeros as one product. */
function point2(a: number, b: number): number {
  let h = FNV_OFFSET;
  h = Math.imul(Math.imul(h ^ (a & 0xffff), FNV_PRIME) ^ (a >>> 16), FNV_PRIME);
  h = Math.imul(Math.imul(h ^ (b & 0xffff), FNV_PRIME) ^ (b >>> 16), FNV_PRIME);
  return Math.imul(h, ZEROS3);
}

/** point(a, b, c). */
function point3(a: number, b: number, c: number): number {
  let h = FNV_OFFSET;
  h = Math.imul(Math.imul(h ^ (a & 0xffff), FNV_PRIME) ^ (a >>> 16), FNV_PRIME);
  h = Math.imul(Math.imul(h ^ (b & 0xffff), FNV_PRIME) ^ (b >>> 16), FNV_PRIME);
  h = Math.imul(Math.imul(h ^ (c & 0xffff), FNV_PRIME) ^ (c >>> 16), FNV_PRIME);
  return Math.imul(h, ZEROS2);
}

/** point(a, b, c, d). */
function point4(a: number, b: number, c: number, d: number): number {
  let h = FNV_OFFSET;
  h = Math.imul(Math.imul(h ^ (a & 0xffff), FNV_PRIME) ^ (a >>> 16), FNV_PRIME);
  h = Math.imul(Math.imul(h ^ (b & 0xffff), FNV_PRIME) ^ (b >>> 16), FNV_PRIME);
  h = Math.imul(Math.imul(h ^ (c & 0xffff), FNV_PRIME) ^ (c >>> 16), FNV_PRIME);
  h = Math.imul(Math.imul(h ^ (d & 0xffff), FNV_PRIME) ^ (d >>> 16), FNV_PRIME);
  return Math.imul(h, ZEROS1);
}

/** point(a): one round and four zeros. */
function point1(a: number): number {
  const h = Math.imul(Math.imul(FNV_OFFSET ^ (a & 0xffff), FNV_PRIME) ^ (a >>> 16), FNV_PRIME);
  return Math.imul(h, ZEROS4);
}

/**
 * A set of coverage point ids, for the check of every point of every case
 * run: open addressing over an Int32Array, where a Set<number> hashes and
 * boxes. The ids are hashes already; Fibonacci hashing spreads them over the
 * table all the same.
 */
export class PointSet {
  /** The ids as int32 (one to one with the unsigned ids); 0 marks a free slot, so id 0 is kept apart. */
  private slots = new Int32Array(1024);
  /** 32 - log2(slots.length): a slot's index is the top bits of the id times the golden ratio. */
  private shift = 22;
  private hasZero = false;
  private size = 0;

  /** Adds `id`: true when it was not in the set yet. */
  add(id: number): boolean {
    const key = id | 0;
    if (key === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      this.size++;
      return true;
    }
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = Math.imul(key, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & mask) {
      const s = slots[i];
      if (s === key) return false;
      if (s === 0) {
        slots[i] = key;
        break;
      }
    }
    // at most half full, so that a probe ends after a slot or two
    if (++this.size * 2 > slots.length) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.shift--;
    const mask = this.slots.length - 1;
    for (const key of old) {
      if (key === 0) continue;
      let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
      while (this.slots[i] !== 0) i = (i + 1) & mask;
      this.slots[i] = key;
    }
  }
}

/**
 * The coverage points one run reached, as 32-bit ids: each record's
 * behaviour (which step and how it ended, a dispatch by call site kind,
 * syscall and depth, a child's or ptrace's result), each pair of successive
 * behaviours, and how the process ended, all per profile.
 */
export function coveragePoints(c: FuzzCase, o: Outcome, out: Set<number> = new Set()): Set<number> {
  forEachPoint(c, o, (id) => out.add(id));
  return out;
}

/** An outcome's log written out as the guest's log page holds it, for forEachLogPoint: grown as needed. */
let logPage = new DataView(new ArrayBuffer(LOG_BYTES));
/** The case encoded for forEachLogPoint, as the engine runner would encode it. */
const caseScratch = new CaseScratch();

/**
 * Calls `f` with each coverage point of one run (a point may come twice).
 * A record's fields are the log's u64 words: any other value counts modulo
 * 2^64, as the log page would hold it.
 */
export function forEachPoint(c: FuzzCase, o: Outcome, f: (id: number) => void): void {
  const n = o.log.length;
  if (32 + 32 * n > logPage.byteLength) logPage = new DataView(new ArrayBuffer(32 + 32 * n));
  for (let i = 0; i < n; i++) {
    const r = o.log[i];
    const at = 32 + 32 * i;
    logPage.setBigUint64(at, r.head, true);
    logPage.setBigUint64(at + 8, r.a, true);
    logPage.setBigUint64(at + 16, r.b, true);
    logPage.setBigUint64(at + 24, r.c, true);
  }
  encodeCase(c, true, true, caseScratch);
  forEachLogPoint(c, caseScratch.halves, logPage, n, o.overflow, o.end, (id) => f(id >>> 0));
}

/**
 * forEachPoint over the case and the log as the guest read and wrote them
 * (docs/fuzz-case.md): `caseHalves` is encodeCase's CASE page of `c` as
 * 32-bit halves (EngineRunner.lastCase), `log` holds the first `n` records
 * from byte 32, four u64 words each. Read as 32-bit halves, naming a
 * record's behaviour takes no BigInt. `f` receives each id as an int32
 * (the point's id is `id >>> 0`).
 */
export function forEachLogPoint(
  c: FuzzCase, caseHalves: Int32Array, log: DataView, n: number, overflow: boolean, end: CaseEnd, f: (id: number) => void,
): void {
  const p = profileIndex(c.profile);
  const steps = caseHalves[CASE_STEPS_HALF];
  let prev = 0;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const at = 32 + 32 * i;
    const head = log.getUint32(at, true);
    const k = head & 0xff;
    // the low and high words of a (+8), b (+16) and c (+24)
    const aLo = log.getUint32(at + 8, true);
    const aHi = log.getUint32(at + 12, true);
    let name: number;
    // pairs of successive behaviours use a coarser name (what happened, not with which values)
    let coarse: number;
    switch (k) {
      case REC_RET: {
        // a is the step's index: one of 2^32 or more, or past the last step, names no step
        const step = aHi === 0 && aLo < steps ? CASE_STEP0_HALF + STEP_HALVES * aLo : -1;
        const op = step < 0 ? 99 : caseHalves[step] - 1;
        const extra = op === OP_ARM || op === OP_PTRACE
          ? armExtra(c.steps[aLo] as Extract<Step, { op: 'arm' | 'ptrace' }>, caseHalves[step + SEL_BASE_HALF])
          : 0;
        const res = resultCode(log.getUint32(at + 16, true), log.getUint32(at + 20, true));
        const intercepted = log.getUint32(at + 24, true) === 0xd15 && log.getUint32(at + 28, true) === 0;
        name = point(k, op, extra, res, intercepted ? 1 : 0);
        coarse = point3(k, op, res === 0 ? 0 : 1);
        depth = 0;
        break;
      }
      case REC_SIGSYS: {
        depth++;
        const site = aHi === 0 && aLo >= SITES_LO && aLo < SITES_END_LO ? siteCodeAt(aLo - SITES_LO) : 0;
        // b's low word is the syscall number (as a signed int); a head of 2 is SIGSYS with no code or errno
        const plain = head === 2 && log.getUint32(at + 4, true) === 0;
        name = point(k, site, log.getInt32(at + 16, true), Math.min(depth, 4), plain ? 0 : 1);
        coarse = point2(k, site);
        break;
      }
      case REC_NESTED: name = coarse = point2(k, resultCode(aLo, aHi)); break;
      case REC_CHILD: name = coarse = point2(k, resultCode(log.getUint32(at + 16, true), log.getUint32(at + 20, true))); break;
      case REC_PTRACE1: name = coarse = point2(k, aLo & 0xff); break;
      case REC_PTRACE2:
        name = coarse = point3(k, resultCode(log.getUint32(at + 16, true), log.getUint32(at + 20, true)), resultCode(log.getUint32(at + 24, true), log.getUint32(at + 28, true)));
        break;
      case REC_PTRACE3: name = coarse = point2(k, aLo & 1); break;
      default: name = coarse = point1(k);
    }
    f(point2(p, name));
    f(point4(p, prev, coarse, 1));
    prev = coarse;
  }
  const ended = end.kind === 'exited' ? 1000 + end.status : end.kind === 'killed' ? 2000 + end.signal : 3000;
  f(point3(p, ended, 2));
  f(point4(p, prev, ended, 3));
  if (overflow) f(point2(p, 4));
}
