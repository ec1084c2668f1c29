/**
 * The model's tasks: a process (its memory, the guest's globals, the SIGSYS
 * action) and its threads (each with its own dispatch config and mask), and
 * the ways a run of guest code ends that are thrown through the interpreter
 * (a process's end is returned: see GuestRun.ended).
 *
 * The objects a run makes are classes rather than object literals: V8
 * pretenures a literal's allocation site once it sees the site's objects
 * survive scavenges, and from then on each such object, made in the old
 * generation, kept the young objects of its run alive through the next
 * scavenge (a run's whole log and state were copied and promoted: GC was a
 * third of predict's time).
 */
import { LOG_ADDR } from '../case.js';
import { PAGE, PROT_READ, PROT_WRITE, type Memory } from './memory.js';
import type { SudState } from './prctl.js';
import type { SigAction } from './signals.js';

export const AUDIT_ARCH_X86_64 = 0xc000003en;
export const AUDIT_ARCH_I386 = 0x40000003n;
export const SYS_USER_DISPATCH = 2n;
export const SCRATCH = LOG_ADDR + PAGE;
/** The fork/clone result the model hands out; the guest only compares it with wait4's. */
export const CHILD_PID = 0x4d2n;
/** The RET c word of a fork, clone or ptrace step whose call the SIGSYS handler intercepted (guest.c's 0xd15). */
export const NO_DELIVERY_MARK = 0xd15;

/** The calling thread ended on its own (exit, or patch-v5's do_exit of one thread of several). */
export class ThreadEnd {}
/** The guest waits forever (a spin loop nothing will release). */
export class Hang {
  constructor(readonly why: string) {}
}

/** The guest's globals (.data/.bss): private per process, shared by its threads. As a new image starts them. */
export class GuestVars {
  depth = 0;
  /**
   * The selector the guest last armed, as a Number clamped to LOW_CEILING
   * (words.ts lowAddress): sel_write compares it only with SEL_RW's bounds,
   * below the ceiling, where it is exact.
   */
  curSel = 0;
  rwProt = PROT_READ | PROT_WRITE;
  rwMapped = true;
  /** The sa_flags the guest believes installed (saFlags: only SA_SIGINFO is looked at). */
  installedFlags = 0;

  /** fork's copy. */
  copy(): GuestVars {
    const v = new GuestVars();
    v.depth = this.depth;
    v.curSel = this.curSel;
    v.rwProt = this.rwProt;
    v.rwMapped = this.rwMapped;
    v.installedFlags = this.installedFlags;
    return v;
  }
}

export class Proc {
  threads = 1;

  constructor(
    public mem: Memory,
    public vars: GuestVars,
    /** SIGSYS's action (the only one a case changes). */
    public sigsys: SigAction,
  ) {}
}

export class Thread {
  constructor(
    readonly proc: Proc,
    public sud: SudState,
    /** The blocked mask holds SIGSYS (the only bit a case observes: see signals.ts). */
    public sigsysBlocked: boolean,
  ) {}
}
