/**
 * The reference model: an independent, deliberately simple reading of
 * ../shared/docs/SEMANTICS.md that predicts, for a fuzz case, the Outcome the
 * guest program (docs/fuzz-case.md) shows on a real kernel of the case's
 * profile. It shares no code with src/kernel/, src/engine/ or src/api/: it is
 * the oracle the engine is fuzzed against. The §4 decision is pluggable
 * (ModelOptions.decide) so another implementation's rule can be fuzzed too.
 */
import type { FuzzCase } from '../case.js';
import { endFromWaitStatus, type Outcome } from '../outcome.js';
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

/** Runs `run` to its end: the Outcome. */
function outcomeOf(run: GuestRun): Outcome {
  let end: Outcome['end'];
  try {
    end = endFromWaitStatus(run.run());
  } catch (e) {
    if (e instanceof Hang) {
      end = { kind: 'hung' };
      run.note(`hangs: ${e.why}`);
    } else throw e;
  }
  const { records, overflow } = run.pages;
  return { log: records, overflow, end: end! };
}
