/**
 * MachineOptions.cpus: a machine of one CPU (the default) answers as it
 * always did; a bad count is refused; a machine of N CPUs shows N of them
 * consistently in /proc/cpuinfo, /sys/devices/system/cpu and /proc/stat,
 * where a task pinned to a CPU has its time counted. (tests/musl/cpus.c
 * compares the counts and placements with the host's.)
 */
import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`machine CPU count tests skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;

/**
 * With "-pin CPU N": pins itself to CPU and spins N iterations first; then
 * prints each file named.
 */
const PROBE = `
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-pin")) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(atoi(argv[i + 1]), &set);
      if (sched_setaffinity(0, sizeof set, &set)) return 1;
      for (volatile long n = atol(argv[i + 2]); n > 0; n--) {}
      i += 2;
      continue;
    }
    char buf[65536];
    FILE *f = fopen(argv[i], "r");
    if (!f) { printf("%s: missing\\n", argv[i]); continue; }
    size_t n = fread(buf, 1, sizeof buf, f);
    fwrite(buf, 1, n, stdout);
    fclose(f);
  }
  return 0;
}
`;

maybe('a machine of MachineOptions.cpus CPUs', () => {
  let probe: Uint8Array;
  let cpusC: Uint8Array;
  beforeAll(() => {
    probe = readBinary(buildStatic('cpus-probe', { 'probe.c': PROBE }, ['-O1']));
    cpusC = readBinary(buildStatic('cpus-glibc', [join(import.meta.dirname, '..', 'musl', 'cpus.c')], ['-O2']));
  });

  const run = (exe: Uint8Array, args: string[], cpus?: number): string => {
    const m = new Machine(cpus === undefined ? {} : { cpus });
    m.load(exe, { argv: ['probe', ...args] });
    expect(m.run({ maxInsns: 2_000_000_000 })).toMatchObject({ kind: 'exited', status: 0 });
    return m.stdoutText();
  };

  it('by default has one CPU, and answers as a machine of cpus 1 does', () => {
    const out = run(cpusC, []);
    // what the machine answered before it had a CPU count: one CPU, every task on it
    expect(out).toContain('_SC_NPROCESSORS_ONLN 1\n_SC_NPROCESSORS_CONF 1\nget_nprocs 1, get_nprocs_conf 1\n');
    expect(out).toContain('/sys/devices/system/cpu/online: 0\n/sys/devices/system/cpu/possible: 0\n/sys/devices/system/cpu/present: 0\n');
    expect(out).toContain('start: CPU_COUNT 1, cpus 0\nraw getaffinity: 8, 0x1\n');
    expect(out).toContain('pin to 1: -1 Invalid argument\n');
    expect(out).toContain('child: sched_getcpu 0, getcpu syscall 0 cpu 0 node 0\nCpus_allowed:\t1\nCpus_allowed_list:\t0\nprocessor 0\n');
    expect(run(cpusC, [], 1)).toBe(out);

    const files = ['/proc/cpuinfo', '/proc/stat', '/sys/devices/system/cpu/cpu1/topology/core_id', '/sys/devices/system/cpu/cpu0/topology/core_id'];
    const text = run(probe, files);
    expect(text.match(/^processor\t: \d+$/gm)).toEqual(['processor\t: 0']);
    expect(text).toMatch(/^siblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: 0\ninitial apicid\t: 0$/m);
    expect([...text.matchAll(/^(cpu\d*) +(\d+ ){9}\d+$/gm)].map((m) => m[1])).toEqual(['cpu', 'cpu0']);
    expect(text).toContain('/sys/devices/system/cpu/cpu1/topology/core_id: missing\n0\n');
    expect(run(probe, files, 1)).toBe(text);
  });

  it.each([0, 65, -1, 1.5, Number.NaN])('refuses cpus %p with a RangeError saying what it takes', (cpus) => {
    expect(() => new Machine({ cpus })).toThrow(RangeError);
    expect(() => new Machine({ cpus })).toThrow(/cpus must be a whole number from 1 to 64/);
  });

  it('takes 1 to 64 CPUs', () => {
    expect(run(probe, ['/sys/devices/system/cpu/online'], 64)).toBe('0-63\n');
    expect(run(probe, ['/sys/devices/system/cpu/online'], 1)).toBe('0\n');
  });

  it('of four CPUs shows four processors, each a package of one core, in /proc/cpuinfo and /sys', () => {
    const sys = (cpu: number, f: string): string => `/sys/devices/system/cpu/cpu${cpu}/topology/${f}`;
    const files = ['/proc/cpuinfo', '/sys/devices/system/cpu/possible'];
    for (let cpu = 0; cpu <= 4; cpu++) files.push(sys(cpu, 'physical_package_id'), sys(cpu, 'core_siblings_list'));
    const text = run(probe, files, 4);
    const blocks = text.split('\n\n').filter((b) => b.startsWith('processor'));
    expect(blocks).toHaveLength(4);
    blocks.forEach((b, cpu) => {
      const field = (name: string): string | undefined => new RegExp(`^${name}\\s*: (.*)$`, 'm').exec(b)?.[1];
      expect([field('processor'), field('physical id'), field('core id'), field('siblings'), field('cpu cores'), field('apicid'), field('initial apicid')])
        .toEqual([`${cpu}`, `${cpu}`, '0', '1', '1', `${cpu}`, `${cpu}`]);
    });
    expect(text).toContain('\n0-3\n0\n0\n1\n1\n2\n2\n3\n3\n/sys/devices/system/cpu/cpu4/topology/physical_package_id: missing\n');
  });

  it("counts a pinned task's time as its CPU's in /proc/stat, every CPU idle the rest of the time", () => {
    // ~6 instructions per iteration: some hundreds of ms of virtual time on CPU 2
    const text = run(probe, ['-pin', '2', '30000000', '/proc/stat', '/proc/uptime'], 3);
    const lines = new Map(text.split('\n').filter((l) => l.startsWith('cpu')).map((l) => {
      const [name, ...v] = l.split(/ +/);
      return [name, v.map(Number)] as const;
    }));
    expect([...lines.keys()]).toEqual(['cpu', 'cpu0', 'cpu1', 'cpu2']);
    const [user0, user1, user2] = ['cpu0', 'cpu1', 'cpu2'].map((c) => lines.get(c)![0]);
    expect(user2).toBeGreaterThan(10);
    expect(user1).toBe(0);
    expect(user0).toBeLessThan(user2 / 10);
    const uptime = text.trim().split('\n').at(-1)!.split(' ').map(Number);
    const ticks = Math.round(uptime[0] * 100);
    // user + idle of each CPU is the time since boot, to a tick; the first line adds them up
    for (const c of ['cpu0', 'cpu1', 'cpu2']) expect(Math.abs(lines.get(c)![0] + lines.get(c)![3] - ticks)).toBeLessThanOrEqual(1);
    expect(Math.abs(lines.get('cpu')![0] - (user0 + user1 + user2))).toBeLessThanOrEqual(2);
    expect(Math.abs(lines.get('cpu')![3] - (lines.get('cpu0')![3] + lines.get('cpu1')![3] + lines.get('cpu2')![3]))).toBeLessThanOrEqual(2);
    // /proc/uptime's idle time is every CPU's together
    expect(Math.abs(uptime[1] * 100 - lines.get('cpu')![3])).toBeLessThanOrEqual(2);
  });

  it('gives the same trace for the same program and CPU count', () => {
    const trace = (): string[] => {
      const lines: string[] = [];
      const m = new Machine({ cpus: 3, trace: (l) => lines.push(l) });
      m.load(probe, { argv: ['probe', '-pin', '1', '1000', '/proc/self/stat', '/proc/stat'] });
      m.run({ maxInsns: 100_000_000 });
      lines.push(m.stdoutText());
      return lines;
    };
    expect(trace()).toEqual(trace());
  });
});
