/**
 * A finding's signature: the reason two sides disagree, abstracted from
 * the values that do not change the reason (which slot, which pid), so that
 * the same disagreement is reported once however many cases show it, and a
 * shrunk case can be checked to still show the same one.
 */
import type { FuzzCase } from './case.js';
import { type LogRecord, type Outcome, type CaseEnd, recKind, REC_RET, REC_SIGSYS, REC_NESTED, REC_CHILD, REC_PTRACE1, REC_PTRACE2, REC_PTRACE3, firstDifference } from './outcome.js';
import { resultClass, siteClass } from './coverage.js';

function describeRecord(c: FuzzCase, r: LogRecord | undefined): string {
  if (!r) return 'nothing';
  switch (recKind(r)) {
    case REC_RET: {
      const step = c.steps[Number(r.a)];
      const op = step?.op ?? '?';
      const mode = step && (step.op === 'arm' || step.op === 'ptrace') ? `(mode ${step.mode <= 3n ? step.mode : '0x' + step.mode.toString(16)})` : '';
      return `${op}${mode} = ${resultClass(r.b)}${r.c === 0xd15n ? ' intercepted' : ''}`;
    }
    case REC_SIGSYS: return `SIGSYS from ${siteClass(r.a)} (syscall ${Number(r.b & 0xffffffffn) | 0})`;
    case REC_NESTED: return `nested = ${resultClass(r.a)}`;
    case REC_CHILD: return `child = ${resultClass(r.b)}`;
    case REC_PTRACE1: return `ptrace GET mode ${r.a}`;
    case REC_PTRACE2: return `ptrace GET = ${resultClass(r.b)}, SET = ${resultClass(r.c)}`;
    case REC_PTRACE3: return `ptrace second GET ${r.a ? 'equal' : 'different'}`;
    default: return `record ${recKind(r)}`;
  }
}

const FIELD_NAMES: Record<number, string[]> = {
  [REC_RET]: ['step', 'result', 'status'],
  [REC_SIGSYS]: ['call_addr', 'syscall/arch', 'saved rax'],
  [REC_NESTED]: ['result', '-', '-'],
  [REC_CHILD]: ['step', 'result', '-'],
  [REC_PTRACE1]: ['mode', 'selector', 'offset'],
  [REC_PTRACE2]: ['len', 'GET result', 'SET result'],
  [REC_PTRACE3]: ['second GET', 'its result', 'stop status'],
};

function describeEnd(e: CaseEnd): string {
  return e.kind === 'exited' ? `exit ${e.status}` : e.kind === 'killed' ? `killed by ${e.signal}` : 'hung';
}

/** What the first difference is, in words, on each side. */
export function differenceReason(c: FuzzCase, x: Outcome, y: Outcome): { left: string; right: string } | null {
  const d = firstDifference(x, y);
  if (!d) return null;
  if (d.what === 'end of the process') return { left: describeEnd(x.end), right: describeEnd(y.end) };
  if (d.what === 'log overflow') return { left: `overflow ${x.overflow}`, right: `overflow ${y.overflow}` };
  const l = x.log[d.index];
  const r = y.log[d.index];
  let left = l ? describeRecord(c, l) : `then ${describeEnd(x.end)}`;
  let right = r ? describeRecord(c, r) : `then ${describeEnd(y.end)}`;
  if (left === right && l && r) {
    // the same abstract record with other values: name the fields that differ (values stay out of the reason)
    const names = FIELD_NAMES[recKind(l)] ?? ['a', 'b', 'c'];
    const diff = (['a', 'b', 'c'] as const).filter((k) => l[k] !== r[k]).map((k) => names[['a', 'b', 'c'].indexOf(k)]);
    if (l.head !== r.head) diff.unshift('siginfo');
    left += ` (${diff.join(', ')} differ)`;
    right += ` (${diff.join(', ')} differ)`;
  }
  return { left, right };
}

/**
 * What a side did at the first difference, as a behaviour: the syscall was
 * dispatched, ran, failed with an errno, or the process ended. Coarser than
 * describeRecord: which syscall, from which slot, with which harmless result
 * does not make another reason when two profiles or two implementations
 * differ by design.
 */
function behaviour(c: FuzzCase, o: Outcome, i: number): string {
  const r = o.log[i];
  if (!r) return describeEnd(o.end);
  switch (recKind(r)) {
    case REC_SIGSYS: return 'dispatched (SIGSYS)';
    case REC_RET: {
      const step = c.steps[Number(r.a)];
      if (!step) return 'ran';
      if (r.c === 0xd15n) return `${step.op} intercepted`;
      if (step.op === 'arm' || step.op === 'ptrace') return `${step.op}(mode ${step.mode <= 3n ? step.mode : 'other'}) = ${resultClass(r.b)}`;
      if (step.op === 'sys' || step.op === 'sel' || step.op === 'fork' || step.op === 'thread') return 'ran';
      return `${step.op} = ${resultClass(r.b)}`;
    }
    case REC_NESTED: case REC_CHILD: return 'ran';
    default: return describeRecord(c, r);
  }
}

/** The signature of a disagreement between two named sides. */
export function signatureOf(oracle: string, c: FuzzCase, x: Outcome, y: Outcome, sides: [string, string], coarse = false): string | null {
  if (coarse) {
    const d = firstDifference(x, y);
    if (!d) return null;
    let left = d.what === 'log overflow' ? `overflow ${x.overflow}` : behaviour(c, x, d.index);
    let right = d.what === 'log overflow' ? `overflow ${y.overflow}` : behaviour(c, y, d.index);
    if (left === right) {
      const r = differenceReason(c, x, y)!;
      left = r.left;
      right = r.right;
    }
    return `${oracle}|${sides[0]}: ${left}|${sides[1]}: ${right}`;
  }
  const r = differenceReason(c, x, y);
  if (!r) return null;
  return `${oracle}|${sides[0]}: ${r.left}|${sides[1]}: ${r.right}`;
}
