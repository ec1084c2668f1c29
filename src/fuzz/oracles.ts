/**
 * The oracles: what a case's engine run is judged against. Each returns
 * the finding it makes (with a signature naming the reason) or nothing.
 *
 * - model: the reference model (src/fuzz/model) predicts the outcome;
 * - plugin: a user's decision function inside the same model;
 * - diff: the engine under a second profile;
 * - property: invariants over the engine's outcome;
 * - native: the host kernel (src/fuzz/native_runner.ts), checked in batches
 *   by the campaign because it answers asynchronously.
 */
import type { FuzzCase, ProfileName } from './case.js';
import { type Outcome, type CaseEnd, firstDifference } from './outcome.js';
import type { EngineRunner } from './engine_runner.js';
import { predict, predictsLog } from './model/index.js';
import type { DecideFn } from './model/dispatch.js';
import { signatureOf, differenceReason } from './signature.js';
import { checkProperties } from './properties.js';

export interface Plugin {
  /** Short name, used in the oracle name `plugin:<name>`. */
  name: string;
  decide: DecideFn;
}

export interface OracleSet {
  model: boolean;
  native: boolean;
  /** The second profile for the diff oracle (the case's own profile is the first). */
  diff?: ProfileName;
  properties: readonly string[];
  plugin?: Plugin;
}

export interface Judgement {
  /** `model`, `native`, `diff`, `property:<name>` or `plugin:<name>`. */
  oracle: string;
  signature: string;
  /** One line saying what went wrong. */
  summary: string;
  /** The two sides compared, named, left first; properties have only the engine. */
  sides: { name: string; outcome: Outcome }[];
}

const DECISIONS = new Set(['run', 'dispatch', 'kill-sigsys', 'kill-sigsegv']);
const checked = new WeakMap<Plugin, DecideFn>();

/** A plug-in's decide, made to fail with a clear message when it answers something else than a Decision. */
export function checkedDecide(p: Plugin): DecideFn {
  let f = checked.get(p);
  if (!f) {
    f = (ctx) => {
      let d: unknown;
      try {
        d = p.decide(ctx);
      } catch (err) {
        throw new Error(`sudsim: plug-in model ${p.name} threw: ${(err as Error)?.message ?? String(err)}`);
      }
      if (typeof d !== 'string' || !DECISIONS.has(d)) {
        throw new Error(`sudsim: plug-in model ${p.name} returned ${JSON.stringify(d)}; decide(ctx) must return 'run', 'dispatch', 'kill-sigsys' or 'kill-sigsegv'`);
      }
      return d as ReturnType<DecideFn>;
    };
    checked.set(p, f);
  }
  return f;
}

/** Compares an engine outcome with another side's. */
export function compareSides(oracle: string, c: FuzzCase, engine: Outcome, otherName: string, other: Outcome, coarse = false): Judgement | null {
  // nearly every case agrees: that answer needs no signature, names or sides
  if (!firstDifference(other, engine)) return null;
  const sig = signatureOf(oracle, c, other, engine, [otherName, 'engine'], coarse);
  if (!sig) return null;
  return { oracle, signature: sig, summary: summaryOf(c, other, engine, [otherName, 'engine']), sides: [{ name: otherName, outcome: other }, { name: 'engine', outcome: engine }] };
}

/** The first difference in words, with the values that the signature leaves out. */
function summaryOf(c: FuzzCase, x: Outcome, y: Outcome, sides: [string, string]): string {
  const r = differenceReason(c, x, y)!;
  return `${sides[0]}: ${r.left}; ${sides[1]}: ${r.right}`;
}

/**
 * The model oracle on an engine run read from its log page (EngineRunner.runToLog):
 * true when the model predicts exactly that log and `end`, so that it has
 * nothing to report, the answer for nearly every case, found with no Outcome
 * decoded. False leaves the judgement to judgeSync on the decoded Outcome (a
 * difference may still make no finding).
 */
export function modelAgreesWithLog(c: FuzzCase, log: DataView, end: CaseEnd): boolean {
  return predictsLog(c, log, end);
}

/** Every synchronous oracle on one case. */
export function judgeSync(runner: EngineRunner, o: OracleSet, c: FuzzCase, engine: Outcome): Judgement[] {
  const out: Judgement[] = [];
  if (o.model) {
    const j = compareSides('model', c, engine, 'model', predict(c));
    if (j) out.push(j);
  }
  if (o.plugin) {
    // a plug-in differs by design: one finding per behaviour, not per syscall and slot
    const j = compareSides(`plugin:${o.plugin.name}`, c, engine, o.plugin.name, predict(c, { decide: checkedDecide(o.plugin) }), true);
    if (j) out.push(j);
  }
  if (o.diff && o.diff !== c.profile) {
    const other = runner.run({ ...c, profile: o.diff });
    const sig = signatureOf('diff', c, engine, other, [c.profile, o.diff], true);
    if (sig) out.push({ oracle: 'diff', signature: sig, summary: summaryOf(c, engine, other, [c.profile, o.diff]), sides: [{ name: c.profile, outcome: engine }, { name: o.diff, outcome: other }] });
  }
  // a campaign without properties skips the call and the array it returns
  if (o.properties.length) {
    for (const v of checkProperties(o.properties, c, engine)) {
      out.push({ oracle: `property:${v.name}`, signature: `property:${v.name}|${c.profile}${v.reason ? `|${v.reason}` : ''}`, summary: v.message, sides: [{ name: 'engine', outcome: engine }] });
    }
  }
  return out;
}

/** Re-runs one oracle on a candidate: its signature, or null when the failure is gone. */
export function recheckSync(runner: EngineRunner, o: OracleSet, oracle: string, c: FuzzCase): string | null {
  const engine = runner.run(c);
  const only: OracleSet = {
    model: oracle === 'model',
    native: false,
    diff: oracle === 'diff' ? o.diff : undefined,
    properties: oracle.startsWith('property:') ? [oracle.slice(9)] : [],
    plugin: oracle.startsWith('plugin:') ? o.plugin : undefined,
  };
  const js = judgeSync(runner, only, c, engine);
  return js.find((j) => j.oracle === oracle)?.signature ?? null;
}
