/**
 * The model's answer straight from a log page (predictsLog, the fuzz loop's
 * model oracle) is the answer of its Outcome compared with the page decoded
 * (firstDifference, the model oracle's definition): on generated and
 * mutated cases of every profile, on the page of the prediction itself and
 * on pages changed in one 32-bit half, the record count, the overflow flag
 * or the end; and a run
 * started inside another (a plug-in's decide predicting) leaves both runs'
 * logs as they are.
 */
import { predict, predictsLog, referenceDecide, type DecideFn } from '../../src/fuzz/model/index.js';
import { emulatorDecide } from '../../src/fuzz/models/emulator.js';
import { randomCase, mutateCase } from '../../src/fuzz/generate.js';
import { Rng } from '../../src/fuzz/rng.js';
import { CASE_PROFILES, LOG_BYTES, type FuzzCase } from '../../src/fuzz/case.js';
import { decodeLogView, firstDifference, outcomeToJson, type CaseEnd, type Outcome } from '../../src/fuzz/outcome.js';

/** The log page an Outcome shows: header, then four u64 words per record. */
function pageOf(o: Outcome): DataView {
  const dv = new DataView(new ArrayBuffer(LOG_BYTES));
  dv.setBigUint64(0, BigInt(o.log.length), true);
  dv.setBigUint64(8, o.overflow ? 1n : 0n, true);
  o.log.forEach((r, i) => {
    const at = 32 + 32 * i;
    dv.setBigUint64(at, r.head, true);
    dv.setBigUint64(at + 8, r.a, true);
    dv.setBigUint64(at + 16, r.b, true);
    dv.setBigUint64(at + 24, r.c, true);
  });
  return dv;
}

function cases(seed: bigint, n: number): FuzzCase[] {
  const out: FuzzCase[] = [];
  let prev: FuzzCase | null = null;
  for (let i = 0; i < n; i++) {
    let c = randomCase(Rng.derive(seed, i), CASE_PROFILES[i % CASE_PROFILES.length]);
    if (prev && i % 2 === 0) c = mutateCase(Rng.derive(seed, i, 1), c, prev);
    out.push((prev = c));
  }
  return out;
}

describe('the model judged from a log page', () => {
  it('answers as its Outcome compared with the page does, on 3,000 cases and a changed page each', () => {
    const bad: string[] = [];
    cases(41n, 3000).forEach((c, i) => {
      const opts = i % 5 === 4 ? { decide: emulatorDecide } : undefined;
      const o = predict(c, opts);
      const r = Rng.derive(42n, i);
      const page = pageOf(o);
      let end: CaseEnd = o.end;
      if (predictsLog(c, page, end, opts) !== true) bad.push(`case ${i}: its own page`);
      switch (r.below(4)) {
        case 0: {
          // one 32-bit half of the header or a record (or just past the last one)
          const half = r.below(8 + 8 * o.log.length + 8);
          page.setUint32(4 * half, page.getUint32(4 * half, true) ^ (1 << r.below(32)), true);
          break;
        }
        case 1: page.setUint32(0, o.log.length + (r.chance(0.5) ? 1 : -1), true); break;
        case 2: page.setUint32(8, o.overflow ? 0 : 1, true); break;
        default: end = end.kind === 'exited' ? { kind: 'exited', status: end.status ^ 1 } : { kind: 'hung' };
      }
      if (predictsLog(c, page, end, opts) !== (firstDifference(o, { ...decodeLogView(page), end }) === null)) bad.push(`case ${i}: a changed page`);
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('keeps each run\'s log its own when a plug-in\'s decide predicts another case', () => {
    const all = cases(43n, 200);
    const inner = all.slice().reverse();
    let k = 0;
    const predicting: DecideFn = (ctx) => {
      predict(inner[k++ % inner.length]);
      return referenceDecide(ctx);
    };
    const bad: string[] = [];
    all.forEach((c, i) => {
      const alone = JSON.stringify(outcomeToJson(predict(c)));
      if (JSON.stringify(outcomeToJson(predict(c, { decide: predicting }))) !== alone) bad.push(`case ${i}`);
      if (!predictsLog(c, pageOf(predict(c)), predict(c).end, { decide: predicting })) bad.push(`case ${i}: from its page`);
    });
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
