// What each kind of fuzz step costs the engine, measured side by side in
// one run: for every step kind, cases made of one such step (taken from
// random linux-6.17 cases, with their headers) against the same cases with
// no step, run alternately in several rounds; a step's cost is the
// difference per case (restore, the run, the kernel's work, reading the
// log). The worker loop weighs corpus cases by these figures when it picks
// one to mutate (caseCost in src/fuzz/worker_loop.ts).
// Usage: npm run build && node bench/fuzz_steps.bench.js [--quick]
import { loadavg, cpus } from 'node:os';
import { EngineRunner } from '../dist/src/fuzz/engine_runner.js';
import { randomCase } from '../dist/src/fuzz/generate.js';
import { Rng } from '../dist/src/fuzz/rng.js';
import { OP_CODES } from '../dist/src/fuzz/case.js';

const quick = process.argv.includes('--quick');
const PER_KIND = quick ? 300 : 2000;
const ROUNDS = quick ? 2 : 5;
/** Passes over a kind's cases in one timing (the rarer, dearer kinds have fewer cases). */
const PASSES = quick ? 1 : 3;

const profile = 'linux-6.17';
const kinds = Object.keys(OP_CODES);
const byKind = new Map(kinds.map((k) => [k, []]));
// the step kinds as random cases hold them: each with the header of the case it came from
for (let i = 0; [...byKind.values()].some((l) => l.length < PER_KIND) && i < 2_000_000; i++) {
  const c = randomCase(Rng.derive(31n, i), profile);
  for (const s of c.steps) {
    const l = byKind.get(s.op);
    if (l.length < PER_KIND) l.push({ ...c, steps: [s] });
  }
}

const engine = new EngineRunner();
/** µs a case over `passes` passes of `cases`. */
function time(cases, passes) {
  const t = performance.now();
  for (let p = 0; p < passes; p++) for (const c of cases) engine.runToLog(c);
  return ((performance.now() - t) * 1000) / (cases.length * passes);
}

const rows = kinds.map((k) => ({ kind: k, cases: byKind.get(k), empty: byKind.get(k).map((c) => ({ ...c, steps: [] })), diffs: [] }));
// warm-up: V8 tiers the kernel's paths for every kind up first (some thousands of runs a kind)
const WARM_PASSES = quick ? 10 : 2;
for (const r of rows) {
  time(r.cases, WARM_PASSES);
  time(r.empty, WARM_PASSES);
}
for (let round = 0; round < ROUNDS; round++) {
  for (const r of rows) {
    const e1 = time(r.empty, PASSES);
    const s = time(r.cases, PASSES);
    const e2 = time(r.empty, PASSES);
    r.diffs.push(s - (e1 + e2) / 2);
    r.base = (e1 + e2) / 2;
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const light = median(rows.filter((r) => r.kind === 'sys' || r.kind === 'arm' || r.kind === 'sigaction').map((r) => median(r.diffs)));
console.log(`sudsim fuzz step costs${quick ? ' (--quick: rough figures)' : ''}: ${PER_KIND.toLocaleString('en-US')} one-step ${profile} cases a kind, median of ${ROUNDS} rounds; ${cpus()[0]?.model}, load ${loadavg()[0].toFixed(2)}`);
console.log(`  a case with no step: ${median(rows.map((r) => r.base)).toFixed(2)} µs`);
console.log('  step        µs a step   in light steps (median of sys, arm, sigaction)');
for (const r of rows) {
  const m = median(r.diffs);
  console.log(`  ${r.kind.padEnd(10)} ${m.toFixed(2).padStart(9)}   ${(m / light).toFixed(1).padStart(8)}`);
}
