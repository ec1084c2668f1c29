/** `--svg`: the overhead table as a grouped bar chart (scenario x source, overhead in ns). */
import type { OverheadReport, OverheadRow } from './report.js';
import { barChartSvg, type BarGroup } from './svg_chart.js';

const SERIES = [
  { name: 'seed claim (2020 patch)', color: '#9e9e9e' },
  { name: 'host kernel (measured now)', color: '#1f77b4' },
  { name: 'timing model (seed machine)', color: '#ff7f0e' },
  { name: 'sudsim engine (wall clock)', color: '#2ca02c', scalesAxis: false },
];

const SHORT: Record<string, string> = {
  region: 'in region',
  'selector-smap-on': 'selector ALLOW\nSMAP on',
  'selector-smap-off': 'selector ALLOW\nSMAP off',
  dispatch: 'round trip',
};

function group(r: OverheadRow): BarGroup {
  const kind = r.id.split('/')[1];
  return {
    label: `${r.syscall}\n${SHORT[kind] ?? kind}`,
    values: [r.seed.overhead.value, r.host.overhead.value, r.model.overhead.value, r.engine.overhead.value],
    texts: [r.seed.claim.ns === null ? null : `${r.seed.claim.relation === '<' ? '<' : '~'} ${r.seed.claim.ns}`, null, null, null],
    errors: [null, r.host.overhead.spread?.value ?? null, null, r.engine.overhead.spread?.value ?? null],
  };
}

export function overheadSvg(report: OverheadReport): string {
  const h = report.host;
  const rows = report.rows.filter((r) => r.mode !== 'off');
  return barChartSvg({
    title: 'Syscall User Dispatch: extra cost per syscall over SUD off',
    subtitle: `host: Linux ${h.kernel}, ${h.cpuModel}, SMAP ${h.smap ? 'on' : 'off'}, ${h.date.slice(0, 10)}${report.quick ? ' (quick run)' : ''}`,
    yLabel: 'overhead over SUD off (ns per syscall)',
    series: SERIES,
    panels: [
      { title: 'Syscall allowed (runs in the kernel)', groups: rows.filter((r) => r.mode !== 'dispatch').map(group) },
      { title: 'Dispatched to a SIGSYS handler', groups: rows.filter((r) => r.mode === 'dispatch').map(group) },
    ],
    footer: [
      'n/a: not measurable there (the host\'s SMAP cannot be switched off; the seed gives no figure for a dispatched call). Whiskers: spread (host p75-p25, engine rme).',
      'Engine: how much longer sudsim takes to emulate the scenario than SUD off, in wall time (a bar cut with a break runs off the axis: its value is printed).',
      'Model: the seed machine\'s cost table (src/timing/model.ts) over the events the engine counts for the scenario.',
    ].join('\n'),
  });
}
