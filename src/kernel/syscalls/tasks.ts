/**
 * Processes: fork, vfork, clone (new processes; threads are not modelled
 * yet), wait4 with Linux wait statuses. The scheduler in kernel.ts runs the
 * runnable tasks round robin, deterministically.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { waitStatusOf, type Task } from '../task.js';
import { Errno, ECHILD, EINVAL, ESRCH, EPERM, EBADF, E2BIG } from '../errno.js';
import { SIGCHLD, SIGCONT } from '../signal_names.js';
import { CLD_TRAPPED, CLD_STOPPED, CLD_CONTINUED } from '../siginfo.js';
import { copyFromUser, copyToUser, writeU32 } from '../uaccess.js';
import { rusage } from './time.js';
import { traceNewTask, PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK, PTRACE_EVENT_CLONE } from '../ptrace.js';

/**
 * Thrown by a handler whose task must sleep: the syscall is re-executed when
 * it wakes. `block` marks the calls Linux restarts through restart_syscall
 * (poll, nanosleep: -EINTR whenever a handler runs); the others (wait4,
 * futex) are ERESTARTSYS: restarted after a handler with SA_RESTART.
 */
export class RestartSyscall {
  readonly message = 'restart';
  /** Control flow, not an error: no Error constructor, so no stack trace is captured on every sleep. */
  constructor(readonly block = false) {}
}

/** The ERESTARTSYS request a handler leaves in `kernel.restartRequest` (immutable, so shared). */
const RESTART_SYS = new RestartSyscall();

/** findWaitable's answer when the caller sleeps: it returns at once (the syscall runs again). */
const SLEEP = 'sleep';

/**
 * The struct rusage wait4 and waitid report of child t: the CPU time of
 * what ended (the child and the children it waited for; all user time),
 * nothing for a child that only stopped or continued.
 */
function childRusage(k: Kernel, t: Task, ended: boolean): Uint8Array {
  return rusage(ended ? k.processCpuNs(t.tgid) + (t.cpuTotals?.children ?? 0n) : 0n);
}

/** An all-zero struct rusage (waitid that found nothing). */
const rusage0 = new Uint8Array(144);

const WNOHANG = 1;
const CLONE_VM = 0x100;
const CLONE_SIGHAND = 0x800;
const CLONE_THREAD = 0x10000;
const CLONE_VFORK = 0x4000;
const CSIGNAL = 0xff;
const CLONE_PIDFD = 0x1000;
const CLONE_PARENT_SETTID = 0x100000;
/** struct clone_args: its first version's size, and the bytes of the fields this kernel knows. */
const CLONE_ARGS_SIZE_VER0 = 64n;
const CLONE_ARGS_KNOWN = 88;

/**
 * clone and clone3: a new task; with CLONE_PIDFD a pidfd for it (close on
 * exec, in the parent's table only) written at pidfdAddr; with CLONE_VFORK
 * the parent sleeps until the child execs or exits.
 */
function doClone(k: Kernel, flags: number, stack: bigint, ptid: bigint, ctid: bigint, tls: bigint, pidfdAddr: bigint): bigint {
  if ((flags & CSIGNAL) > 64) throw new Errno(EINVAL);
  // Linux: CLONE_THREAD requires CLONE_SIGHAND, which requires CLONE_VM; a pidfd names a process
  if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) throw new Errno(EINVAL);
  if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) throw new Errno(EINVAL);
  if ((flags & CLONE_PIDFD) && (flags & CLONE_THREAD)) throw new Errno(EINVAL);
  const parent = k.current;
  const child = k.cloneTask(flags, stack, ptid, ctid, tls);
  if (flags & CLONE_PIDFD) writeU32(parent.mm, pidfdAddr, k.installFd({ pid: child.tgid }, true));
  if (flags & CLONE_VFORK) {
    // as vfork: the parent sleeps until the child execs or exits (posix_spawn relies on it)
    child.vforkParent = parent.tid;
    parent.vforkWait = true;
    parent.state = 'blocked';
  }
  traceNewTask(k, parent, child, flags, flags & CLONE_VFORK ? PTRACE_EVENT_VFORK : (flags & CSIGNAL) === SIGCHLD ? PTRACE_EVENT_FORK : PTRACE_EVENT_CLONE);
  return BigInt(child.tid);
}

/** An ended task's wait status word (waitStatusOf its end). */
export function waitStatus(t: Task): number {
  return waitStatusOf(t.end!);
}

type FoundKind = 'ptrace' | 'stopped' | 'continued' | 'ended';

/**
 * What a wait found: a tracee stop, a job-control stop or continue, or an
 * ended child. A class: a literal made per wait can be pretenured by V8.
 */
class Found {
  constructor(readonly t: Task, readonly kind: FoundKind) {}
}

const WUNTRACED = 2;
const WEXITED = 4;
const WCONTINUED = 8;
const WNOWAIT = 0x01000000;

/**
 * Which children a wait is for (Linux: the pid_type and pid of
 * kernel_waitid): any, a process (waitid's P_PID and P_PIDFD), a process
 * or a task (wait4's pid > 0, which names a traced thread too), a process
 * group. A kind and a number rather than a closure, which a wait that
 * sleeps and runs again would make each time.
 */
const enum WaitFor {
  Any,
  Process,
  ProcessOrTask,
  Group,
}

/** Whether t is one of the children a wait for `what` and id is for. */
function waitsFor(t: Task, what: WaitFor, id: number): boolean {
  switch (what) {
    case WaitFor.Any:
      return true;
    case WaitFor.Process:
      return t.tgid === id;
    case WaitFor.ProcessOrTask:
      return t.tgid === id || t.tid === id;
    default:
      return t.pgid === id;
  }
}

/**
 * The wait core shared by wait4 and waitid. Returns undefined for WNOHANG
 * with nothing to report; sleeps (restarting the call) otherwise.
 */
function findWaitable(k: Kernel, what: WaitFor, id: number, opts: number): Found | undefined | typeof SLEEP {
  const me = k.current;
  // one pass over the tasks: the lowest-tid tracee in a ptrace stop not yet
  // reported, the lowest-tid matching child with something to report,
  // whether there is any matching child, whether we trace any
  let traced: Task | undefined;
  let child: Task | undefined;
  let childKind: FoundKind = 'ended';
  let children = false;
  let tracing = false;
  for (const t of k.tasks.values()) {
    if (t.tracer === me.tgid && waitsFor(t, what, id)) {
      // only a tracee the wait names keeps it from ECHILD
      tracing = true;
      // (a tracee in PTRACE_LISTEN is not reported again: its next trap is)
      if (t.ptraceStop && !t.ptraceStop.reported && !t.ptraceStop.listening && (traced === undefined || t.tid < traced.tid)) traced = t;
      // a traced thread, or a process another one forked, that ended: the tracer reaps it first
      if (t.state === 'zombie' && t.end !== undefined && (t.tid !== t.tgid || t.ppid !== me.tgid) && opts & WEXITED &&
          (child === undefined || t.tid < child.tid)) {
        child = t;
        childKind = 'ended';
      }
    }
    if (t.ppid === me.tgid && t.tid === t.tgid && t.tgid !== me.tgid && waitsFor(t, what, id)) {
      children = true;
      if (child !== undefined && t.tid > child.tid) continue;
      // an ended child another process traces is that tracer's to reap first
      const kind = t.state === 'zombie' && t.tracer !== undefined && t.tracer !== me.tgid ? undefined : reportable(t, opts);
      if (kind !== undefined) {
        child = t;
        childKind = kind;
      }
    }
  }
  // tracees in a ptrace stop not yet reported come first (WIFSTOPPED)
  if (traced) return new Found(traced, 'ptrace');
  if (!children && !tracing) throw new Errno(ECHILD);
  if (child !== undefined) return new Found(child, childKind);
  if (opts & WNOHANG) return undefined;
  me.state = 'blocked';
  // sleep without a throw (a JavaScript throw costs about a microsecond)
  k.restartRequest = RESTART_SYS;
  return SLEEP;
}

/** What a wait would report of child c, if anything. */
function reportable(c: Task, opts: number): FoundKind | undefined {
  if (c.state === 'zombie' && opts & WEXITED) return 'ended';
  if (c.jobStop && !c.jobStop.reported && opts & WUNTRACED) return 'stopped';
  if (c.continued && opts & WCONTINUED) return 'continued';
  return undefined;
}

function consume(k: Kernel, f: Found, opts: number): void {
  if (opts & WNOWAIT) return;
  if (f.kind === 'ptrace') f.t.ptraceStop!.reported = true;
  else if (f.kind === 'stopped') f.t.jobStop!.reported = true;
  else if (f.kind === 'continued') f.t.continued = false;
  else if (f.t.tracer === k.current.tgid && (f.t.tid !== f.t.tgid || f.t.ppid !== k.current.tgid)) {
    // the tracer reaped a tracee that is not its child: a thread goes, a process goes on to its parent
    k.untraceZombie(f.t);
  } else {
    k.reapCpuTime(f.t);
    k.releaseTask(f.t);
  }
}

function wait4(k: Kernel, pid: number, status: bigint, opts: number, rusage: bigint): bigint {
  if (opts & ~(WNOHANG | WUNTRACED | WCONTINUED | 0x20000000 | 0x40000000 | 0x80000000)) throw new Errno(EINVAL);
  // pid > 0: that child (or traced task); -1: any; 0: the caller's group; below -1: group -pid
  const what = pid > 0 ? WaitFor.ProcessOrTask : pid === -1 ? WaitFor.Any : WaitFor.Group;
  const f = findWaitable(k, what, pid > 0 ? pid : pid === 0 ? k.current.pgid : -pid, opts | WEXITED);
  if (f === SLEEP) return 0n;
  if (!f) return 0n;
  let word: number;
  if (f.kind === 'ptrace') word = (f.t.ptraceStop!.sig << 8) | 0x7f;
  else if (f.kind === 'stopped') word = (f.t.jobStop!.sig << 8) | 0x7f;
  else if (f.kind === 'continued') word = 0xffff;
  else word = waitStatus(f.t);
  if (status !== 0n) writeU32(k.mm, status, word);
  if (rusage !== 0n) copyToUser(k.mm, rusage, childRusage(k, f.t, f.kind === 'ended'));
  consume(k, f, opts);
  // a tracee's id is its thread's (a traced thread's stop or end), a child's its process's
  return BigInt(f.kind === 'ptrace' || f.t.tid !== f.t.tgid ? f.t.tid : f.t.tgid);
}

const P_ALL = 0;
const P_PID = 1;
const P_PGID = 2;
const P_PIDFD = 3;

function waitid(k: Kernel, idtype: number, id: number, infop: bigint, opts: number, rusage: bigint): bigint {
  if (opts & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | 0x20000000 | 0x40000000 | 0x80000000)) throw new Errno(EINVAL);
  if (!(opts & (WEXITED | WUNTRACED | WCONTINUED))) throw new Errno(EINVAL);
  let what: WaitFor;
  let which = id;
  if (idtype === P_ALL) what = WaitFor.Any;
  else if (idtype === P_PID) {
    if (id <= 0) throw new Errno(EINVAL);
    what = WaitFor.Process;
  } else if (idtype === P_PGID) {
    if (id < 0) throw new Errno(EINVAL);
    what = WaitFor.Group;
    if (id === 0) which = k.current.pgid;
  } else if (idtype === P_PIDFD) {
    const f = k.fd(id);
    if (!f || f.pid === undefined) throw new Errno(EBADF);
    what = WaitFor.Process;
    which = f.pid;
  } else throw new Errno(EINVAL);
  const f = findWaitable(k, what, which, opts);
  if (f === SLEEP) return 0n;
  const info = new Uint8Array(128);
  if (f) {
    const dv = new DataView(info.buffer);
    dv.setInt32(0, SIGCHLD, true);
    let code: number;
    let st: number;
    if (f.kind === 'ptrace' || f.kind === 'stopped') {
      code = f.kind === 'ptrace' ? CLD_TRAPPED : CLD_STOPPED;
      st = f.kind === 'ptrace' ? f.t.ptraceStop!.sig : f.t.jobStop!.sig;
    } else if (f.kind === 'continued') {
      code = CLD_CONTINUED;
      st = SIGCONT;
    } else {
      const end = f.t.end!;
      code = end.kind === 'exited' ? 1 : end.coreDumped ? 3 : 2; // CLD_EXITED, CLD_DUMPED, CLD_KILLED
      st = end.kind === 'exited' ? end.status : end.signal;
    }
    dv.setInt32(8, code, true);
    dv.setInt32(16, f.t.tgid, true);
    dv.setUint32(20, 0, true);
    dv.setInt32(24, st, true);
  }
  if (infop !== 0n) copyToUser(k.mm, infop, info);
  if (rusage !== 0n) copyToUser(k.mm, rusage, f ? childRusage(k, f.t, f.kind === 'ended') : rusage0);
  if (f) consume(k, f, opts);
  return 0n;
}

export const taskSyscalls: SyscallRow[] = [
  row(57, 'fork', '', (k) => {
    const parent = k.current;
    const child = k.forkProcess(0n);
    traceNewTask(k, parent, child, 0, PTRACE_EVENT_FORK);
    return BigInt(child.tgid);
  }),
  // vfork: CLONE_VM | CLONE_VFORK; the parent sleeps until the child execs or exits
  row(58, 'vfork', '', (k) => {
    const parent = k.current;
    const child = k.cloneTask(0x100, 0n, 0n, 0n, 0n);
    child.vforkParent = parent.tid;
    parent.vforkWait = true;
    parent.state = 'blocked';
    traceNewTask(k, parent, child, CLONE_VFORK, PTRACE_EVENT_VFORK);
    return BigInt(child.tgid);
  }),
  // clone(flags, stack, parent_tid, child_tid, tls): the x86-64 argument order; CLONE_PIDFD's
  // descriptor goes where parent_tid points
  row(56, 'clone', 'xpppp', (k, a) => {
    const flags = a.u32(0);
    if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID)) throw new Errno(EINVAL);
    return doClone(k, flags, a.u64(1), a.u64(2), a.u64(3), a.u64(4), flags & CLONE_PIDFD ? a.u64(2) : 0n);
  }),
  // clone3(args, size): the same from a struct clone_args, the stack given as its lowest address and size
  row(435, 'clone3', 'pu', (k, a) => {
    const size = a.u64(1);
    if (size < CLONE_ARGS_SIZE_VER0) throw new Errno(EINVAL);
    if (size > 4096n) throw new Errno(E2BIG);
    const raw = copyFromUser(k.mm, a.u64(0), Number(size));
    // a larger struct from a newer program: what this kernel does not know must be zero
    for (let i = CLONE_ARGS_KNOWN; i < raw.length; i++) if (raw[i] !== 0) throw new Errno(E2BIG);
    const dv = new DataView(raw.buffer);
    const field = (o: number): bigint => (o + 8 <= raw.length ? dv.getBigUint64(o, true) : 0n);
    const flags = field(0);
    const exitSignal = field(32);
    const stack = field(40);
    const stackSize = field(48);
    // the exit signal has a field of its own; set_tid and the cgroup and sighand-clearing flags
    // (which need privileges or cgroups this machine lacks) are refused
    if (flags & ~0xffffffffn || flags & BigInt(CSIGNAL) || exitSignal > 64n) throw new Errno(EINVAL);
    if ((stack === 0n) !== (stackSize === 0n) || field(64) !== 0n || field(72) !== 0n) throw new Errno(EINVAL);
    const f = Number(flags) | Number(exitSignal);
    return doClone(k, f, stack === 0n ? 0n : stack + stackSize, field(24), field(16), field(56), f & CLONE_PIDFD ? field(8) : 0n);
  }),
  row(61, 'wait4', 'dpxp', (k, a) => wait4(k, a.i32(0), a.u64(1), a.i32(2), a.u64(3))),
  row(247, 'waitid', 'ddpxp', (k, a) => waitid(k, a.i32(0), a.i32(1), a.u64(2), a.i32(3), a.u64(4))),
  row(109, 'setpgid', 'dd', (k, a) => {
    const pid = a.i32(0);
    const pgid = a.i32(1);
    if (pgid < 0) throw new Errno(EINVAL);
    const t = pid === 0 ? k.current : k.tasks.get(pid);
    if (!t || t.tid !== t.tgid || (t !== k.current && t.ppid !== k.current.tgid)) throw new Errno(ESRCH);
    const target = pgid === 0 ? t.tgid : pgid;
    // a session leader stays in its group; a child in another session cannot be moved
    if (t.sid === t.tgid || t.sid !== k.current.sid) throw new Errno(EPERM);
    if (target !== t.tgid && ![...k.tasks.values()].some((x) => x.pgid === target && x.sid === t.sid && x.state !== 'zombie')) throw new Errno(EPERM);
    t.pgid = target;
    return 0n;
  }),
  row(124, 'getsid', 'd', (k, a) => {
    const pid = a.i32(0);
    const t = pid === 0 ? k.current : k.tasks.get(pid);
    if (!t || t.state === 'zombie' || pid < 0) throw new Errno(ESRCH);
    return BigInt(t.sid);
  }),
  row(112, 'setsid', '', (k) => {
    const me = k.current;
    // a process group leader cannot leave its group (nor can a process while another's group has its id)
    if ([...k.tasks.values()].some((x) => x.pgid === me.tgid && x.state !== 'zombie')) throw new Errno(EPERM);
    for (const x of k.tasks.values()) {
      if (x.tgid !== me.tgid) continue;
      x.sid = me.tgid;
      x.pgid = me.tgid;
    }
    return BigInt(me.tgid);
  }),
  row(121, 'getpgid', 'd', (k, a) => {
    const pid = a.i32(0);
    const t = pid === 0 ? k.current : k.tasks.get(pid);
    if (!t || t.state === 'zombie') throw new Errno(ESRCH);
    return BigInt(t.pgid);
  }),
  row(111, 'getpgrp', '', (k) => BigInt(k.current.pgid)),
];
