/**
 * The guest's steps that make new tasks (guest.c step_fork, step_thread,
 * step_ptrace). A new thread runs to completion inside the clone (its
 * creator only spins meanwhile); a forked child runs when its parent first
 * waits for it. Both start with dispatch off (§7) but keep the creator's
 * stored config fields, mask and SIGSYS action.
 *
 * As in process.ts, a call into GuestRun that may end the running process
 * is followed by a check of g.ended, and an ended process does nothing
 * more: the parent's end goes up to GuestRun.run, a child's to its Child's
 * settle, which takes it as the child's wait status (g.takeEnd). They were
 * thrown, and a throw and its catch cost about 1 us in a worker loop (one
 * case in fifty ends inside these steps).
 *
 * The steps are written out call by call, with no closure for a syscall's
 * work or a child's code: each closure was an allocation and, on its first
 * call, a trip through V8's lazy-compile stub, and a fork, clone or ptrace
 * step made five to nine of them (about a seventh of predict's time in a
 * worker loop went to these steps).
 */
import { SLOT_H, normalizeResult, type Step } from '../case.js';
import { REC_RET, REC_CHILD, REC_PTRACE1, REC_PTRACE2, REC_PTRACE3 } from '../outcome.js';
import { ptraceGet, ptraceSet, ECHILD } from './prctl.js';
import { exitedStatus, killedStatus, stoppedStatus, SIGILL, SIGKILL, SIGTRAP } from './signals.js';
import { ThreadEnd, Hang, CHILD_PID, NO_DELIVERY_MARK, Proc, Thread } from './task.js';
import type { GuestRun } from './process.js';
import { low32 } from './words.js';

/**
 * A child of fork as its parent's wait4 will find it. It runs when the
 * parent first waits for it (the parent goes on first after fork, as Linux
 * schedules it by default): what the child writes to the shared scratch page
 * is not there yet when the parent's wait4 is checked. Its code is the
 * step's: step_fork's child or step_ptrace's tracee. (One class rather than
 * a subclass per kind: V8 built subclasses through its generic construct
 * path.)
 */
class Child {
  /** It has not run yet. */
  pending = true;
  /** Wait status once it stopped or ended. */
  status = 0;
  stopped = false;
  /** The last wait4 for it reported its status (a dispatched wait4 reports nothing). */
  reported = false;

  constructor(
    readonly thread: Thread,
    /** The step that made it. */
    private readonly step: ForkStep | PtraceStep,
  ) {}

  /** Lets the child run to its end (or its ptrace stop), the first time only. */
  settle(g: GuestRun): void {
    if (!this.pending) return;
    this.pending = false;
    const s = this.step;
    const c = this.thread;
    if (s.op === 'fork') {
      g.racingChild = false;
      const st = forkChildPath(g, c, s);
      this.status = g.ended !== null ? g.takeEnd() : st;
      return;
    }
    // the tracee: PTRACE_TRACEME, the arming, then int3, which (traced) is a ptrace stop
    g.enter(c, SLOT_H, 101n);
    if (g.ended === null) g.prctl(c, s.mode, s.a, s.b, s.sel);
    if (g.ended !== null) {
      this.status = g.takeEnd();
      return;
    }
    this.stopped = true;
    this.status = stoppedStatus(SIGTRAP);
  }
}

type ForkStep = Extract<Step, { op: 'fork' }>;
type ThreadStep = Extract<Step, { op: 'thread' }>;
type PtraceStep = Extract<Step, { op: 'ptrace' }>;

/** fork/clone: the new task's copy of the creator (SUD off, the stored fields kept). */
function newTask(t: Thread, proc: Proc): Thread {
  return new Thread(proc, t.sud.disarmed(), t.sigsysBlocked);
}

function forkProc(p: Proc): Proc {
  return new Proc(p.mem.fork(), p.vars.copy(), p.sigsys.copy());
}

/**
 * step_fork's child path on thread `c`: the wait status its exit_group
 * leaves (a dispatched exit comes back to ud2), unless its process ends on
 * the way (g.ended, which the caller checks first).
 */
function forkChildPath(g: GuestRun, c: Thread, s: ForkStep): number {
  if (s.selval !== -1) g.selWrite(c, s.selval);
  if (g.ended !== null) return 0;
  const r = g.issue(c, s.slot, s.idx);
  if (g.ended !== null) return 0;
  g.setScratch(0, r);
  g.setScratch(1, 1n);
  return g.enter(c, SLOT_H, 231n) === null ? exitedStatus(0) : killedStatus(SIGILL);
}

/** guest.c step_fork. */
export function stepFork(g: GuestRun, t: Thread, i: number, s: ForkStep): void {
  const v = t.proc.vars;
  const before = v.depth;
  g.setScratch(0, 0n);
  g.setScratch(1, 0n);
  let child: Child | null = null;
  let r = g.enter(t, SLOT_H, 57n);
  if (g.ended !== null) return;
  if (r === null) {
    child = new Child(newTask(t, forkProc(t.proc)), s);
    g.racingChild = true;
    r = CHILD_PID;
  } else {
    r = BigInt.asIntN(64, r);
  }
  if (v.depth !== before) return g.recStep(REC_RET, i, normalizeResult(1, r), NO_DELIVERY_MARK);
  if (r === 0n) {
    // the parent goes on as the child would, to its exit_group
    const st = forkChildPath(g, t, s);
    if (g.ended === null) g.endProcess(st);
    return;
  }
  if (r > 0n) {
    const w = wait4(g, t, r, child);
    if (g.ended !== null) return;
    const status = child?.reported ? child.status : 0;
    child?.settle(g); // the parent spins on scratch[1]
    if (g.scratch(1) === 0n) throw new Hang(`step ${i}: the parent spins on a child that never reports`);
    g.recStep(REC_CHILD, i, g.scratch(0));
    return g.recStep(REC_RET, i, 1n, waitWord(w, r, status));
  }
  g.recStep(REC_RET, i, BigInt.asUintN(64, r));
}

/**
 * wait4(pid, &status, 0, 0) via H: the result; the child's `reported` says
 * whether it reported `status`. The caller checks g.ended first.
 */
function wait4(g: GuestRun, t: Thread, pid: bigint, child: Child | null): bigint {
  if (child) child.reported = false;
  const r = g.enter(t, SLOT_H, 61n);
  if (g.ended !== null) return 0n;
  if (r !== null) return BigInt.asIntN(64, r);
  if (!child || pid !== CHILD_PID) return NO_CHILD;
  child.settle(g);
  child.reported = true;
  return CHILD_PID;
}

/** guest.c step_thread. */
export function stepThread(g: GuestRun, t: Thread, i: number, s: ThreadStep): void {
  const p = t.proc;
  const before = p.vars.depth;
  g.setScratch(0, 0n);
  let released = false;
  let r = g.enter(t, SLOT_H, 56n);
  if (g.ended !== null) return;
  if (r === null) {
    runThread(g, newTask(t, p), s);
    if (g.ended !== null) return;
    released = true; // CLONE_CHILD_CLEARTID
    r = CHILD_PID;
  } else {
    r = BigInt.asIntN(64, r);
  }
  if (p.vars.depth !== before) return g.recStep(REC_RET, i, normalizeResult(2, r), NO_DELIVERY_MARK);
  if (r > 0n) {
    if (!released) throw new Hang(`step ${i}: the parent spins on ctid that no thread clears`);
    g.recStep(REC_CHILD, i, g.scratch(0));
    return g.recStep(REC_RET, i, 1n);
  }
  if (r === 0n) throw new Hang(`step ${i}: clone returned 0 in the creator`);
  g.recStep(REC_RET, i, BigInt.asUintN(64, r));
}

/**
 * step_thread's new thread `n`, run to its end inside the clone; the
 * process may end on the way (g.ended, which the caller checks). A thread
 * killed on its own (patch-v5) unwinds to here as a ThreadEnd.
 */
function runThread(g: GuestRun, n: Thread, s: ThreadStep): void {
  const p = n.proc;
  p.threads += 1;
  try {
    if (s.selval !== -1) g.selWrite(n, s.selval);
    if (g.ended !== null) return;
    const r = g.issue(n, s.slot, s.idx);
    if (g.ended !== null) return;
    g.setScratch(0, r);
    // exit(0) ends the thread; a dispatched one comes back to ud2
    const exit = g.enter(n, SLOT_H, 60n);
    if (g.ended === null && exit !== null) g.endProcess(killedStatus(SIGILL));
  } catch (e) {
    if (!(e instanceof ThreadEnd)) throw e;
  } finally {
    p.threads -= 1;
  }
}

/** guest.c step_ptrace. */
export function stepPtrace(g: GuestRun, t: Thread, i: number, s: PtraceStep): void {
  const v = t.proc.vars;
  const before = v.depth;
  let child: Child | null = null;
  let r = g.enter(t, SLOT_H, 57n);
  if (g.ended !== null) return;
  if (r === null) {
    child = new Child(newTask(t, forkProc(t.proc)), s);
    r = CHILD_PID;
  } else {
    r = BigInt.asIntN(64, r);
  }
  if (v.depth !== before) return g.recStep(REC_RET, i, normalizeResult(1, r), NO_DELIVERY_MARK);
  if (r === 0n) throw new Hang(`step ${i}: fork returned 0 in the parent: it runs the tracee's path and pauses`);
  if (r < 0n) return g.recStep(REC_RET, i, BigInt.asUintN(64, r));
  let w = wait4(g, t, r, child);
  if (g.ended !== null) return;
  let st = child?.reported ? child.status : 0;
  if (w === r && (st & 0xff) === 0x7f && child) {
    const tracee = child.thread;
    const cfg = [0n, 0n, 0n, 0n];
    const cfg2 = [0n, 0n, 0n, 0n];
    let get = g.enter(t, SLOT_H, 101n);
    if (g.ended !== null) return;
    get ??= BigInt.asUintN(64, ptraceGet(g.rules, tracee.sud, cfg));
    let set = g.enter(t, SLOT_H, 101n);
    if (g.ended !== null) return;
    if (set === null) {
      const n = ptraceSet(g.rules, cfg, g.c.sysctl);
      if (typeof n === 'bigint') {
        set = BigInt.asUintN(64, n);
      } else {
        tracee.sud = n;
        set = 0n;
      }
    }
    let get2 = g.enter(t, SLOT_H, 101n);
    if (g.ended !== null) return;
    get2 ??= BigInt.asUintN(64, ptraceGet(g.rules, tracee.sud, cfg2));
    const same = cfg[0] === cfg2[0] && cfg[1] === cfg2[1] && cfg[2] === cfg2[2] && cfg[3] === cfg2[3] ? 1n : 0n;
    g.rec(REC_PTRACE1, cfg[0], cfg[1], cfg[2]);
    g.rec(REC_PTRACE2, cfg[3], get, set);
    g.rec(REC_PTRACE3, same, get2, BigInt(st >>> 0));
    const kd = v.depth;
    const kill = g.enter(t, SLOT_H, 62n);
    if (g.ended !== null) return;
    if (kill === null) {
      // PTRACE_KILL
      child.status = killedStatus(SIGKILL);
      child.stopped = false;
    }
    if (v.depth !== kd) return g.recStep(REC_RET, i, 1n, NO_DELIVERY_MARK);
    if (child.stopped) throw new Hang(`step ${i}: wait4 on a tracee that stays stopped`);
    w = wait4(g, t, r, child);
    if (g.ended !== null) return;
    if (child.reported) st = child.status;
  }
  g.recStep(REC_RET, i, 1n, waitWord(w, r, st));
}

/**
 * step_fork's and step_ptrace's RET c word after wait4 returned `w` for
 * child `pid`: the status it reported, or 0x10000 and w's low 16 bits.
 */
function waitWord(w: bigint, pid: bigint, status: number): number {
  return w === pid ? status >>> 0 : 0x10000 | (low32(w) & 0xffff);
}
const NO_CHILD = -BigInt(ECHILD);
