/**
 * A fuzz case: one dispatch scenario as data (docs/fuzz-case.md). The same
 * case is encoded into the guest program's CASE page for the engine and the
 * native runner, and read step by step by the reference model.
 */

export type ProfileName = 'patch-v5' | 'linux-5.11' | 'linux-6.4' | 'linux-6.17' | 'linux-next';
export const CASE_PROFILES: readonly ProfileName[] = ['patch-v5', 'linux-5.11', 'linux-6.4', 'linux-6.17', 'linux-next'];

/** Each profile's index in CASE_PROFILES, made from it once. */
const PROFILE_INDEX: ReadonlyMap<string, number> = new Map(CASE_PROFILES.map((p, i) => [p, i]));

/** A profile's index in CASE_PROFILES, -1 for none (a lookup, where indexOf scans the list for every case). */
export function profileIndex(p: ProfileName): number {
  return PROFILE_INDEX.get(p) ?? -1;
}

// ------------------------------------------------------------ fixed addresses
export const SITES = 0x10000000n;
export const SEL_RW = 0x10010000n;
export const SEL_RO = 0x10020000n;
export const CASE_ADDR = 0x10030000n;
export const LOG_ADDR = 0x10040000n;
export const UNMAPPED = 0x10050000n;
export const TOP = 0x7ffffffff000n;
export const KERNEL = 0xffff800000000000n;

export const CASE_BYTES = 4096;
export const LOG_BYTES = 8192;
export const LOG_CAPACITY = 255;
export const CASE_MAGIC = 0x3145534143445553n;
export const MAX_STEPS = 32;

/** Syscall slots: 8 of 32 bytes at SITES; the guest's housekeeping uses slot H. */
export const SLOTS = 8;
export const SLOT_H = 7;
export const SLOT_SIZE = 32n;
/** `ip` after the call site's syscall in slot k. */
export const callIp = (slot: number): bigint => SITES + SLOT_SIZE * BigInt(slot) + 2n;
/** The restorer of slot k (what sa_restorer points at). */
export const restorerAddr = (slot: number): bigint => SITES + SLOT_SIZE * BigInt(slot) + 16n;
/** `ip` after the `int $0x80` of slot k (its i386 call site, at +8). */
export const int80Ip = (slot: number): bigint => SITES + SLOT_SIZE * BigInt(slot) + 10n;
/** `ip` after the restorer's syscall (rt_sigreturn) in slot k. */
export const restorerIp = (slot: number): bigint => SITES + SLOT_SIZE * BigInt(slot) + 23n;

export const ADDR_BASES = ['abs', 'sites', 'selrw', 'selro', 'top', 'unmapped', 'kernel'] as const;
export type AddrBase = (typeof ADDR_BASES)[number];
/** A base's address: a switch on the interned name costs less than a keyed load from a record by string (the model works out an arming's three addresses). */
function baseValue(base: AddrBase): bigint {
  switch (base) {
    case 'abs': return 0n;
    case 'sites': return SITES;
    case 'selrw': return SEL_RW;
    case 'selro': return SEL_RO;
    case 'top': return TOP;
    case 'unmapped': return UNMAPPED;
    case 'kernel': return KERNEL;
  }
}

/** An address argument: BASE + delta in wrapping 64-bit arithmetic. */
export interface Addr {
  base: AddrBase;
  delta: bigint;
}

/** Every base is a u64 already: without a delta there is no sum to allocate and wrap. */
export const addrValue = (a: Addr): bigint => (a.delta === 0n ? baseValue(a.base) : BigInt.asUintN(64, baseValue(a.base) + a.delta));

/** The harmless syscalls a step can issue: rax, rdi, and whether the result is pid-like. */
export const HARMLESS: readonly { nr: bigint; rdi: bigint; name: string; pidLike: boolean; nr32: bigint }[] = [
  // nr32: the same call through int $0x80 (i386 numbering; the argument goes in ebx)
  { nr: 110n, rdi: 0n, name: 'getppid', pidLike: true, nr32: 64n },
  { nr: 39n, rdi: 0n, name: 'getpid', pidLike: true, nr32: 20n },
  { nr: 186n, rdi: 0n, name: 'gettid', pidLike: true, nr32: 224n },
  { nr: 24n, rdi: 0n, name: 'sched_yield', pidLike: false, nr32: 158n },
  { nr: 3n, rdi: BigInt.asUintN(64, -1n), name: 'close', pidLike: false, nr32: 6n },
  { nr: 1000n, rdi: 0n, name: 'syscall_1000', pidLike: false, nr32: 1000n },
  { nr: 0x100000018n, rdi: 0n, name: 'sched_yield_upper', pidLike: false, nr32: 0x10000009en },
  { nr: BigInt.asUintN(64, -1n), rdi: 0n, name: 'syscall_-1', pidLike: false, nr32: BigInt.asUintN(64, -1n) },
  // i386 has no sysinfo this project models; a number no kernel has (ENOSYS) stands in
  { nr: 99n, rdi: 0n, name: 'sysinfo_null', pidLike: false, nr32: 0x7fffffffn },
];

/** A recorded result: pid-like results count as 1 when positive (docs/fuzz-case.md). */
export function normalizeResult(idx: number, r: bigint): bigint {
  const s = BigInt.asIntN(64, r);
  if (HARMLESS[idx]?.pidLike && s > 0n) return 1n;
  return BigInt.asUintN(64, r);
}

export type Step =
  | { op: 'arm'; mode: bigint; a: Addr; b: Addr; sel: Addr }
  | { op: 'sel'; value: number }
  /** int80: issue it through the slot's `int $0x80` with the i386 number (HARMLESS nr32). */
  | { op: 'sys'; slot: number; idx: number; int80?: boolean }
  | { op: 'sigaction'; disp: 0 | 1 | 2; flags: bigint; restorer: number; maskSigsys: boolean }
  | { op: 'mask'; how: number; set: bigint }
  | { op: 'prot'; prot: number }
  | { op: 'unmap' }
  | { op: 'fork'; slot: number; idx: number; selval: number }
  | { op: 'thread'; slot: number; idx: number; selval: number }
  | { op: 'ptrace'; mode: bigint; a: Addr; b: Addr; sel: Addr }
  | { op: 'exec' };

export type StepOp = Step['op'];
export const OP_CODES: Record<StepOp, number> = {
  arm: 1, sel: 2, sys: 3, sigaction: 4, mask: 5, prot: 6, unmap: 7, fork: 8, thread: 9, ptrace: 10, exec: 11,
};

export interface HandlerSpec {
  /** Write `value` into the saved rax (emulate the syscall's result). */
  emulate: boolean;
  value: bigint;
  /** A byte the handler writes to the selector, or -1. */
  setsel: number;
  /** A syscall the handler issues itself (slot, harmless index), or null. */
  nested: { slot: number; idx: number } | null;
  /** Deliveries allowed per process before the handler executes ud2. */
  maxDepth: number;
}

export interface FuzzCase {
  profile: ProfileName;
  /** SMAP on or off: invisible to the guest, it moves only the timing model. */
  smap: boolean;
  /** linux-next's kernel.syscall_user_dispatch. */
  sysctl: boolean;
  /** The byte at SEL_RO. */
  roValue: number;
  handler: HandlerSpec;
  steps: Step[];
}

// ------------------------------------------------------------ binary form

const HEADER_BYTES = 128;
const STEP_BYTES = 64;

/**
 * A CASE page encodeCase writes into, reused from case to case, with its
 * views made once: the bytes, the words' 32-bit halves and the 64-bit words
 * (in the host's order: little-endian, as the engine's views of Wasm memory
 * take it to be), and the prefix the guest reads for each step count.
 */
export class CaseScratch {
  readonly bytes = new Uint8Array(CASE_BYTES);
  readonly halves = new Int32Array(this.bytes.buffer);
  readonly words = new BigUint64Array(this.bytes.buffer);
  readonly prefixes = Array.from({ length: MAX_STEPS + 1 }, (_, n) => this.bytes.subarray(0, HEADER_BYTES + STEP_BYTES * n));
}

/**
 * The bytes the guest reads at CASE: all 4096, or with `prefix` only the
 * header and the steps (what the guest reads; the engine writes no more).
 * With `into`, the bytes are written to that scratch and a view of it is
 * returned (valid until the next use of the scratch).
 */
export function encodeCase(c: FuzzCase, direct: boolean, prefix = false, into?: CaseScratch): Uint8Array {
  const steps = c.steps;
  if (steps.length > MAX_STEPS) throw new RangeError(`sudsim: a case has at most ${MAX_STEPS} steps (got ${steps.length})`);
  const n = prefix ? HEADER_BYTES + STEP_BYTES * steps.length : CASE_BYTES;
  // `into`: a caller's 4096-byte scratch, used at once (the engine runner encodes every case it runs)
  const bytes = into ? into.bytes : new Uint8Array(n);
  const w = into ? into.halves : new Int32Array(bytes.buffer);
  const words = into ? into.words : new BigUint64Array(bytes.buffer);
  // words a step does not use are zero, as in a fresh buffer (a selector may point at
  // them), where the scratch holds an earlier case's
  if (into) w.fill(0, 0, n >> 2);
  const h = c.handler;
  words[0] = CASE_MAGIC;
  putNum(w, 1, direct ? 1 : 0);
  putNum(w, 2, c.roValue & 0xff);
  putNum(w, 3, steps.length);
  putNum(w, 4, h.emulate ? 1 : 0);
  putBig(words, 5, h.value);
  putNum(w, 6, h.setsel);
  putNum(w, 7, h.nested ? h.nested.slot : -1);
  putNum(w, 8, h.nested ? h.nested.idx : 0);
  putNum(w, 9, h.maxDepth);
  for (let i = 0; i < steps.length; i++) putStep(w, words, HEADER_BYTES / 8 + (STEP_BYTES / 8) * i, steps[i]);
  return into && prefix ? into.prefixes[steps.length] : bytes;
}

/**
 * Word i <- v modulo 2^64 (what BigInt.asUintN(64, BigInt(v)) gives), as
 * its 32-bit halves w[2i] and w[2i + 1]; a RangeError for a non-integer.
 * Nearly every field is an int32, whose high half is its sign: the rest
 * goes to putWide, out of line, so that this stays small enough for V8 to
 * inline at each of its two dozen call sites (with the slow path in it,
 * it was a call per field).
 */
function putNum(w: Int32Array, i: number, v: number): void {
  if ((v | 0) !== v) return putWide(w, i, v);
  w[2 * i] = v;
  w[2 * i + 1] = v >> 31;
}

function putWide(w: Int32Array, i: number, v: number): void {
  if (!Number.isInteger(v)) throw new RangeError(`sudsim: a case field must be an integer (got ${v})`);
  // an Int32Array stores a number modulo 2^32, what the low half and the high one need
  w[2 * i] = v;
  w[2 * i + 1] = Math.floor(v / 4294967296);
}

/** Word i <- v modulo 2^64 (a BigUint64Array wraps as BigInt.asUintN(64, v) does). */
function putBig(words: BigUint64Array, i: number, v: bigint): void {
  words[i] = v;
}

/**
 * A base's index in ADDR_BASES, -1 for none: a switch, which compares the
 * interned names by identity, costs a third of a Map lookup (an arm step has
 * three addresses; coverage names a selector's base by it too).
 */
export function baseIndex(base: AddrBase): number {
  switch (base) {
    case 'abs': return 0;
    case 'sites': return 1;
    case 'selrw': return 2;
    case 'selro': return 3;
    case 'top': return 4;
    case 'unmapped': return 5;
    case 'kernel': return 6;
    default: return -1;
  }
}

/** An address argument at words i (its base's index) and i + 1 (its delta). */
function putAddr(w: Int32Array, words: BigUint64Array, i: number, a: Addr): void {
  putNum(w, i, baseIndex(a.base));
  putBig(words, i + 1, a.delta);
}

/** An arm or ptrace step's arguments from word i + 1 on: mode, then its three addresses. */
function putArming(w: Int32Array, words: BigUint64Array, i: number, s: Extract<Step, { op: 'arm' | 'ptrace' }>): void {
  putBig(words, i + 1, s.mode);
  putAddr(w, words, i + 2, s.a);
  putAddr(w, words, i + 4, s.b);
  putAddr(w, words, i + 6, s.sel);
}

/**
 * A step from word i on: its op code, then its arguments (in the order
 * docs/fuzz-case.md gives). Bigint and number fields go to separate writers,
 * so that each stays monomorphic; each op has a case of its own, which
 * reads `op` once (a load from a dozen step shapes).
 */
function putStep(w: Int32Array, words: BigUint64Array, i: number, s: Step): void {
  switch (s.op) {
    case 'sys':
      putNum(w, i, OP_CODES.sys);
      putNum(w, i + 1, s.slot);
      putNum(w, i + 2, s.idx);
      putNum(w, i + 3, s.int80 ? 1 : 0);
      return;
    case 'arm':
      putNum(w, i, OP_CODES.arm);
      putArming(w, words, i, s);
      return;
    case 'sel':
      putNum(w, i, OP_CODES.sel);
      putNum(w, i + 1, s.value);
      return;
    case 'sigaction':
      putNum(w, i, OP_CODES.sigaction);
      putNum(w, i + 1, s.disp);
      putBig(words, i + 2, s.flags);
      putNum(w, i + 3, s.restorer);
      putNum(w, i + 4, s.maskSigsys ? 1 : 0);
      return;
    case 'mask':
      putNum(w, i, OP_CODES.mask);
      putNum(w, i + 1, s.how);
      putBig(words, i + 2, s.set);
      return;
    case 'prot':
      putNum(w, i, OP_CODES.prot);
      putNum(w, i + 1, s.prot);
      return;
    case 'unmap':
      putNum(w, i, OP_CODES.unmap);
      return;
    case 'fork':
      putNum(w, i, OP_CODES.fork);
      putChild(w, i, s);
      return;
    case 'thread':
      putNum(w, i, OP_CODES.thread);
      putChild(w, i, s);
      return;
    case 'ptrace':
      putNum(w, i, OP_CODES.ptrace);
      putArming(w, words, i, s);
      return;
    case 'exec':
      putNum(w, i, OP_CODES.exec);
      return;
    default:
      // an op with no code: putNum's RangeError, as for any other word that is not a number
      putNum(w, i, OP_CODES[(s as Step).op]);
  }
}

/** A fork or thread step's arguments from word i + 1 on: slot, idx, selval. */
function putChild(w: Int32Array, i: number, s: Extract<Step, { op: 'fork' | 'thread' }>): void {
  putNum(w, i + 1, s.slot);
  putNum(w, i + 2, s.idx);
  putNum(w, i + 3, s.selval);
}

// ------------------------------------------------------------ JSON form
// bigints travel as hex strings ("0x..", "-0x.."), everything else as is.

const hex = (v: bigint): string => (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));

function big(v: unknown, what: string): bigint {
  if (typeof v === 'string' && /^-?0x[0-9a-f]+$/i.test(v)) {
    const neg = v.startsWith('-');
    const n = BigInt(neg ? v.slice(1) : v);
    return neg ? -n : n;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw new CaseError(`${what}: expected a hex string, got ${JSON.stringify(v)}`);
}

function int(v: unknown, what: string, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new CaseError(`${what}: expected an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
  return v;
}

function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new CaseError(`${what}: expected true or false`);
  return v;
}

/** A case that does not parse: the message names the field. */
export class CaseError extends Error {}

function addrToJson(a: Addr): unknown {
  return { base: a.base, delta: hex(a.delta) };
}

function addrFromJson(v: unknown, what: string): Addr {
  const o = v as { base?: unknown; delta?: unknown } | null;
  if (!o || typeof o !== 'object') throw new CaseError(`${what}: expected {base, delta}`);
  if (!(ADDR_BASES as readonly unknown[]).includes(o.base)) throw new CaseError(`${what}.base: one of ${ADDR_BASES.join(', ')}`);
  return { base: o.base as AddrBase, delta: big(o.delta, `${what}.delta`) };
}

export function caseToJson(c: FuzzCase): unknown {
  return {
    profile: c.profile,
    smap: c.smap,
    sysctl: c.sysctl,
    roValue: c.roValue,
    handler: {
      emulate: c.handler.emulate,
      value: hex(c.handler.value),
      setsel: c.handler.setsel,
      nested: c.handler.nested,
      maxDepth: c.handler.maxDepth,
    },
    steps: c.steps.map((s) => {
      switch (s.op) {
        case 'arm':
        case 'ptrace':
          return { op: s.op, mode: hex(s.mode), a: addrToJson(s.a), b: addrToJson(s.b), sel: addrToJson(s.sel) };
        case 'sigaction':
          return { op: s.op, disp: s.disp, flags: hex(s.flags), restorer: s.restorer, maskSigsys: s.maskSigsys };
        case 'mask':
          return { op: s.op, how: s.how, set: hex(s.set) };
        default:
          return s;
      }
    }),
  };
}

/** Parses and checks a case from JSON; every bad field is a CaseError naming it. */
export function caseFromJson(v: unknown): FuzzCase {
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o !== 'object') throw new CaseError('case: expected an object');
  if (!(CASE_PROFILES as readonly unknown[]).includes(o.profile)) throw new CaseError(`profile: one of ${CASE_PROFILES.join(', ')}`);
  const h = o.handler as Record<string, unknown> | null;
  if (!h || typeof h !== 'object') throw new CaseError('handler: expected an object');
  let nested: HandlerSpec['nested'] = null;
  if (h.nested !== null && h.nested !== undefined) {
    const n = h.nested as Record<string, unknown>;
    nested = { slot: int(n.slot, 'handler.nested.slot', 0, SLOTS - 1), idx: int(n.idx, 'handler.nested.idx', 0, HARMLESS.length - 1) };
  }
  if (!Array.isArray(o.steps)) throw new CaseError('steps: expected an array');
  if (o.steps.length > MAX_STEPS) throw new CaseError(`steps: at most ${MAX_STEPS}`);
  const steps = o.steps.map((sv, i): Step => {
    const s = sv as Record<string, unknown>;
    const at = `steps[${i}]`;
    if (!s || typeof s !== 'object') throw new CaseError(`${at}: expected an object`);
    switch (s.op) {
      case 'arm':
      case 'ptrace':
        return { op: s.op, mode: big(s.mode, `${at}.mode`), a: addrFromJson(s.a, `${at}.a`), b: addrFromJson(s.b, `${at}.b`), sel: addrFromJson(s.sel, `${at}.sel`) };
      case 'sel':
        return { op: 'sel', value: int(s.value, `${at}.value`, 0, 255) };
      case 'sys':
        return {
          op: 'sys',
          slot: int(s.slot, `${at}.slot`, 0, SLOTS - 1),
          idx: int(s.idx, `${at}.idx`, 0, HARMLESS.length - 1),
          ...(s.int80 === undefined || s.int80 === false ? {} : { int80: bool(s.int80, `${at}.int80`) }),
        };
      case 'sigaction':
        return {
          op: 'sigaction',
          disp: int(s.disp, `${at}.disp`, 0, 2) as 0 | 1 | 2,
          flags: big(s.flags, `${at}.flags`),
          restorer: int(s.restorer, `${at}.restorer`, 0, SLOTS),
          maskSigsys: bool(s.maskSigsys, `${at}.maskSigsys`),
        };
      case 'mask':
        return { op: 'mask', how: int(s.how, `${at}.how`, 0, 3), set: big(s.set, `${at}.set`) };
      case 'prot':
        return { op: 'prot', prot: int(s.prot, `${at}.prot`, 0, 7) };
      case 'unmap':
        return { op: 'unmap' };
      case 'exec':
        return { op: 'exec' };
      case 'fork':
      case 'thread':
        return { op: s.op, slot: int(s.slot, `${at}.slot`, 0, SLOTS - 1), idx: int(s.idx, `${at}.idx`, 0, HARMLESS.length - 1), selval: int(s.selval, `${at}.selval`, -1, 255) };
      default:
        throw new CaseError(`${at}.op: unknown op ${JSON.stringify(s.op)}`);
    }
  });
  return {
    profile: o.profile as ProfileName,
    smap: bool(o.smap, 'smap'),
    sysctl: bool(o.sysctl, 'sysctl'),
    roValue: int(o.roValue, 'roValue', 0, 255),
    handler: {
      emulate: bool(h.emulate, 'handler.emulate'),
      value: big(h.value, 'handler.value'),
      setsel: int(h.setsel, 'handler.setsel', -1, 255),
      nested,
      maxDepth: int(h.maxDepth, 'handler.maxDepth', 0, 64),
    },
    steps,
  };
}
