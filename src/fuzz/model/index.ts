/**
 * The reference model: an independent, deliberately simple reading of
 * ../shared/docs/SEMANTICS.md that predicts, for a fuzz case, the Outcome the
 * guest program (docs/fuzz-case.md) shows on a real kernel of the case's
 * profile. It shares no code with src/kernel/, src/engine/ or src/api/: it is
 * the oracle the engine is fuzzed against. The §4 decision is pluggable
 * (ModelOptions.decide) so another implementation's rule can be fuzzed too.
 */
import type { FuzzCase } from '../case.js';
import { endFromWaitStatus, endsEqual, type CaseEnd, type Outcome } from '../outcome.js';
import type { DecideFn } from './dispatch.js';
import { GuestRun, Hang } from './process.js';

export { referenceDecide, type DecideFn, type Decision, type DispatchContext } from './dispatch.js';

export interface ModelOptions {
  /** The §4 decision; the kernel's (referenceDecide) by default. */
  decide?: DecideFn;
  /**
   * The CASE page's direct flag (word 1), visible to a selector pointing at
   * CASE + 8: the engine runs cases with it set (default), the native runner
   * with it clear.
   */
  direct?: boolean;
}

export interface Prediction {
  outcome: Outcome;
  /** Why the prediction may not match a real run (empty when it is exact). */
  unpredictable: string[];
  /** The outcome depends on the stack layout: exact for the engine, not for a native run with ASLR. */
  aslrDependent: boolean;
}

/** The outcome and what the model could not pin down. */
export function predictDetailed(c: FuzzCase, opts?: ModelOptions): Prediction {
  const run = new GuestRun(c, opts);
  const outcome = outcomeOf(run);
  return { outcome, unpredictable: run.unpredictable ?? [], aslrDependent: run.aslrDependent };
}

/**
 * The Outcome the guest shows for case `c` on a real kernel of `c.profile`
 * (the fuzz loop's call: it makes no Prediction around the Outcome).
 */
export function predict(c: FuzzCase, opts?: ModelOptions): Outcome {
  return outcomeOf(new GuestRun(c, opts));
}

/**
 * Whether predict(c, opts) is the outcome a log page and `end` show (no
 * firstDifference from the page decoded), found with no Outcome made: the
 * fuzz loop's question for nearly every case, where making the Outcome's
 * records and comparing their BigInts with the page cost about a fifth of
 * the answer.
 */
export function predictsLog(c: FuzzCase, log: DataView, end: CaseEnd, opts?: ModelOptions): boolean {
  const run = new GuestRun(c, opts);
  const same = endsEqual(endOf(run), end) && run.pages.showsPage(log);
  run.pages.release();
  return same;
}

/** Runs `run` to its end: the Outcome. */
function outcomeOf(run: GuestRun): Outcome {
  const end = endOf(run);
  const o: Outcome = { log: run.pages.records(), overflow: run.pages.overflow, end };
  run.pages.release();
  return o;
}

/** Runs `run`: how the process ends. */
function endOf(run: GuestRun): CaseEnd {
  try {
    return endFromWaitStatus(run.run());
  } catch (e) {
    if (!(e instanceof Hang)) throw e;
    run.note(`hangs: ${e.why}`);
    return { kind: 'hung' };
  }
}
