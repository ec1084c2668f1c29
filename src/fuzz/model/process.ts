/**
 * The guest program (src/fuzz/guest/guest.c, docs/fuzz-case.md) replayed step
 * by step against the model kernel: every syscall it makes through a slot
 * meets the §4 check of the calling thread, a dispatched one runs the guest's
 * SIGSYS handler and returns through the restorer's rt_sigreturn, which is
 * checked too. A new thread runs to completion inside the clone (its creator
 * only spins meanwhile); a forked child runs when its parent first waits for
 * it. Neither writes log records of its own (their results travel through
 * the scratch page), so one sequential interpreter gives the exact log.
 */
import {
  HARMLESS, SLOT_H, SLOTS, SEL_RW, MAX_STEPS, callIp, restorerIp, restorerAddr, normalizeResult, int80Ip,
  addrValue, type FuzzCase, type Step, type Addr,
} from '../case.js';
import { REC_RET, REC_SIGSYS, REC_NESTED } from '../outcome.js';
import { referenceDecide, regionExempts, selectorDecision, type DecideFn, type Decision, type DispatchContext } from './dispatch.js';
import { Memory, PAGE, PROT_READ, PROT_WRITE, type SharedLog } from './memory.js';
import { RULES, validateArm, sudOff, type ProfileRules, EBADF, EFAULT, ENOMEM, ENOSYS } from './prctl.js';
import {
  defaultAction, execAction, sigaction, sigprocmask, forcedSigsys, deliver, sigreturnMask, exitedStatus, killedStatus,
  SA_SIGINFO, SIGILL, SIGSEGV, SIGSYS, type Disposition,
} from './signals.js';
import {
  ProcessEnd, ThreadEnd, Hang, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, SYS_USER_DISPATCH, SCRATCH, CHILD_PID, type Proc, type Thread,
} from './task.js';
import { stepFork, stepThread, stepPtrace } from './children.js';

export { ProcessEnd, Hang };

export interface RunOptions {
  decide?: DecideFn;
  /** The CASE page's direct flag (the engine sets it; the native runner does not). */
  direct?: boolean;
}

/** Notes on what the model could not predict exactly. */
export interface RunNotes {
  unpredictable: string[];
  /**
   * The selector was read at the top of the stack: the prediction holds
   * without ASLR (the engine); a native run with ASLR finds it unmapped.
   */
  aslrDependent: boolean;
}

export class GuestRun {
  readonly notes: RunNotes = { unpredictable: [], aslrDependent: false };
  private readonly decide: DecideFn;
  private readonly rules: ProfileRules;
  readonly main: Thread;
  /** A forked child that has not run yet: on a real kernel it may run alongside the parent. */
  racingChild = false;

  constructor(readonly c: FuzzCase, opts: RunOptions = {}) {
    this.decide = opts.decide ?? referenceDecide;
    this.rules = RULES[c.profile];
    const proc: Proc = {
      mem: Memory.initial(c, opts.direct ?? true),
      vars: { depth: 0, curSel: 0n, rwProt: PROT_READ | PROT_WRITE, rwMapped: true, installedFlags: 0n },
      sigsys: defaultAction(),
      threads: 1,
    };
    this.main = { proc, sud: sudOff(this.rules.seed), mask: 0n };
  }

  /**
   * Runs the case: the wait status it ends with after its last step, or a
   * thrown ProcessEnd (it ended earlier) or Hang.
   */
  run(): number {
    const t = this.main;
    const steps = this.c.steps;
    for (let i = 0; i < steps.length; i++) this.step(t, STEP_INDEX[i] ?? BigInt(i), steps[i]);
    // not a thrown ProcessEnd: it is how almost every case ends, and a throw per case costs
    let exited = false;
    this.sys(t, SLOT_H, 231n, () => { exited = true; return 0n; });
    // exit_group came back (a dispatched exit whose handler returned): hlt
    return exited ? exitedStatus(0) : killedStatus(SIGSEGV);
  }

  /** The LOG area (shared by all the run's processes): the log as it is now. */
  get log(): SharedLog {
    return this.main.proc.mem.log;
  }

  // ------------------------------------------------------------ the log

  rec(t: Thread, head: bigint, a: bigint, b: bigint, c: bigint): void {
    t.proc.mem.log.append(head, a, b, c);
  }

  // ------------------------------------------------------------ syscalls through a slot

  /** The §4 check for thread `t` entering the kernel with ip and rax. */
  private check(t: Thread, ip: bigint, rax: bigint): Decision {
    const s = t.sud;
    if (this.decide === referenceDecide) {
      // referenceDecide's rule without building its context on every syscall
      if (!s.armed || regionExempts(s, ip)) return 'run';
      if (s.selector === 0n) return 'dispatch';
      this.noteSelectorRead(s.selector);
      return selectorDecision(t.proc.mem.read(s.selector));
    }
    if (s.armed && s.selector !== 0n && !regionExempts(s, ip)) this.noteSelectorRead(s.selector);
    const ctx: DispatchContext = {
      profile: this.c.profile,
      ip,
      rax,
      armed: s.armed,
      mode: s.inclusive ? 'inclusive' : 'exclusive',
      offset: s.seed ? 0n : s.a,
      len: s.seed ? 0n : s.b,
      inRegion: regionExempts(s, ip),
      selector: s.selector,
      selectorByte: s.selector === 0n ? 'null' : t.proc.mem.read(s.selector),
    };
    if (s.seed) {
      ctx.start = s.a;
      ctx.end = s.b;
    }
    return this.decide(ctx);
  }

  /** What the model cannot pin down about reading the selector at `sel`. */
  private noteSelectorRead(sel: bigint): void {
    const st = Memory.stackRead(sel);
    if (st === 'unknown') this.notes.unpredictable.push('the selector points into the stack, which the model does not hold');
    if (st === 'end-marker') this.notes.aslrDependent = true;
    if (this.racingChild && sel >= SCRATCH && sel < SCRATCH + PAGE) {
      this.notes.unpredictable.push('the selector is in the scratch page while a forked child may be writing it (a race on a real kernel)');
    }
  }

  /** The selector check killed the task: mainline the process, patch-v5 the thread. */
  private sudKill(t: Thread, sig: number): never {
    if (this.rules.killThreadOnly && t.proc.threads > 1) throw new ThreadEnd();
    throw new ProcessEnd(killedStatus(sig));
  }

  /** `call` slot k with rax = nr: what rax holds when it returns. `perform` is the syscall itself. */
  sys(t: Thread, slot: number, nr: bigint, perform: () => bigint): bigint {
    const ip = CALL_IP[slot];
    switch (this.check(t, ip, nr)) {
      case 'run': return BigInt.asUintN(64, perform());
      case 'dispatch': return this.sigsys(t, ip, nr, AUDIT_ARCH_X86_64);
      case 'kill-sigsys': return this.sudKill(t, SIGSYS);
      case 'kill-sigsegv': return this.sudKill(t, SIGSEGV);
    }
  }

  /** Harmless syscall idx from a slot, normalized as the guest records it. */
  issue(t: Thread, slot: number, idx: number): bigint {
    if (idx >= HARMLESS.length || slot >= SLOTS) return BigInt.asUintN(64, -1n);
    const h = HARMLESS[idx];
    return normalizeResult(idx, this.sys(t, slot, h.nr, () => harmlessResult(h.nr, h.rdi)));
  }

  /**
   * A harmless call through the slot's `int $0x80` (SEMANTICS.md §4): the i386
   * number is eax's low 32 bits, rax is rolled back to that number zero-extended,
   * a dispatch reports AUDIT_ARCH_I386, and a result comes back sign-extended
   * from 32 bits.
   */
  issue80(t: Thread, slot: number, idx: number): bigint {
    if (idx >= HARMLESS.length || slot >= SLOTS) return BigInt.asUintN(64, -1n);
    const h = HARMLESS[idx];
    const ip = int80Ip(slot);
    const rax = h.nr32 & 0xffffffffn;
    let r: bigint;
    switch (this.check(t, ip, rax)) {
      case 'run': r = BigInt.asUintN(64, BigInt.asIntN(32, harmless32Result(rax, h.rdi & 0xffffffffn))); break;
      case 'dispatch': r = this.sigsys(t, ip, rax, AUDIT_ARCH_I386); break;
      case 'kill-sigsys': return this.sudKill(t, SIGSYS);
      case 'kill-sigsegv': return this.sudKill(t, SIGSEGV);
    }
    return normalizeResult(idx, r);
  }

  // ------------------------------------------------------------ SIGSYS

  /** A dispatched syscall: forced SIGSYS, the guest's handler, rt_sigreturn. Returns rax after it. */
  private sigsys(t: Thread, ip: bigint, rax: bigint, arch: bigint): bigint {
    const p = t.proc;
    const f = forcedSigsys(p.sigsys, t.mask);
    if ('kill' in f) throw new ProcessEnd(killedStatus(f.kill));
    const kernelFlags = p.sigsys.flags;
    const restorer = p.sigsys.restorer;
    const saved = t.mask;
    t.mask = deliver(p.sigsys, t.mask);
    const frame = { rax };
    this.handler(t, ip, rax, frame, kernelFlags, arch);
    // the handler returns to pretcode = sa_restorer
    const k = restorerSlot(restorer);
    if (k < 0) throw new ProcessEnd(killedStatus(SIGSEGV));
    const rip = restorerIp(k);
    switch (this.check(t, rip, 15n)) {
      case 'run':
        t.mask = sigreturnMask(saved);
        return frame.rax;
      case 'dispatch':
        // the inner frame's rip is after the restorer's syscall: ud2
        this.sigsys(t, rip, 15n, AUDIT_ARCH_X86_64);
        throw new ProcessEnd(killedStatus(SIGILL));
      case 'kill-sigsys': return this.sudKill(t, SIGSYS);
      case 'kill-sigsegv': return this.sudKill(t, SIGSEGV);
    }
  }

  /** The guest's SIGSYS handler (guest.c `handler`). */
  private handler(t: Thread, ip: bigint, rax: bigint, frame: { rax: bigint }, kernelFlags: bigint, arch: bigint): void {
    const v = t.proc.vars;
    const h = this.c.handler;
    v.depth += 1;
    if (v.depth > h.maxDepth) throw new ProcessEnd(killedStatus(SIGILL));
    let head = BigInt(REC_SIGSYS);
    let a = 0n;
    let b = 0n;
    if (v.installedFlags & SA_SIGINFO) {
      if (!(kernelFlags & SA_SIGINFO)) this.notes.unpredictable.push('the guest reads a siginfo the kernel did not fill (SA_SIGINFO installed only in its belief)');
      head |= (BigInt(SIGSYS) << 8n) | (SYS_USER_DISPATCH << 16n);
      a = ip;
      b = (rax & 0xffffffffn) | (arch << 32n);
    }
    this.rec(t, head, a, b, frame.rax);
    if (h.setsel !== -1) this.selWrite(t, h.setsel);
    if (h.nested) this.rec(t, BigInt(REC_NESTED), this.issue(t, h.nested.slot, h.nested.idx), 0n, 0n);
    if (h.emulate) frame.rax = BigInt.asUintN(64, h.value);
  }

  /** guest.c sel_write: only where the guest believes the selector page is mapped and writable. */
  selWrite(t: Thread, value: number): bigint {
    const v = t.proc.vars;
    const s = v.curSel;
    if (s < SEL_RW || s >= SEL_RW + PAGE || !v.rwMapped || !(v.rwProt & PROT_WRITE)) return 0n;
    if (!t.proc.mem.write(s, value)) throw new ProcessEnd(killedStatus(SIGSEGV));
    return 1n;
  }

  // ------------------------------------------------------------ steps

  private step(t: Thread, i: bigint, s: Step): void {
    const p = t.proc;
    const ret = (b: bigint): void => this.rec(t, RET, i, b, 0n);
    switch (s.op) {
      case 'arm': {
        const sel = addrValue(s.sel);
        const r = this.prctl(t, s.mode, s.a, s.b, s.sel);
        if (r === 0n) p.vars.curSel = sel;
        return ret(r);
      }
      case 'sel': return ret(this.selWrite(t, s.value));
      case 'sys': return ret(s.int80 ? this.issue80(t, s.slot, s.idx) : this.issue(t, s.slot, s.idx));
      case 'sigaction': {
        const disp: Disposition = s.disp === 2 ? 'handler' : s.disp === 1 ? 'ignore' : 'default';
        const restorer = s.restorer < SLOTS ? restorerAddr(s.restorer) : 0n;
        const mask = s.maskSigsys ? 1n << 30n : 0n;
        const flags = BigInt.asUintN(64, s.flags);
        const before = p.vars.depth;
        const r = this.sys(t, SLOT_H, 13n, () => sigaction(p.sigsys, disp, flags, restorer, mask));
        // an intercepted rt_sigaction installed nothing, whatever its handler returned
        if (r === 0n && p.vars.depth === before) p.vars.installedFlags = flags;
        return ret(r);
      }
      case 'mask': {
        const r = this.sys(t, SLOT_H, 14n, () => {
          const m = sigprocmask(t.mask, s.how, BigInt.asUintN(64, s.set));
          t.mask = m.mask;
          return m.r;
        });
        return ret(r);
      }
      case 'prot': {
        const r = this.sys(t, SLOT_H, 10n, () => (p.mem.protectRw(s.prot) ? 0n : -BigInt(ENOMEM)));
        if (r === 0n) p.vars.rwProt = s.prot;
        return ret(r);
      }
      case 'unmap': {
        const r = this.sys(t, SLOT_H, 11n, () => { p.mem.unmapRw(); return 0n; });
        if (r === 0n) p.vars.rwMapped = false;
        return ret(r);
      }
      case 'fork': return stepFork(this, t, i, s.slot, s.idx, s.selval);
      case 'thread': return stepThread(this, t, i, s.slot, s.idx, s.selval);
      case 'ptrace': return stepPtrace(this, t, i, s.mode, s.a, s.b, s.sel);
      case 'exec': return this.stepExec(t, i);
    }
  }

  /**
   * guest.c step_exec: execve("/proc/self/exe", ...) via H, checked like any
   * syscall. Dispatched, it did not happen: RET b = whatever rax came back
   * (the rolled-back 59, or the handler's value). Allowed, it succeeds: the
   * new image appends RET b = 0 and goes on with the next step, with what
   * Linux keeps across execve (begin_new_exec): the pid, the blocked mask,
   * SIG_IGN (a handler becomes SIG_DFL; flags, restorer and sa_mask are
   * cleared) and the stored dispatch config with its flag cleared (mainline
   * clear_syscall_work_syscall_user_dispatch; the seed patch's
   * __clear_tsk_syscall_intercept(me, SYSINT_USER_DISPATCH) likewise keeps
   * its stored fields). The guest's beliefs start over with a new image:
   * curSel 0, depth 0, no remembered flags, SEL_RW fresh, SEL_RO = roValue.
   */
  private stepExec(t: Thread, i: bigint): void {
    const p = t.proc;
    let ran = false;
    const r = this.sys(t, SLOT_H, 59n, () => { ran = true; return 0n; });
    if (ran) {
      if (p.threads !== 1) throw new RangeError('model: execve with other threads alive (the model runs threads to completion)');
      t.sud = { ...t.sud, armed: false };
      p.sigsys = execAction(p.sigsys);
      p.mem = p.mem.exec();
      p.vars = { depth: 0, curSel: 0n, rwProt: PROT_READ | PROT_WRITE, rwMapped: true, installedFlags: 0n };
    }
    this.rec(t, RET, i, r, 0n);
  }

  /** prctl(59, mode, a, b, sel) via H on thread t. */
  prctl(t: Thread, mode: bigint, a: Addr, b: Addr, sel: Addr): bigint {
    return this.sys(t, SLOT_H, 157n, () => {
      const v = validateArm(this.c.profile, BigInt.asUintN(64, mode), addrValue(a), addrValue(b), addrValue(sel), this.c.sysctl);
      if (typeof v === 'number') return -BigInt(v);
      t.sud = v;
      return 0n;
    });
  }

  scratch(t: Thread, i: number): bigint {
    return t.proc.mem.log.scratch(i);
  }

  setScratch(t: Thread, i: number, v: bigint): void {
    t.proc.mem.log.setScratch(i, v);
  }
}

/** Constants made once rather than per syscall or record. */
const CALL_IP = Array.from({ length: SLOTS }, (_, k) => callIp(k));
const STEP_INDEX = Array.from({ length: MAX_STEPS }, (_, i) => BigInt(i));
const RET = BigInt(REC_RET);

/** sa_restorer's slot, or -1 (the case's only other restorer is 0: returning there is a fetch fault). */
function restorerSlot(addr: bigint): number {
  for (let k = 0; k < SLOTS; k++) if (restorerAddr(k) === addr) return k;
  return -1;
}

/** A harmless syscall's raw result: the number is rax's low 32 bits as a signed int (§9). */
/** What a harmless call returns through int $0x80 (i386 numbers; the argument is ebx). */
export function harmless32Result(eax: bigint, ebx: bigint): bigint {
  switch (Number(BigInt.asIntN(32, eax))) {
    case 64: case 20: case 224: return CHILD_PID; // getppid, getpid, gettid: pid-like
    case 158: return 0n; // sched_yield
    case 6: return ebx === 0xffffffffn ? -BigInt(EBADF) : 0n; // close
    default: return -BigInt(ENOSYS);
  }
}

export function harmlessResult(rax: bigint, rdi: bigint): bigint {
  const nr = Number(BigInt.asIntN(32, rax));
  switch (nr) {
    case 110: case 39: case 186: return CHILD_PID; // pid-like: recorded as 1
    case 24: return 0n;
    case 3: return rdi === BigInt.asUintN(64, -1n) ? -BigInt(EBADF) : 0n;
    case 99: return rdi === 0n ? -BigInt(EFAULT) : 0n;
    default: return -BigInt(ENOSYS);
  }
}
