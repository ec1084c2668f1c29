/**
 * /proc's contents where they are the engine's own, not the host's: the
 * CPU as the engine's cpuid answers it, the machine's memory, mounts,
 * CPU files of /sys, the clock-driven files, and the sysctls uname reads.
 * (tests/musl/procfs.c checks the structure and relations against the host.)
 */
import { Machine } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`/proc contents skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;

/** Prints each file named on its command line; with "-w FILE TEXT", writes TEXT to FILE first; "-cpuid" prints cpuid's leaves. */
const CAT = `
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-cpuid")) {
      unsigned leaves[] = {0, 1, 7, 0x80000000u, 0x80000001u};
      for (int l = 0; l < 5; l++) {
        unsigned a, b, c, d;
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaves[l]), "c"(0));
        printf("%u %u %u %u %u\\n", leaves[l], a, b, c, d);
      }
      continue;
    }
    if (!strcmp(argv[i], "-uname")) {
      struct utsname u;
      uname(&u);
      printf("%s %s\\n", u.nodename, u.domainname);
      continue;
    }
    if (!strcmp(argv[i], "-w")) {
      int fd = open(argv[i + 1], O_WRONLY);
      printf("write %ld\\n", fd < 0 ? -1L : (long)write(fd, argv[i + 2], strlen(argv[i + 2])));
      close(fd);
      i += 2;
      continue;
    }
    char buf[16384];
    int fd = open(argv[i], O_RDONLY);
    ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof buf);
    fwrite(buf, 1, n > 0 ? n : 0, stdout);
    close(fd);
  }
  return 0;
}
`;

maybe('/proc and /sys contents of the engine', () => {
  let exe: Uint8Array;
  beforeAll(() => {
    exe = readBinary(buildStatic('proc-cat', { 'cat.c': CAT }, ['-O1']));
  });

  const run = (...args: string[]): string => {
    const m = new Machine();
    m.load(exe, { argv: ['cat', ...args] });
    expect(m.run({ maxInsns: 50_000_000 })).toMatchObject({ kind: 'exited', status: 0 });
    return m.stdoutText();
  };

  it('shows the CPU its cpuid reports: vendor, family, model, stepping and the flags of leaves 1, 7 and 0x80000001', () => {
    const leaves = new Map(run('-cpuid').trim().split('\n').map((l) => {
      const [leaf, ...regs] = l.split(' ').map(Number);
      return [leaf, regs];
    }));
    const text = run('/proc/cpuinfo');
    const le = (w: number): string => String.fromCharCode(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
    const [max, b, c, d] = leaves.get(0)!;
    expect(text).toContain(`vendor_id\t: ${le(b) + le(d) + le(c)}\n`);
    expect(text).toContain(`cpuid level\t: ${max}\n`);
    const sig = leaves.get(1)![0];
    expect(text).toContain(`cpu family\t: ${(sig >> 8) & 0xf}\n`);
    expect(text).toContain(`model\t\t: ${((sig >> 4) & 0xf) | (((sig >> 16) & 0xf) << 4)}\n`);
    expect(text).toContain(`stepping\t: ${sig & 0xf}\n`);
    expect(text).toContain(`clflush size\t: ${((leaves.get(1)![1] >> 8) & 0xff) * 8}\n`);
    // each named bit the engine sets, in Linux's order of capability words
    const flags = /^flags\t\t: (.*)$/m.exec(text)![1].split(' ');
    const [, , ecx1, edx1] = leaves.get(1)!;
    const [, , ecx81, edx81] = leaves.get(0x80000001)!;
    const expectBit = (reg: number, bit: number, name: string): void => expect(flags.includes(name)).toBe(((reg >>> bit) & 1) === 1);
    expectBit(edx1, 0, 'fpu');
    expectBit(edx1, 4, 'tsc');
    expectBit(edx1, 26, 'sse2');
    expectBit(edx1, 28, 'ht');
    expectBit(ecx1, 0, 'pni');
    expectBit(ecx1, 23, 'popcnt');
    expectBit(ecx1, 28, 'avx');
    expectBit(edx81, 29, 'lm');
    expectBit(ecx81, 5, 'abm');
    const [, ebx7] = leaves.get(7)!;
    expectBit(ebx7, 23, 'clflushopt');
    expectBit(ebx7, 24, 'clwb');
    expectBit(ebx7, 5, 'avx2');
    expect(flags).toEqual(['fpu', 'tsc', 'cx8', 'cmov', 'clflush', 'mmx', 'fxsr', 'sse', 'sse2', 'syscall', 'lm', 'pni', 'cx16', 'popcnt', 'lahf_lm', 'abm', 'clflushopt', 'clwb']);
    expect(text.match(/^processor\t: /gm)).toHaveLength(1);
    expect(text).toContain('cpu MHz\t\t: 1000.000\nphysical id\t: 0\nsiblings\t: 1\n');
    expect(text.endsWith('power management:\n\n')).toBe(true);
  });

  it('shows the machine\'s 1 GiB and the frames in use as sysinfo counts them', () => {
    const text = run('/proc/meminfo');
    expect(text.startsWith('MemTotal:        1048576 kB\nMemFree:  ')).toBe(true);
    const free = Number(/^MemFree:\s+(\d+) kB$/m.exec(text)![1]);
    expect(free).toBeGreaterThan(1048576 - 4096);
    expect(free).toBeLessThan(1048576);
    expect(text).toContain('CommitLimit:      524288 kB\n');
    expect(text).toContain('HugePages_Total:       0\n');
    expect(text).toContain('VmallocTotal:   34359738367 kB\n');
  });

  it('lists the machine\'s mounts with the ids and devices stat reports', () => {
    expect(run('/proc/self/mounts', '/proc/mounts')).toBe(
      [
        '/dev/sda1 / ext4 rw,relatime 0 0',
        'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
        'sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0',
        'tmpfs /dev tmpfs rw,nosuid,relatime,size=1048576k,mode=755 0 0',
        'tmpfs /dev/shm tmpfs rw,nosuid,nodev,relatime,size=1048576k 0 0',
        'tmpfs /tmp tmpfs rw,relatime,size=1048576k 0 0',
        '',
      ].join('\n').repeat(2),
    );
    expect(run('/proc/self/mountinfo').split('\n')[1]).toBe('22 21 0:22 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw');
  });

  it('has one CPU in /sys, and clock-driven /proc/stat, uptime and loadavg', () => {
    expect(run('/sys/devices/system/cpu/online', '/sys/devices/system/cpu/possible', '/sys/devices/system/cpu/present')).toBe('0\n0\n0\n');
    const stat = run('/proc/stat');
    expect(stat).toMatch(/^cpu {2}\d+ 0 0 \d+ 0 0 0 0 0 0\ncpu0 \d+ 0 0 \d+ 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime \d+\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n/);
    expect(run('/proc/uptime')).toMatch(/^0\.0\d 0\.00\n$/);
    expect(run('/proc/loadavg')).toBe('0.00 0.00 0.00 1/1 100\n');
    expect(run('/proc/version')).toBe('Linux version 6.17.0-sudsim (sudsim@sudsim) (sudsim) #1 SMP PREEMPT_DYNAMIC sudsim\n');
  });

  it('renames the machine through /proc/sys/kernel/hostname as uname then reports, and refuses what proc_dointvec_minmax refuses', () => {
    expect(run('-uname', '-w', '/proc/sys/kernel/hostname', 'box\n', '-uname', '/proc/sys/kernel/hostname')).toBe('sudsim (none)\nwrite 4\nbox (none)\nbox\n');
    expect(run('-w', '/proc/sys/vm/overcommit_memory', '3', '-w', '/proc/sys/vm/overcommit_memory', '2', '/proc/sys/vm/overcommit_memory')).toBe('write -1\nwrite 1\n2\n');
    expect(run('-w', '/proc/sys/fs/pipe-max-size', '5000', '/proc/sys/fs/pipe-max-size')).toBe('write 4\n8192\n');
  });
});
