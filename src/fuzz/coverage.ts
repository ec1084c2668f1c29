/**
 * Coverage feedback: the behaviours a case reached, named by what the
 * kernel did (prctl validation result per mode, dispatch outcome per call
 * site kind, signal delivery path, how the process ended) and by the order
 * in which they followed each other. A case that adds a new point joins the
 * corpus, and mutation works from the corpus, so generation drifts toward
 * behaviour not seen yet.
 */
import { type FuzzCase, type Step, CASE_PROFILES, SITES, SLOT_H, SLOT_SIZE, SLOTS } from './case.js';
import { type Outcome, recKind, REC_RET, REC_SIGSYS, REC_NESTED, REC_CHILD, REC_PTRACE1, REC_PTRACE2, REC_PTRACE3 } from './outcome.js';

/** A result as a class: ok, positive, an errno name, or other (resultCode, named). */
export function resultClass(v: bigint): string {
  const code = resultCode(v);
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
  return SITE_CLASSES[siteCode(ip)];
}

const SITE_CLASSES = ['elsewhere', 'call', 'restorer', 'call-H', 'restorer-H'];

const OPS = ['arm', 'sel', 'sys', 'sigaction', 'mask', 'prot', 'unmap', 'fork', 'thread', 'ptrace', 'exec'];
const BASES = ['abs', 'sites', 'selrw', 'selro', 'top', 'unmapped', 'kernel'];
const OP_ARM = OPS.indexOf('arm');
const OP_PTRACE = OPS.indexOf('ptrace');

/** An arming's mode (0 to 3, or other) and selector base as one number. */
function armExtra(step: Extract<Step, { op: 'arm' | 'ptrace' }>): number {
  return (step.mode <= 3n ? Number(step.mode) : 4) * 8 + BASES.indexOf(step.sel.base);
}

const RESULT_POS = 5000;
const RESULT_OTHER = 5001;

/** A small class of a result: 0, 1 + errno for -4095..-1, positive (below 0x10000), other. */
function resultCode(v: bigint): number {
  const s = BigInt.asIntN(64, v);
  if (s === 0n) return 0;
  if (s < 0n && s >= -4095n) return 1 - Number(s);
  return s > 0n && s < 0x10000n ? RESULT_POS : RESULT_OTHER;
}

const SITES_END = SITES + SLOT_SIZE * BigInt(SLOTS);
const SLOT_BYTES = Number(SLOT_SIZE);

/** Where a syscall was issued from, as a number: 0 elsewhere, 1 call, 2 restorer, 3 and 4 the same in slot H. */
function siteCode(ip: bigint): number {
  if (ip < SITES || ip >= SITES_END) return 0;
  const off = Number(ip - SITES);
  const slot = Math.floor(off / SLOT_BYTES);
  return (off % SLOT_BYTES < 16 ? 1 : 2) + (slot === SLOT_H ? 2 : 0);
}

const mixIn = (h: number, x: number): number => Math.imul(Math.imul(h ^ (x & 0xffff), 0x01000193) ^ (x >>> 16), 0x01000193);

/** FNV-1a over up to five small integers: a coverage point's id (fixed arity: no array per call). */
function point(a: number, b = 0, c = 0, d = 0, e = 0): number {
  return mixIn(mixIn(mixIn(mixIn(mixIn(0x811c9dc5, a), b), c), d), e) >>> 0;
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

/** Calls `f` with each coverage point of one run (a point may come twice). */
export function forEachPoint(c: FuzzCase, o: Outcome, f: (id: number) => void): void {
  const p = CASE_PROFILES.indexOf(c.profile);
  let prev = 0;
  let depth = 0;
  for (const r of o.log) {
    const k = recKind(r);
    let name: number;
    // pairs of successive behaviours use a coarser name (what happened, not with which values)
    let coarse: number;
    switch (k) {
      case REC_RET: {
        const step = c.steps[Number(r.a)];
        const op = step ? OPS.indexOf(step.op) : 99;
        // the op's index tells arm and ptrace apart without loading `op` again from steps of a dozen shapes
        const extra = op === OP_ARM || op === OP_PTRACE ? armExtra(step as Extract<Step, { op: 'arm' | 'ptrace' }>) : 0;
        const res = resultCode(r.b);
        name = point(k, op, extra, res, r.c === 0xd15n ? 1 : 0);
        coarse = point(k, op, res === 0 ? 0 : 1);
        depth = 0;
        break;
      }
      case REC_SIGSYS:
        depth++;
        name = point(k, siteCode(r.a), Number(BigInt.asIntN(32, r.b)), Math.min(depth, 4), r.head === 2n ? 0 : 1);
        coarse = point(k, siteCode(r.a));
        break;
      case REC_NESTED: name = coarse = point(k, resultCode(r.a)); break;
      case REC_CHILD: name = coarse = point(k, resultCode(r.b)); break;
      case REC_PTRACE1: name = coarse = point(k, Number(BigInt.asUintN(8, r.a))); break;
      case REC_PTRACE2: name = coarse = point(k, resultCode(r.b), resultCode(r.c)); break;
      case REC_PTRACE3: name = coarse = point(k, Number(BigInt.asUintN(1, r.a))); break;
      default: name = coarse = point(k);
    }
    f(point(p, name));
    f(point(p, prev, coarse, 1));
    prev = coarse;
  }
  const end = o.end.kind === 'exited' ? 1000 + o.end.status : o.end.kind === 'killed' ? 2000 + o.end.signal : 3000;
  f(point(p, end, 2));
  f(point(p, prev, end, 3));
  if (o.overflow) f(point(p, 4));
}
