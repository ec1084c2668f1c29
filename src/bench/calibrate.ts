/**
 * `--calibrate`: fit the timing model's cycles per event to the host
 * kernel's measurements from the same run, so the one model explains both
 * the seed's machine (its default table) and this one.
 *
 * Each row says: measured ns x GHz = sum over events of (events per call x
 * cycles per event). The clock is fixed (the host's reported MHz), the
 * events per call come from the engine running the same binary, and the
 * cycles of the identifiable events are fitted by non-negative least squares.
 */
import type { EventCounts, ModelTable } from '../timing/model.js';

export type EventName = keyof EventCounts;

export interface CalibrationRow {
  label: string;
  /** Events per call (per loop iteration). */
  events: Partial<Record<EventName, number>>;
  /** Measured ns per call. */
  ns: number;
}

export interface FittedCost {
  event: EventName;
  before: number;
  fitted: number;
}

export interface Residual {
  label: string;
  measuredNs: number;
  modelNs: number;
  residualNs: number;
}

export interface Calibration {
  ghz: number;
  fitted: FittedCost[];
  /** Events the host rows cannot identify: kept at the table's value. */
  kept: EventName[];
  residuals: Residual[];
  table: ModelTable;
}

/** Solves A x = b (square) by Gaussian elimination with partial pivoting; null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-12) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * Non-negative least squares, min |X w - y| with w >= 0, exactly: with a
 * handful of unknowns every subset of free variables can be tried.
 */
export function nnls(x: number[][], y: number[]): number[] {
  const k = x[0]?.length ?? 0;
  let best: number[] = new Array(k).fill(0);
  let bestErr = y.reduce((s, v) => s + v * v, 0);
  for (let mask = 1; mask < 1 << k; mask++) {
    const cols = [...Array(k).keys()].filter((j) => mask & (1 << j));
    const ata = cols.map((i) => cols.map((j) => x.reduce((s, row) => s + row[i] * row[j], 0)));
    const aty = cols.map((i) => x.reduce((s, row, r) => s + row[i] * y[r], 0));
    const w = solve(ata, aty);
    if (!w || w.some((v) => v < 0)) continue;
    const full = new Array(k).fill(0);
    cols.forEach((c, i) => (full[c] = w[i]));
    const err = x.reduce((s, row, r) => s + (row.reduce((t, v, j) => t + v * full[j], 0) - y[r]) ** 2, 0);
    if (err < bestErr - 1e-9) {
      best = full;
      bestErr = err;
    }
  }
  return best;
}

/**
 * Fits `free` events' cycles (the others keep the table's values) to the
 * rows at a fixed clock.
 */
export function calibrate(rows: CalibrationRow[], table: ModelTable, ghz: number, free: EventName[], note: string): Calibration {
  const all = Object.keys(table.costs) as EventName[];
  const fixedCycles = (r: CalibrationRow) =>
    all.filter((e) => !free.includes(e)).reduce((s, e) => s + (r.events[e] ?? 0) * table.costs[e].cycles, 0);
  // only events some row actually exercises can be fitted
  const identifiable = free.filter((e) => rows.some((r) => (r.events[e] ?? 0) !== 0));
  const x = rows.map((r) => identifiable.map((e) => r.events[e] ?? 0));
  const y = rows.map((r) => r.ns * ghz - fixedCycles(r));
  const w = nnls(x, y);
  const costs = { ...table.costs };
  const fitted: FittedCost[] = identifiable.map((e, i) => {
    costs[e] = { cycles: w[i], source: `fitted: ${note}` };
    return { event: e, before: table.costs[e].cycles, fitted: w[i] };
  });
  const fittedTable: ModelTable = { ghz, ghzSource: `the host's reported clock (${note})`, costs };
  const residuals = rows.map((r) => {
    const modelNs = all.reduce((s, e) => s + (r.events[e] ?? 0) * costs[e].cycles, 0) / ghz;
    return { label: r.label, measuredNs: r.ns, modelNs, residualNs: r.ns - modelNs };
  });
  return { ghz, fitted, kept: all.filter((e) => !identifiable.includes(e)), residuals, table: fittedTable };
}
