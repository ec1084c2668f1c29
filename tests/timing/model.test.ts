import { estimateNs, perSyscallNs, SEED_MACHINE, type EventCounts } from '../../src/timing/model.js';

const zero: EventCounts = {
  insns: 0n, syscalls: 0n, sudChecks: 0n, sudRegion: 0n, selectorReadsSmap: 0n, selectorReadsNoSmap: 0n, sudDispatch: 0n, signalDeliveries: 0n, sigreturns: 0n, tlbMisses: 0n,
};

describe('the timing model', () => {
  it('multiplies counts by cycles and divides by the clock', () => {
    const table = { ...SEED_MACHINE, ghz: 2, costs: { ...SEED_MACHINE.costs, insns: { cycles: 1, source: 'test' }, syscalls: { cycles: 100, source: 'test' } } };
    expect(estimateNs({ ...zero, insns: 10n, syscalls: 2n }, table)).toBeCloseTo((10 + 200) / 2);
    expect(perSyscallNs({ ...zero, insns: 10n, syscalls: 2n }, table)).toBeCloseTo(52.5);
    expect(perSyscallNs(zero)).toBe(0);
  });

  it('reproduces the seed\'s claims with its default table: ~40 ns with SMAP on, < 5 ns off, region path < 1 ns', () => {
    const n = 1000n;
    const off = perSyscallNs({ ...zero, syscalls: n });
    const region = perSyscallNs({ ...zero, syscalls: n, sudChecks: n, sudRegion: n }) - off;
    const smap = perSyscallNs({ ...zero, syscalls: n, sudChecks: n, selectorReadsSmap: n }) - off;
    const nosmap = perSyscallNs({ ...zero, syscalls: n, sudChecks: n, selectorReadsNoSmap: n }) - off;
    expect(smap).toBeGreaterThan(30);
    expect(smap).toBeLessThan(50);
    expect(nosmap).toBeLessThan(5);
    expect(region).toBeLessThan(1);
  });

  it('names a source for every cost', () => {
    for (const c of Object.values(SEED_MACHINE.costs)) expect(c.source.length).toBeGreaterThan(10);
  });
});

describe('the timing model\'s dispatched round trip', () => {
  it('prices a SIGSYS round trip (dispatch, delivery, rt_sigreturn and their two syscall entries) at about the 850 ns measured natively', () => {
    const ns = estimateNs({ ...zero, syscalls: 2n, sudChecks: 2n, sudDispatch: 1n, signalDeliveries: 1n, sigreturns: 1n, selectorReadsSmap: 1n, sudRegion: 1n });
    expect(ns).toBeGreaterThan(800);
    expect(ns).toBeLessThan(950);
  });

  it('is one object in the library: model.estimate(counters)', async () => {
    const { model } = await import('../../src/timing/model.js');
    expect(model.estimate({ syscalls: 3n })).toBeCloseTo(estimateNs({ ...zero, syscalls: 3n }));
  });
});
