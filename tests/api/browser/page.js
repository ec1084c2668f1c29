// Run by tests/api/browser.test.ts in headless Chromium: the library as a
// web page imports it (dist/, the engine from a URL) and does one job, named
// in the query, posting what it saw back to the test's server:
// - machine: runs the program the test serves twice, the second time from a
//   snapshot taken before the first run;
// - fuzz: runs a fuzz worker's loop (generation, engine, model and property
//   oracles, coverage, shrinking) over a number of cases from a seed.

/** What a run showed, as JSON can carry it (instruction counts are BigInts). */
function seen(m, r) {
  return { kind: r.kind, status: r.status ?? null, signal: r.signal ?? null, insns: String(r.insns), stdout: m.stdoutText(), stderr: new TextDecoder().decode(m.stderr()) };
}

async function machine(q, { Machine }) {
  const elf = new Uint8Array(await (await fetch('/program.elf')).arrayBuffer());
  const m = new Machine({ profile: q.get('profile') });
  m.load(elf, { argv: ['prog'] });
  const snap = m.snapshot();
  const first = seen(m, m.run());
  // the first run's: the TLB-miss count of a run from a restore depends on what the run before left cached
  const counters = Object.fromEntries(Object.entries(m.counters()).map(([k, v]) => [k, String(v)]));
  m.restore(snap);
  const again = seen(m, m.run());
  return { first, again, counters };
}

async function fuzz(q) {
  const { FuzzWorker, caseToJson } = await import('/dist/src/fuzz/index.js');
  const corpus = [];
  const findings = [];
  const w = new FuzzWorker(
    { seed: BigInt(q.get('seed')), worker: 0, jobs: 1, profile: q.get('profile'), oracles: { model: true, native: false, properties: q.getAll('property') }, startIndex: 0, corpus: [], known: [] },
    {
      corpus: (c, points) => corpus.push({ case: JSON.stringify(caseToJson(c)), points }),
      finding: (f) => findings.push({ id: f.id, oracle: f.oracle, case: JSON.stringify(caseToJson(f.case)) }),
    },
  );
  const n = Number(q.get('cases'));
  while (w.cases < n) await w.runBatch(n - w.cases);
  return { cases: w.cases, corpus, findings };
}

let report;
try {
  // imported here, so that a library that fails to load is reported too
  const api = await import('/dist/src/api/index.js');
  await api.loadEngineModule('/build/engine.wasm');
  const q = new URLSearchParams(location.search);
  const job = q.get('job') === 'fuzz' ? fuzz : machine;
  report = { crossOriginIsolated: self.crossOriginIsolated, ...(await job(q, api)) };
} catch (err) {
  report = { error: String(err?.stack ?? err) };
}
await fetch('/result', { method: 'POST', body: JSON.stringify(report) });
