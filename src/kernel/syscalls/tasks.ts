/**
 * Processes: fork, vfork, clone (new processes; threads are not modelled
 * yet), wait4 with Linux wait statuses. The scheduler in kernel.ts runs the
 * runnable tasks round robin, deterministically.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { Errno, ECHILD, EINVAL, ESRCH, EPERM } from '../errno.js';
import { copyToUser, writeU32 } from '../uaccess.js';

/** Thrown by a handler whose task must sleep: the syscall is re-executed when it wakes. */
export class RestartSyscall extends Error {}

const WNOHANG = 1;
const CLONE_VM = 0x100;
const CLONE_SIGHAND = 0x800;
const CLONE_THREAD = 0x10000;
const CSIGNAL = 0xff;

/** The wait status word: exit code << 8, or the terminating signal (| 0x80 with a core dump). */
export function waitStatus(t: Task): number {
  const end = t.end!;
  return end.kind === 'exited' ? (end.status & 0xff) << 8 : (end.signal & 0x7f) | (end.coreDumped ? 0x80 : 0);
}

function wait4(k: Kernel, pidArg: bigint, status: bigint, options: bigint, rusage: bigint): bigint {
  const pid = Number(BigInt.asIntN(32, pidArg));
  const opts = Number(BigInt.asIntN(32, options));
  if (opts & ~(WNOHANG | 2 | 8 | 0x01000000 | 0x20000000 | 0x40000000 | 0x80000000)) throw new Errno(EINVAL);
  const me = k.current;
  const match = (t: Task) => pid > 0 ? t.tgid === pid : pid === 0 ? t.pgid === me.pgid : pid === -1 ? true : t.pgid === -pid;
  const children = [...k.tasks.values()].filter((t) => t.ppid === me.tgid && t.tid === t.tgid && t.tgid !== me.tgid && match(t));
  // tracees in a ptrace stop not yet reported come first (WIFSTOPPED)
  const stopped = [...k.tasks.values()].filter((t) => t.tracer === me.tgid && t.ptraceStop && !t.ptraceStop.reported && (pid <= 0 || t.tid === pid)).sort((a, b) => a.tid - b.tid)[0];
  if (stopped) {
    stopped.ptraceStop!.reported = true;
    if (status !== 0n) writeU32(k.mm, status, (stopped.ptraceStop!.sig << 8) | 0x7f);
    return BigInt(stopped.tid);
  }
  if (children.length === 0 && ![...k.tasks.values()].some((t) => t.tracer === me.tgid)) throw new Errno(ECHILD);
  const dead = children.filter((t) => t.state === 'zombie').sort((a, b) => a.tid - b.tid)[0];
  if (!dead) {
    if (opts & WNOHANG) return 0n;
    me.state = 'blocked';
    throw new RestartSyscall();
  }
  if (status !== 0n) writeU32(k.mm, status, waitStatus(dead));
  if (rusage !== 0n) copyToUser(k.mm, rusage, new Uint8Array(144));
  k.tasks.delete(dead.tid);
  return BigInt(dead.tgid);
}

export const taskSyscalls: SyscallRow[] = [
  row(57, 'fork', '', (k) => BigInt(k.forkProcess(0n).tgid)),
  // vfork runs as fork: the parent is not suspended until the child execs or exits
  row(58, 'vfork', '', (k) => BigInt(k.forkProcess(0n).tgid)),
  // clone(flags, stack, parent_tid, child_tid, tls): the x86-64 argument order
  row(56, 'clone', 'xpppp', (k, a) => {
    const flags = Number(BigInt.asUintN(32, a[0]));
    if ((flags & CSIGNAL) > 64) throw new Errno(EINVAL);
    // Linux: CLONE_THREAD requires CLONE_SIGHAND, which requires CLONE_VM
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) throw new Errno(EINVAL);
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) throw new Errno(EINVAL);
    return BigInt(k.cloneTask(flags, a[1], a[2], a[3], a[4]).tid);
  }),
  row(61, 'wait4', 'dpxp', (k, a) => wait4(k, a[0], a[1], a[2], a[3])),
  row(109, 'setpgid', 'dd', (k, a) => {
    const pid = Number(BigInt.asIntN(32, a[0]));
    const pgid = Number(BigInt.asIntN(32, a[1]));
    if (pgid < 0) throw new Errno(EINVAL);
    const t = pid === 0 ? k.current : k.tasks.get(pid);
    if (!t || t.tid !== t.tgid || (t !== k.current && t.ppid !== k.current.tgid)) throw new Errno(ESRCH);
    const target = pgid === 0 ? t.tgid : pgid;
    if (target !== t.tgid && ![...k.tasks.values()].some((x) => x.pgid === target && x.state !== 'zombie')) throw new Errno(EPERM);
    t.pgid = target;
    return 0n;
  }),
  row(121, 'getpgid', 'd', (k, a) => {
    const pid = Number(BigInt.asIntN(32, a[0]));
    const t = pid === 0 ? k.current : k.tasks.get(pid);
    if (!t || t.state === 'zombie') throw new Errno(ESRCH);
    return BigInt(t.pgid);
  }),
  row(111, 'getpgrp', '', (k) => BigInt(k.current.pgid)),
];
