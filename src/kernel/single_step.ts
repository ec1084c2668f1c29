/**
 * ptrace's single-stepping (Linux: arch/x86/kernel/step.c): PTRACE_SINGLESTEP
 * sets the tracee's trap flag, which the kernel's run loop steps on (each
 * instruction that began with it traps, kernel.ts singleStepTrap), and
 * remembers whether the TF is its own (TIF_FORCED_TF: hidden from
 * PTRACE_GETREGS, taken away again when the tracer resumes otherwise) or
 * the program's. While stepping, a syscall's lost trap is made up for at
 * its exit (SIGTRAP, TRAP_BRKPT), and a signal handler's frame is set up
 * without the forced TF and then reported (a SIGTRAP ptrace stop at the
 * handler's first instruction).
 */
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import * as L from '../engine/layout.js';
import { copyFromUser } from './uaccess.js';

/** EFLAGS.TF. */
export const TF = 0x100;

/** The EFLAGS word of t where its registers are: the CPU block while it runs, its saved copy while not. */
function flagsOf(k: Kernel, t: Task): { view: DataView; at: number } {
  if (t === k.current) return { view: k.engine.dv, at: L.CPU_RFLAGS };
  return { view: new DataView(t.saved.buffer, t.saved.byteOffset, t.saved.byteLength), at: L.CPU_RFLAGS - L.CPU };
}

/**
 * Whether the instruction at t's rip sets the trap flag itself (popf or
 * iret after any prefixes; is_setting_trap_flag): then the TF is the
 * program's, not the tracer's.
 */
function settingTrapFlag(t: Task, rip: bigint): boolean {
  let code: Uint8Array;
  try {
    code = copyFromUser(t.mm, rip, 15);
  } catch {
    return false;
  }
  for (const b of code) {
    // operand and address size, lock and rep, segment overrides, REX
    if (b === 0x66 || b === 0x67 || b === 0xf0 || b === 0xf2 || b === 0xf3 || b === 0x26 || b === 0x2e ||
        b === 0x36 || b === 0x3e || b === 0x64 || b === 0x65 || (b >= 0x40 && b <= 0x4f)) continue;
    return b === 0x9d || b === 0xcf;
  }
  return false;
}

/** user_enable_single_step: t, stopped, steps when it goes on. */
export function enableSingleStep(k: Kernel, t: Task): void {
  const { view, at } = flagsOf(k, t);
  const old = view.getUint32(at, true);
  t.singleStep = true;
  view.setUint32(at, old | TF, true);
  if (settingTrapFlag(t, view.getBigUint64(at - (L.CPU_RFLAGS - L.CPU_RIP), true))) t.forcedTf = false;
  // a TF already there stays as marked (the program's, or the tracer's from the last step)
  else if ((old & TF) === 0) t.forcedTf = true;
}

/** user_disable_single_step: no more stepping, and the TF goes if it was the tracer's. */
export function disableSingleStep(k: Kernel, t: Task): void {
  t.singleStep = false;
  if (!t.forcedTf) return;
  t.forcedTf = false;
  const { view, at } = flagsOf(k, t);
  view.setUint32(at, view.getUint32(at, true) & ~TF, true);
}

/** EFLAGS as PTRACE_GETREGS shows it: without a TF the tracer forced (get_flags). */
export function shownFlags(t: Task, flags: bigint): bigint {
  return t.forcedTf ? flags & ~BigInt(TF) : flags;
}

/**
 * EFLAGS as PTRACE_SETREGS writes it (set_flags): a TF the tracer writes
 * is the program's from now on; without one, a forced TF stays.
 */
export function writtenFlags(t: Task, flags: bigint): bigint {
  if ((flags & BigInt(TF)) !== 0n) t.forcedTf = false;
  else if (t.forcedTf) return flags | BigInt(TF);
  return flags;
}
