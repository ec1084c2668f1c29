/**
 * The selector's cost on the machine's own clock: a program that times
 * getppid loops with rdtsc (tests/sud/programs/selector_clock.c), as the
 * seed's benchmark times its syscalls, sees each call made outside the
 * dispatcher region take what the seed measured longer once dispatch is
 * armed with the selector at ALLOW: 40 ns with SMAP on, 4 ns with SMAP
 * off, through the library and through `sudsim run` (SMAP on unless
 * --no-smap), and nothing for calls inside the region. The host runs the
 * program too, to show it arms and ends as in the engine; its timings vary.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Machine, SEED_MACHINE } from '../../src/api/index.js';
import { SELECTOR_SMAP_NS, SELECTOR_NOSMAP_NS } from '../../src/engine/layout.js';
import { buildStatic, gccUnavailable, readBinary, runNative } from '../helpers/native.js';

const noGcc = gccUnavailable();
if (noGcc) console.warn(`selector clock test skipped: ${noGcc}`);
const maybe = noGcc ? describe.skip : describe;
const dir = join(import.meta.dirname, 'programs');
const CLI = join(process.cwd(), 'bin', 'sudsim.js');

function values(text: string): Record<string, number> {
  return Object.fromEntries(text.trim().split('\n').map((l) => l.split('=')).map(([k, v]) => [k, Number(v)]));
}

describe('the clock charges of a selector read', () => {
  it('are the timing model\'s prices of the seed\'s machine: the read and the check, in whole ns', () => {
    const c = SEED_MACHINE.costs;
    expect(SELECTOR_SMAP_NS).toBe(Math.round((c.selectorReadsSmap.cycles + c.sudChecks.cycles) / SEED_MACHINE.ghz));
    expect(SELECTOR_NOSMAP_NS).toBe(Math.round((c.selectorReadsNoSmap.cycles + c.sudChecks.cycles) / SEED_MACHINE.ghz));
  });
});

maybe('a program timing its syscalls with rdtsc', () => {
  let exe = '';
  beforeAll(() => {
    exe = buildStatic('selector_clock', [join(dir, 'selector_clock.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
  });

  it.each([
    [true, 40],
    [false, 4],
  ])('sees a selector read add the seed\'s overhead to each call (SMAP %s: %i ns), and a call in the region nothing', (smap, ns) => {
    const m = new Machine({ smap });
    m.load(readBinary(exe), { argv: ['selector_clock'] });
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(values(m.stdoutText())).toEqual({ armed: 0, off: 0, selector_read_ns: ns, region_ns: 0 });
    // the armed loop's 1,000 calls outside the region read the selector; the 1,000 inside and the
    // prctl that disarms (rsud, in the region too) do not
    expect(m.counters()[smap ? 'selectorReadsSmap' : 'selectorReadsNoSmap']).toBe(1000n);
  });

  it.each([
    [[] as string[], 40],
    [['--no-smap'], 4],
  ])('sees the same through sudsim run %j: SMAP on unless --no-smap', (flags, ns) => {
    const r = spawnSync(process.execPath, [CLI, 'run', ...flags, exe], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(values(r.stdout).selector_read_ns).toBe(ns);
  });

  it('arms and ends on the host as in the engine', () => {
    const r = runNative(exe);
    expect(r.status).toBe(0);
    const v = values(r.stdout.toString());
    // prctl answers EINVAL on a host without Syscall User Dispatch: then there is nothing to compare
    if (v.armed === -22) return;
    expect(v.armed).toBe(0);
    expect(v.off).toBe(0);
  });
});
