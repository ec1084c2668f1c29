// Hashes of what a change to the engine, kernel, model or fuzz plumbing must
// leave as it is, so that a speed change can be checked to change nothing:
//   outcomes   engine outcomes of 24,000 cases (3 profiles, seed 99, a third mutated)
//   counters   the engine's counters after each of them, but for the host caches' own
//              work (tlbMisses, blocksBuilt); a change to the guest program moves them
//   cases, encode, model, points   generated cases, their bytes, the model's
//              predictions and the coverage ids of 18,000 more (seed 77)
//   worker     what two worker loops report (corpus entries, findings), 19,200 cases
// Usage: npm run build && node scripts/fuzz-identity.mjs [DIST]   (DIST defaults to ./dist)
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = pathToFileURL(resolve(process.argv[2] ?? 'dist')).href;
const load = (m) => import(`${dist}/src/fuzz/${m}.js`);
const { EngineRunner } = await load('engine_runner');
const { randomCase, mutateCase } = await load('generate');
const { Rng } = await load('rng');
const { caseToJson, encodeCase } = await load('case');
const { outcomeToJson } = await load('outcome');
const { predict } = await load('model/index');
const { forEachPoint } = await load('coverage');
const { FuzzWorker } = await load('worker_loop');

const json = (x) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
const hash = () => createHash('sha256');
const hex = (h) => h.digest('hex').slice(0, 16);
const PROFILES = ['linux-6.17', 'patch-v5', 'linux-6.4'];
const engine = new EngineRunner();

const outcomes = hash();
const counters = hash();
let prev = null;
for (const p of PROFILES) {
  for (let i = 0; i < 8000; i++) {
    let c = randomCase(Rng.derive(99n, i), p);
    if (prev && i % 3 === 0) c = mutateCase(Rng.derive(5n, i), c, prev);
    prev = c;
    outcomes.update(json(outcomeToJson(engine.run(c))));
    const k = { ...engine.counters(c) };
    delete k.tlbMisses;
    delete k.blocksBuilt;
    counters.update(json(k));
  }
}

const cases = hash();
const encode = hash();
const model = hash();
const points = hash();
prev = null;
for (const p of PROFILES) {
  for (let i = 0; i < 6000; i++) {
    let c = randomCase(Rng.derive(77n, i), p);
    if (prev && i % 2 === 0) c = mutateCase(Rng.derive(7n, i), c, prev);
    prev = c;
    cases.update(json(caseToJson(c)));
    encode.update(encodeCase(c, true, true));
    model.update(json(outcomeToJson(predict(c))));
    forEachPoint(c, engine.run(c), (id) => points.update(`${id},`));
  }
}

const worker = hash();
for (const [jobs, w] of [[1, 0], [2, 1]]) {
  const properties = ['exclusive-region-never-dispatched', 'ptrace-get-set-roundtrip'];
  const fw = new FuzzWorker(
    { seed: 31n, worker: w, jobs, profile: 'linux-6.17', oracles: { model: true, native: false, properties }, startIndex: w, corpus: [], known: [], shrink: false },
    {
      finding: (f) => worker.update(`F${f.id}${json(caseToJson(f.case))}`),
      corpus: (c, p) => worker.update(`C${json(caseToJson(c))}${p.join(',')}`),
    },
  );
  for (let i = 0; i < 150; i++) await fw.runBatch();
}

for (const [name, h] of Object.entries({ outcomes, counters, cases, encode, model, points, worker })) console.log(name.padEnd(9), hex(h));
