/** The one table `sudsim bench overhead` prints, and the calibration report. */
import type { Calibration } from './calibrate.js';
import type { Figure, OverheadReport } from './report.js';
import { fmt, markdownTable, textTable } from './text_table.js';

/** "75.1 ±0.4" (ns per call), with the spread in the figure's own unit. */
function perCallText(f: Figure): string {
  if (f.value === null) return '-';
  if (!f.spread) return fmt(f.value);
  return `${fmt(f.value)} ±${fmt(f.spread.value)}${f.spread.unit === '%' ? '%' : ''}`;
}

/** "+20.1 (1.27x)". */
function overheadText(o: Figure, ratio: Figure): string {
  if (o.value === null || ratio.value === null) return '-';
  const sign = o.value >= 0 ? '+' : '';
  return `${sign}${fmt(o.value)} (${fmt(ratio.value, 2)}x)`;
}

/** Rows of the table as cells, with notes (why a cell is empty) gathered into footnotes. */
export function overheadCells(report: OverheadReport): { header: string[]; rows: string[][]; notes: string[] } {
  const notes: string[] = [];
  const mark = (note: string | undefined): string => {
    if (!note) return '-';
    let i = notes.indexOf(note);
    if (i < 0) i = notes.push(note) - 1;
    return `[${i + 1}]`;
  };
  const header = [
    'scenario (ns per call)', 'seed claim: overhead', 'host kernel', 'host overhead', 'timing model', 'model overhead', 'engine wall', 'engine overhead',
  ];
  const rows = report.rows.map((r) => {
    const claim = r.seed.claim.ns === null ? '-' : `${r.seed.claim.relation === '<' ? '< ' : '~ '}${r.seed.claim.ns === 0 ? '0' : `+${r.seed.claim.ns}`}`;
    const host = r.host.perCall.value === null ? mark(r.host.perCall.note) : perCallText(r.host.perCall);
    const hostOver = r.mode === 'off' ? '' : r.host.perCall.value === null ? '-' : overheadText(r.host.overhead, r.host.overheadRatio);
    const model = r.model.perCall.value === null ? mark(r.model.perCall.note) : perCallText(r.model.perCall);
    const modelOver = r.mode === 'off' ? '' : overheadText(r.model.overhead, r.model.overheadRatio);
    const engine = r.engine.perCall.value === null ? mark(r.engine.perCall.note) : perCallText(r.engine.perCall);
    const engineOver = r.mode === 'off' ? '' : overheadText(r.engine.overhead, r.engine.overheadRatio);
    return [r.label, claim, host, hostOver, model, modelOver, engine, engineOver];
  });
  return { header, rows, notes };
}

function hostLine(report: OverheadReport): string {
  const h = report.host;
  return `host: Linux ${h.kernel}, ${h.cpuModel}${h.cpuMHz ? ` (${fmt(h.cpuMHz / 1000, 2)} GHz reported)` : ''}, SMAP ${h.smap === null ? 'unknown' : h.smap ? 'on' : 'off'}, ${h.cores} cores, load ${fmt(h.loadAverage, 2)}, node ${h.node}, ${h.date}`;
}

export function renderOverheadTable(report: OverheadReport): string {
  const { header, rows, notes } = overheadCells(report);
  return [
    `sudsim bench overhead${report.quick ? ' (--quick: rough figures)' : ''}: Syscall User Dispatch cost on a non-intercepted syscall, ns per call`,
    hostLine(report),
    '',
    textTable(header, rows),
    '',
    ...notes.map((n, i) => `[${i + 1}] ${n}`),
    'overhead = scenario - SUD off (same syscall, same source). Spreads: host p75-p25 of the repetitions; engine rme (tinybench).',
    'The model column is the seed machine\'s cost table over the engine\'s event counts; the engine column is how fast sudsim emulates, not a kernel cost.',
  ].join('\n');
}

/** The table in Markdown, for the README. */
export function overheadMarkdown(report: OverheadReport): string {
  const { header, rows, notes } = overheadCells(report);
  return [markdownTable(header, rows), '', ...notes.map((n, i) => `[${i + 1}] ${n}`)].join('\n');
}

/** Events the calibration cannot separate from sudDispatch (src/bench/overhead.ts). */
const FOLDED = ['signalDeliveries', 'sigreturns'];

export function renderCalibration(c: Calibration): string {
  const params = textTable(
    ['event', 'seed table (cycles)', 'fitted (cycles)', 'fitted (ns)'],
    c.fitted.map((f) => [f.event, fmt(f.before, 1), fmt(f.fitted, 1), fmt(f.fitted / c.ghz, 2)]),
  );
  const res = textTable(
    ['equation', 'measured ns', 'model ns', 'residual ns'],
    c.residuals.map((r) => [r.label, fmt(r.measuredNs, 1), fmt(r.modelNs, 1), `${r.residualNs >= 0 ? '+' : ''}${fmt(r.residualNs, 1)}`]),
  );
  return [
    '',
    `calibration: non-negative least squares at ${fmt(c.ghz, 3)} GHz (fixed) over the host rows; events per call from the engine`,
    params,
    `kept at the seed table's value (no host row identifies them): ${c.kept.filter((e) => !FOLDED.includes(e)).join(', ')}`,
    `folded into sudDispatch (one of each per dispatch in every scenario): ${FOLDED.join(', ')}`,
    '',
    res,
  ].join('\n');
}
