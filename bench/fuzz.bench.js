// Fuzz throughput, measured side by side in one run: cases per second for
// the engine judged by the reference model (one thread, then a campaign with
// --jobs 2), and for the native runner (the guest's fork server on the host
// kernel) on the same cases, with the ratio. `--quick` runs fewer cases.
// On a host with two cores or fewer it runs in a node without the parallel
// garbage collector, as `sudsim fuzz --jobs 2` runs its campaign there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg, release, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { EngineRunner } from '../dist/src/fuzz/engine_runner.js';
import { NativeRunner, nativeAvailability } from '../dist/src/fuzz/native_runner.js';
import { randomCase } from '../dist/src/fuzz/generate.js';
import { Rng } from '../dist/src/fuzz/rng.js';
import { predict } from '../dist/src/fuzz/model/index.js';
import { compareSides, modelAgreesWithLog } from '../dist/src/fuzz/oracles.js';
import { runCampaign } from '../dist/src/fuzz/campaign.js';
import { rerunWithNodeFlags, followParent } from '../dist/src/cli/rerun.js';

followParent();
const JOBS = 2;
const rerun = JOBS >= availableParallelism() ? rerunWithNodeFlags(['--single-threaded-gc']) : null;
if (rerun !== null) process.exit(await rerun);

const quick = process.argv.includes('--quick');
const N = quick ? 2000 : 20000;
const profile = 'linux-6.17';
const cases = Array.from({ length: N }, (_, i) => randomCase(Rng.derive(2026n, i), profile));
const fmt = (n) => Math.round(n).toLocaleString('en-US');

console.log(`sudsim fuzz throughput: ${fmt(N)} random ${profile} cases; ${cpus().length} cores (${cpus()[0]?.model}), load ${loadavg()[0].toFixed(2)}, Linux ${release()}${process.execArgv.includes('--single-threaded-gc') ? '; node --single-threaded-gc, as sudsim fuzz with a job on every core' : ''}`);

// engine + model oracle, one thread: the per-case work a worker does (it judges a case the model
// agrees with from the engine's log page, and decodes the log only when they differ)
const engine = new EngineRunner();
const judge = (c) => {
  const end = engine.runToLog(c);
  return !modelAgreesWithLog(c, engine.lastLog, end) && compareSides('model', c, engine.lastOutcome(end), 'model', predict(c)) !== null;
};
// a full warm-up pass: V8 tiers the engine's Wasm and the kernel's TypeScript up over the first thousands of cases
for (const c of cases) judge(c);
let t = performance.now();
let disagree = 0;
for (const c of cases) if (judge(c)) disagree++;
const oneThread = (N * 1000) / (performance.now() - t);

// engine alone, for the split
t = performance.now();
for (const c of cases) engine.run(c);
const engineOnly = (N * 1000) / (performance.now() - t);

// a whole campaign with two workers (generation, coverage, corpus included)
const dir = mkdtempSync(join(tmpdir(), 'sudsim-bench-'));
// steady state: the rate after the first second (workers start, load their Wasm and warm up)
// the rate from the first second to the fifteenth (workers start, load their Wasm and warm up:
// V8 keeps tiering the kernel's rarer paths up for seconds), and, in the full run, from the
// fifteenth to the thirtieth, as a longer campaign runs
const seconds = quick ? 4 : 15;
const total = quick ? seconds : 2 * seconds;
let first;
let mid;
let last;
await runCampaign({
  profile, oracles: { model: true, native: false, properties: [] }, seed: 2026n, timeMs: total * 1000, jobs: JOBS, findingsDir: dir, shrink: false,
  statusEveryMs: 250,
  onStatus: (st) => {
    if (!first && st.elapsedMs >= 1000) first = st;
    if (!mid && st.elapsedMs >= seconds * 1000) mid = st;
    last = st;
  },
});
rmSync(dir, { recursive: true, force: true });
const rate = (a, b) => ((b.cases - a.cases) * 1000) / (b.elapsedMs - a.elapsedMs);

const rows = [
  ['engine + model oracle, 1 thread', oneThread],
  ['engine alone, 1 thread', engineOnly],
  [`campaign --jobs 2 (engine + model, coverage, corpus), 1-${seconds} s`, rate(first, quick ? last : mid)],
];
if (!quick) rows.push([`campaign --jobs 2, ${seconds}-${total} s`, rate(mid, last)]);

const avail = nativeAvailability();
let nativeRate;
if (avail.ok && avail.profile === profile) {
  const nr = new NativeRunner();
  await nr.runMany(cases.slice(0, 100));
  const M = Math.min(N, quick ? 1000 : 5000);
  t = performance.now();
  await nr.runMany(cases.slice(0, M));
  nativeRate = (M * 1000) / (performance.now() - t);
  nr.close();
  rows.push([`native runner (fork server, Linux ${avail.release})`, nativeRate]);
} else {
  console.log(`native runner: not measured (${avail.ok ? `host behaves as ${avail.profile}` : avail.why})`);
}

/**
 * The host's memory latency as JavaScript sees it: ns a load of a random
 * cyclic chase through 16 MB (past any L2). A worker's case is bound by
 * cache misses, so this says how fast a host can run the loop at all
 * (sessions 12 to 16 ran on machines whose rates differed threefold).
 */
function chaseNs() {
  const n = 1 << 22;
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) next[i] = i;
  // Sattolo's shuffle: one cycle through every slot
  let seed = 12345;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % i;
    const x = next[i];
    next[i] = next[j];
    next[j] = x;
  }
  let p = 0;
  for (let i = 0; i < n; i++) p = next[p];
  const loads = 4_000_000;
  const t0 = performance.now();
  for (let i = 0; i < loads; i++) p = next[p];
  const ns = ((performance.now() - t0) * 1e6) / loads;
  return p < 0 ? -1 : ns;
}

console.log('');
for (const [name, rate] of rows) {
  const ratio = nativeRate ? `  ${(rate / nativeRate).toFixed(1)}x native` : '';
  console.log(`  ${name.padEnd(60)} ${fmt(rate).padStart(9)} cases/s${ratio}`);
}
console.log(`\n  host memory latency: ${chaseNs().toFixed(1)} ns a load (a random chase through 16 MB)`);
console.log(`  targets (issue 4): >= 200,000 cases/s with --jobs 2; >= 20x the native runner`);
if (disagree) console.log(`  note: the model disagreed with the engine on ${disagree} of these cases (run sudsim fuzz to see them)`);
