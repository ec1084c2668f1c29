/**
 * One worker's share of a campaign: generate or mutate a case, run it in
 * the engine, judge it with the oracles, keep it when it reaches new
 * coverage, and shrink whatever it finds. Worker w of J runs case indices
 * w, w+J, w+2J...; case i draws from Rng(seed, w, i), so a campaign's cases
 * depend only on its seed, its job count and how far it ran.
 */
import type { FuzzCase, ProfileName } from './case.js';
import { EngineRunner } from './engine_runner.js';
import { NativeRunner } from './native_runner.js';
import { randomCase, mutateCase } from './generate.js';
import { Rng } from './rng.js';
import { forEachLogPoint, PointSet } from './coverage.js';
import { judgeSync, recheckSync, compareSides, modelAgreesWithLog, type OracleSet, type Judgement } from './oracles.js';
import { shrinkCase } from './shrink.js';
import { findingId, type Finding } from './findings.js';
import { logLength, logOverflow, type CaseEnd, type Outcome } from './outcome.js';

export interface WorkerConfig {
  seed: bigint;
  worker: number;
  jobs: number;
  profile: ProfileName;
  oracles: OracleSet;
  /** First case index to run (a resumed campaign continues where it stopped). */
  startIndex: number;
  /** Cases already in the corpus (from --corpus). */
  corpus: FuzzCase[];
  /** Finding ids already reported: not reported or shrunk again. */
  known: string[];
  /** Shrink findings before reporting them (default true). */
  shrink?: boolean;
  host?: string;
}

export interface WorkerEvents {
  finding(f: Finding): void;
  corpus(c: FuzzCase, points: number[]): void;
}

/**
 * What a case costs to run, roughly, in light steps. `node
 * bench/fuzz_steps.bench.js` measures the steps (on a 2-core VM: fork 10,
 * thread 5, ptrace 16, exec 33, prot and unmap 3 light steps); weights set
 * to those figures ran a campaign no faster, with the same coverage (two
 * seeds, each build first once), so these rounder ones stay.
 */
function caseCost(c: FuzzCase): number {
  let n = 0;
  for (const s of c.steps) n += s.op === 'exec' ? 40 : s.op === 'fork' || s.op === 'thread' || s.op === 'ptrace' ? 8 : 1;
  return n;
}

/** Cases per batch: the unit of work between checks of the clock and of a stop request. */
const BATCH = 64;

export class FuzzWorker {
  readonly engine = new EngineRunner();
  private native: NativeRunner | undefined;
  private corpus: FuzzCase[];
  /** caseCost of each corpus case, by index: a mutation compares two of them. */
  private corpusCost: number[];
  private seen = new PointSet();
  /** Points of the current case not seen before (most cases have none). */
  private fresh: number[] = [];

  /**
   * One coverage point of the current case, its id as an int32 (forEachLogPoint): a single
   * function for every case rather than a closure per case.
   */
  private readonly notePoint = (p: number): void => {
    if (this.seen.add(p)) this.fresh.push(p >>> 0);
  };

  /**
   * The model is the only oracle (no plug-in, diff, property or native one):
   * a case it agrees with is judged from the engine's log page alone.
   */
  private readonly modelOnly: boolean;
  /**
   * The oracles but the model, for a case the model agrees with (found from
   * the log page: judgeSync's model oracle would find no difference).
   */
  private readonly withoutModel: OracleSet;
  private known: Set<string>;
  /** The next case index this worker runs. */
  next: number;
  cases = 0;

  constructor(readonly cfg: WorkerConfig, private events: WorkerEvents) {
    this.corpus = cfg.corpus.filter((c) => c.profile === cfg.profile);
    this.corpusCost = this.corpus.map(caseCost);
    this.known = new Set(cfg.known);
    this.next = cfg.startIndex;
    if (cfg.oracles.native) this.native = new NativeRunner();
    const o = cfg.oracles;
    this.modelOnly = o.model && !o.native && !o.plugin && !o.diff && o.properties.length === 0;
    this.withoutModel = { ...o, model: false };
  }

  /** The generator of the case being made: Rng.derive(seed, worker, i) for case i, seeded anew in place. */
  private readonly rng = new Rng(0, 0);

  /** Generates the case with index i. */
  caseAt(i: number): FuzzCase {
    const r = this.rng.rederive(this.cfg.seed, this.cfg.worker, i);
    if (this.corpus.length && r.chance(0.5)) {
      // of two corpus cases the cheaper one is mutated, as fuzzers favour fast queue entries:
      // corpus cases with fork, exec and the like would otherwise crowd out the rest
      const x = r.below(this.corpus.length);
      const y = r.below(this.corpus.length);
      const base = this.corpus[this.corpusCost[y] < this.corpusCost[x] ? y : x];
      const other = this.corpus[r.below(this.corpus.length)];
      return mutateCase(r, base, other);
    }
    return randomCase(r, this.cfg.profile);
  }

  /** Runs one batch of cases (fewer when `limit` says so); returns the number run. */
  async runBatch(limit = BATCH): Promise<number> {
    const n = Math.min(BATCH, limit);
    // the batch's cases and outcomes are kept for the native oracle only: kept for nothing, they
    // would outlive the young generation's collections during the batch, each one copied and promoted
    const native = this.native;
    const batch: { i: number; c: FuzzCase; engine: Outcome }[] = [];
    for (let k = 0; k < n; k++) {
      const i = this.next;
      this.next += this.cfg.jobs;
      const c = this.caseAt(i);
      const end = this.engine.runToLog(c);
      this.noteCoverage(c, end);
      const modelAgrees = this.cfg.oracles.model && modelAgreesWithLog(c, this.engine.lastLog, end);
      if (modelAgrees && this.modelOnly) continue;
      const engine = this.engine.lastOutcome(end);
      if (native) batch.push({ i, c, engine });
      for (const j of judgeSync(this.engine, modelAgrees ? this.withoutModel : this.cfg.oracles, c, engine)) await this.report(j, c, i);
    }
    if (native) {
      const outs = await native.runMany(batch.map((b) => b.c));
      for (let k = 0; k < batch.length; k++) {
        const j = compareSides('native', batch[k].c, batch[k].engine, 'host kernel', outs[k]);
        if (j) await this.report(j, batch[k].c, batch[k].i);
      }
    }
    this.cases += n;
    return n;
  }

  /** Coverage of the case the engine ran last, which ended with `end`: read from the engine's copies of the case and its log. */
  private noteCoverage(c: FuzzCase, end: CaseEnd): void {
    const log = this.engine.lastLog;
    forEachLogPoint(c, this.engine.lastCase, log, logLength(log), logOverflow(log), end, this.notePoint);
    if (this.fresh.length) {
      const fresh = this.fresh;
      this.fresh = [];
      this.corpus.push(c);
      this.corpusCost.push(caseCost(c));
      this.events.corpus(c, fresh);
    }
  }

  private async report(j: Judgement, c: FuzzCase, index: number): Promise<void> {
    const id = findingId(j.signature);
    if (this.known.has(id)) return;
    this.known.add(id);
    let best = c;
    let judgement = j;
    if (this.cfg.shrink !== false) {
      best = (await shrinkCase(c, (cand) => this.recheck(j.oracle, cand).then((s) => s === j.signature))).case;
      judgement = (await this.judge(j.oracle, best)) ?? j;
    }
    this.events.finding({
      id,
      oracle: judgement.oracle,
      signature: j.signature,
      summary: judgement.summary,
      case: best,
      originalSteps: c.steps.length,
      sides: judgement.sides,
      origin: { seed: this.cfg.seed.toString(), worker: this.cfg.worker, index },
      host: this.cfg.host,
    });
  }

  /** The signature one oracle gives a case now, or null. */
  async recheck(oracle: string, c: FuzzCase): Promise<string | null> {
    if (oracle !== 'native') return recheckSync(this.engine, this.cfg.oracles, oracle, c);
    return (await this.judge(oracle, c))?.signature ?? null;
  }

  /** The full judgement of one oracle on a case, or null. */
  async judge(oracle: string, c: FuzzCase): Promise<Judgement | null> {
    const engine = this.engine.run(c);
    if (oracle === 'native') {
      if (!this.native) this.native = new NativeRunner();
      return compareSides('native', c, engine, 'host kernel', await this.native.run(c));
    }
    return judgeSync(this.engine, this.cfg.oracles, c, engine).find((j) => j.oracle === oracle) ?? null;
  }

  close(): void {
    this.native?.close();
  }
}
