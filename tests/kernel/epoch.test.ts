/**
 * The machine's realtime epoch (MachineOptions.epoch, Kernel.epochNs): the
 * wall clocks, read through the vDSO and by the syscalls alike, start at it
 * and run with the virtual clock; what the machine has from boot is dated
 * at it, what it makes later after it; without the option the epoch stays
 * the fixed 2020-08-10 (tests/kernel/programs/realtime_epoch.c).
 */
import { join } from 'node:path';
import { Machine, type MachineOptions } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`realtime epoch test skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;
const dir = join(import.meta.dirname, 'programs');

const NS = 1_000_000_000n;

/** Runs the program on a machine made with opts, given /etc/given; its output lines as name -> value. */
function readings(exe: string, opts: MachineOptions): Map<string, bigint> {
  const m = new Machine(opts);
  m.addFile('/etc/given', new TextEncoder().encode('given\n'));
  m.load(readBinary(exe), { argv: ['realtime_epoch', '/etc/given'] });
  expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
  const out = new Map<string, bigint>();
  for (const line of m.stdoutText().trim().split('\n')) {
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), BigInt(line.slice(at + 1)));
  }
  return out;
}

maybe('the realtime epoch', () => {
  let exe = '';
  beforeAll(() => {
    exe = buildStatic('realtime_epoch', [join(dir, 'realtime_epoch.c')], ['-O2']);
  });

  /** Checks every reading against epochNs: the clocks at it plus the virtual time elapsed around them. */
  function expectAt(r: Map<string, bigint>, epochNs: bigint): void {
    const mono0 = r.get('mono0')!;
    const mono1 = r.get('mono1')!;
    expect(mono1).toBeGreaterThan(mono0);
    for (const key of ['realtime vdso', 'realtime syscall']) {
      const elapsed = r.get(key)! - epochNs;
      expect(elapsed).toBeGreaterThanOrEqual(mono0);
      expect(elapsed).toBeLessThanOrEqual(mono1);
    }
    for (const key of ['time vdso', 'time syscall']) {
      expect(r.get(key)).toBeGreaterThanOrEqual((epochNs + mono0) / NS);
      expect(r.get(key)).toBeLessThanOrEqual((epochNs + mono1) / NS);
    }
    const us = r.get('gettimeofday')! * 1000n - epochNs;
    expect(us).toBeGreaterThanOrEqual(mono0 - 1000n);
    expect(us).toBeLessThanOrEqual(mono1);
    // a given file is the machine's from boot; a file made now is no older
    expect(r.get('given mtime')).toBe(epochNs / NS);
    expect(r.get('new mtime')).toBeGreaterThanOrEqual(epochNs / NS);
    expect(r.get('btime')).toBe(epochNs / NS);
  }

  it('starts CLOCK_REALTIME, time() and the files\' dates at the epoch given in seconds', () => {
    expectAt(readings(exe, { epoch: 1_700_000_000 }), 1_700_000_000n * NS);
  });

  it('keeps a fraction of a second to the nanosecond', () => {
    expectAt(readings(exe, { epoch: 1_700_000_000.25 }), 1_700_000_000n * NS + 250_000_000n);
  });

  it('defaults to the fixed 2020-08-10 23:27:07 UTC', () => {
    const r = readings(exe, {});
    expectAt(r, 1_597_102_027n * NS);
    expect(new Date(Number(r.get('time syscall')) * 1000).toISOString().slice(0, 10)).toBe('2020-08-10');
  });

  it('refuses an epoch that is not a number of seconds at or after 1970', () => {
    for (const epoch of [-1, Number.NaN, Number.POSITIVE_INFINITY, '1700000000' as unknown as number]) {
      expect(() => new Machine({ epoch })).toThrow(RangeError);
    }
  });
});
