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
  HARMLESS, SLOT_H, SLOTS, SEL_RW, callIp, restorerIp, restorerAddr, normalizeResult, int80Ip,
  addrValue, type FuzzCase, type Step, type Addr,
} from '../case.js';
import { REC_RET, REC_SIGSYS, REC_NESTED } from '../outcome.js';
import { referenceDecide, regionExempts, selectorDecision, type DecideFn, type Decision, type DispatchContext } from './dispatch.js';
import { Memory, SharedPages, PAGE, PROT_WRITE } from './memory.js';
import { low32, lowAddress, u64FromHalves, u64Number, LOW_CEILING } from './words.js';
import { RULES, validateArm, sudOff, type ProfileRules, EBADF, EFAULT, EINVAL, ENOMEM, ENOSYS } from './prctl.js';
import {
  defaultAction, execAction, sigaction, sigprocmask, forcedSigsysKill, deliver, exitedStatus, killedStatus, saFlags,
  SA_SIGINFO, SIGILL, SIGSEGV, SIGSYS, type Disposition,
} from './signals.js';
import {
  ThreadEnd, Hang, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, SYS_USER_DISPATCH, SCRATCH, CHILD_PID, GuestVars, Proc, Thread,
} from './task.js';
import { stepFork, stepThread, stepPtrace } from './children.js';

export { Hang };

export interface RunOptions {
  decide?: DecideFn;
  /** The CASE page's direct flag (the engine sets it; the native runner does not). */
  direct?: boolean;
}

export class GuestRun {
  /** Why the prediction may not match a real run (null while it is exact: predict makes no array). */
  unpredictable: string[] | null = null;
  /**
   * The selector was read at the top of the stack: the prediction holds
   * without ASLR (the engine); a native run with ASLR finds it unmapped.
   */
  aslrDependent = false;
  private readonly decide: DecideFn;
  readonly rules: ProfileRules;
  readonly main: Thread;
  /** The LOG area (MAP_SHARED) and the CASE page: one for all the run's processes. */
  readonly pages: SharedPages;
  /** A forked child that has not run yet: on a real kernel it may run alongside the parent. */
  racingChild = false;
  /**
   * The wait status the running process ended with (a kill, the handler's
   * abort, ud2 after a dispatched rt_sigreturn), else null. The end is
   * returned up the calls rather than thrown: a throw cost about 0.6 µs, as
   * much as a whole case without a dispatch, and three cases in ten end
   * early. So whatever may end the process (enter, issue, issue80, sigsys,
   * selWrite, prctl) is followed by a check of `ended`, and an ended process
   * does nothing more; children.ts does the same, and takes a child's end
   * (takeEnd) when the child's code returns. Set only by endProcess.
   */
  ended: number | null = null;

  constructor(readonly c: FuzzCase, opts?: RunOptions) {
    this.decide = opts?.decide ?? referenceDecide;
    this.rules = RULES[c.profile];
    this.pages = new SharedPages(c, opts?.direct ?? true);
    const proc = new Proc(new Memory(this.pages), new GuestVars(), defaultAction());
    this.main = new Thread(proc, sudOff(this.rules.seed), false);
  }

  /** Runs the case: the wait status it ends with, or a thrown Hang. */
  run(): number {
    const t = this.main;
    const steps = this.c.steps;
    for (let i = 0; i < steps.length; i++) {
      this.step(t, i, steps[i]);
      if (this.ended !== null) return this.ended;
    }
    const r = this.enter(t, SLOT_H, 231n);
    if (this.ended !== null) return this.ended;
    if (r === null) return exitedStatus(0);
    // exit_group came back (a dispatched exit whose handler returned): hlt
    return killedStatus(SIGSEGV);
  }

  /** The running process ends with wait status `st`. The result stands in for rax: callers check `ended` instead. */
  endProcess(st: number): bigint {
    this.ended = st;
    return 0n;
  }

  /** For children.ts: the ended child's wait status, cleared so that its parent goes on. */
  takeEnd(): number {
    const st = this.ended!;
    this.ended = null;
    return st;
  }

  /** Notes why the prediction may not match a real run. */
  note(why: string): void {
    (this.unpredictable ??= []).push(why);
  }

  // ------------------------------------------------------------ the log

  rec(head: number, a: bigint, b: bigint, c: bigint): void {
    this.pages.append(head, a, b, c);
  }

  /** A record about step `i` (RET, CHILD): `c` is below 2^32. */
  recStep(head: number, i: number, b: bigint, c = 0): void {
    this.pages.appendStep(head, i, b, c);
  }

  // ------------------------------------------------------------ syscalls through a slot

  /**
   * The §4 check for thread `t` entering the kernel with ip and rax; `at` is
   * the ip as a Number, for the range test (the BigInt goes only into a
   * plug-in's context).
   */
  private check(t: Thread, at: number, ip: bigint, rax: bigint): Decision {
    const s = t.sud;
    if (this.decide === referenceDecide) {
      // referenceDecide's rule without building its context on every syscall
      if (!s.armed || regionExempts(s, at)) return 'run';
      const sel = u64Number(s.selector);
      if (sel === 0) return 'dispatch';
      this.noteSelectorRead(sel);
      return selectorDecision(t.proc.mem.read(sel));
    }
    const sel = u64Number(s.selector);
    if (s.armed && sel !== 0 && !regionExempts(s, at)) this.noteSelectorRead(sel);
    const ctx: DispatchContext = {
      profile: this.c.profile,
      ip,
      rax,
      armed: s.armed,
      mode: s.inclusive ? 'inclusive' : 'exclusive',
      offset: s.seed ? 0n : s.a,
      len: s.seed ? 0n : s.b,
      inRegion: regionExempts(s, at),
      selector: s.selector,
      selectorByte: sel === 0 ? 'null' : t.proc.mem.read(sel),
    };
    if (s.seed) {
      ctx.start = s.a;
      ctx.end = s.b;
    }
    return this.decide(ctx);
  }

  /** What the model cannot pin down about reading the selector at `sel` (as a Number: u64Number). */
  private noteSelectorRead(sel: number): void {
    const st = Memory.stackRead(sel);
    if (st === 'unknown') this.note('the selector points into the stack, which the model does not hold');
    if (st === 'end-marker') this.aslrDependent = true;
    if (this.racingChild && sel >= SCRATCH_AT && sel < SCRATCH_END_AT) {
      this.note('the selector is in the scratch page while a forked child may be writing it (a race on a real kernel)');
    }
  }

  /**
   * The selector check killed the task: mainline the process, patch-v5 the
   * thread (thrown: a thread of several runs only inside stepThread).
   */
  private sudKill(t: Thread, sig: number): bigint {
    if (this.rules.killThreadOnly && t.proc.threads > 1) throw new ThreadEnd();
    return this.endProcess(killedStatus(sig));
  }

  /**
   * `call` slot k with rax = nr, up to the check: null when the kernel runs
   * the syscall (the caller performs it), else what rax holds after the
   * dispatch. The process may end on the way: callers check `ended`, as
   * after issue, issue80 and selWrite.
   */
  enter(t: Thread, slot: number, nr: bigint): bigint | null {
    const ip = CALL_IP[slot];
    switch (this.check(t, CALL_AT[slot], ip, nr)) {
      case 'run': return null;
      case 'dispatch': return this.sigsys(t, ip, nr, X86_64_ARCH);
      case 'kill-sigsys': return this.sudKill(t, SIGSYS);
      case 'kill-sigsegv': return this.sudKill(t, SIGSEGV);
    }
  }

  /** Harmless syscall idx from a slot, normalized as the guest records it. */
  issue(t: Thread, slot: number, idx: number): bigint {
    if (idx >= HARMLESS.length || slot >= SLOTS) return NO_CALL;
    const r = this.enter(t, slot, HARMLESS[idx].nr);
    return r === null ? HARMLESS_RECORDED[idx] : recordedResult(idx, r);
  }

  /**
   * A harmless call through the slot's `int $0x80` (SEMANTICS.md §4): the i386
   * number is eax's low 32 bits, rax is rolled back to that number zero-extended,
   * a dispatch reports AUDIT_ARCH_I386, and a result comes back sign-extended
   * from 32 bits.
   */
  issue80(t: Thread, slot: number, idx: number): bigint {
    if (idx >= HARMLESS.length || slot >= SLOTS) return NO_CALL;
    const ip = INT80_IP[slot];
    const rax = HARMLESS_EAX[idx];
    switch (this.check(t, INT80_AT[slot], ip, rax)) {
      case 'run': return HARMLESS32_RECORDED[idx];
      case 'dispatch': return recordedResult(idx, this.sigsys(t, ip, rax, I386_ARCH));
      case 'kill-sigsys': return this.sudKill(t, SIGSYS);
      case 'kill-sigsegv': return this.sudKill(t, SIGSEGV);
    }
  }

  // ------------------------------------------------------------ SIGSYS

  /**
   * A dispatched syscall: forced SIGSYS, the guest's handler, rt_sigreturn.
   * Returns rax after it. `arch` is the audit arch si_arch reports.
   */
  private sigsys(t: Thread, ip: bigint, rax: bigint, arch: number): bigint {
    const p = t.proc;
    const kill = forcedSigsysKill(p.sigsys, t.sigsysBlocked);
    if (kill) return this.endProcess(killedStatus(kill));
    const kernelFlags = p.sigsys.flags;
    const restorer = p.sigsys.restorer;
    const saved = t.sigsysBlocked;
    t.sigsysBlocked = deliver(p.sigsys, saved);
    const frameRax = this.handler(t, ip, rax, kernelFlags, arch);
    if (this.ended !== null) return frameRax;
    // the handler returns to pretcode = sa_restorer
    const k = restorerSlot(restorer);
    if (k < 0) return this.endProcess(killedStatus(SIGSEGV));
    const rip = RESTORER_IP[k];
    switch (this.check(t, RESTORER_IP_AT[k], rip, 15n)) {
      case 'run':
        t.sigsysBlocked = saved;
        return frameRax;
      case 'dispatch':
        // the inner frame's rip is after the restorer's syscall: ud2
        this.sigsys(t, rip, 15n, X86_64_ARCH);
        return this.ended !== null ? 0n : this.endProcess(killedStatus(SIGILL));
      case 'kill-sigsys': return this.sudKill(t, SIGSYS);
      case 'kill-sigsegv': return this.sudKill(t, SIGSEGV);
    }
  }

  /** The guest's SIGSYS handler (guest.c `handler`): the frame's rax when it returns. */
  private handler(t: Thread, ip: bigint, rax: bigint, kernelFlags: number, arch: number): bigint {
    const v = t.proc.vars;
    const h = this.c.handler;
    v.depth += 1;
    if (v.depth > h.maxDepth) return this.endProcess(killedStatus(SIGILL));
    if (v.installedFlags & SA_SIGINFO) {
      if (!(kernelFlags & SA_SIGINFO)) this.note('the guest reads a siginfo the kernel did not fill (SA_SIGINFO installed only in its belief)');
      // si_syscall (the low 32 bits of rax) in the b word's low half, si_arch above it
      this.rec(SIGINFO_HEAD, ip, u64FromHalves(arch, low32(rax)), rax);
    } else {
      this.rec(REC_SIGSYS, 0n, 0n, rax);
    }
    if (h.setsel !== -1) {
      this.selWrite(t, h.setsel);
      if (this.ended !== null) return 0n;
    }
    if (h.nested) {
      const r = this.issue(t, h.nested.slot, h.nested.idx);
      if (this.ended !== null) return 0n;
      this.rec(REC_NESTED, r, 0n, 0n);
    }
    return h.emulate ? BigInt.asUintN(64, h.value) : rax;
  }

  /** guest.c sel_write: only where the guest believes the selector page is mapped and writable. */
  selWrite(t: Thread, value: number): bigint {
    const v = t.proc.vars;
    const s = v.curSel;
    if (s < SEL_RW_AT || s >= SEL_RW_END_AT || !v.rwMapped || !(v.rwProt & PROT_WRITE)) return 0n;
    if (!t.proc.mem.write(s, value)) return this.endProcess(killedStatus(SIGSEGV));
    return 1n;
  }

  // ------------------------------------------------------------ steps

  /**
   * One step of the guest (guest.c run_case_from's switch); if the process
   * ends on the way (`ended`), it records nothing more. A method per kind
   * of step: V8 gives each its own budget for inlining what it calls (one
   * method for all of them inlined little of it).
   */
  private step(t: Thread, i: number, s: Step): void {
    switch (s.op) {
      case 'arm': return this.stepArm(t, i, s);
      case 'sel': return this.stepSel(t, i, s);
      case 'sys': return this.stepSys(t, i, s);
      case 'sigaction': return this.stepSigaction(t, i, s);
      case 'mask': return this.stepMask(t, i, s);
      case 'prot': return this.stepProt(t, i, s);
      case 'unmap': return this.stepUnmap(t, i);
      case 'fork': return stepFork(this, t, i, s);
      case 'thread': return stepThread(this, t, i, s);
      case 'ptrace': return stepPtrace(this, t, i, s);
      case 'exec': return this.stepExec(t, i);
    }
  }

  /** An arm step: prctl(PR_SET_SYSCALL_USER_DISPATCH, ...) via H; curSel follows a 0 result. */
  private stepArm(t: Thread, i: number, s: StepOf<'arm'>): void {
    const sel = addrValue(s.sel);
    const r = this.prctlValues(t, s.mode, addrValue(s.a), addrValue(s.b), sel);
    if (this.ended !== null) return;
    if (r === 0n) t.proc.vars.curSel = lowAddress(sel);
    this.recStep(REC_RET, i, r);
  }

  /** A sel step: sel_write. */
  private stepSel(t: Thread, i: number, s: StepOf<'sel'>): void {
    const r = this.selWrite(t, s.value);
    if (this.ended !== null) return;
    this.recStep(REC_RET, i, r);
  }

  /** A sys step: a harmless call through a slot's syscall or int $0x80. */
  private stepSys(t: Thread, i: number, s: StepOf<'sys'>): void {
    const r = s.int80 ? this.issue80(t, s.slot, s.idx) : this.issue(t, s.slot, s.idx);
    if (this.ended !== null) return;
    this.recStep(REC_RET, i, r);
  }

  /** A sigaction step: rt_sigaction(SIGSYS) via H. */
  private stepSigaction(t: Thread, i: number, s: StepOf<'sigaction'>): void {
    const p = t.proc;
    const flags = saFlags(s.flags);
    const before = p.vars.depth;
    let r = this.enter(t, SLOT_H, 13n);
    if (this.ended !== null) return;
    if (r === null) {
      const disp: Disposition = s.disp === 2 ? 'handler' : s.disp === 1 ? 'ignore' : 'default';
      r = sigaction(p.sigsys, disp, flags, s.restorer < SLOTS ? RESTORER_AT[s.restorer] : 0, s.maskSigsys);
    }
    // an intercepted rt_sigaction installed nothing, whatever its handler returned
    if (r === 0n && p.vars.depth === before) p.vars.installedFlags = flags;
    this.recStep(REC_RET, i, r);
  }

  /** A mask step: rt_sigprocmask via H. */
  private stepMask(t: Thread, i: number, s: StepOf<'mask'>): void {
    let r = this.enter(t, SLOT_H, 14n);
    if (this.ended !== null) return;
    if (r === null) {
      const blocked = sigprocmask(t.sigsysBlocked, s.how, s.set);
      if (blocked === null) r = ERRNO_RAX[EINVAL];
      else {
        t.sigsysBlocked = blocked;
        r = 0n;
      }
    }
    this.recStep(REC_RET, i, r);
  }

  /** A prot step: mprotect of SEL_RW via H. */
  private stepProt(t: Thread, i: number, s: StepOf<'prot'>): void {
    const p = t.proc;
    let r = this.enter(t, SLOT_H, 10n);
    if (this.ended !== null) return;
    if (r === null) r = p.mem.protectRw(s.prot) ? 0n : ERRNO_RAX[ENOMEM];
    if (r === 0n) p.vars.rwProt = s.prot;
    this.recStep(REC_RET, i, r);
  }

  /** An unmap step: munmap of SEL_RW via H. */
  private stepUnmap(t: Thread, i: number): void {
    const p = t.proc;
    let r = this.enter(t, SLOT_H, 11n);
    if (this.ended !== null) return;
    if (r === null) {
      p.mem.unmapRw();
      r = 0n;
    }
    if (r === 0n) p.vars.rwMapped = false;
    this.recStep(REC_RET, i, r);
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
  private stepExec(t: Thread, i: number): void {
    const p = t.proc;
    const dispatched = this.enter(t, SLOT_H, 59n);
    if (this.ended !== null) return;
    if (dispatched === null) {
      if (p.threads !== 1) throw new RangeError('model: execve with other threads alive (the model runs threads to completion)');
      t.sud = t.sud.disarmed();
      p.sigsys = execAction(p.sigsys);
      p.mem = p.mem.exec();
      p.vars = new GuestVars();
    }
    this.recStep(REC_RET, i, dispatched ?? 0n);
  }

  /** prctl(59, mode, a, b, sel) via H on thread t (check `ended` after it). */
  prctl(t: Thread, mode: bigint, a: Addr, b: Addr, sel: Addr): bigint {
    return this.prctlValues(t, mode, addrValue(a), addrValue(b), addrValue(sel));
  }

  /** prctl with the addresses already worked out. */
  private prctlValues(t: Thread, mode: bigint, a: bigint, b: bigint, sel: bigint): bigint {
    const r = this.enter(t, SLOT_H, 157n);
    if (r !== null) return r;
    const v = validateArm(this.rules, mode, a, b, sel, this.c.sysctl);
    if (typeof v === 'number') return ERRNO_RAX[v];
    t.sud = v;
    return 0n;
  }

  scratch(i: 0 | 1): bigint {
    return this.pages.scratch(i);
  }

  setScratch(i: 0 | 1, v: bigint): void {
    this.pages.setScratch(i, v);
  }
}

type StepOf<K extends Step['op']> = Extract<Step, { op: K }>;

/** Constants made once rather than per syscall or record (every BigInt operation allocates). */
const CALL_IP = Array.from({ length: SLOTS }, (_, k) => callIp(k));
const INT80_IP = Array.from({ length: SLOTS }, (_, k) => int80Ip(k));
/** The same ips as Numbers, for the range test (exact: they lie in the SITES page). */
const CALL_AT = CALL_IP.map(Number);
const INT80_AT = INT80_IP.map(Number);
/** sa_restorer by slot, as Numbers (SigAction.restorer). */
const RESTORER_AT = Array.from({ length: SLOTS }, (_, k) => Number(restorerAddr(k)));

/**
 * The slot whose restorer sa_restorer `at` is, or -1 (the case's only other
 * restorer is 0: returning there is a fetch fault). A loop rather than
 * indexOf, a builtin call per dispatch.
 */
function restorerSlot(at: number): number {
  for (let k = 0; k < SLOTS; k++) if (RESTORER_AT[k] === at) return k;
  return -1;
}
const RESTORER_IP = Array.from({ length: SLOTS }, (_, k) => restorerIp(k));
const RESTORER_IP_AT = RESTORER_IP.map(Number);
const SEL_RW_AT = Number(SEL_RW);
const SEL_RW_END_AT = Number(SEL_RW + PAGE);
// the range test and sel_write rely on it (SudState's bounds and curSel are clamped to LOW_CEILING)
if ([...CALL_AT, ...INT80_AT, ...RESTORER_IP_AT, SEL_RW_END_AT].some((at) => at >= LOW_CEILING)) throw new Error('model: a slot or SEL_RW lies above LOW_CEILING');
const SCRATCH_AT = Number(SCRATCH);
const SCRATCH_END_AT = Number(SCRATCH + PAGE);
/** The SIGSYS record's head when the handler reads siginfo: kind, si_signo and si_code in its low three bytes. */
const SIGINFO_HEAD = REC_SIGSYS | (SIGSYS << 8) | (Number(SYS_USER_DISPATCH) << 16);
/** sigsys's `arch`: the audit arch, which the SIGSYS record's b word holds above si_syscall. */
const X86_64_ARCH = Number(AUDIT_ARCH_X86_64);
const I386_ARCH = Number(AUDIT_ARCH_I386);
/** rax after a syscall failed with errno e (-e as u64), for the errnos the model returns. */
const ERRNO_RAX = Array.from({ length: ENOSYS + 1 }, (_, e) => BigInt.asUintN(64, -BigInt(e)));
/**
 * normalizeResult (../case.ts) for a u64 result, as a dispatched harmless
 * call returns it: a pid-like result counts as 1 when it is positive as a
 * signed long; any other is recorded as is (normalizeResult's asIntN and
 * asUintN were three BigInt calls per dispatch).
 */
function recordedResult(idx: number, r: bigint): bigint {
  return HARMLESS[idx].pidLike && r > 0n && r < SIGN_BIT ? 1n : r;
}
const SIGN_BIT = 1n << 63n;

/** What the guest records for a call it cannot make (an index or slot out of range). */
const NO_CALL = BigInt.asUintN(64, -1n);

/**
 * What a harmless call records when the kernel runs it, by HARMLESS index:
 * it depends on nothing else. Through `int $0x80` the i386 number is eax's
 * low 32 bits and the result comes back sign-extended from 32 bits.
 */
const HARMLESS_EAX = HARMLESS.map((h) => h.nr32 & 0xffffffffn);
const HARMLESS_RECORDED = HARMLESS.map((h, idx) => normalizeResult(idx, BigInt.asUintN(64, harmlessResult(h.nr, h.rdi))));
const HARMLESS32_RECORDED = HARMLESS.map((h, idx) =>
  normalizeResult(idx, BigInt.asUintN(64, BigInt.asIntN(32, harmless32Result(HARMLESS_EAX[idx], h.rdi & 0xffffffffn)))));

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
