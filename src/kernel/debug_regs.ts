/**
 * The debug registers as ptrace shows them (Linux: arch/x86/kernel/ptrace.c
 * ptrace_get_debugreg and ptrace_set_debugreg, through PTRACE_PEEKUSER and
 * POKEUSER at struct user's u_debugreg): DR0-DR3 hold the addresses of the
 * tracer's breakpoints, DR6 says what the last debug exception was (BS
 * after a single step), DR7 which breakpoints are on. The engine has no
 * hardware breakpoints: DR7 takes values that enable none, and one that
 * enables any is EIO (Linux would arm it).
 */
import { Errno, EINVAL, EIO } from './errno.js';

/** A task's debug registers: a record, replaced whole when one changes. */
export interface DebugRegs {
  /** DR0-DR3: each breakpoint's address (0 for none). */
  readonly addrs: readonly bigint[];
  /** thread.virtual_dr6: DR6 with its reserved bits flipped to 0. */
  readonly dr6: bigint;
  /** thread.ptrace_dr7. */
  readonly dr7: bigint;
}

/** Every task's until a tracer writes them, and after execve (flush_ptrace_hw_breakpoint). */
export const NO_DEBUG_REGS: DebugRegs = Object.freeze({ addrs: Object.freeze([0n, 0n, 0n, 0n]), dr6: 0n, dr7: 0n });

/** DR6's bits that read as 1 (DR6_RESERVED): virtual_dr6 holds DR6 with them flipped. */
const DR6_RESERVED = 0xffff0ff0n;
/** DR6.BS: the last debug exception was a single step. */
const DR_STEP = 0x4000n;
/** DR7's local and global enable bits of the four breakpoints. */
const DR7_ENABLES = 0xffn;
/** TASK_SIZE_MAX: a breakpoint's byte must lie below. */
const TASK_SIZE_MAX = 0x7ffffffff000n;

/** Debug register n (0-7) as PTRACE_PEEKUSER reads it. */
export function readDebugReg(r: DebugRegs, n: number): bigint {
  if (n < 4) return r.addrs[n];
  if (n === 6) return r.dr6 ^ DR6_RESERVED;
  if (n === 7) return r.dr7;
  return 0n;
}

/** r with debug register n set to v, as PTRACE_POKEUSER writes it. */
export function writeDebugReg(r: DebugRegs, n: number, v: bigint): DebugRegs {
  if (n < 4) {
    // a user breakpoint on a kernel address (arch_check_bp_in_kernelspace)
    if (v >= TASK_SIZE_MAX) throw new Errno(EINVAL);
    const addrs = r.addrs.slice();
    addrs[n] = v;
    return { ...r, addrs };
  }
  if (n === 6) return { ...r, dr6: v ^ DR6_RESERVED };
  if (n === 7) {
    if ((v & DR7_ENABLES) !== 0n) throw new Errno(EIO, 'hardware breakpoints are not modelled');
    return { ...r, dr7: v };
  }
  throw new Errno(EIO);
}

/** The registers after a debug exception that was a single step (exc_debug_user: virtual_dr6 = DR_STEP). */
export function afterSingleStep(r: DebugRegs): DebugRegs {
  return r.dr6 === DR_STEP ? r : { ...r, dr6: DR_STEP };
}
