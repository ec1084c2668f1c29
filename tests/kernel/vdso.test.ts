/**
 * The vDSO's clocks against the kernel's (tests/kernel/programs/vdso_clock.c):
 * the same virtual clock read two ways must agree, and the TSC it is made of
 * must move as that clock does. Virtual time has no host counterpart, so
 * these are the engine's own answers; tests/musl/vdso_sud.c and vdso_maps.c
 * compare what the host can be asked (SIGSYS counts, the mappings).
 */
import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary } from '../helpers/native.js';
import { VDSO_IMAGE } from '../../src/kernel/vdso_image.js';

const skip = gccUnavailable();
if (skip) console.warn(`vDSO clock test skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;
const dir = join(import.meta.dirname, 'programs');

maybe('the vDSO', () => {
  let out = '';
  beforeAll(() => {
    const exe = buildStatic('vdso_clock', [join(dir, 'vdso_clock.c')], ['-O2']);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['vdso_clock'] });
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    out = m.stdoutText();
  });

  it('reads every clock it serves between the syscall\'s answers just before and after, and clock_getres the same', () => {
    for (const id of [0, 1, 4, 5, 6, 7, 11]) {
      const line = new RegExp(`^clock ${id}: ordered (\\d) spread (\\d+) getres same (\\d)$`, 'm').exec(out);
      expect(line).not.toBeNull();
      expect(line![1]).toBe('1');
      expect(line![3]).toBe('1');
      // two vDSO calls and a syscall apart: some hundred instructions and one syscall's 70 ns
      expect(Number(line![2])).toBeGreaterThan(70);
      expect(Number(line![2])).toBeLessThan(1000);
    }
    expect(out).toContain('gettimeofday: ordered 1\n');
    expect(out).toContain('time: ordered 1\n');
  });

  it('makes the TSC the clock: a syscall seven instructions after rdtsc reads 7 ns plus its own 70 ns later', () => {
    expect(out).toContain('syscall after rdtsc: 77 ns later\n');
  });

  it('moves the TSC on across syscalls (70 ns each) and across a sleep, as the clock', () => {
    const calls = /^1000 getppid: tsc \+(\d+)$/m.exec(out);
    expect(Number(calls![1])).toBeGreaterThanOrEqual(70 * 1000);
    expect(Number(calls![1])).toBeLessThan(70 * 1000 + 50 * 1000);
    const nap = /^nanosleep 1 ms: tsc \+(\d+), clock \+(\d+)$/m.exec(out);
    expect(Number(nap![1])).toBeGreaterThanOrEqual(1_000_000);
    expect(Number(nap![1])).toBeLessThan(1_001_000);
    expect(Number(nap![2])).toBeGreaterThanOrEqual(Number(nap![1]));
  });

  it('serves a fork\'s child, whose clock goes on from its parent\'s', () => {
    expect(out).toContain('child: clock after the fork\'s 1\n');
  });

  it('is an ELF shared object named linux-vdso.so.1 that fits its two pages', () => {
    expect(Array.from(VDSO_IMAGE.subarray(0, 4))).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(new DataView(VDSO_IMAGE.buffer).getUint16(16, true)).toBe(3); // ET_DYN
    expect(VDSO_IMAGE.length).toBeLessThanOrEqual(8192);
    expect(new TextDecoder().decode(VDSO_IMAGE)).toContain('linux-vdso.so.1\0');
    expect(new TextDecoder().decode(VDSO_IMAGE)).toContain('LINUX_2.6\0');
  });
});
