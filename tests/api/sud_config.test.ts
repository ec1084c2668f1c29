import { Machine, Errno } from '../../src/api/index.js';
import { DEMO_ELF } from '../../src/cli/demo_program.js';

function machine(profile?: 'patch-v5' | 'linux-5.11' | 'linux-6.4' | 'linux-6.17' | 'linux-next', sysctl = true): Machine {
  const m = new Machine({ profile, sysctlSyscallUserDispatch: sysctl });
  m.load(DEMO_ELF);
  return m;
}

describe('the SUD config through the library API (no ptrace)', () => {
  it('round-trips an EXCLUSIVE config unchanged', () => {
    const m = machine();
    m.setSudConfig({ mode: 1, selector: 0x1000, offset: 0x400000, len: 0x1000 });
    const got = m.getSudConfig();
    expect(got).toEqual({ mode: 1n, selector: 0x1000n, offset: 0x400000n, len: 0x1000n });
    m.setSudConfig(got);
    expect(m.getSudConfig()).toEqual(got);
  });

  it('reports an INCLUSIVE config as mode 1 with the inverted range, and setting that back fails with EINVAL (as Linux 6.18 does)', () => {
    const m = machine('linux-6.17');
    m.setSudConfig({ mode: 2, selector: 0, offset: 0x1000, len: 0x100 });
    const got = m.getSudConfig();
    expect(got).toEqual({ mode: 1n, selector: 0n, offset: 0x1100n, len: 0xffffffffffffff00n });
    expect(() => m.setSudConfig(got)).toThrow(Errno);
  });

  it('rejects INCLUSIVE before linux-6.17 and arming under the linux-next sysctl with EPERM', () => {
    expect(() => machine('linux-6.4').setSudConfig({ mode: 2, selector: 0, offset: 0x1000, len: 0x100 })).toThrow(/Invalid argument/);
    expect(() => machine('linux-next', false).setSudConfig({ mode: 1, selector: 0, offset: 0, len: 0 })).toThrow(/Operation not permitted/);
    // disarming still works under the sysctl
    expect(() => machine('linux-next', false).setSudConfig({ mode: 0, selector: 0, offset: 0, len: 0 })).not.toThrow();
  });

  it('applies each profile\'s access_ok boundary to the selector', () => {
    expect(() => machine('linux-6.17').setSudConfig({ mode: 1, selector: 0x7ffffffff000n, offset: 0, len: 0 })).not.toThrow();
    expect(() => machine('linux-6.17').setSudConfig({ mode: 1, selector: 0x7ffffffff001n, offset: 0, len: 0 })).toThrow(/Bad address/);
    expect(() => machine('linux-5.11').setSudConfig({ mode: 1, selector: 0x7ffffffff000n, offset: 0, len: 0 })).toThrow(/Bad address/);
    // 6.4 tests only the sign bit
    expect(() => machine('linux-6.4').setSudConfig({ mode: 1, selector: 0x7fffffffffffffffn, offset: 0, len: 0 })).not.toThrow();
    expect(() => machine('linux-6.4').setSudConfig({ mode: 1, selector: 0x8000000000000000n, offset: 0, len: 0 })).toThrow(/Bad address/);
  });

  it('reads patch-v5 modes as (int) and keeps the inclusive [start, end] range', () => {
    const m = machine('patch-v5');
    m.setSudConfig({ mode: 0x100000001n, selector: 0, offset: 0x1000, len: 0x1000 });
    expect(m.getSudConfig()).toEqual({ mode: 1n, selector: 0n, offset: 0x1000n, len: 0x1000n });
    expect(() => m.setSudConfig({ mode: 1, selector: 0, offset: 0x2000, len: 0x1000 })).toThrow(/Invalid argument/);
  });

  it('counts dispatch checks in the engine: an armed demo with a NULL selector outside the region dies of SIGSYS at its first syscall', () => {
    const m = machine();
    m.setSudConfig({ mode: 1, selector: 0, offset: 0, len: 0 });
    const r = m.run();
    expect(r).toMatchObject({ kind: 'killed', signal: 31 });
    const c = m.counters();
    expect(c.sudChecks).toBe(1n);
    expect(c.sudDispatch).toBe(1n);
    expect(c.sudRegion).toBe(0n);
  });
});
