/**
 * The fuzz engine's restore: each case starts from the snapshot's state and
 * nothing else. The kernel's whole JavaScript state after each restore is
 * compared with its state after the first, so that a kernel object the
 * snapshot misses (or a restore that keeps one of the last case's) fails
 * here before it shows as a case that depends on the one before it; and
 * memory after each restore is compared with the snapshot's (a restore puts
 * back only the parts of pages the case's writers marked, so a write that
 * marks too little fails here).
 */
import { EngineRunner } from '../../src/fuzz/engine_runner.js';
import { randomCase } from '../../src/fuzz/generate.js';
import { Rng } from '../../src/fuzz/rng.js';
import type { FuzzCase } from '../../src/fuzz/case.js';
import type { Machine, MachineSnapshot } from '../../src/api/machine.js';
import { FuzzWorker } from '../../src/fuzz/worker_loop.js';
import { outcomeToJson } from '../../src/fuzz/outcome.js';

/**
 * A description of everything reachable from v: class names, own
 * enumerable fields in order, collection entries in order, bytes; an
 * object met again as the path it was first met at (so that what two
 * places share is compared too). Views of shared memory (the engine's,
 * restored with memory) and the engine are left out.
 */
function describeState(v: unknown, path = '$', seen = new Map<object, string>()): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return `function ${v.name}`;
  if (typeof v !== 'object' || v === null) return v;
  const first = seen.get(v);
  if (first !== undefined) return { ref: first };
  seen.set(v, path);
  if (ArrayBuffer.isView(v)) {
    if (v.buffer instanceof SharedArrayBuffer) return 'shared view';
    return { bytes: Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  }
  if (v instanceof Map) return { map: [...v].map(([k, x], i) => [describeState(k, `${path}.k${i}`, seen), describeState(x, `${path}.v${i}`, seen)]) };
  if (v instanceof Set) return { set: [...v].map((x, i) => describeState(x, `${path}.s${i}`, seen)) };
  if (Array.isArray(v)) return v.map((x, i) => (i in v ? describeState(x, `${path}[${i}]`, seen) : 'hole'));
  const name = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'null';
  if (name === 'Engine') return 'engine';
  const fields: [string, unknown][] = [];
  for (const k of Object.keys(v)) fields.push([k, describeState((v as Record<string, unknown>)[k], `${path}.${k}`, seen)]);
  return { [name]: fields };
}

interface Prepared {
  machine: Machine;
  snap: MachineSnapshot;
}

/** The runner's machine and snapshot for a case's configuration (EngineRunner.prepared). */
const preparedIn = (runner: EngineRunner) => (c: FuzzCase): Prepared =>
  (runner as unknown as { prepared(c: FuzzCase): Prepared }).prepared(c);

describe('fuzz engine restores', () => {
  it('leaves no state of a case behind: after every restore the kernel is as after the first', () => {
    const seed = 0x5eed_2026n;
    const runner = new EngineRunner();
    const prepared = preparedIn(runner);
    const state = (m: Machine): unknown => describeState({ kernel: m.kernel, machine: { ...m, kernel: undefined } });
    const baseline = new Map<Machine, string>();
    const ops = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const c = randomCase(Rng.derive(seed, i), 'linux-6.17');
      for (const s of c.steps) ops.add(s.op);
      const p = prepared(c);
      p.machine.restore(p.snap);
      const after = JSON.stringify(state(p.machine));
      const first = baseline.get(p.machine);
      if (first === undefined) baseline.set(p.machine, after);
      else if (after !== first) throw new Error(`seed ${seed}: the restore before case ${i} left state of case ${i - 1} behind`);
      runner.runToLog(c);
    }
    // the cases changed what a restore must put back: processes came and went, descriptors closed, output
    for (const op of ['fork', 'exec', 'thread']) expect(ops).toContain(op);
  });

  it('puts memory back exactly after every case: random cases of both profiles and a worker loop\'s mutated ones, each restore checked against the snapshot', async () => {
    const runner = new EngineRunner();
    const prepared = preparedIn(runner);
    let checked = 0;
    /** Restores c's machine and compares all its memory with the snapshot (throws naming the frames that differ). */
    const checkedRestore = (p: Prepared, what: string): void => {
      try {
        p.machine.restore(p.snap, { check: true });
      } catch (e) {
        throw new Error(`after ${what}: ${(e as Error).message}`);
      }
      checked++;
    };
    for (const profile of ['linux-6.17', 'patch-v5'] as const) {
      for (let i = 0; i < 150; i++) {
        const c = randomCase(Rng.derive(0x9a27n, i), profile);
        runner.runToLog(c);
        checkedRestore(prepared(c), `${profile} case ${i}`);
      }
    }
    // a worker loop's cases: mutations of its corpus, which holds fork, ptrace and exec steps more often
    const worker = new FuzzWorker(
      { seed: 0x9a27n, worker: 0, jobs: 1, profile: 'linux-6.17', oracles: { model: true, native: false, properties: [] }, startIndex: 0, corpus: [], known: [], shrink: false },
      { finding() {}, corpus() {} },
    );
    const loopRun = worker.engine.runToLog.bind(worker.engine);
    const loopPrepared = preparedIn(worker.engine);
    const ops = new Set<string>();
    worker.engine.runToLog = (c, opts) => {
      const end = loopRun(c, opts);
      if (!opts?.trace) {
        for (const s of c.steps) ops.add(s.op);
        checkedRestore(loopPrepared(c), `loop case ${worker.cases}`);
      }
      return end;
    };
    while (worker.cases < 448) await worker.runBatch();
    for (const op of ['fork', 'exec', 'thread', 'ptrace', 'prot', 'unmap']) expect(ops).toContain(op);
    expect(checked).toBeGreaterThanOrEqual(300 + 448);
  });

  it('runs a case on its profile\'s one machine, switches set per case, exactly as on a machine built with its SMAP and sysctl', () => {
    // the reference: a runner per switch setting, whose machine never sees another
    const shared = new EngineRunner();
    const refs = new Map<string, EngineRunner>();
    const seen = new Set<string>();
    let sysctlChanged = 0;
    let smapChanged = 0;
    for (const profile of ['linux-next', 'linux-6.17'] as const) {
      for (let i = 0; i < 400; i++) {
        const c = randomCase(Rng.derive(0x5a17n, i), profile);
        const key = `${profile} ${c.smap}/${c.sysctl}`;
        seen.add(key);
        let ref = refs.get(key);
        if (!ref) refs.set(key, (ref = new EngineRunner()));
        const want = JSON.stringify(outcomeToJson(ref.run(c)));
        const wantCounters = { ...ref.counters(c) };
        const got = JSON.stringify(outcomeToJson(shared.run(c)));
        const gotCounters = { ...shared.counters(c) };
        // the host caches' own work differs between machines (each decodes its code once)
        for (const k of [wantCounters, gotCounters]) {
          delete k.tlbMisses;
          delete k.blocksBuilt;
        }
        expect(`${profile} case ${i}: ${got}`).toBe(`${profile} case ${i}: ${want}`);
        expect(gotCounters).toEqual(wantCounters);
        // the switches matter: the case with the other setting runs otherwise (so a machine that
        // kept the last case's setting would fail above)
        if (profile === 'linux-next') {
          const other = { ...c, sysctl: !c.sysctl };
          const otherRef = refs.get(`${profile} ${c.smap}/${other.sysctl}`);
          if (otherRef && JSON.stringify(outcomeToJson(otherRef.run(other))) !== want) sysctlChanged++;
        }
        if (wantCounters.selectorReadsSmap + wantCounters.selectorReadsNoSmap > 0n) {
          const other = { ...c, smap: !c.smap };
          const otherRef = refs.get(`${profile} ${other.smap}/${c.sysctl}`);
          if (otherRef) {
            otherRef.run(other);
            if (otherRef.counters(other).selectorReadsSmap !== wantCounters.selectorReadsSmap) smapChanged++;
          }
        }
      }
    }
    expect([...seen].sort()).toEqual(['linux-6.17 false/true', 'linux-6.17 true/true', 'linux-next false/false', 'linux-next false/true', 'linux-next true/false', 'linux-next true/true']);
    expect(sysctlChanged).toBeGreaterThan(10);
    expect(smapChanged).toBeGreaterThan(10);
  });
});
