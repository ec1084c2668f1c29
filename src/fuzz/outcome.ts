/**
 * What a case run shows: the guest's log (docs/fuzz-case.md) and how the
 * process ended. Every oracle produces one of these; comparing two is how a
 * finding is made.
 */
import { LOG_CAPACITY, SITES, SLOT_SIZE, SLOTS, HARMLESS } from './case.js';

export const REC_RET = 1;
export const REC_SIGSYS = 2;
export const REC_NESTED = 3;
export const REC_CHILD = 4;
export const REC_PTRACE1 = 5;
export const REC_PTRACE2 = 6;
export const REC_PTRACE3 = 7;

export interface LogRecord {
  /** The whole first word: kind in the low byte, SIGSYS signo/code/errno above it. */
  head: bigint;
  a: bigint;
  b: bigint;
  c: bigint;
}

export type CaseEnd =
  | { kind: 'exited'; status: number }
  | { kind: 'killed'; signal: number }
  /** Ran past its instruction budget or deadlocked (no real case does; a finding if seen). */
  | { kind: 'hung' };

export interface Outcome {
  log: LogRecord[];
  overflow: boolean;
  end: CaseEnd;
}

export const recKind = (r: LogRecord): number => Number(BigInt.asUintN(8, r.head));

/** Reads the log page (LOG_BYTES from LOG_ADDR) as the guest wrote it. */
export function decodeLog(bytes: Uint8Array): { log: LogRecord[]; overflow: boolean } {
  return decodeLogView(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/**
 * decodeLog over a view of the log, its first `byteLength` bytes (at least
 * the two header words): the engine runner keeps one view over its scratch
 * rather than make a DataView for every case.
 */
export function decodeLogView(dv: DataView, byteLength = dv.byteLength): { log: LogRecord[]; overflow: boolean } {
  const n = logLength(dv);
  const log: LogRecord[] = [];
  for (let i = 0; i < n; i++) {
    const o = 32 + i * 32;
    if (o + 32 > byteLength) break;
    log.push({ head: u64(dv, o), a: u64(dv, o + 8), b: u64(dv, o + 16), c: u64(dv, o + 24) });
  }
  return { log, overflow: logOverflow(dv) };
}

/** The records a log page's header counts (its u64 count from the halves: any high bit makes it more than the capacity). */
export function logLength(dv: DataView): number {
  return dv.getUint32(4, true) !== 0 ? LOG_CAPACITY : Math.min(dv.getUint32(0, true), LOG_CAPACITY);
}

/** A log page's overflow word (header word 1) is set: read as halves, as getBigUint64 would allocate. */
export function logOverflow(dv: DataView): boolean {
  return (dv.getUint32(8, true) | dv.getUint32(12, true)) !== 0;
}

/** 0 to 255 as BigInts, made once: most log words are a kind, a step index, a small result or zero. */
export const SMALL_WORDS: readonly bigint[] = Array.from({ length: 256 }, (_, v) => BigInt(v));

/**
 * The u64 at byte o: most log words are below 2^32, where BigInt of a number
 * is cheaper than getBigUint64, and most of those below 256, where a BigInt
 * made once serves (a BigInt is a value: which one holds it cannot be told).
 */
function u64(dv: DataView, o: number): bigint {
  if (dv.getUint32(o + 4, true) !== 0) return dv.getBigUint64(o, true);
  const lo = dv.getUint32(o, true);
  return lo < 256 ? SMALL_WORDS[lo] : BigInt(lo);
}

/** A wait(2) status as the end of a case. */
export function endFromWaitStatus(st: number): CaseEnd {
  if ((st & 0x7f) === 0) return { kind: 'exited', status: (st >> 8) & 0xff };
  return { kind: 'killed', signal: st & 0x7f };
}

const h = (v: bigint): string => '0x' + v.toString(16);

/** An address in the site page as `slot k+off`, else hex. */
export function siteName(addr: bigint): string {
  const off = addr - SITES;
  if (off >= 0n && off < SLOT_SIZE * BigInt(SLOTS)) {
    const k = off / SLOT_SIZE;
    return `slot${k}+${off % SLOT_SIZE}`;
  }
  return h(addr);
}

const signed = (v: bigint): string => {
  const s = BigInt.asIntN(64, v);
  return s < 0n && s > -4096n ? String(s) : h(v);
};

/** One record as a line of text, the way `repro` and findings show it. */
export function formatRecord(r: LogRecord): string {
  switch (recKind(r)) {
    case REC_RET: return `step ${r.a} = ${signed(r.b)}${r.c ? ` (${h(r.c)})` : ''}`;
    case REC_SIGSYS: {
      const signo = Number((r.head >> 8n) & 0xffn);
      const code = Number((r.head >> 16n) & 0xffn);
      const errno = Number((r.head >> 24n) & 0xffn);
      const nr = Number(r.b & 0xffffffffn) | 0;
      const arch = Number(r.b >> 32n);
      return `SIGSYS {signo=${signo} code=${code} errno=${errno} call_addr=${siteName(r.a)} syscall=${nr} arch=${h(BigInt(arch))}} rax=${h(r.c)}`;
    }
    case REC_NESTED: return `  nested = ${signed(r.a)}`;
    case REC_CHILD: return `  child of step ${r.a}: ${signed(r.b)}`;
    case REC_PTRACE1: return `  ptrace GET: mode=${r.a} selector=${h(r.b)} offset=${h(r.c)}`;
    case REC_PTRACE2: return `  ptrace GET: len=${h(r.a)}; GET = ${signed(r.b)}; SET = ${signed(r.c)}`;
    case REC_PTRACE3: return `  ptrace second GET ${r.a ? 'equal' : 'DIFFERENT'} (= ${signed(r.b)}), stop status ${h(r.c)}`;
    default: return `record ${h(r.head)} ${h(r.a)} ${h(r.b)} ${h(r.c)}`;
  }
}

export function formatEnd(e: CaseEnd): string {
  if (e.kind === 'hung') return 'hung';
  return e.kind === 'exited' ? `exited ${e.status}` : `killed by signal ${e.signal}`;
}

export const recordsEqual = (x: LogRecord, y: LogRecord): boolean =>
  x.head === y.head && x.a === y.a && x.b === y.b && x.c === y.c;

export function endsEqual(x: CaseEnd, y: CaseEnd): boolean {
  if (x.kind === 'exited' && y.kind === 'exited') return x.status === y.status;
  if (x.kind === 'killed' && y.kind === 'killed') return x.signal === y.signal;
  return x.kind === 'hung' && y.kind === 'hung';
}

/** The first point where two outcomes differ, or null when they agree. */
export function firstDifference(x: Outcome, y: Outcome): { index: number; what: string } | null {
  const n = Math.min(x.log.length, y.log.length);
  for (let i = 0; i < n; i++) {
    if (!recordsEqual(x.log[i], y.log[i])) return { index: i, what: `record ${i}` };
  }
  if (x.log.length !== y.log.length) return { index: n, what: `record ${n} (one log is longer)` };
  if (x.overflow !== y.overflow) return { index: n, what: 'log overflow' };
  if (!endsEqual(x.end, y.end)) return { index: n, what: 'end of the process' };
  return null;
}

export function outcomeToJson(o: Outcome): unknown {
  return {
    log: o.log.map((r) => [h(r.head), h(r.a), h(r.b), h(r.c)]),
    overflow: o.overflow,
    end: o.end,
  };
}

export function outcomeFromJson(v: unknown): Outcome {
  const o = v as { log: string[][]; overflow: boolean; end: CaseEnd };
  return {
    log: o.log.map((r) => ({ head: BigInt(r[0]), a: BigInt(r[1]), b: BigInt(r[2]), c: BigInt(r[3]) })),
    overflow: !!o.overflow,
    end: o.end,
  };
}

/** Name of a harmless syscall index, for reports. */
export const harmlessName = (idx: number): string => HARMLESS[idx]?.name ?? `#${idx}`;
