#!/usr/bin/env node
// Engine throughput, measured side by side with the host in one run:
//   npm run build && npm run bench            (full length, about a minute)
//   npm run build && npm run bench -- --quick (CI length, a few seconds)
//   SUDSIM_BENCH_WASM=path/engine.wasm npm run bench  (A/B against another engine build)
//
// The guest programs (bench/programs/*.c) are freestanding static binaries
// built here by gcc, so exactly the same bytes run in sudsim and natively.
// Guest instruction counts come from the engine (the programs are
// deterministic), so the native column is the same instruction stream over
// the host's wall clock: spawnSync time minus an empty program's.
import { Bench } from 'tinybench';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine, setEngineModule } from '../dist/src/api/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const otherWasm = process.env.SUDSIM_BENCH_WASM;
if (otherWasm) setEngineModule(readFileSync(otherWasm));

const TARGET_MIPS = 300;
const TARGET_SYSCALL_NS = 20;

// Sizes: the full run gives each engine sample ~0.1-0.7 s of guest work. The
// warmup time lets V8 finish tiering run() up to TurboFan before sampling.
const P = quick
  ? { loop: 1_250_000, mix: 4, ppid: 500_000, engineIters: 3, nativeIters: 5, warmup: 1, warmupMs: 600 }
  : { loop: 12_500_000, mix: 40, ppid: 5_000_000, engineIters: 5, nativeIters: 15, warmup: 2, warmupMs: 1500 };

const CFLAGS = [
  '-O2', '-static', '-nostdlib', '-ffreestanding', '-fno-pie', '-no-pie', '-mgeneral-regs-only',
  '-fno-asynchronous-unwind-tables', '-Wl,--build-id=none', '-s',
];

function gccProblem() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `host is ${process.platform}/${process.arch}, not linux/x64`;
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'gcc is not installed';
  }
}

const problem = gccProblem();
if (problem) {
  // Every workload is a binary built here: without gcc there is nothing to run.
  console.log(`sudsim bench: skipped (${problem}); the workloads are built by gcc at bench time`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'sudsim-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function build(name) {
  const out = join(work, name);
  execFileSync('gcc', [...CFLAGS, '-o', out, join(here, 'programs', `${name}.c`)], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { path: out, bytes: new Uint8Array(readFileSync(out)) };
}

const workloads = [
  { key: 'loop', label: 'integer loop (xorshift/mul/add)', prog: build('intloop'), args: [String(P.loop)] },
  { key: 'mix', label: 'compiled C (sieve/qsort/hash/text)', prog: build('mix'), args: [String(P.mix)] },
  { key: 'ppid', label: 'getppid round trip', prog: build('getppid'), args: [String(P.ppid)], calls: P.ppid },
];
const empty = build('empty');

function runEngine(w) {
  const m = new Machine();
  m.load(w.prog.bytes, { argv: [w.key, ...w.args] });
  return m;
}

// One reference run per workload: instruction count and expected output.
for (const w of workloads) {
  const m = runEngine(w);
  const r = m.run();
  if (r.kind !== 'exited' || r.status !== 0) throw new Error(`${w.key}: the engine run ended ${JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  w.insns = Number(r.insns);
  w.stdout = m.stdoutText();
  const n = spawnSync(w.prog.path, w.args, { encoding: 'utf8' });
  if (n.status !== 0 || n.stdout !== w.stdout) {
    throw new Error(`${w.key}: native run differs: status ${n.status}, stdout ${JSON.stringify(n.stdout)} vs engine ${JSON.stringify(w.stdout)}`);
  }
}

const bench = new Bench({ iterations: P.engineIters, time: 0, warmupIterations: P.warmup, warmupTime: P.warmupMs });
let machine;
// CPU time of the measured runs too: on a busy host wall time also counts other processes
const cpuMs = new Map();
for (const w of workloads) {
  cpuMs.set(w.key, []);
  bench.add(`engine ${w.key}`, () => {
    const c0 = process.cpuUsage();
    const r = machine.run();
    const c = process.cpuUsage(c0);
    cpuMs.get(w.key).push((c.user + c.system) / 1000);
    if (r.kind !== 'exited') throw new Error(`${w.key}: ${r.kind}`);
  }, { beforeEach() { machine = runEngine(w); } });
}
const native = new Bench({ iterations: P.nativeIters, time: 0, warmupIterations: 2, warmupTime: 0 });
const spawnOpts = { stdio: 'ignore' };
native.add('native empty', () => { spawnSync(empty.path, [], spawnOpts); });
for (const w of workloads) native.add(`native ${w.key}`, () => { spawnSync(w.prog.path, w.args, spawnOpts); });

const load0 = loadavg()[0];
await bench.run();
await native.run();
const load1 = loadavg()[0];
// warmup samples are pushed too: keep the measured ones (the last engineIters)
const cpuMean = (key) => {
  const s = cpuMs.get(key).slice(-P.engineIters);
  return s.reduce((a, b) => a + b, 0) / s.length;
};

const meanMs = (b, name) => {
  const t = b.getTask(name);
  if (!t?.result || t.result.error) throw t?.result?.error ?? new Error(`${name}: no result`);
  return t.result.latency.mean;
};
const baseMs = meanMs(native, 'native empty');

const rows = [];
// wall clock decides; CPU time is shown beside it when the two disagree
const verdict = (wallOk, cpuOk) => (wallOk ? 'met' : cpuOk ? 'MISSED by wall clock, met by CPU time' : 'MISSED');
const fmt = (v, d = 1) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
for (const w of workloads) {
  const eMs = meanMs(bench, `engine ${w.key}`);
  const cMs = cpuMean(w.key);
  const nMs = Math.max(meanMs(native, `native ${w.key}`) - baseMs, 1e-6);
  if (w.calls) {
    const eNs = (eMs * 1e6) / w.calls;
    const nNs = (nMs * 1e6) / w.calls;
    rows.push({
      workload: `${w.label}, ${fmt(w.calls, 0)} calls`,
      engine: `${fmt(eNs)} ns (${fmt(1e3 / eNs, 1)} M/s)`,
      cpu: `${fmt((cMs * 1e6) / w.calls)} ns`,
      native: `${fmt(nNs)} ns (${fmt(1e3 / nNs, 1)} M/s)`,
      ratio: `${fmt(nNs / eNs, 2)}x`,
      target: `< ${TARGET_SYSCALL_NS} ns: ${verdict(eNs < TARGET_SYSCALL_NS, (cMs * 1e6) / w.calls < TARGET_SYSCALL_NS)}`,
    });
  } else {
    const eMips = w.insns / eMs / 1e3;
    const nMips = w.insns / nMs / 1e3;
    rows.push({
      workload: `${w.label}, ${fmt(w.insns / 1e6)}M insns`,
      engine: `${fmt(eMips)} MIPS`,
      cpu: `${fmt(w.insns / cMs / 1e3)} MIPS`,
      native: `${fmt(nMips, 0)} MIPS`,
      ratio: `${fmt(eMips / nMips, 3)}x`,
      target: w.key === 'loop' ? `>= ${TARGET_MIPS} MIPS: ${verdict(eMips >= TARGET_MIPS, w.insns / cMs / 1e3 >= TARGET_MIPS)}` : '',
    });
  }
}

const cols = [
  ['workload', 'workload'],
  ['engine', 'engine'],
  ['cpu', 'engine by CPU time'],
  ['native', 'native (minus empty program)'],
  ['ratio', 'engine speed / native'],
  ['target', 'target'],
];
const width = cols.map(([k, h]) => Math.max(h.length, ...rows.map((r) => r[k].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd();
console.log(`sudsim engine bench${quick ? ' (--quick)' : ''}: node ${process.version}, mean of ${P.engineIters} engine / ${P.nativeIters} native samples${otherWasm ? `, engine ${otherWasm}` : ''}`);
console.log(line(cols.map(([, h]) => h)));
console.log(line(width.map((n) => '-'.repeat(n))));
for (const r of rows) console.log(line(cols.map(([k]) => r[k])));
console.log(`native empty-program baseline: ${fmt(baseMs, 2)} ms per spawn (subtracted)`);
const cores = availableParallelism();
if (Math.max(load0, load1) > cores * 0.75) {
  console.log(`note: the host was busy (load average ${fmt(load0, 2)} -> ${fmt(load1, 2)} on ${cores} cores): wall-clock figures are low; the CPU-time column is steadier`);
}
