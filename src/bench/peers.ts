/**
 * `sudsim bench peers`: the same guest workloads in the engine, natively,
 * in qemu-user and in Unicorn (each peer when installed), in one run.
 * Instruction counts come from the engine (the programs are deterministic),
 * so every column divides the same instruction stream by its own time.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildDir, findCc, type BuiltProgram } from './build.js';
import { engineWallNs, loopEventCounts } from './engine_run.js';
import { describeHost, type HostDescription } from './host.js';
import { runTimed } from './native_run.js';
import { findQemu, probePrctl, type PrctlProbe, type QemuPeer } from './qemu_peer.js';
import type { ModeName } from './scenario_source.js';
import { median, iqr } from './stats.js';
import { fmt, textTable } from './text_table.js';
import { findUnicorn, UNICORN_RUNNER_PY, type UnicornPeer } from './unicorn_peer.js';

export interface PeersOptions {
  quick?: boolean;
  json?: string;
  print?: (text: string) => void;
}

export type PeerName = 'native' | 'engine' | 'qemu' | 'unicorn';

export interface PeerFigure {
  /** ns per loop iteration (median), or null with a note. */
  nsPerIteration: number | null;
  /** p75 - p25 (native, qemu, Unicorn) or rme in ns (engine). */
  spreadNs?: number;
  /** instructions/s (integer loop) or syscalls/s (syscall loops). */
  rate: number | null;
  rateUnit: 'instr/s' | 'syscalls/s';
  /** Speed relative to native (native time / this time): below 1 is slower. */
  ratioToNative: number | null;
  note?: string;
}

export interface PeerWorkload {
  id: 'intloop' | 'getppid' | 'dispatch';
  label: string;
  /** Guest instructions per loop iteration, counted by the engine. */
  insnsPerIteration: number;
  results: Record<PeerName, PeerFigure>;
}

export interface PeersReport {
  tool: 'sudsim bench peers';
  quick: boolean;
  host: HostDescription;
  peers: { qemu: QemuPeer | null; unicorn: UnicornPeer | null };
  /** What each peer answers to prctl(PR_SET_SYSCALL_USER_DISPATCH), probed now. */
  sudSupport: Partial<Record<PeerName, PrctlProbe | string>>;
  workloads: PeerWorkload[];
}

const WORKLOADS: { id: PeerWorkload['id']; label: string; mode: ModeName; unit: PeerFigure['rateUnit'] }[] = [
  { id: 'intloop', label: 'integer loop (xorshift, mul, add)', mode: 'intloop', unit: 'instr/s' },
  { id: 'getppid', label: 'getppid loop', mode: 'off', unit: 'syscalls/s' },
  { id: 'dispatch', label: 'dispatched getppid (SIGSYS round trip)', mode: 'dispatch', unit: 'syscalls/s' },
];

function sizes(quick: boolean): Record<PeerWorkload['id'], number> {
  return quick ? { intloop: 500_000, getppid: 20_000, dispatch: 2_000 } : { intloop: 20_000_000, getppid: 1_000_000, dispatch: 50_000 };
}

function figureOf(samples: number[] | null, note: string | undefined, unit: PeerFigure['rateUnit'], insns: number): PeerFigure {
  if (!samples) return { nsPerIteration: null, rate: null, rateUnit: unit, ratioToNative: null, note };
  const ns = median(samples);
  return { nsPerIteration: ns, spreadNs: iqr(samples), rate: (unit === 'instr/s' ? insns : 1) * (1e9 / ns), rateUnit: unit, ratioToNative: null };
}

/** Runs the peers benchmark and prints its table; returns the report. */
export async function benchPeers(opts: PeersOptions = {}): Promise<PeersReport> {
  const print = opts.print ?? ((t: string) => process.stdout.write(t + '\n'));
  const quick = !!opts.quick;
  const host = describeHost();
  const qemu = findQemu();
  const unicorn = findUnicorn();
  const report: PeersReport = { tool: 'sudsim bench peers', quick, host, peers: { qemu, unicorn }, sudSupport: {}, workloads: [] };
  const found = findCc();
  if (!('cc' in found)) {
    print(`sudsim bench peers: skipped (${found.problem}): the workloads are built by cc at bench time`);
    if (opts.json) writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
    return report;
  }
  const dir = new BuildDir(found.cc);
  try {
    const [region, ...built] = await Promise.all([
      dir.build('probe-region', { sysno: 110, mode: 'region' }),
      ...WORKLOADS.map((w) => dir.build(`peer-${w.id}`, { sysno: 110, mode: w.mode })),
    ]);
    const progs = new Map<string, BuiltProgram>(WORKLOADS.map((w, i) => [w.id, built[i]]));
    const n = sizes(quick);
    const reps = quick ? 3 : 5;

    report.sudSupport.native = probePrctl([region.path], region.path);
    report.sudSupport.engine = 'prctl(PR_SET_SYSCALL_USER_DISPATCH) -> 0 (the model)';
    if (qemu) report.sudSupport.qemu = probePrctl([qemu.command, region.path], region.path);
    if (unicorn) report.sudSupport.unicorn = 'no kernel: the syscall hook sees the call, nothing can deliver SIGSYS';

    const script = join(dir.dir, 'unicorn_runner.py');
    writeFileSync(script, UNICORN_RUNNER_PY);
    const wall = await engineWallNs(WORKLOADS.map((w) => ({ id: w.id, bytes: progs.get(w.id)!.bytes, smap: true })), quick);

    for (const w of WORKLOADS) {
      const prog = progs.get(w.id)!;
      const insns = Number(loopEventCounts(prog.bytes, 1000, true).insns) / 1000;
      const timed = (wrapper: string[], iterations: number): { samples: number[] | null; note?: string } => {
        const r = runTimed(prog.path, iterations, reps, wrapper);
        return r.ok ? { samples: r.perCallNs } : { samples: null, note: r.why };
      };
      const native = timed([], n[w.id]);
      const results = {} as Record<PeerName, PeerFigure>;
      results.native = figureOf(native.samples, native.note, w.unit, insns);
      const e = wall.get(w.id)!;
      results.engine = { ...figureOf([e.ns], undefined, w.unit, insns), spreadNs: (e.ns * e.rmePct) / 100 };
      if (!qemu) results.qemu = figureOf(null, 'qemu-x86_64 not found', w.unit, insns);
      else if (w.id === 'dispatch' && !(report.sudSupport.qemu as PrctlProbe).supported) {
        results.qemu = figureOf(null, `cannot run: ${(report.sudSupport.qemu as PrctlProbe).text}`, w.unit, insns);
      } else {
        const q = timed([qemu.command], n[w.id]);
        results.qemu = figureOf(q.samples, q.note, w.unit, insns);
      }
      if (!unicorn) results.unicorn = figureOf(null, 'python3 cannot import unicorn', w.unit, insns);
      else if (w.id === 'dispatch') results.unicorn = figureOf(null, 'not expressible: no kernel to deliver SIGSYS', w.unit, insns);
      else {
        // each syscall crosses into Python: fewer iterations keep the run short
        const u = timed([unicorn.python, script], w.id === 'intloop' ? n[w.id] : Math.ceil(n[w.id] / 10));
        results.unicorn = figureOf(u.samples, u.note, w.unit, insns);
      }
      const base = results.native.nsPerIteration;
      for (const f of Object.values(results)) {
        if (f.nsPerIteration !== null && base !== null) f.ratioToNative = base / f.nsPerIteration;
      }
      report.workloads.push({ id: w.id, label: w.label, insnsPerIteration: insns, results });
    }
  } finally {
    dir.dispose();
  }
  print(renderPeers(report));
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
    print(`wrote ${opts.json}`);
  }
  return report;
}

function cell(f: PeerFigure, notes: string[]): string {
  if (f.nsPerIteration === null || f.rate === null) {
    let i = notes.indexOf(f.note ?? '');
    if (i < 0) i = notes.push(f.note ?? 'not run') - 1;
    return `- [${i + 1}]`;
  }
  const ratio = f.ratioToNative === null ? '' : ` (${fmt(f.ratioToNative, f.ratioToNative < 0.1 ? 3 : 2)}x)`;
  if (f.rateUnit === 'instr/s') return `${fmt(f.rate / 1e6, 0)} M instr/s${ratio}`;
  return `${fmt(f.nsPerIteration, 1)} ns, ${fmt(f.rate / 1e6, 2)} M/s${ratio}`;
}

export function peersCells(report: PeersReport): { header: string[]; rows: string[][]; notes: string[] } {
  const notes: string[] = [];
  const header = ['workload', 'native', 'sudsim engine', 'qemu-x86_64', 'Unicorn (Python hook)'];
  const rows = report.workloads.map((w) => [
    `${w.label}${w.id === 'intloop' ? `, ${fmt(w.insnsPerIteration, 0)} insns/iter` : ''}`,
    cell(w.results.native, notes),
    cell(w.results.engine, notes),
    cell(w.results.qemu, notes),
    cell(w.results.unicorn, notes),
  ]);
  return { header, rows, notes };
}

export function renderPeers(report: PeersReport): string {
  const { header, rows, notes } = peersCells(report);
  const h = report.host;
  const sud = Object.entries(report.sudSupport).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : v!.text}`);
  return [
    `sudsim bench peers${report.quick ? ' (--quick: rough figures)' : ''}: the same static binaries; (x) = speed relative to native`,
    `host: Linux ${h.kernel}, ${h.cpuModel}, ${h.cores} cores, node ${h.node}, ${h.date}`,
    `peers found: qemu-x86_64 ${report.peers.qemu ? `yes (${report.peers.qemu.version})` : 'no'}; Unicorn ${report.peers.unicorn ? `yes (${report.peers.unicorn.version}, ${report.peers.unicorn.python})` : 'no'}`,
    '',
    textTable(header, rows),
    '',
    ...notes.map((n, i) => `[${i + 1}] ${n}`),
    'Syscall User Dispatch, probed now (prctl(59, ON, region, selector)):',
    ...sud,
  ].join('\n');
}
