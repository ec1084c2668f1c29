/**
 * The system-wide files of /proc: meminfo (the machine's 1 GiB, free
 * memory as the engine's frame allocator counts it), stat, uptime and
 * loadavg (from the virtual clock: the busy time is every retired
 * instruction and syscall, each CPU's the part its tasks ran, src/kernel/task_cpu.ts;
 * a CPU is idle the rest of the time), version
 * (uname's fields), filesystems (the types the machine mounts). cpuinfo
 * is src/kernel/cpuinfo.ts's, mounts src/kernel/mounts.ts's.
 */
import type { Kernel } from './kernel.js';
import type { AddressSpace } from './mm.js';
import { PROT_WRITE } from './mm.js';
import { TmpFile } from './tmpfs.js';
import { UTS_VERSION } from './sysctl.js';
import { NSEC_PER_CLOCK_T } from './syscalls/time.js';

/** The machine's memory, 1 GiB, in 4 KiB pages (what sysinfo's totalram reports). */
const TOTAL_PAGES = (1 << 30) / 4096;
/** VMALLOC_SIZE on x86-64 with 4-level paging (32 TiB), as meminfo shows it. */
const VMALLOC_TOTAL_KB = ((32n << 40n) - 1n) >> 10n;
/** overcommit_ratio's default: half of memory may be committed (no swap). */
const OVERCOMMIT_RATIO = 50;

const NS_PER_S = 1_000_000_000n;

/** The address spaces of the live processes, each once. */
function liveSpaces(k: Kernel): Set<AddressSpace> {
  const out = new Set<AddressSpace>();
  for (const t of k.tasks.values()) if (t.state !== 'zombie') out.add(t.mm);
  return out;
}

/** Tasks able to run (nr_running). */
function nrRunning(k: Kernel): number {
  let n = 0;
  for (const t of k.tasks.values()) if (t.state === 'runnable') n++;
  return n;
}

/** /proc/meminfo (meminfo_proc_show): the counts the machine keeps; what it does not have (swap, huge pages, slab) is zero. */
export function meminfoProcShow(k: Kernel): string {
  const used = k.framesUsed();
  const free = Math.max(0, TOTAL_PAGES - used);
  let shmem = 0;
  for (const e of k.tmp?.entries.values() ?? []) if (e instanceof TmpFile) shmem += Math.ceil(e.size / 4096);
  // Committed_AS: the private writable memory the processes have mapped
  let committed = 0;
  for (const mm of liveSpaces(k)) for (const v of mm.vmas) if (!v.shared && (v.prot & PROT_WRITE)) committed += Number((v.end - v.start) / 4096n);
  const anon = Math.max(0, used - shmem);
  const kb = (label: string, pages: number | bigint, unit = true): string =>
    `${`${label}:`.padEnd(16)}${String(unit ? BigInt(pages) * 4n : pages).padStart(8)}${unit ? ' kB' : ''}\n`;
  const kbRaw = (label: string, kbs: bigint): string => `${`${label}:`.padEnd(16)}${String(kbs).padStart(8)} kB\n`;
  return [
    kb('MemTotal', TOTAL_PAGES), kb('MemFree', free), kb('MemAvailable', free), kb('Buffers', 0), kb('Cached', shmem),
    kb('SwapCached', 0), kb('Active', anon + shmem), kb('Inactive', 0), kb('Active(anon)', anon + shmem), kb('Inactive(anon)', 0),
    kb('Active(file)', 0), kb('Inactive(file)', 0), kb('Unevictable', 0), kb('Mlocked', 0), kb('SwapTotal', 0), kb('SwapFree', 0),
    kb('Zswap', 0), kb('Zswapped', 0), kb('Dirty', 0), kb('Writeback', 0), kb('AnonPages', anon), kb('Mapped', 0), kb('Shmem', shmem),
    kb('KReclaimable', 0), kb('Slab', 0), kb('SReclaimable', 0), kb('SUnreclaim', 0), kb('KernelStack', 0), kb('PageTables', 0),
    kb('SecPageTables', 0), kb('NFS_Unstable', 0), kb('Bounce', 0), kb('WritebackTmp', 0),
    kb('CommitLimit', (TOTAL_PAGES * OVERCOMMIT_RATIO) / 100), kb('Committed_AS', committed),
    kbRaw('VmallocTotal', VMALLOC_TOTAL_KB), kb('VmallocUsed', 0), kb('VmallocChunk', 0), kb('Percpu', 0),
    kb('AnonHugePages', 0), kb('ShmemHugePages', 0), kb('ShmemPmdMapped', 0), kb('FileHugePages', 0), kb('FilePmdMapped', 0),
    kb('Balloon', 0), kb('HugePages_Total', 0, false), kb('HugePages_Free', 0, false), kb('HugePages_Rsvd', 0, false),
    kb('HugePages_Surp', 0, false), kbRaw('Hugepagesize', 2048n), kb('Hugetlb', 0),
    // the engine maps every page of memory 4 KiB at a time
    kb('DirectMap4k', TOTAL_PAGES), kb('DirectMap2M', 0), kb('DirectMap1G', 0),
  ].join('');
}

/** A /proc/stat cpu line's times from busy and idle ns: all of the busy time user time. */
const cpuTimes = (busy: bigint, idle: bigint): string => `${busy / NSEC_PER_CLOCK_T} 0 0 ${idle / NSEC_PER_CLOCK_T} 0 0 0 0 0 0`;

/**
 * The idle time of every CPU together (ns): each CPU has been up since
 * boot, and was idle whenever no task ran on it (src/kernel/task_cpu.ts).
 */
const allIdleNs = (k: Kernel): bigint => BigInt(k.nrCpuIds) * k.clockNs() - (k.clockNs() - k.idleNs());

/**
 * /proc/stat (show_stat): each CPU's time, all of it user or idle: a CPU
 * is busy while a task on it runs (tasks run one at a time, so the busy
 * times add up to the machine's) and idle the rest of the time since
 * boot; the first line sums them. The machine takes no interrupts and
 * does not count context switches (0).
 */
export function showStat(k: Kernel): string {
  const busy = k.cpuBusy();
  const now = k.clockNs();
  const total = busy.reduce((a, b) => a + b, 0n);
  return [
    `cpu  ${cpuTimes(total, allIdleNs(k))}`,
    ...busy.map((b, cpu) => `cpu${cpu} ${cpuTimes(b, now - b)}`),
    'intr 0',
    'ctxt 0',
    `btime ${k.epochNs / NS_PER_S}`,
    `processes ${k.forks()}`,
    `procs_running ${nrRunning(k)}`,
    'procs_blocked 0',
    'softirq 0 0 0 0 0 0 0 0 0 0 0',
    '',
  ].join('\n');
}

/** "%lu.%02lu" of a time in ns. */
const secs = (ns: bigint): string => `${ns / NS_PER_S}.${String((ns % NS_PER_S) / 10_000_000n).padStart(2, '0')}`;

/** /proc/uptime (uptime_proc_show): time since boot, and the idle time of every CPU together. */
export function uptimeProcShow(k: Kernel): string {
  return `${secs(k.clockNs())} ${secs(allIdleNs(k))}\n`;
}

/** /proc/loadavg (loadavg_proc_show): the averages, runnable and all tasks, the last pid given. */
export function loadavgProcShow(k: Kernel): string {
  const running = nrRunning(k);
  k.loadAvg.update(k.clockNs(), running);
  return `${k.loadAvg.show()} ${running}/${k.tasks.size} ${k.lastPid()}\n`;
}

/** /proc/version (version_proc_show): linux_proc_banner with uname's release and version. */
export function versionProcShow(k: Kernel): string {
  return `Linux version ${k.unameRelease} (sudsim@sudsim) (sudsim) ${UTS_VERSION}\n`;
}

/** /proc/filesystems: the types the machine's mounts and descriptors are of, in Linux's registration order. */
export function filesystemsProcShow(): string {
  return 'nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tsockfs\nnodev\tpipefs\n\text4\n';
}
