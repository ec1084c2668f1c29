/**
 * Syscall User Dispatch configuration: prctl(PR_SET_SYSCALL_USER_DISPATCH)
 * validation for each profile, and the task's config block in shared memory
 * that the engine's entry check reads.
 *
 * Linux: kernel/entry/syscall_user_dispatch.c (task_set_syscall_user_dispatch);
 * the seed: ../shared/seed/syscall-user-dispatch-v5.txt (set_syscall_user_dispatch).
 */
import type { Profile } from './profiles.js';
import { Errno, EINVAL, EFAULT, EPERM } from './errno.js';
import { TASK_SIZE_MAX } from './mm.js';

export const PR_SET_SYSCALL_USER_DISPATCH = 59;
export const PR_SYS_DISPATCH_OFF = 0n;
export const PR_SYS_DISPATCH_EXCLUSIVE_ON = 1n;
export const PR_SYS_DISPATCH_INCLUSIVE_ON = 2n;

const U64 = (1n << 64n) - 1n;

/** A task's stored config, as the kernel keeps it (INCLUSIVE already inverted). */
export interface SudConfig {
  armed: boolean;
  selector: bigint;
  /** mainline: offset; patch-v5: start. */
  offset: bigint;
  /** mainline: len; patch-v5: end (inclusive). */
  len: bigint;
  /** patch-v5 stores [start, end] rather than offset/len. */
  inclusiveEnd: boolean;
}

export const SUD_OFF: SudConfig = { armed: false, selector: 0n, offset: 0n, len: 0n, inclusiveEnd: false };

/** The first address whose sign bit is set: kernel half or non-canonical. */
const SIGN_BIT = 1n << 63n;

/** access_ok(selector, 1) for the profile (ptr + 1 <= TASK_SIZE_MAX written as ptr < TASK_SIZE_MAX: no bigint made). */
function accessOk(p: Profile, ptr: bigint): boolean {
  switch (p.accessOk) {
    case 'task-size': return ptr < TASK_SIZE_MAX;
    case 'sign-bit': return ptr < SIGN_BIT;
    case 'guard-page': return ptr <= TASK_SIZE_MAX;
  }
}

/**
 * Validates a request and returns the config to store, or throws the errno
 * the profile's kernel returns. `sysctlEnabled` is kernel.syscall_user_dispatch.
 */
export function validateSud(p: Profile, mode: bigint, a: bigint, b: bigint, selector: bigint, sysctlEnabled: boolean): SudConfig {
  const r = checkSud(p, mode, a, b, selector, sysctlEnabled);
  if (typeof r === 'number') throw new Errno(r);
  return r;
}

/** validateSud that returns the errno instead of throwing it (prctl's path: a throw costs a microsecond). */
export function checkSud(p: Profile, mode: bigint, a: bigint, b: bigint, selector: bigint, sysctlEnabled: boolean): SudConfig | number {
  if (p.seedInterface) {
    // set_syscall_user_dispatch((int) arg2, arg3, arg4, (char __user *) arg5)
    const m = BigInt.asIntN(32, mode);
    if (m === 0n) {
      if (a || b || selector) return EINVAL;
      return SUD_OFF;
    }
    if (m !== 1n) return EINVAL;
    if (b < a) return EINVAL;
    if (selector && !accessOk(p, selector)) return EFAULT;
    return { armed: true, selector, offset: a, len: b, inclusiveEnd: true };
  }
  let offset = a;
  let len = b;
  switch (mode) {
    case PR_SYS_DISPATCH_OFF:
      if (offset || len || selector) return EINVAL;
      break;
    case PR_SYS_DISPATCH_EXCLUSIVE_ON:
      if (offset && ((offset + len) & U64) <= offset) return EINVAL;
      break;
    case PR_SYS_DISPATCH_INCLUSIVE_ON:
      if (!p.inclusiveMode) return EINVAL;
      if (len === 0n || ((offset + len) & U64) <= offset) return EINVAL;
      // invert the range: the entry check's wrap-around compare serves both modes
      offset = (offset + len) & U64;
      len = (-len) & U64;
      break;
    default:
      return EINVAL;
  }
  if (p.sysctl && mode !== PR_SYS_DISPATCH_OFF && !sysctlEnabled) return EPERM;
  if (mode !== PR_SYS_DISPATCH_OFF && selector && !accessOk(p, selector)) return EFAULT;
  // all three arguments are 0 here: the off config itself (configs are replaced, never written)
  if (mode === PR_SYS_DISPATCH_OFF) return SUD_OFF;
  return { armed: true, selector, offset, len, inclusiveEnd: false };
}
