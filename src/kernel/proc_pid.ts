/**
 * The files of /proc/<pid>/ and /proc/<pid>/task/<tid>/ as fs/proc/array.c
 * and fs/proc/base.c print them: status (proc_pid_status), stat
 * (do_task_stat's 52 fields), statm, cmdline and environ (the strings as
 * they lie in the process's memory now), auxv (the vector the loader
 * wrote on the stack), limits, comm (which the process may rename itself
 * through), oom_score_adj, loginuid, fdinfo, and what the fd links read.
 * A process's times are the machine's clock, as getrusage and times count
 * them (all user time).
 */
import { PF_X, PT_LOAD } from './elf.js';
import { parseElfOnce } from './exec.js';
import { FILE_PAGES, PROT_EXEC, PROT_WRITE, SHARED_ANON, type AddressSpace } from './mm.js';
import type { Kernel } from './kernel.js';
import { Task, commFrom } from './task.js';
import { copyFromUser, readU64 } from './uaccess.js';
import { Errno, EINVAL } from './errno.js';
import { FileStream, DirStream, DeviceStream } from './file_streams.js';
import { O_ACCMODE, O_CLOEXEC, O_RDONLY, O_WRONLY } from './files.js';
import { NSEC_PER_CLOCK_T } from './syscalls/time.js';
import { kstatOfFile } from './syscalls/stat.js';
import { cpumaskHex, cpumaskList } from './cpumask.js';
import { taskCpu } from './task_cpu.js';
import { FifoEnd, PipeEnd, PipefsInode, StreamInode } from './pipe.js';
import type { Node } from './vfs.js';

const hex16 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');
const RLIM_INFINITY = (1n << 64n) - 1n;
/** PF_EXITING and PF_FORKNOEXEC (include/linux/sched.h). */
const PF_EXITING = 0x4;
const PF_FORKNOEXEC = 0x40;
const SIGCHLD = 17;

/** The thread group's leader (the task itself once the leader is gone). */
export function leaderOf(k: Kernel, t: Task): Task {
  return k.tasks.get(t.tgid) ?? t;
}

function liveThreads(k: Kernel, tgid: number): number {
  let n = 0;
  for (const x of k.tasks.values()) if (x.tgid === tgid && x.state !== 'zombie') n++;
  return n;
}

/** The state letter and name (task_state_array) of a task. */
function taskState(t: Task): [string, string] {
  if (t.state === 'zombie') return ['Z', 'zombie'];
  if (t.ptraceStop) return ['t', 'tracing stop'];
  if (t.jobStop) return ['T', 'stopped'];
  if (t.state === 'blocked') return ['S', 'sleeping'];
  return ['R', 'running'];
}

/** The ignored and caught signal sets of a task's dispositions. */
function dispositions(t: Task): [bigint, bigint] {
  let ignored = 0n;
  let caught = 0n;
  t.sighand.actions.forEach((a, n) => {
    if (n === 0) return;
    if (a.handler === 1n) ignored |= 1n << BigInt(n - 1);
    else if (a.handler !== 0n) caught |= 1n << BigInt(n - 1);
  });
  return [ignored, caught];
}

/** What an address space's pages add up to, in pages (task_statm's counts). */
interface MmCounts {
  /** total_vm */
  size: number;
  /** Pages present: of files and shared memory, and anonymous. */
  shared: number;
  anon: number;
  /** data_vm + stack_vm: private writable mappings. */
  data: number;
}

function mmCounts(k: Kernel, mm: AddressSpace): MmCounts {
  const c: MmCounts = { size: 0, shared: 0, anon: 0, data: 0 };
  for (const v of mm.vmas) {
    const pages = Number((v.end - v.start) / 4096n);
    c.size += pages;
    if (!v.shared && (v.prot & PROT_WRITE)) c.data += pages;
    const fileBacked = v.shared || v.name === FILE_PAGES || v.name === SHARED_ANON || v.file !== 0;
    for (let a = v.start; a < v.end; a += 4096n) {
      if ((k.engine.x.ptGet(mm.root, a) & ~0xfff) === 0) continue;
      if (fileBacked) c.shared++;
      else c.anon++;
    }
  }
  return c;
}

/** The executable's code and data bounds (mm->start_code, end_code, start_data, end_data) as binfmt_elf sets them. */
function codeBounds(mm: AddressSpace): { startCode: bigint; endCode: bigint; startData: bigint; endData: bigint } {
  const b = { startCode: 0n, endCode: 0n, startData: 0n, endData: 0n };
  if (!mm.exe) return b;
  const elf = parseElfOnce(mm.exe);
  const bias = mm.exeBias;
  let startCode = -1n;
  for (const p of elf.phdrs) {
    if (p.type !== PT_LOAD) continue;
    const start = p.vaddr + bias;
    const end = start + p.filesz;
    if ((p.flags & PF_X) && (startCode < 0n || start < startCode)) startCode = start;
    if ((p.flags & PF_X) && end > b.endCode) b.endCode = end;
    if (start > b.startData) b.startData = start;
    if (end > b.endData) b.endData = end;
  }
  b.startCode = startCode < 0n ? 0n : startCode;
  return b;
}

/** /proc/<pid>/status (proc_pid_status): the task's identity, credentials, memory, threads and signals. */
export function procPidStatus(k: Kernel, t: Task): string {
  const leader = leaderOf(k, t);
  const c = t.cred;
  const [ignored, caught] = dispositions(t);
  const [letter, name] = taskState(t);
  const caps = c.euid === 0 ? '000001ffffffffff' : '0000000000000000';
  const fds = t.files.fds();
  const lines = [
    `Name:\t${t.comm}`,
    `Umask:\t${leader.umask.toString(8).padStart(4, '0')}`,
    `State:\t${letter} (${name})`,
    `Tgid:\t${t.tgid}`,
    'Ngid:\t0',
    `Pid:\t${t.tid}`,
    `PPid:\t${t.ppid}`,
    `TracerPid:\t${t.tracer ?? 0}`,
    `Uid:\t${c.uid}\t${c.euid}\t${c.suid}\t${c.fsuid}`,
    `Gid:\t${c.gid}\t${c.egid}\t${c.sgid}\t${c.fsgid}`,
    `FDSize:\t${Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(...fds, 0) + 1)))}`,
    `Groups:\t${c.groups.map((g) => `${g} `).join('')}`,
    `NStgid:\t${t.tgid}`,
    `NSpid:\t${t.tid}`,
    `NSpgid:\t${t.pgid}`,
    `NSsid:\t${t.sid}`,
    'Kthread:\t0',
  ];
  if (t.state !== 'zombie') {
    const m = mmCounts(k, t.mm);
    const kb = (pages: number): string => `${String(pages * 4).padStart(8)} kB`;
    const b = codeBounds(t.mm);
    const text = Number(((b.endCode + 4095n) & ~4095n) - (b.startCode & ~4095n)) / 4096;
    const stack = t.mm.vmas.filter((v) => v.name === '[stack]').reduce((n, v) => n + Number((v.end - v.start) / 4096n), 0);
    const exec = t.mm.vmas.filter((v) => (v.prot & PROT_EXEC) && !(v.prot & PROT_WRITE)).reduce((n, v) => n + Number((v.end - v.start) / 4096n), 0);
    lines.push(
      `VmPeak:\t${kb(m.size)}`, `VmSize:\t${kb(m.size)}`, `VmLck:\t${kb(0)}`, `VmPin:\t${kb(0)}`,
      `VmHWM:\t${kb(m.shared + m.anon)}`, `VmRSS:\t${kb(m.shared + m.anon)}`,
      `RssAnon:\t${kb(m.anon)}`, `RssFile:\t${kb(m.shared)}`, `RssShmem:\t${kb(0)}`,
      `VmData:\t${kb(m.data - stack)}`, `VmStk:\t${kb(stack)}`, `VmExe:\t${kb(text)}`, `VmLib:\t${kb(Math.max(0, exec - text))}`,
      `VmPTE:\t${kb(0)}`, `VmSwap:\t${kb(0)}`, `HugetlbPages:\t${kb(0)}`,
    );
  }
  lines.push(
    `CoreDumping:\t0`,
    'THP_enabled:\t1',
    'untag_mask:\t0xffffffffffffffff',
    `Threads:\t${liveThreads(k, t.tgid)}`,
    `SigQ:\t${t.sig.more.length + t.shared.more.length}/${leader.rlimits[2 * 11]}`,
    `SigPnd:\t${hex16(t.sig.set())}`,
    `ShdPnd:\t${hex16(t.shared.set())}`,
    `SigBlk:\t${hex16(t.sig.blocked)}`,
    `SigIgn:\t${hex16(ignored)}`,
    `SigCgt:\t${hex16(caught)}`,
    'CapInh:\t0000000000000000',
    `CapPrm:\t${caps}`,
    `CapEff:\t${caps}`,
    'CapBnd:\t000001ffffffffff',
    'CapAmb:\t0000000000000000',
    `NoNewPrivs:\t${t.noNewPrivs ? 1 : 0}`,
    `Seccomp:\t${t.seccompMode}`,
    `Seccomp_filters:\t${seccompFilters(t)}`,
    `Cpus_allowed:\t${cpumaskHex(t.cpusAllowed, k.nrCpuIds)}`,
    `Cpus_allowed_list:\t${cpumaskList(t.cpusAllowed)}`,
  );
  return lines.join('\n') + '\n';
}

/**
 * /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat (do_task_stat): whole
 * for the process (its threads' counts and its leader's identity), else
 * the one thread.
 */
export function doTaskStat(k: Kernel, t: Task, whole: boolean): string {
  const leader = leaderOf(k, t);
  const mm = t.mm;
  const live = t.state !== 'zombie';
  const [ignored, caught] = dispositions(t);
  const pending = whole ? t.sig.set() | t.shared.set() : t.sig.set();
  const low31 = (s: bigint): bigint => s & 0x7fffffffn;
  const m = live ? mmCounts(k, mm) : { size: 0, shared: 0, anon: 0, data: 0 };
  const b = live ? codeBounds(mm) : { startCode: 0n, endCode: 0n, startData: 0n, endData: 0n };
  // user time as getrusage reports it (the thread's own in a task/ directory); no system time
  const utime = (whole ? k.processCpuNs(t.tgid) : k.threadCpuNs(t)) / NSEC_PER_CLOCK_T;
  const cutime = whole ? (t.cpuTotals?.children ?? 0n) / NSEC_PER_CLOCK_T : 0n;
  const flags = (live ? 0 : PF_EXITING) | (t.forkNoExec ? PF_FORKNOEXEC : 0);
  const exitCode = t.end ? (t.end.kind === 'exited' ? t.end.status << 8 : t.end.signal) : 0;
  const fields: (string | number | bigint)[] = [
    t.tid, `(${t.comm})`, taskState(t)[0], t.ppid, t.pgid, t.sid, 0, -1, flags,
    0, 0, 0, 0, // minflt, cminflt, majflt, cmajflt
    utime, 0, cutime, 0, // utime, stime, cutime, cstime
    20 + t.nice, t.nice, liveThreads(k, t.tgid), 0,
    t.startTime / NSEC_PER_CLOCK_T,
    BigInt(m.size) * 4096n, m.shared + m.anon, leader.rlimits[2 * 5],
    live ? b.startCode : 0, live ? b.endCode : 0, live ? mm.startStack : 0,
    0, 0, // kstkesp, kstkeip: shown only for a task dumping core
    low31(pending), low31(t.sig.blocked), low31(ignored), low31(caught),
    t.state === 'blocked' ? 1 : 0, 0, 0,
    // exit_signal, the CPU the task is on, rt_priority, policy, delayacct_blkio_ticks, guest_time, cguest_time
    t.tid === t.tgid ? SIGCHLD : -1, taskCpu(t), 0, 0, 0, 0, 0,
    live ? b.startData : 0, live ? b.endData : 0, live ? mm.brkStart : 0,
    live ? mm.argStart : 0, live ? mm.argEnd : 0, live ? mm.argEnd : 0, live ? mm.envEnd : 0,
    exitCode,
  ];
  return fields.join(' ') + '\n';
}

/** /proc/<pid>/statm (proc_pid_statm): size, resident, shared, text, lib (0), data, dt (0), in pages. */
export function procPidStatm(k: Kernel, t: Task): string {
  if (t.state === 'zombie') return '0 0 0 0 0 0 0\n';
  const m = mmCounts(k, t.mm);
  const b = codeBounds(t.mm);
  const text = Number(((b.endCode + 4095n) & ~4095n) - (b.startCode & ~4095n)) / 4096;
  return `${m.size} ${m.shared + m.anon} ${m.shared} ${text} 0 ${m.data} 0\n`;
}

/** The bytes from start to end of a process's memory (a zombie's, or an unreadable range's, are none). */
function userRange(t: Task, start: bigint, end: bigint): Uint8Array {
  if (t.state === 'zombie' || end <= start) return new Uint8Array(0);
  try {
    return copyFromUser(t.mm, start, Number(end - start));
  } catch {
    return new Uint8Array(0);
  }
}

/** /proc/<pid>/cmdline: the argument strings as they lie in memory now. */
export const procPidCmdline = (t: Task): Uint8Array => userRange(t, t.mm.argStart, t.mm.argEnd);

/** /proc/<pid>/environ: the environment strings as they lie in memory now. */
export const procPidEnviron = (t: Task): Uint8Array => userRange(t, t.mm.argEnd, t.mm.envEnd);

/** /proc/<pid>/auxv: the auxiliary vector's pairs, AT_NULL's included, read from where the loader wrote them. */
export function procPidAuxv(t: Task): Uint8Array {
  if (t.state === 'zombie' || t.mm.auxv === 0n) return new Uint8Array(0);
  let at = t.mm.auxv;
  try {
    while (readU64(t.mm, at) !== 0n) at += 16n;
  } catch {
    return new Uint8Array(0);
  }
  return userRange(t, t.mm.auxv, at + 16n);
}

/** Each resource's name and unit in /proc/<pid>/limits (lnames[] of fs/proc/base.c). */
const LIMIT_NAMES: [string, string][] = [
  ['Max cpu time', 'seconds'], ['Max file size', 'bytes'], ['Max data size', 'bytes'], ['Max stack size', 'bytes'],
  ['Max core file size', 'bytes'], ['Max resident set', 'bytes'], ['Max processes', 'processes'], ['Max open files', 'files'],
  ['Max locked memory', 'bytes'], ['Max address space', 'bytes'], ['Max file locks', 'locks'], ['Max pending signals', 'signals'],
  ['Max msgqueue size', 'bytes'], ['Max nice priority', ''], ['Max realtime priority', ''], ['Max realtime timeout', 'us'],
];

/** /proc/<pid>/limits (proc_pid_limits). */
export function procPidLimits(k: Kernel, t: Task): string {
  const r = leaderOf(k, t).rlimits;
  const v = (x: bigint): string => (x === RLIM_INFINITY ? 'unlimited' : x.toString()).padEnd(20);
  let out = `${'Limit'.padEnd(25)} ${'Soft Limit'.padEnd(20)} ${'Hard Limit'.padEnd(20)} ${'Units'.padEnd(10)}\n`;
  LIMIT_NAMES.forEach(([name, unit], i) => {
    out += `${name.padEnd(25)} ${v(r[2 * i])} ${v(r[2 * i + 1])} ${unit ? unit.padEnd(10) : ''}\n`;
  });
  return out;
}

/**
 * comm_write: a process renames its own threads (the first 15 bytes, as
 * PR_SET_NAME takes them); another process's are EINVAL.
 */
export function commWrite(k: Kernel, t: Task, data: Uint8Array): number {
  if (k.current.tgid !== t.tgid) throw new Errno(EINVAL);
  t.comm = commFrom(data, 0);
  return data.length;
}

/** kstrtoint's parse: a decimal integer, a newline allowed after it. */
function kstrtoint(data: Uint8Array): number {
  const m = /^([-+]?[0-9]+)\n?$/.exec(new TextDecoder('latin1').decode(data));
  if (!m) throw new Errno(EINVAL);
  return Number(m[1]);
}

/** /proc/<pid>/oom_score_adj's write: -1000 to 1000, for the whole process. */
export function oomScoreAdjWrite(k: Kernel, t: Task, data: Uint8Array): number {
  const v = kstrtoint(data);
  if (v < -1000 || v > 1000) throw new Errno(EINVAL);
  leaderOf(k, t).oomScoreAdj = v;
  return data.length;
}

/** /proc/<pid>/loginuid's write (root has CAP_AUDIT_CONTROL): from the start of the file only. */
export function loginuidWrite(t: Task, data: Uint8Array, pos: number): number {
  if (pos !== 0) throw new Errno(EINVAL);
  const v = kstrtoint(data);
  if (v < 0 || v > 0xffffffff) throw new Errno(EINVAL);
  t.loginuid = v;
  return data.length;
}

/** A descriptor's /proc/<pid>/fd link: what it reads, and its mode (read and write bits as the file was opened for). */
export interface FdLink {
  target: string;
  mode: number;
  /**
   * Where following the link leads when that is no path (proc_fd_link's
   * nd_jump_link): an anonymous pipe's inode, which an open opens again.
   */
  jump?: Node;
}

/** What each of a process's descriptors' /proc/<pid>/fd links read. */
export function fdLinks(t: Task): Map<number, FdLink> {
  const out = new Map<number, FdLink>();
  const files = t.files;
  for (const fd of files.fds()) {
    const f = files.get(fd)!;
    const s = f.stream;
    let target: string;
    let jump: Node | undefined;
    if (s instanceof FileStream || s instanceof DirStream) target = s.node.path;
    else if (s instanceof DeviceStream) target = s.node.path;
    else if (s.linkName) target = s.linkName();
    else if (s.pid !== undefined) target = 'anon_inode:[pidfd]';
    // the machine's streams behave as pipes (fstat reports them so, with these inode numbers)
    else {
      target = `pipe:[${fd + 1}]`;
      jump = { kind: 'fifo', path: target, inode: new StreamInode(s, BigInt(fd + 1)) };
    }
    // a pipe's, or a FIFO's even once renamed or removed, is its inode itself
    if (s instanceof FifoEnd) jump = { kind: 'fifo', path: s.path, inode: s.fifo };
    else if (s instanceof PipeEnd) jump = { kind: 'fifo', path: target, inode: (s.pipe.inode ??= new PipefsInode(s.pipe)) };
    const acc = f.flags & O_ACCMODE;
    out.set(fd, { target, mode: (acc !== O_WRONLY ? 0o500 : 0) | (acc !== O_RDONLY ? 0o300 : 0), jump });
  }
  return out;
}

/** /proc/<pid>/fdinfo/<fd> (seq_show): the offset, flags (close-on-exec as O_CLOEXEC), mount id and inode. */
export function procFdinfo(k: Kernel, t: Task, fd: number): string | undefined {
  const f = t.files.get(fd);
  if (!f) return undefined;
  const flags = f.flags | (t.files.closeOnExecOf(fd) ? O_CLOEXEC : 0);
  const pos = (f.stream as { pos?: number }).pos ?? 0;
  const st = kstatOfFile(k, f, fd);
  return `pos:\t${pos}\nflags:\t0${flags.toString(8)}\nmnt_id:\t${st.mntId}\nino:\t${st.ino}\n`;
}

/** How many filters a task's seccomp chain holds (status's Seccomp_filters). */
function seccompFilters(t: Task): number {
  let n = 0;
  for (let f = t.seccompFilter; f; f = f.prev) n++;
  return n;
}
