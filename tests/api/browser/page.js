// Run by tests/api/browser.test.ts in headless Chromium: the library as a
// web page imports it (dist/, the engine from a URL), running the program
// the test serves twice, the second time from a snapshot taken before the
// first run, and posting what it saw back to the test's server.

/** What a run showed, as JSON can carry it (instruction counts are BigInts). */
function seen(m, r) {
  return { kind: r.kind, status: r.status ?? null, signal: r.signal ?? null, insns: String(r.insns), stdout: m.stdoutText(), stderr: new TextDecoder().decode(m.stderr()) };
}

let report;
try {
  // imported here, so that a library that fails to load is reported too
  const { Machine, loadEngineModule } = await import('/dist/src/api/index.js');
  await loadEngineModule('/build/engine.wasm');
  const elf = new Uint8Array(await (await fetch('/program.elf')).arrayBuffer());
  const m = new Machine({ profile: new URLSearchParams(location.search).get('profile') ?? undefined });
  m.load(elf, { argv: ['prog'] });
  const snap = m.snapshot();
  const first = seen(m, m.run());
  // the first run's: the TLB-miss count of a run from a restore depends on what the run before left cached
  const counters = Object.fromEntries(Object.entries(m.counters()).map(([k, v]) => [k, String(v)]));
  m.restore(snap);
  const again = seen(m, m.run());
  report = { crossOriginIsolated: self.crossOriginIsolated, first, again, counters };
} catch (err) {
  report = { error: String(err?.stack ?? err) };
}
await fetch('/result', { method: 'POST', body: JSON.stringify(report) });
