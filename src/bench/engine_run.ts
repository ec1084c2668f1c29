/**
 * Running a scenario binary in the engine: event counts for the timing
 * model, and wall-clock nanoseconds per emulated syscall (tinybench).
 */
import { Bench } from 'tinybench';
import { Machine } from '../api/machine.js';
import type { EventCounts } from '../timing/model.js';

const COUNT_KEYS: (keyof EventCounts)[] = [
  'insns', 'syscalls', 'sudChecks', 'sudRegion', 'selectorReadsSmap', 'selectorReadsNoSmap', 'sudDispatch', 'signalDeliveries', 'sigreturns', 'tlbMisses',
];

/** Loads `prog n reps` into a fresh machine. */
export function loadScenario(bytes: Uint8Array, n: number, smap: boolean, reps = 1): Machine {
  const m = new Machine({ smap });
  m.load(bytes, { argv: ['scenario', String(n), String(reps)] });
  return m;
}

/** Runs to the end; throws unless the program exited 0 (each scenario checks its own result). */
export function runToExit(m: Machine): void {
  const r = m.run();
  if (r.kind !== 'exited' || r.status !== 0) {
    const how = r.kind === 'exited' ? `exited ${r.status}` : r.kind === 'killed' ? `killed by ${r.signalName}` : r.kind;
    throw new Error(`scenario ${how} in the engine: ${m.stdoutText().trim()}`);
  }
}

function eventCounts(m: Machine): EventCounts {
  const c = m.counters();
  const out = {} as EventCounts;
  for (const k of COUNT_KEYS) out[k] = c[k] ?? 0n;
  return out;
}

/**
 * The events n iterations of the loop add: a run with n iterations minus a
 * run with none, so start-up (prctl, sigaction, clock reads, output) drops out.
 */
export function loopEventCounts(bytes: Uint8Array, n: number, smap: boolean): EventCounts {
  const runs = [n, 0].map((k) => {
    const m = loadScenario(bytes, k, smap);
    runToExit(m);
    return eventCounts(m);
  });
  const out = {} as EventCounts;
  for (const k of COUNT_KEYS) out[k] = runs[0][k] - runs[1][k];
  return out;
}

export interface WallFigure {
  /** Median wall ns per loop iteration. */
  ns: number;
  /** Relative margin of error of the mean sample, in percent (tinybench's rme). */
  rmePct: number;
  /** Median absolute deviation of the samples, in ns per iteration. */
  madNs: number;
  samples: number;
  n: number;
}

export interface WallTask {
  id: string;
  bytes: Uint8Array;
  smap: boolean;
}

/**
 * Wall ns per iteration for each task: tinybench times `machine.run()` only
 * (loading happens in beforeEach); a zero-iteration run of the same program
 * is timed too and subtracted, so start-up does not count.
 */
export async function engineWallNs(tasks: WallTask[], quick: boolean): Promise<Map<string, WallFigure>> {
  // a quick sample still lasts several scheduler ticks: on a loaded machine shorter ones let one
  // preempted sample of the zero-iteration run outweigh the loop being measured
  const targetMs = quick ? 10 : 25;
  const bench = new Bench({
    time: quick ? 40 : 400,
    iterations: quick ? 5 : 10,
    warmupTime: quick ? 20 : 200,
    warmupIterations: quick ? 1 : 3,
  });
  const sizes = new Map<string, number>();
  for (const t of tasks) {
    // size the loop so that one sample takes about targetMs, from a second probe run: the first
    // runs code V8 has not optimized yet (the kernel's path for this scenario, the engine's Wasm
    // before its tier-up), whose cost would shrink the loop and leave the samples that cold too
    const probeN = 2000;
    runToExit(loadScenario(t.bytes, probeN, t.smap));
    const m = loadScenario(t.bytes, probeN, t.smap);
    const t0 = performance.now();
    runToExit(m);
    const perCall = Math.max((performance.now() - t0) / probeN, 1e-6);
    const n = Math.max(1000, Math.round(targetMs / perCall));
    sizes.set(t.id, n);
    for (const [suffix, k] of [['', n], [' (n=0)', 0]] as const) {
      let machine: Machine;
      bench.add(`${t.id}${suffix}`, () => runToExit(machine), {
        beforeEach() {
          machine = loadScenario(t.bytes, k, t.smap);
        },
      });
    }
  }
  await bench.run();
  const out = new Map<string, WallFigure>();
  for (const t of tasks) {
    const n = sizes.get(t.id)!;
    const full = bench.getTask(t.id)?.result;
    const base = bench.getTask(`${t.id} (n=0)`)?.result;
    if (!full || !base || full.state !== 'completed' || base.state !== 'completed') {
      throw new Error(`engine bench ${t.id}: ${(full as { error?: Error })?.error?.message ?? 'no result'}`);
    }
    const ms = Math.max(full.latency.p50 - base.latency.p50, 0);
    out.set(t.id, {
      ns: (ms * 1e6) / n,
      rmePct: full.latency.rme,
      madNs: (full.latency.mad * 1e6) / n,
      samples: full.latency.samplesCount,
      n,
    });
  }
  return out;
}
