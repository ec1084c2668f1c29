/**
 * The model's tasks: a process (its memory, the guest's globals, the SIGSYS
 * action) and its threads (each with its own dispatch config and mask), and
 * the ways a run of guest code ends, thrown through the interpreter.
 */
import { LOG_ADDR } from '../case.js';
import { PAGE, type Memory } from './memory.js';
import type { SudState } from './prctl.js';
import type { SigAction } from './signals.js';

export const AUDIT_ARCH_X86_64 = 0xc000003en;
export const AUDIT_ARCH_I386 = 0x40000003n;
export const SYS_USER_DISPATCH = 2n;
export const SCRATCH = LOG_ADDR + PAGE;
/** The fork/clone result the model hands out; the guest only compares it with wait4's. */
export const CHILD_PID = 0x4d2n;
export const NO_DELIVERY_MARK = 0xd15n;

/** The process the case runs in ended: a wait(2) status. */
export class ProcessEnd {
  constructor(readonly status: number) {}
}
/** The calling thread ended on its own (exit, or patch-v5's do_exit of one thread of several). */
export class ThreadEnd {}
/** The guest waits forever (a spin loop nothing will release). */
export class Hang {
  constructor(readonly why: string) {}
}

/** The guest's globals (.data/.bss): private per process, shared by its threads. */
export interface GuestVars {
  depth: number;
  curSel: bigint;
  rwProt: number;
  rwMapped: boolean;
  installedFlags: bigint;
}

export interface Proc {
  mem: Memory;
  vars: GuestVars;
  /** SIGSYS's action (the only one a case changes). */
  sigsys: SigAction;
  threads: number;
}

export interface Thread {
  proc: Proc;
  sud: SudState;
  mask: bigint;
}

/** The tracee stopped at its int3. */
export class Stop {
  constructor(readonly sig: number) {}
}
