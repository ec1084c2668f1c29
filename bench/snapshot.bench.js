#!/usr/bin/env node
// Snapshot/restore cost, the number a fuzzer lives by:
//   npm run build && node bench/snapshot.bench.js [--quick]
//
// A case-sized guest (bench/programs/case.c: read, a short checksum loop,
// getppid, write, exit) runs from a snapshot taken right after load, three
// ways: a fresh `new Machine() + load + run` per case, `restore + run` per
// case, and `restore` alone (what a case costs beyond its own instructions).
// Also a restore after a case that dirtied more memory (a fork) for scale.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../dist/src/api/index.js';
import { DIRTY_COUNT } from '../dist/src/engine/layout.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const N = quick ? 3000 : 30000;

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log('sudsim snapshot bench: skipped (the guest is built by gcc for linux/x64)');
  process.exit(0);
}
try {
  execFileSync('gcc', ['--version'], { stdio: 'ignore' });
} catch {
  console.log('sudsim snapshot bench: skipped (gcc is not installed)');
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'sudsim-snapbench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const exe = join(work, 'case');
execFileSync('gcc', ['-O2', '-static', '-nostdlib', '-ffreestanding', '-fno-pie', '-no-pie', '-mgeneral-regs-only',
  '-fno-asynchronous-unwind-tables', '-Wl,--build-id=none', '-s', '-o', exe, join(here, 'programs', 'case.c')], { stdio: 'inherit' });
const elf = new Uint8Array(readFileSync(exe));
const input = 'the input of one fuzz case, a few dozen bytes long';

/**
 * Microseconds of CPU time per call of f (process.cpuUsage: a busy host
 * steals wall time, not CPU time): the median of 9 batches of n / 9 calls,
 * after a warmup of n / 4 calls.
 */
function time(n, f) {
  for (let i = 0; i < n / 4; i++) f();
  const per = Math.max(1, Math.floor(n / 9));
  const batches = [];
  for (let b = 0; b < 9; b++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < per; i++) f();
    const c = process.cpuUsage(c0);
    batches.push((c.user + c.system) / per);
  }
  return batches.sort((x, y) => x - y)[4];
}

function freshRun() {
  const m = new Machine({ stdin: input });
  m.load(elf, { argv: ['case'] });
  const r = m.run();
  if (r.kind !== 'exited' || r.status !== 0) throw new Error(`case ended ${r.kind}`);
  return m;
}

const ref = freshRun();
const insns = ref.insns;
const out = ref.stdoutText();

const m = new Machine({ stdin: input });
m.load(elf, { argv: ['case'] });
const snap = m.snapshot();
const restoreRun = () => {
  m.restore(snap);
  const r = m.run();
  if (r.kind !== 'exited' || m.insns !== insns) throw new Error('restore + run differs from a fresh run');
};
restoreRun();
if (m.stdoutText() !== out) throw new Error('restore + run printed something else');

const freshUs = time(Math.max(50, N / 30), freshRun);
const restoreRunUs = time(N, restoreRun);
const restoreUs = time(N, () => m.restore(snap));
// what a case dirties: count after one run
m.restore(snap);
m.run();
const dirty = m.kernel.engine.u32(DIRTY_COUNT);
const syscalls = m.counters().syscalls;

console.log(`sudsim snapshot bench${quick ? ' (quick)' : ''}: a case of ${insns} instructions, ${syscalls} syscalls, ${dirty} frames dirtied`);
console.log('  (CPU time per case, median of 9 batches)');
console.log(`  new Machine + load + run   ${freshUs.toFixed(1).padStart(9)} us`);
console.log(`  restore + run              ${restoreRunUs.toFixed(1).padStart(9)} us   (${(1e6 / restoreRunUs).toFixed(0)} cases/s)`);
console.log(`  restore alone              ${restoreUs.toFixed(1).padStart(9)} us`);
