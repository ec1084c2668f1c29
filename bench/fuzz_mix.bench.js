// Where a worker loop's time goes, measured in one process: the worker loop
// (generation, engine, model, coverage) records its own cases, then the
// engine alone replays them in order, then the engine alone runs as many
// fresh random cases, then the loop runs again; three rounds. It separates
// what the engine spends on a campaign's cases from the rest of the loop,
// and a campaign's case mix from a bench's random one.
// Usage: npm run build && node bench/fuzz_mix.bench.js [--quick]
import { loadavg } from 'node:os';
import { FuzzWorker } from '../dist/src/fuzz/worker_loop.js';
import { randomCase } from '../dist/src/fuzz/generate.js';
import { Rng } from '../dist/src/fuzz/rng.js';

const quick = process.argv.includes('--quick');
const WARM_MS = quick ? 1000 : 4000;
const RECORD_MS = quick ? 1000 : 3000;
const LOOP_MS = quick ? 1000 : 4000;
const ROUNDS = quick ? 1 : 3;

const worker = new FuzzWorker(
  { seed: 2026n, worker: 0, jobs: 1, profile: 'linux-6.17', oracles: { model: true, native: false, properties: [] }, startIndex: 0, corpus: [], known: [], shrink: false },
  { finding() {}, corpus() {} },
);
const engine = worker.engine;
const recorded = [];
const runToLog = engine.runToLog.bind(engine);
let recording = false;
engine.runToLog = (c, opts) => {
  if (recording) recorded.push(c);
  return runToLog(c, opts);
};

async function loopFor(ms) {
  const n = worker.cases;
  const t = performance.now();
  while (performance.now() - t < ms) await worker.runBatch();
  return ((performance.now() - t) * 1000) / (worker.cases - n);
}

function engineAlone(cases) {
  const t = performance.now();
  for (const c of cases) runToLog(c);
  return ((performance.now() - t) * 1000) / cases.length;
}

await loopFor(WARM_MS);
recording = true;
await loopFor(RECORD_MS);
recording = false;
const fresh = recorded.map((_, i) => randomCase(Rng.derive(99n, i), 'linux-6.17'));

console.log(`sudsim fuzz loop breakdown: ${recorded.length.toLocaleString('en-US')} cases a round, linux-6.17, load ${loadavg()[0].toFixed(2)}`);
console.log('  (µs a case)     engine alone, the loop\'s cases   engine alone, random cases   whole loop');
for (let r = 1; r <= ROUNDS; r++) {
  const mine = engineAlone(recorded);
  const rand = engineAlone(fresh);
  const loop = await loopFor(LOOP_MS);
  console.log(`  round ${r}         ${mine.toFixed(2).padStart(12)}                  ${rand.toFixed(2).padStart(12)}          ${loop.toFixed(2).padStart(8)}`);
}
