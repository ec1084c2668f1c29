/**
 * The check at every syscall entry (../shared/docs/SEMANTICS.md §4) as a
 * pluggable decision: the model gathers everything the check could look at
 * into a DispatchContext and asks a DecideFn what happens. `referenceDecide`
 * is the kernel's answer; a plug-in (src/fuzz/models/) gives another
 * implementation's answer, so the fuzzer can hold that one against the engine.
 *
 * Linux: kernel/entry/syscall_user_dispatch.c (syscall_user_dispatch);
 * the seed: ../shared/seed/syscall-user-dispatch-v5.txt (do_syscall_user_dispatch).
 */
import type { ProfileName } from '../case.js';
import type { SudState } from './prctl.js';

/** Everything the check can see when a thread enters the kernel through `syscall`. */
export interface DispatchContext {
  profile: ProfileName;
  /** The address after the `syscall` instruction (regs->ip). */
  ip: bigint;
  /** rax at entry, all 64 bits (the syscall number is its low 32 bits as a signed int). */
  rax: bigint;
  /** The calling thread's dispatch flag (armed by prctl or ptrace, never inherited). */
  armed: boolean;
  /** The mode that armed it; patch-v5 and mainline ON are 'exclusive'. */
  mode: 'exclusive' | 'inclusive';
  /** Mainline: the stored offset and len (INCLUSIVE stores them inverted). patch-v5: 0. */
  offset: bigint;
  len: bigint;
  /** patch-v5: the inclusive region [start, end]. */
  start?: bigint;
  end?: bigint;
  /**
   * Step 1 exempts the syscall: the stored-range test passes (inside the
   * dispatcher region for EXCLUSIVE and patch-v5; outside the user's range
   * for INCLUSIVE, whose range is stored inverted).
   */
  inRegion: boolean;
  /** The selector pointer (0 = none). */
  selector: bigint;
  /** The byte at the selector as a user read would see it now. */
  selectorByte: number | 'unreadable' | 'null';
}

/** What the kernel does with the syscall. */
export type Decision = 'run' | 'dispatch' | 'kill-sigsys' | 'kill-sigsegv';

export type DecideFn = (ctx: DispatchContext) => Decision;

/** Selector values (patch-v5: PR_SYS_DISPATCH_OFF/ON; mainline: SYSCALL_DISPATCH_FILTER_ALLOW/BLOCK). */
export const SELECTOR_ALLOW = 0;
export const SELECTOR_BLOCK = 1;

/**
 * The kernel's decision, §4 in order: region, (no vDSO sigreturn on x86-64),
 * then the selector. A NULL selector is not read and the syscall is
 * dispatched: the `if (selector)` block is skipped and rollback follows.
 */
export const referenceDecide: DecideFn = (ctx) => {
  if (!ctx.armed) return 'run';
  if (ctx.inRegion) return 'run';
  return selectorDecision(ctx.selectorByte);
};

/** §4 step 3 of referenceDecide: what the selector byte decides once the region did not exempt the syscall. */
export function selectorDecision(v: DispatchContext['selectorByte']): Decision {
  if (v === 'null') return 'dispatch';
  if (v === 'unreadable') return 'kill-sigsegv';
  if (v === SELECTOR_ALLOW) return 'run';
  if (v === SELECTOR_BLOCK) return 'dispatch';
  return 'kill-sigsys';
}

/**
 * Step 1's range test on a stored config: seed start <= ip <= end; mainline
 * (ip - offset) mod 2^64 < len. `at` is the ip as a Number (exact: the slots'
 * ips lie in the SITES page).
 */
export function regionExempts(s: SudState, at: number): boolean {
  return (s.loAt <= at && at < s.hiAt) || at < s.wrapHiAt;
}
