/**
 * Coverage feedback: the behaviours a case reached, named by what the
 * kernel did (prctl validation result per mode, dispatch outcome per call
 * site kind, signal delivery path, how the process ended) and by the order
 * in which they followed each other. A case that adds a new point joins the
 * corpus, and mutation works from the corpus, so generation drifts toward
 * behaviour not seen yet.
 */
import { type FuzzCase, SITES, SLOT_H, SLOT_SIZE, SLOTS } from './case.js';
import { type Outcome, recKind, REC_RET, REC_SIGSYS, REC_NESTED, REC_CHILD, REC_PTRACE1, REC_PTRACE2, REC_PTRACE3 } from './outcome.js';

/** A result as a class: ok, positive, an errno name, or other. */
export function resultClass(v: bigint): string {
  const s = BigInt.asIntN(64, v);
  if (s === 0n) return '0';
  if (s < 0n && s >= -4095n) return ERRNO_NAMES[Number(-s)] ?? `E${-s}`;
  return s > 0n && s < 0x10000n ? 'pos' : 'other';
}

const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 3: 'ESRCH', 5: 'EIO', 9: 'EBADF', 10: 'ECHILD', 12: 'ENOMEM', 14: 'EFAULT', 22: 'EINVAL', 38: 'ENOSYS',
};

/** Where a syscall was issued from, as a class: a call site or a restorer, and whether it was slot H. */
export function siteClass(ip: bigint): string {
  const off = ip - SITES;
  if (off < 0n || off >= SLOT_SIZE * BigInt(SLOTS)) return 'elsewhere';
  const slot = Number(off / SLOT_SIZE);
  const kind = off % SLOT_SIZE < 16n ? 'call' : 'restorer';
  return `${kind}${slot === SLOT_H ? '-H' : ''}`;
}

function modeClass(m: bigint): string {
  return m <= 3n ? String(m) : `0x${m.toString(16)}`;
}

/** The coverage points one run reached. */
export function coveragePoints(c: FuzzCase, o: Outcome, out: Set<string> = new Set()): Set<string> {
  const p = c.profile;
  let prev = 'start';
  let depth = 0;
  for (const r of o.log) {
    const k = recKind(r);
    let name: string;
    switch (k) {
      case REC_RET: {
        const step = c.steps[Number(r.a)];
        const op = step?.op ?? '?';
        const extra = step && (step.op === 'arm' || step.op === 'ptrace') ? `:m${modeClass(step.mode)}:${step.sel.base}` : '';
        name = `ret:${op}${extra}:${resultClass(r.b)}${r.c === 0xd15n ? ':intercepted' : ''}`;
        depth = 0;
        break;
      }
      case REC_SIGSYS:
        depth++;
        name = `sigsys:${siteClass(r.a)}:${Number(r.b & 0xffffffffn) | 0}:d${Math.min(depth, 4)}:${r.head === 2n ? 'noinfo' : 'info'}`;
        break;
      case REC_NESTED: name = `nested:${resultClass(r.a)}`; break;
      case REC_CHILD: name = `child:${resultClass(r.b)}`; break;
      case REC_PTRACE1: name = `ptrace-get:m${r.a}`; break;
      case REC_PTRACE2: name = `ptrace-set:${resultClass(r.b)}:${resultClass(r.c)}`; break;
      case REC_PTRACE3: name = `ptrace-regot:${r.a}`; break;
      default: name = `record:${k}`;
    }
    out.add(`${p}|${name}`);
    out.add(`${p}|${prev}>${name.split(':').slice(0, 2).join(':')}`);
    prev = name.split(':').slice(0, 2).join(':');
  }
  const end = o.end.kind === 'exited' ? `exit:${o.end.status}` : o.end.kind === 'killed' ? `killed:${o.end.signal}` : 'hung';
  out.add(`${p}|end:${end}`);
  out.add(`${p}|${prev}>end:${end}`);
  if (o.overflow) out.add(`${p}|overflow`);
  return out;
}
