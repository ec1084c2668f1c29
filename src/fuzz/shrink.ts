/**
 * Shrinking: reduce a failing case to a minimal one that fails the same way
 * (same signature). Greedy and deterministic: drop steps, then simplify the
 * handler and each remaining field toward its plainest value, until a whole
 * pass changes nothing.
 */
import type { Addr, FuzzCase, Step } from './case.js';

/** True when the candidate still shows the failure being shrunk. */
export type StillFails = (c: FuzzCase) => boolean | Promise<boolean>;

export interface ShrinkResult {
  case: FuzzCase;
  /** Candidates tried. */
  tries: number;
}

const clone = (c: FuzzCase): FuzzCase => ({ ...c, handler: { ...c.handler }, steps: c.steps.map((s) => ({ ...s }) as Step) });

/** Simpler versions of a step, plainest first. */
function simplerSteps(s: Step): Step[] {
  const out: Step[] = [];
  const simplerAddr = (a: Addr): Addr[] => {
    const xs: Addr[] = [];
    if (a.delta !== 0n) xs.push({ base: a.base, delta: 0n });
    if (a.delta > 1n) xs.push({ base: a.base, delta: a.delta / 2n });
    if (a.base !== 'abs' && a.delta === 0n) xs.push({ base: 'abs', delta: 0n });
    return xs;
  };
  switch (s.op) {
    case 'arm':
    case 'ptrace':
      for (const m of [1n, 0n, 2n]) if (m < s.mode || (s.mode > 3n && m !== s.mode)) out.push({ ...s, mode: m });
      for (const a of simplerAddr(s.a)) out.push({ ...s, a });
      for (const b of simplerAddr(s.b)) out.push({ ...s, b });
      for (const sel of simplerAddr(s.sel)) out.push({ ...s, sel });
      break;
    case 'sys':
    case 'fork':
    case 'thread':
      if (s.op === 'sys' && s.int80) out.push({ op: 'sys', slot: s.slot, idx: s.idx });
      if (s.slot !== 0) out.push({ ...s, slot: 0 });
      if (s.idx !== 0) out.push({ ...s, idx: 0 });
      if (s.op !== 'sys' && s.selval !== -1) out.push({ ...s, selval: -1 });
      break;
    case 'sel':
      if (s.value > 1) out.push({ ...s, value: 1 }, { ...s, value: 0 });
      break;
    case 'sigaction': {
      const plain = 0x04000004n;
      if (s.flags !== plain) out.push({ ...s, flags: plain });
      if (s.maskSigsys) out.push({ ...s, maskSigsys: false });
      if (s.restorer !== 0 && s.restorer !== 8) out.push({ ...s, restorer: 0 });
      if (s.disp !== 2) out.push({ ...s, disp: 2 });
      break;
    }
    case 'mask':
      if (s.how !== 0) out.push({ ...s, how: 0 });
      break;
    case 'prot':
      if (s.prot !== 0) out.push({ ...s, prot: 0 });
      break;
    default:
      break;
  }
  return out;
}

/** Simpler versions of the whole case's switches and handler. */
function simplerCases(c: FuzzCase): FuzzCase[] {
  const out: FuzzCase[] = [];
  const h = c.handler;
  if (h.nested) out.push({ ...clone(c), handler: { ...h, nested: null } });
  if (h.setsel !== -1) out.push({ ...clone(c), handler: { ...h, setsel: -1 } });
  if (h.emulate) out.push({ ...clone(c), handler: { ...h, emulate: false, value: 0n } });
  if (!h.emulate && h.value !== 0n) out.push({ ...clone(c), handler: { ...h, value: 0n } });
  if (h.maxDepth !== 8) out.push({ ...clone(c), handler: { ...h, maxDepth: 8 } });
  if (c.roValue !== 0) out.push({ ...clone(c), roValue: 0 });
  if (!c.smap) out.push({ ...clone(c), smap: true });
  return out;
}

/** Shrinks c while stillFails holds; at most maxTries candidates are run. */
export async function shrinkCase(c: FuzzCase, stillFails: StillFails, maxTries = 2000): Promise<ShrinkResult> {
  let best = clone(c);
  let tries = 0;
  const attempt = async (cand: FuzzCase): Promise<boolean> => {
    if (tries >= maxTries) return false;
    tries++;
    if (!(await stillFails(cand))) return false;
    best = cand;
    return true;
  };
  for (let changed = true; changed && tries < maxTries;) {
    changed = false;
    // drop steps, last first (later steps depend on earlier ones more often than the reverse)
    for (let i = best.steps.length - 1; i >= 0; i--) {
      const cand = clone(best);
      cand.steps.splice(i, 1);
      if (await attempt(cand)) changed = true;
    }
    for (const cand of simplerCases(best)) if (await attempt(cand)) { changed = true; break; }
    for (let i = 0; i < best.steps.length; i++) {
      for (const s of simplerSteps(best.steps[i])) {
        const cand = clone(best);
        cand.steps[i] = s;
        if (await attempt(cand)) { changed = true; break; }
      }
    }
  }
  return { case: best, tries };
}
