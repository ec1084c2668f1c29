/**
 * The tree of /proc and /sys as a process sees them (fs/proc/root.c,
 * base.c, fd.c, proc_sysctl.c; sysfs's cpu directory): which entries
 * exist, with their modes, link counts and link targets, and which file
 * shows what. /proc holds a directory per process (listed by its thread
 * group id; each thread's id resolves too, unlisted, as on Linux) with a
 * task/ directory per thread, the links self and thread-self, the
 * system-wide files and /proc/sys; /sys the CPU files glibc's sysconf
 * reads. Per-process contents are src/kernel/proc_pid.ts's, system-wide
 * ones src/kernel/proc_system.ts's.
 */
import { EACCES, EINVAL, EIO } from './errno.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { components, type Node, type ProcFile, type ProcTree } from './vfs.js';
import { procMaps } from './proc_maps.js';
import { openMem } from './proc_mem.js';
import {
  commWrite, doTaskStat, fdLinks, leaderOf, loginuidWrite, oomScoreAdjWrite, procFdinfo, procPidAuxv, procPidCmdline, procPidEnviron,
  procPidLimits, procPidStatm, procPidStatus,
} from './proc_pid.js';
import { filesystemsProcShow, loadavgProcShow, meminfoProcShow, showStat, uptimeProcShow, versionProcShow } from './proc_system.js';
import { showCpuinfo } from './cpuinfo.js';
import { sysfsCpuDir, type SysfsTable } from './topology.js';
import { showMountinfo, showVfsmnt } from './mounts.js';
import { SYSCTL, type SysctlEntry, type SysctlTable } from './sysctl.js';

const enc = new TextEncoder();
const text = (f: () => string): (() => Uint8Array) => () => enc.encode(f());

/** A read-only file of /proc (proc_reg_write without a handler: EIO). */
const procFile = (show: () => Uint8Array): ProcFile => ({ mode: 0o444, show, denyWrite: EIO });

/** A per-process file without a write method (EINVAL), of mode 0444 or 0400. */
const pidFile = (show: () => Uint8Array, mode = 0o444): ProcFile => ({ mode, show, denyWrite: EINVAL });

const dir = (path: string, mode: number, nlink: number, size = 0): Node => ({ kind: 'dir', path, proc: { mode, nlink, size } });
const link = (path: string, target: string, mode = 0o777, size = 0): Node => ({ kind: 'link', path, target, proc: { mode, size } });
const file = (path: string, proc: ProcFile): Node => ({ kind: 'file', path, data: new Uint8Array(0), proc });

/** The entries of a process's directory (tgid_base_stuff, in its order); a thread's lack task. */
const PID_ENTRIES = [
  'task', 'fd', 'fdinfo', 'environ', 'auxv', 'status', 'limits', 'comm', 'cmdline', 'stat', 'statm', 'maps', 'mem',
  'cwd', 'root', 'exe', 'mounts', 'mountinfo', 'oom_score_adj', 'loginuid',
];
const TID_ENTRIES = PID_ENTRIES.filter((n) => n !== 'task');
/** The subdirectories among them (pid_entry_nlink counts them). */
const PID_SUBDIRS = ['task', 'fd', 'fdinfo'];

/** /proc's own entries (besides the processes), by name. */
const ROOT_ENTRIES = ['cpuinfo', 'filesystems', 'loadavg', 'meminfo', 'mounts', 'self', 'stat', 'sys', 'thread-self', 'uptime', 'version'];

/** /sys's tree: the CPU directory glibc reads (src/kernel/topology.ts), made once per CPU count. */
const SYSFS = new Map<number, SysfsTable>();
function sysfs(k: Kernel): SysfsTable {
  let t = SYSFS.get(k.nrCpuIds);
  if (!t) SYSFS.set(k.nrCpuIds, (t = { devices: { system: { cpu: sysfsCpuDir(k.nrCpuIds) } } }));
  return t;
}
/** A sysfs attribute's size as stat reports it (a page: kernfs sets it so for every attribute). */
const SYSFS_ATTR_SIZE = 4096;

/** The entry at a path of names under a table, or undefined. */
function walk<T>(table: { [name: string]: T }, names: string[]): T | { [name: string]: T } | undefined {
  let at: unknown = table;
  for (const n of names) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, n)) return undefined;
    at = (at as Record<string, unknown>)[n];
  }
  return at as T;
}

const isSysctlEntry = (e: SysctlTable | SysctlEntry): e is SysctlEntry => typeof (e as SysctlEntry).show === 'function';

/** /proc and /sys for the current task of k. */
export function procTree(k: Kernel): ProcTree {
  return {
    node: (path) => procNode(k, path),
    names: (d) => procNames(k, d),
  };
}

/**
 * A live or zombie task by its id (undefined for any other name): digits
 * without a leading zero, read here (a regular expression's match and
 * Number cost more than the loop).
 */
function taskNamed(k: Kernel, name: string | undefined): Task | undefined {
  if (name === undefined || name.length === 0 || name.charCodeAt(0) === 0x30) return undefined;
  let id = 0;
  for (let i = 0; i < name.length; i++) {
    const digit = name.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    id = id * 10 + digit;
  }
  return k.tasks.get(id);
}

function processCount(k: Kernel): number {
  let n = 0;
  for (const t of k.tasks.values()) if (t.tid === t.tgid) n++;
  return n;
}

function procNode(k: Kernel, path: string): Node | undefined {
  if (path === '/sys' || path.startsWith('/sys/')) return sysfsNode(k, path);
  if (path === '/proc') return dir(path, 0o555, 2 + 1 + processCount(k));
  const parts = components(path.slice(6));
  const me = k.current;
  switch (parts[0]) {
    case 'self': return parts.length === 1 ? link(path, `${me.tgid}`) : undefined;
    case 'thread-self': return parts.length === 1 ? link(path, `${me.tgid}/task/${me.tid}`) : undefined;
    case 'mounts': return parts.length === 1 ? link(path, 'self/mounts', 0o777, 'self/mounts'.length) : undefined;
    case 'sys': return sysctlNode(path, parts.slice(1), k);
  }
  if (parts.length === 1) {
    const show = systemFile(k, parts[0]);
    if (show) return file(path, procFile(show));
  }
  const t = taskNamed(k, parts[0]);
  if (!t) return undefined;
  if (parts.length === 1) return dir(path, 0o555, 2 + PID_SUBDIRS.length);
  if (parts[1] === 'task') {
    if (parts.length === 2) return dir(path, 0o555, 2 + [...k.tasks.values()].filter((x) => x.tgid === t.tgid).length);
    const thread = taskNamed(k, parts[2]);
    if (!thread || thread.tgid !== t.tgid) return undefined;
    if (parts.length === 3) return dir(path, 0o555, 2 + PID_SUBDIRS.length - 1);
    return pidNode(k, thread, path, parts.slice(3), false);
  }
  return pidNode(k, t, path, parts.slice(1), true);
}

/** A system-wide file of /proc by name. */
function systemFile(k: Kernel, name: string): (() => Uint8Array) | undefined {
  switch (name) {
    case 'cpuinfo': return text(() => showCpuinfo(k.nrCpuIds));
    case 'filesystems': return text(filesystemsProcShow);
    case 'loadavg': return text(() => loadavgProcShow(k));
    case 'meminfo': return text(() => meminfoProcShow(k));
    case 'stat': return text(() => showStat(k));
    case 'uptime': return text(() => uptimeProcShow(k));
    case 'version': return text(() => versionProcShow(k));
  }
  return undefined;
}

/** An entry of a process's (whole) or a thread's directory, or under its fd and fdinfo. */
function pidNode(k: Kernel, t: Task, path: string, rest: string[], whole: boolean): Node | undefined {
  const [name, sub] = rest;
  if (!(whole ? PID_ENTRIES : TID_ENTRIES).includes(name) || rest.length > 2) return undefined;
  const live = t.state !== 'zombie';
  if (name === 'fd' || name === 'fdinfo') {
    const links = fdLinks(t);
    if (sub === undefined) return name === 'fd' ? dir(path, 0o500, 2, links.size) : dir(path, 0o555, 2);
    if (!/^(0|[1-9][0-9]*)$/.test(sub)) return undefined;
    const fd = Number(sub);
    const l = links.get(fd);
    if (!l) return undefined;
    // the link's size is what tid_fd_revalidate gives every fd inode
    if (name === 'fd') return { kind: 'link', path, target: l.target, proc: { mode: l.mode, size: 64 }, jump: l.jump };
    return file(path, pidFile(text(() => procFdinfo(k, t, fd) ?? '')));
  }
  if (sub !== undefined) return undefined;
  switch (name) {
    // a zombie's links name nothing (its mm and fs are gone)
    case 'exe': {
      if (!live || !t.mm.exePath) return undefined;
      // proc_exe_link jumps to the file itself: once it has no name, it still opens and runs
      // (the image's bytes, which the address space holds)
      const mm = t.mm;
      if (mm.exeFile === undefined || mm.exeFile.nlink !== 0 || mm.exe === undefined) return link(path, mm.exePath);
      return { kind: 'link', path, target: mm.exeName(), proc: { mode: 0o777, size: 0 }, jump: { kind: 'file', path: mm.exePath, data: mm.exe } };
    }
    case 'cwd': return live ? link(path, leaderOf(k, t).cwd) : undefined;
    case 'root': return live ? link(path, '/') : undefined;
    case 'environ': return file(path, pidFile(() => procPidEnviron(t), 0o400));
    case 'auxv': return file(path, pidFile(() => procPidAuxv(t), 0o400));
    case 'status': return file(path, pidFile(text(() => procPidStatus(k, t))));
    case 'limits': return file(path, pidFile(text(() => procPidLimits(k, t))));
    case 'cmdline': return file(path, pidFile(() => procPidCmdline(t)));
    case 'stat': return file(path, pidFile(text(() => doTaskStat(k, t, whole))));
    case 'statm': return file(path, pidFile(text(() => procPidStatm(k, t))));
    case 'maps': return file(path, pidFile(() => (live ? procMaps(t.mm) : new Uint8Array(0))));
    case 'mem': return file(path, { ...pidFile(() => new Uint8Array(0), 0o600), open: () => openMem(k, t) });
    case 'mounts': return file(path, pidFile(text(showVfsmnt)));
    case 'mountinfo': return file(path, pidFile(text(showMountinfo)));
    case 'comm':
      return file(path, { mode: 0o644, show: text(() => `${t.comm}\n`), write: (data) => commWrite(k, t, data), denyWrite: EINVAL });
    case 'oom_score_adj':
      return file(path, { mode: 0o644, show: text(() => `${leaderOf(k, t).oomScoreAdj}\n`), write: (data) => oomScoreAdjWrite(k, t, data), denyWrite: EINVAL });
    // "%u" without a newline (proc_loginuid_read)
    case 'loginuid':
      return file(path, { mode: 0o644, show: text(() => `${t.loginuid}`), write: (data, pos) => loginuidWrite(t, data, pos), denyWrite: EINVAL });
  }
  return undefined;
}

/** A node of /proc/sys: directories of mode 0555 and link count 1 (as proc_sys makes them), entries 0644 or 0444. */
function sysctlNode(path: string, names: string[], k: Kernel): Node | undefined {
  const e = walk<SysctlTable | SysctlEntry>(SYSCTL, names.filter((n) => n !== ''));
  if (e === undefined) return undefined;
  if (!isSysctlEntry(e as SysctlTable | SysctlEntry)) return dir(path, 0o555, 1);
  const entry = e as SysctlEntry;
  const write = entry.write;
  return file(path, {
    mode: write ? 0o644 : 0o444,
    show: text(() => entry.show(k)),
    write: write && ((data: Uint8Array) => {
      write(k, new TextDecoder('latin1').decode(data));
      return data.length;
    }),
    denyWrite: EACCES,
  });
}

/** A node of /sys: kernfs directories (0755, /sys itself 0555; two links and one per subdirectory), attributes 0444 of a page's size. */
function sysfsNode(k: Kernel, path: string): Node | undefined {
  const names = components(path).slice(2);
  const e = walk<SysfsTable | string>(sysfs(k), names);
  if (e === undefined) return undefined;
  if (typeof e === 'string') {
    return { kind: 'file', path, data: new Uint8Array(0), proc: { mode: 0o444, show: () => enc.encode(e), denyWrite: EACCES, size: SYSFS_ATTR_SIZE } };
  }
  const subdirs = Object.values(e).filter((v) => typeof v === 'object').length;
  return dir(path, path === '/sys' ? 0o555 : 0o755, 2 + subdirs);
}

/** The names in a directory of /proc or /sys, in readdir's order. */
function procNames(k: Kernel, d: string): string[] {
  if (d === '/sys' || d.startsWith('/sys/')) {
    const e = walk<SysfsTable | string>(sysfs(k), components(d).slice(2));
    return typeof e === 'object' ? Object.keys(e).sort() : [];
  }
  if (d === '/proc') {
    // the fixed entries, then each process by its thread group id
    const pids = [...k.tasks.values()].filter((t) => t.tid === t.tgid).map((t) => t.tid).sort((a, b) => a - b);
    return [...ROOT_ENTRIES, ...pids.map(String)];
  }
  const parts = components(d.slice(6));
  if (parts[0] === 'sys') {
    const e = walk<SysctlTable | SysctlEntry>(SYSCTL, parts.slice(1));
    return e && !isSysctlEntry(e as SysctlTable | SysctlEntry) ? Object.keys(e).sort() : [];
  }
  const t = taskNamed(k, parts[0]);
  if (!t) return [];
  let rest = parts.slice(1);
  let task = t;
  let whole = true;
  if (rest[0] === 'task') {
    if (rest.length === 1) return [...k.tasks.values()].filter((x) => x.tgid === t.tgid).map((x) => x.tid).sort((a, b) => a - b).map(String);
    const thread = taskNamed(k, rest[1]);
    if (!thread) return [];
    task = thread;
    whole = false;
    rest = rest.slice(2);
  }
  if (rest.length === 0) return whole ? PID_ENTRIES : TID_ENTRIES;
  if (rest.length === 1 && (rest[0] === 'fd' || rest[0] === 'fdinfo')) return [...fdLinks(task).keys()].sort((a, b) => a - b).map(String);
  return [];
}

