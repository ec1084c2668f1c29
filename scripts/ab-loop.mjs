// Compares the fuzz worker loop (generation, engine, model, coverage) of two
// builds on this host, side by side:
//
//   node scripts/ab-loop.mjs DIR_A DIR_B [seconds]
//
// DIR_A and DIR_B each hold a build as `npm run build` leaves it (dist/ and
// build/; a copy made with `mkdir /tmp/a && cp -r dist build package.json
// /tmp/a && ln -s "$PWD/node_modules" /tmp/a/` does). Single runs on a
// shared host swing by 5 to 10%, so both builds run in one process, one
// worker loop each, in alternating 2-second bursts. The build loaded first
// runs a few percent faster in such a process (four copies of one build gave
// 1.000, 0.949, 0.909 and 0.928 in load order), so the comparison runs twice,
// once in each order, in two processes; it prints each order's B/A rate and
// their geometric mean, the figure to read. `seconds` is each build's share
// of one order (default 40).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BURST_MS = 2000;
const WARM_MS = 4000;

async function worker(dir) {
  const { FuzzWorker } = await import(pathToFileURL(resolve(dir, 'dist/src/fuzz/worker_loop.js')).href);
  return new FuzzWorker(
    { seed: 2026n, worker: 0, jobs: 1, profile: 'linux-6.17', oracles: { model: true, native: false, properties: [] }, startIndex: 0, corpus: [], known: [], shrink: false },
    { finding() {}, corpus() {} },
  );
}

async function burst(w, ms) {
  const n = w.cases;
  const t = performance.now();
  while (performance.now() - t < ms) await w.runBatch();
  return [w.cases - n, performance.now() - t];
}

/** One order: first's loop and second's, alternating; prints {first, second} in cases/s as JSON. */
async function child(first, second, seconds) {
  const a = await worker(first);
  const b = await worker(second);
  await burst(a, WARM_MS);
  await burst(b, WARM_MS);
  const ta = [0, 0];
  const tb = [0, 0];
  for (let r = 0; r < Math.max(1, Math.round((seconds * 1000) / BURST_MS)); r++) {
    const x = await burst(a, BURST_MS);
    const y = await burst(b, BURST_MS);
    ta[0] += x[0]; ta[1] += x[1];
    tb[0] += y[0]; tb[1] += y[1];
  }
  console.log(JSON.stringify({ first: (ta[0] * 1000) / ta[1], second: (tb[0] * 1000) / tb[1] }));
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1], args[2], Number(args[3]));
} else {
  const [A, B, secs = '40'] = args;
  const seconds = Number(secs);
  if (!A || !B || !(seconds > 0)) {
    console.error('usage: node scripts/ab-loop.mjs DIR_A DIR_B [seconds]');
    process.exit(2);
  }
  for (const d of [A, B]) {
    if (!existsSync(resolve(d, 'dist/src/fuzz/worker_loop.js')) || !existsSync(resolve(d, 'build/engine.wasm'))) {
      console.error(`ab-loop: ${d} holds no build (dist/src/fuzz/worker_loop.js and build/engine.wasm)`);
      process.exit(2);
    }
  }
  const self = fileURLToPath(import.meta.url);
  const order = (first, second) => JSON.parse(execFileSync(process.execPath, [self, '--child', first, second, String(seconds)], { encoding: 'utf8' }).trim().split('\n').pop());
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const ab = order(A, B);
  const ba = order(B, A);
  const r1 = ab.second / ab.first;
  const r2 = ba.first / ba.second;
  console.log(`A first: A ${fmt(ab.first)}/s, B ${fmt(ab.second)}/s, B/A ${r1.toFixed(3)}`);
  console.log(`B first: B ${fmt(ba.first)}/s, A ${fmt(ba.second)}/s, B/A ${r2.toFixed(3)}`);
  console.log(`B/A, both orders: ${Math.sqrt(r1 * r2).toFixed(3)}`);
}
