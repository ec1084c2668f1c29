/**
 * `sudsim bench overhead`: every scenario program does what its row claims
 * (checked by the engine's event counts and by the host kernel), the model
 * column reproduces the seed's claims, and the command runs end to end in
 * its --quick form. No assertion on timings.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gccUnavailable } from '../helpers/native.js';
import { BuildDir, findCc, type BuiltProgram } from '../../src/bench/build.js';
import { loopEventCounts } from '../../src/bench/engine_run.js';
import { runTimed } from '../../src/bench/native_run.js';
import { benchOverhead } from '../../src/bench/overhead.js';
import type { OverheadReport } from '../../src/bench/report.js';
import { binaryKey, SCENARIOS, SYSNO, type SyscallName } from '../../src/bench/scenarios.js';
import { calibrate, nnls } from '../../src/bench/calibrate.js';
import { SEED_MACHINE } from '../../src/timing/model.js';

const noGcc = gccUnavailable();
const maybe = noGcc ? describe.skip : describe;
if (noGcc) console.log(`bench overhead tests that build programs skipped: ${noGcc}`);

const N = 64;

maybe('the scenario programs', () => {
  let dir: BuildDir;
  const progs = new Map<string, BuiltProgram>();

  beforeAll(async () => {
    const found = findCc();
    if (!('cc' in found)) throw new Error(found.problem);
    dir = new BuildDir(found.cc);
    const keys = [...new Set(SCENARIOS.map(binaryKey))];
    const built = await Promise.all(keys.map((k) => {
      const s = SCENARIOS.find((x) => binaryKey(x) === k)!;
      return dir.build(k, { sysno: SYSNO[s.syscall], mode: s.mode });
    }));
    keys.forEach((k, i) => progs.set(k, built[i]));
  });
  afterAll(() => dir?.dispose());

  const counts = (sc: SyscallName, mode: string, smap = true) =>
    loopEventCounts(progs.get(`${sc}-${mode}`)!.bytes, N, smap);

  describe.each(['sysinfo', 'getppid'] as SyscallName[])('%s', (sc) => {
    it('SUD off: n syscalls, no dispatch check', () => {
      const c = counts(sc, 'off');
      expect(c.syscalls).toBe(BigInt(N));
      expect(c.sudChecks).toBe(0n);
    });

    it('call site in the region: every check ends at the region test and never reads the selector', () => {
      const c = counts(sc, 'region');
      expect(c.syscalls).toBe(BigInt(N));
      expect(c.sudChecks).toBe(BigInt(N));
      expect(c.sudRegion).toBe(BigInt(N));
      expect(c.selectorReadsSmap + c.selectorReadsNoSmap).toBe(0n);
      expect(c.sudDispatch).toBe(0n);
    });

    it('selector at ALLOW: one selector read per call, counted as SMAP on or off as the machine says', () => {
      const on = counts(sc, 'selector', true);
      expect(on.sudRegion).toBe(0n);
      expect(on.selectorReadsSmap).toBe(BigInt(N));
      expect(on.selectorReadsNoSmap).toBe(0n);
      expect(on.sudDispatch).toBe(0n);
      const off = counts(sc, 'selector', false);
      expect(off.selectorReadsSmap).toBe(0n);
      expect(off.selectorReadsNoSmap).toBe(BigInt(N));
    });

    it('selector at ALLOW: the engine reads the selector through its TLB, not by a page walk per call', () => {
      // a walk counts as a TLB miss: the n reads of one page take at most the first one's
      // (the loop's own misses are the same in the SUD-off run)
      const sel = counts(sc, 'selector');
      const off = counts(sc, 'off');
      expect(sel.tlbMisses - off.tlbMisses).toBeLessThanOrEqual(1n);
    });

    it('dispatched: one SIGSYS per call, and the handler returns through an rt_sigreturn inside the region', () => {
      const c = counts(sc, 'dispatch');
      expect(c.sudDispatch).toBe(BigInt(N));
      expect(c.selectorReadsSmap).toBe(BigInt(N));
      expect(c.syscalls).toBe(BigInt(2 * N));
      expect(c.sudRegion).toBe(BigInt(N));
      expect(c.signalDeliveries).toBe(BigInt(N));
      expect(c.sigreturns).toBe(BigInt(N));
    });

    it('runs on the host kernel and checks its own result (emulated value, dispatch count)', () => {
      for (const mode of ['off', 'region', 'selector', 'dispatch']) {
        const r = runTimed(progs.get(`${sc}-${mode}`)!.path, N, 2);
        expect({ mode, ok: r.ok, why: r.ok ? '' : r.why }).toEqual({ mode, ok: true, why: '' });
        if (r.ok) expect(r.perCallNs).toHaveLength(2);
      }
    });
  });
});

maybe('sudsim bench overhead --quick', () => {
  let report: OverheadReport;
  let printed = '';
  const out = mkdtempSync(join(tmpdir(), 'sudsim-bench-test-'));

  beforeAll(async () => {
    report = await benchOverhead({
      quick: true, calibrate: true, json: join(out, 'overhead.json'), svg: join(out, 'overhead.svg'),
      print: (t) => { printed += t + '\n'; },
    });
  });

  it('prints one table with every scenario as a row', () => {
    for (const s of SCENARIOS) expect(printed).toContain(s.label);
    expect(printed).toMatch(/host kernel/);
    expect(printed).toMatch(/calibration/);
  });

  it('writes JSON with every row, every figure with a unit, and the host', () => {
    const j = JSON.parse(readFileSync(join(out, 'overhead.json'), 'utf8'));
    expect(j.rows.map((r: { id: string }) => r.id)).toEqual(SCENARIOS.map((s) => s.id));
    for (const r of j.rows) {
      for (const src of ['host', 'model', 'engine']) {
        expect(r[src].perCall.unit).toBe('ns');
        expect(r[src].overhead.unit).toBe('ns');
        expect(r[src].overheadRatio.unit).toBe('ratio');
        // a missing figure always says why
        if (r[src].perCall.value === null) expect(r[src].perCall.note).toBeTruthy();
      }
      expect(r.seed.overhead.unit).toBe('ns');
    }
    expect(j.host.kernel).toBeTruthy();
    expect(j.host.cpuModel).toBeTruthy();
    expect(typeof j.host.node).toBe('string');
    expect(j.sources.host).toMatch(/host kernel/);
  });

  it('says why the host cannot measure the SMAP row it cannot switch', () => {
    const off = report.rows.find((r) => r.id === 'getppid/selector-smap-off')!;
    if (report.host.smap) expect(off.host.perCall.note).toBe('host has SMAP on: cannot turn it off');
  });

  it('the model column reproduces the seed: region < 1 ns, selector ~40 ns (SMAP on), < 5 ns (SMAP off)', () => {
    for (const sc of ['sysinfo', 'getppid']) {
      const over = (id: string) => report.rows.find((r) => r.id === `${sc}/${id}`)!.model.overhead.value!;
      expect(over('region')).toBeLessThan(1);
      expect(over('selector-smap-on')).toBeGreaterThan(30);
      expect(over('selector-smap-on')).toBeLessThan(50);
      expect(over('selector-smap-off')).toBeLessThan(5);
    }
  });

  it('draws an SVG chart with a title, a legend and axis labels', () => {
    const svg = readFileSync(join(out, 'overhead.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('Syscall User Dispatch');
    expect(svg).toContain('host kernel (measured now)');
    expect(svg).toContain('overhead over SUD off (ns per syscall)');
  });
});

describe('calibration', () => {
  it('non-negative least squares recovers exact weights and clamps a negative one to zero', () => {
    expect(nnls([[1, 0], [0, 1], [1, 1]], [2, 3, 5]).map((v) => +v.toFixed(6))).toEqual([2, 3]);
    const w = nnls([[1, 0], [0, 1]], [2, -3]);
    expect(w[0]).toBeCloseTo(2);
    expect(w[1]).toBe(0);
  });

  it('fits the seed table back from rows the seed table itself produced', () => {
    const rows = [
      { label: 'off', events: { syscalls: 1 }, ns: 70 },
      { label: 'region', events: { sudChecks: 1, sudRegion: 1 }, ns: 2 / 3 },
      { label: 'selector', events: { sudChecks: 1, selectorReadsSmap: 1 }, ns: 120 / 3 },
      { label: 'dispatch', events: { syscalls: 1, sudChecks: 2, sudRegion: 1, selectorReadsSmap: 1, sudDispatch: 1 }, ns: (210 + 4 + 118 + 2400) / 3 },
    ];
    const c = calibrate(rows, SEED_MACHINE, 3, ['syscalls', 'sudChecks', 'selectorReadsSmap', 'sudDispatch'], 'test');
    const fitted = Object.fromEntries(c.fitted.map((f) => [f.event, f.fitted]));
    expect(fitted.syscalls).toBeCloseTo(210, 3);
    expect(fitted.sudChecks).toBeCloseTo(2, 3);
    expect(fitted.selectorReadsSmap).toBeCloseTo(118, 3);
    expect(fitted.sudDispatch).toBeCloseTo(2400, 3);
    for (const r of c.residuals) expect(Math.abs(r.residualNs)).toBeLessThan(1e-6);
  });
});
