/**
 * `sudsim bench overhead`: the seed's claim about Syscall User Dispatch's
 * cost on a non-intercepted syscall, side by side with the host kernel
 * measured now, the timing model, and the engine's own wall clock. One
 * table: rows are scenarios, columns are sources; the overhead columns
 * (scenario minus SUD off, same syscall and source) are what matter.
 */
import { writeFileSync } from 'node:fs';
import { estimateNs, SEED_MACHINE, type EventCounts } from '../timing/model.js';
import { BuildDir, findCc, type BuiltProgram } from './build.js';
import { calibrate, type CalibrationRow, type EventName } from './calibrate.js';
import { engineWallNs, loopEventCounts, type WallFigure } from './engine_run.js';
import { describeHost, type HostDescription } from './host.js';
import { runTimed } from './native_run.js';
import type { Figure, OverheadReport, OverheadRow, SourceCell } from './report.js';
import { baselineOf, binaryKey, SCENARIOS, SYSNO, type Scenario } from './scenarios.js';
import { iqr, median } from './stats.js';
import { renderOverheadTable, renderCalibration } from './overhead_table.js';
import { overheadSvg } from './overhead_svg.js';

export interface OverheadOptions {
  /** A short run for CI: few iterations, figures are rough. */
  quick?: boolean;
  /** Write every figure as JSON here. */
  json?: string;
  /** Write the grouped bar chart here. */
  svg?: string;
  /** Fit the model table to the host rows and print the fit. */
  calibrate?: boolean;
  /** Where the table goes (default: stdout). */
  print?: (text: string) => void;
}

const SOURCES: OverheadReport['sources'] = {
  seed: 'the seed\'s cover letter ([PATCH v5 5/9]): overhead over SUD off for a native, non-intercepted syscall',
  host: 'the host kernel now: the scenario binary built by cc at run time times its own loop (CLOCK_MONOTONIC); median of the repetitions, spread p75-p25',
  model: 'the timing model (SEED_MACHINE table, src/timing/model.ts) applied to the events one loop iteration adds in the engine',
  engine: 'the engine\'s wall clock per emulated syscall (tinybench median of machine.run(), minus a zero-iteration run), spread rme',
};

type HostResult = { samples: number[] } | { why: string };

/** Why the host cannot run a scenario at all (SMAP is fixed by the host). */
function hostCannot(s: Scenario, host: HostDescription): string | null {
  if (s.mode !== 'selector') return null;
  if (host.smap === true && !s.smap) return 'host has SMAP on: cannot turn it off';
  if (host.smap === false && s.smap) return 'host has no SMAP: cannot turn it on';
  if (host.smap === null && !s.smap) return 'host SMAP state unknown (no /proc/cpuinfo)';
  return null;
}

/** Native runs, interleaved over rounds so that drift on a busy host hits every scenario alike. */
function measureHost(progs: Map<string, BuiltProgram>, host: HostDescription, quick: boolean): Map<string, HostResult> {
  const rounds = quick ? 1 : 3;
  const reps = quick ? 3 : 5;
  const iterations = (s: Scenario) => (s.mode === 'dispatch' ? (quick ? 2_000 : 30_000) : quick ? 20_000 : 300_000);
  const out = new Map<string, HostResult>();
  for (let round = 0; round < rounds; round++) {
    for (const s of SCENARIOS) {
      const cannot = hostCannot(s, host);
      if (cannot) {
        out.set(s.id, { why: cannot });
        continue;
      }
      const prev = out.get(s.id);
      if (prev && 'why' in prev) continue;
      const r = runTimed(progs.get(binaryKey(s))!.path, iterations(s), reps);
      if (!r.ok) out.set(s.id, { why: `host run failed: ${r.why}` });
      else out.set(s.id, { samples: [...(prev && 'samples' in prev ? prev.samples : []), ...r.perCallNs] });
    }
  }
  return out;
}

const missing = (note: string): Figure => ({ value: null, unit: 'ns', note });

/** Overhead and ratio of a per-call figure over its SUD-off baseline. */
function cellOf(perCall: Figure, base: Figure): SourceCell {
  if (perCall.value === null || base.value === null) {
    const note = perCall.note ?? `SUD-off baseline missing: ${base.note}`;
    return { perCall, overhead: missing(note), overheadRatio: { value: null, unit: 'ratio', note } };
  }
  const overhead: Figure = { value: perCall.value - base.value, unit: 'ns' };
  if (perCall.spread && base.spread && perCall.spread.unit === 'ns' && base.spread.unit === 'ns') {
    // independent spreads add in quadrature
    overhead.spread = { value: Math.hypot(perCall.spread.value, base.spread.value), unit: 'ns', kind: `${perCall.spread.kind}, combined` };
  }
  return { perCall, overhead, overheadRatio: { value: perCall.value / base.value, unit: 'ratio' } };
}

function perCallCounts(c: EventCounts, n: number): Record<keyof EventCounts, number> {
  const out = {} as Record<keyof EventCounts, number>;
  for (const k of Object.keys(c) as (keyof EventCounts)[]) out[k] = Number(c[k]) / n;
  return out;
}

/** Runs the whole benchmark and prints the table; returns the report. */
export async function benchOverhead(opts: OverheadOptions = {}): Promise<OverheadReport> {
  const print = opts.print ?? ((t: string) => process.stdout.write(t + '\n'));
  const quick = !!opts.quick;
  const host = describeHost();
  const found = findCc();
  const cc = 'cc' in found ? found.cc : null;
  const progs = new Map<string, BuiltProgram>();
  let dir: BuildDir | null = null;
  try {
    if (cc) {
      dir = new BuildDir(cc);
      const keys = [...new Set(SCENARIOS.map(binaryKey))];
      const built = await Promise.all(
        keys.map((k) => {
          const s = SCENARIOS.find((x) => binaryKey(x) === k)!;
          return dir!.build(k, { sysno: SYSNO[s.syscall], mode: s.mode });
        }),
      );
      keys.forEach((k, i) => progs.set(k, built[i]));
    }
    const noCc = 'cc' in found ? '' : found.problem;

    // host kernel
    const hostRuns = cc ? measureHost(progs, host, quick) : new Map<string, HostResult>();
    const hostFigure = (s: Scenario): Figure => {
      const r = hostRuns.get(s.id);
      if (!r) return missing(noCc);
      if ('why' in r) return missing(r.why);
      return { value: median(r.samples), unit: 'ns', spread: { value: iqr(r.samples), unit: 'ns', kind: 'iqr' } };
    };

    // timing model: events per iteration from the engine
    const modelN = quick ? 200 : 2000;
    const events = new Map<string, Record<keyof EventCounts, number>>();
    const modelFigure = (s: Scenario): Figure => {
      if (!cc) return missing(noCc);
      const c = loopEventCounts(progs.get(binaryKey(s))!.bytes, modelN, s.smap);
      events.set(s.id, perCallCounts(c, modelN));
      return { value: estimateNs(c, SEED_MACHINE) / modelN, unit: 'ns' };
    };

    // engine wall clock
    let wall = new Map<string, WallFigure>();
    if (cc) {
      wall = await engineWallNs(
        SCENARIOS.map((s) => ({ id: s.id, bytes: progs.get(binaryKey(s))!.bytes, smap: s.smap })),
        quick,
      );
    }
    const engineFigure = (s: Scenario): Figure => {
      const w = wall.get(s.id);
      if (!w) return missing(noCc);
      return { value: w.ns, unit: 'ns', spread: { value: w.rmePct, unit: '%', kind: 'rme' } };
    };

    const per = new Map(SCENARIOS.map((s) => [s.id, { host: hostFigure(s), model: modelFigure(s), engine: engineFigure(s) }]));
    const rows: OverheadRow[] = SCENARIOS.map((s) => {
      const f = per.get(s.id)!;
      const b = per.get(baselineOf(s).id)!;
      const w = wall.get(s.id);
      // rme is relative: carry the engine's spread into ns for the overhead
      const engineNs = (x: Figure): Figure =>
        x.value !== null && x.spread ? { ...x, spread: { value: (x.value * x.spread.value) / 100, unit: 'ns', kind: 'rme' } } : x;
      const engine = cellOf(engineNs(f.engine), engineNs(b.engine));
      engine.perCall = f.engine;
      return {
        id: s.id,
        label: s.label,
        syscall: s.syscall,
        mode: s.mode,
        smap: s.smap,
        seed: {
          claim: s.claim,
          overhead: s.claim.ns === null ? missing('the seed gives no figure') : { value: s.claim.ns, unit: 'ns', note: s.claim.text },
        },
        host: cellOf(f.host, b.host),
        model: { ...cellOf(f.model, b.model), eventsPerCall: events.get(s.id) ?? null },
        engine: { ...engine, iterations: w?.n, samples: w?.samples },
      };
    });

    const report: OverheadReport = { tool: 'sudsim bench overhead', quick, host, cc, sources: SOURCES, rows };
    if (opts.calibrate) {
      const cal = calibrateToHost(rows, host);
      if (cal) report.calibration = cal;
    }

    print(renderOverheadTable(report));
    if (opts.calibrate) {
      print(report.calibration ? renderCalibration(report.calibration) : 'calibration: no host rows to fit (see the notes above)');
    }
    if (opts.json) {
      writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
      print(`wrote ${opts.json}`);
    }
    if (opts.svg) {
      writeFileSync(opts.svg, overheadSvg(report));
      print(`wrote ${opts.svg}`);
    }
    return report;
  } finally {
    dir?.dispose();
  }
}

/**
 * The host rows as calibration equations: each SUD-off row as it is (it
 * fixes the syscall's own cost), every other row as its overhead over SUD off
 * (the events it adds against the time it adds), so the two syscalls'
 * different kernel work does not leak into the SUD costs.
 */
function calibrateToHost(rows: OverheadRow[], host: HostDescription) {
  const eqs: CalibrationRow[] = [];
  for (const r of rows) {
    const ev = r.model.eventsPerCall;
    if (r.host.perCall.value === null || !ev) continue;
    if (r.mode === 'off') {
      eqs.push({ label: r.label, events: ev, ns: r.host.perCall.value });
      continue;
    }
    const base = rows.find((b) => b.syscall === r.syscall && b.mode === 'off')!;
    const bev = base.model.eventsPerCall;
    if (r.host.overhead.value === null || !bev) continue;
    const diff: Partial<Record<EventName, number>> = {};
    for (const k of Object.keys(ev) as EventName[]) diff[k] = ev[k] - bev[k];
    eqs.push({ label: `${r.label} - SUD off`, events: diff, ns: r.host.overhead.value });
  }
  if (eqs.length === 0) return null;
  const ghz = host.cpuMHz ? host.cpuMHz / 1000 : SEED_MACHINE.ghz;
  const selector: EventName = host.smap === false ? 'selectorReadsNoSmap' : 'selectorReadsSmap';
  const note = `${host.cpuModel}, Linux ${host.kernel}, ${host.date.slice(0, 10)}, ${eqs.length} rows`;
  // every dispatch in these scenarios comes with one delivery and one rt_sigreturn, so the
  // rows cannot tell the three apart: the fit folds the round trip into sudDispatch
  const folded = {
    ...SEED_MACHINE,
    costs: {
      ...SEED_MACHINE.costs,
      signalDeliveries: { cycles: 0, source: 'folded into sudDispatch by the fit' },
      sigreturns: { cycles: 0, source: 'folded into sudDispatch by the fit' },
    },
  };
  return calibrate(eqs, folded, ghz, ['syscalls', 'sudChecks', selector, 'sudDispatch'], `${note}; signal delivery and rt_sigreturn folded into sudDispatch`);
}
