/**
 * The guest's steps that make new tasks (guest.c step_fork, step_thread,
 * step_ptrace). A new thread runs to completion inside the clone (its
 * creator only spins meanwhile); a forked child runs when its parent first
 * waits for it. Both start with dispatch off (§7) but keep the creator's
 * stored config fields, mask and SIGSYS action.
 *
 * A call into GuestRun that may end the calling process is followed by
 * g.raise(), which throws the end as a ProcessEnd: a child's end unwinds to
 * runChild, the parent's to predict.
 */
import { SLOT_H, normalizeResult, type Addr } from '../case.js';
import { REC_RET, REC_CHILD, REC_PTRACE1, REC_PTRACE2, REC_PTRACE3 } from '../outcome.js';
import { ptraceGet, ptraceSet, ECHILD } from './prctl.js';
import { exitedStatus, killedStatus, stoppedStatus, SIGILL, SIGKILL, SIGTRAP } from './signals.js';
import { ProcessEnd, ThreadEnd, Hang, CHILD_PID, NO_DELIVERY_MARK, Proc, Thread } from './task.js';
import type { GuestRun } from './process.js';

/**
 * A child of fork as its parent's wait4 will find it. It runs when the
 * parent first waits for it (the parent goes on first after fork, as Linux
 * schedules it by default): what the child writes to the shared scratch page
 * is not there yet when the parent's wait4 is checked.
 */
class Child {
  /** The child's code, until it has run. */
  pending: (() => void) | null = null;
  /** Wait status once it stopped or ended. */
  status = 0;
  stopped = false;

  constructor(readonly thread: Thread) {}
}

/** Lets a child run to its end (or its ptrace stop). */
function settle(ch: Child | null): void {
  const run = ch?.pending;
  if (!ch || !run) return;
  ch.pending = null;
  run();
}

/** fork/clone: the new task's copy of the creator (SUD off, the stored fields kept). */
function newTask(t: Thread, proc: Proc): Thread {
  return new Thread(proc, t.sud.disarmed(), t.sigsysBlocked);
}

function forkProc(p: Proc): Proc {
  return new Proc(p.mem.fork(), p.vars.copy(), p.sigsys.copy());
}

/**
 * Runs `body` as a process of its own; its wait status. The usual ends are
 * returned rather than thrown (a throw costs more than the rest of a fork):
 * only a kill on the way throws.
 */
function runChild(body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof ProcessEnd) return e.status;
    throw e;
  }
}

/** exit_group(0) via H as the guest's last call: the wait status (a dispatched exit comes back to ud2). */
function exitGroup(g: GuestRun, t: Thread): number {
  const r = g.enter(t, SLOT_H, 231n);
  g.raise();
  return r === null ? exitedStatus(0) : killedStatus(SIGILL);
}

/** guest.c step_fork. */
export function stepFork(g: GuestRun, t: Thread, i: bigint, slot: number, idx: number, selval: number): void {
  const v = t.proc.vars;
  const before = v.depth;
  g.setScratch(0, 0n);
  g.setScratch(1, 0n);
  const childPath = (c: Thread): number => {
    if (selval !== -1) g.selWrite(c, selval);
    g.raise();
    const r = g.issue(c, slot, idx);
    g.raise();
    g.setScratch(0, r);
    g.setScratch(1, 1n);
    return exitGroup(g, c);
  };
  let child: Child | null = null;
  const r = BigInt.asIntN(64, g.sys(t, SLOT_H, 57n, () => {
    const c = newTask(t, forkProc(t.proc));
    const ch = new Child(c);
    ch.pending = () => {
      g.racingChild = false;
      ch.status = runChild(() => childPath(c));
    };
    g.racingChild = true;
    child = ch;
    return CHILD_PID;
  }));
  if (v.depth !== before) return g.rec(RET, i, normalizeResult(1, r), NO_DELIVERY_MARK);
  if (r === 0n) throw new ProcessEnd(childPath(t));
  if (r > 0n) {
    let status = 0;
    const w = wait4(g, t, r, child, (st) => { status = st; });
    settle(child); // the parent spins on scratch[1]
    if (g.scratch(1) === 0n) throw new Hang(`step ${i}: the parent spins on a child that never reports`);
    g.rec(CHILD, i, g.scratch(0), 0n);
    return g.rec(RET, i, 1n, w === r ? BigInt(status >>> 0) : 0x10000n | (BigInt.asUintN(64, w) & 0xffffn));
  }
  g.rec(RET, i, BigInt.asUintN(64, r), 0n);
}

/** wait4(pid, &status, 0, 0) via H; `set` receives the status when it reports one. */
function wait4(g: GuestRun, t: Thread, pid: bigint, child: Child | null, set: (st: number) => void): bigint {
  return BigInt.asIntN(64, g.sys(t, SLOT_H, 61n, () => {
    if (!child || pid !== CHILD_PID) return NO_CHILD;
    settle(child);
    set(child.status);
    return CHILD_PID;
  }));
}

/** guest.c step_thread. */
export function stepThread(g: GuestRun, t: Thread, i: bigint, slot: number, idx: number, selval: number): void {
  const p = t.proc;
  const before = p.vars.depth;
  g.setScratch(0, 0n);
  let released = false;
  const r = BigInt.asIntN(64, g.sys(t, SLOT_H, 56n, () => {
    const n = newTask(t, p);
    p.threads += 1;
    try {
      if (selval !== -1) g.selWrite(n, selval);
      g.raise();
      const r = g.issue(n, slot, idx);
      g.raise();
      g.setScratch(0, r);
      // exit(0) ends the thread; a dispatched one comes back to ud2
      const exit = g.enter(n, SLOT_H, 60n);
      g.raise();
      if (exit !== null) throw new ProcessEnd(killedStatus(SIGILL));
    } catch (e) {
      if (!(e instanceof ThreadEnd)) throw e;
    } finally {
      p.threads -= 1;
    }
    released = true; // CLONE_CHILD_CLEARTID
    return CHILD_PID;
  }));
  if (p.vars.depth !== before) return g.rec(RET, i, normalizeResult(2, r), NO_DELIVERY_MARK);
  if (r > 0n) {
    if (!released) throw new Hang(`step ${i}: the parent spins on ctid that no thread clears`);
    g.rec(CHILD, i, g.scratch(0), 0n);
    return g.rec(RET, i, 1n, 0n);
  }
  if (r === 0n) throw new Hang(`step ${i}: clone returned 0 in the creator`);
  g.rec(RET, i, BigInt.asUintN(64, r), 0n);
}

/** guest.c step_ptrace. */
export function stepPtrace(g: GuestRun, t: Thread, i: bigint, mode: bigint, a: Addr, b: Addr, sel: Addr): void {
  const v = t.proc.vars;
  const before = v.depth;
  /** The tracee up to its int3, which (traced) is a ptrace stop. */
  const childPath = (c: Thread): void => {
    g.enter(c, SLOT_H, 101n); // PTRACE_TRACEME
    g.raise();
    g.prctl(c, mode, a, b, sel);
    g.raise();
  };
  let child: Child | null = null;
  const r = BigInt.asIntN(64, g.sys(t, SLOT_H, 57n, () => {
    const c = newTask(t, forkProc(t.proc));
    const ch = new Child(c);
    ch.pending = () => {
      try {
        childPath(c);
        ch.stopped = true;
        ch.status = stoppedStatus(SIGTRAP);
      } catch (e) {
        if (!(e instanceof ProcessEnd)) throw e;
        ch.status = e.status;
      }
    };
    child = ch;
    return CHILD_PID;
  }));
  if (v.depth !== before) return g.rec(RET, i, normalizeResult(1, r), NO_DELIVERY_MARK);
  if (r === 0n) throw new Hang(`step ${i}: fork returned 0 in the parent: it runs the tracee's path and pauses`);
  if (r < 0n) return g.rec(RET, i, BigInt.asUintN(64, r), 0n);
  let st = 0;
  let w = wait4(g, t, r, child, (s) => { st = s; });
  const ch = child as Child | null;
  if (w === r && (st & 0xff) === 0x7f && ch) {
    const tracee = ch.thread;
    const cfg = [0n, 0n, 0n, 0n];
    const cfg2 = [0n, 0n, 0n, 0n];
    const get = g.sys(t, SLOT_H, 101n, () => ptraceGet(g.rules, tracee.sud, cfg));
    const set = g.sys(t, SLOT_H, 101n, () => {
      const n = ptraceSet(g.rules, cfg, g.c.sysctl);
      if (typeof n === 'bigint') return n;
      tracee.sud = n;
      return 0n;
    });
    const get2 = g.sys(t, SLOT_H, 101n, () => ptraceGet(g.rules, tracee.sud, cfg2));
    const same = cfg.every((x, j) => x === cfg2[j]) ? 1n : 0n;
    g.rec(PTRACE1, cfg[0], cfg[1], cfg[2]);
    g.rec(PTRACE2, cfg[3], get, set);
    g.rec(PTRACE3, same, get2, BigInt(st >>> 0));
    const kd = v.depth;
    g.sys(t, SLOT_H, 62n, () => {
      ch.status = killedStatus(SIGKILL);
      ch.stopped = false;
      return 0n;
    });
    if (v.depth !== kd) return g.rec(RET, i, 1n, NO_DELIVERY_MARK);
    if (ch.stopped) throw new Hang(`step ${i}: wait4 on a tracee that stays stopped`);
    w = wait4(g, t, r, ch, (s2) => { st = s2; });
  }
  g.rec(RET, i, 1n, w === r ? BigInt(st >>> 0) : 0x10000n | (BigInt.asUintN(64, w) & 0xffffn));
}

const RET = BigInt(REC_RET);
const CHILD = BigInt(REC_CHILD);
const PTRACE1 = BigInt(REC_PTRACE1);
const PTRACE2 = BigInt(REC_PTRACE2);
const PTRACE3 = BigInt(REC_PTRACE3);
const NO_CHILD = -BigInt(ECHILD);
