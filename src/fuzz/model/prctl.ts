/**
 * Arming Syscall User Dispatch, per profile (../shared/docs/SEMANTICS.md §2,
 * §3, §8): prctl(PR_SET_SYSCALL_USER_DISPATCH) validation and the ptrace
 * GET/SET config requests. The model's own table of profile rules: it shares
 * nothing with src/kernel/.
 *
 * Linux: kernel/entry/syscall_user_dispatch.c (task_set_syscall_user_dispatch,
 * syscall_user_dispatch_{get,set}_config); the seed:
 * ../shared/seed/syscall-user-dispatch-v5.txt (set_syscall_user_dispatch).
 */
import type { ProfileName } from '../case.js';
import { low32, lowAddress, u64Number, LOW_CEILING } from './words.js';

export const EPERM = 1;
export const EIO = 5;
export const EBADF = 9;
export const ECHILD = 10;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EINVAL = 22;
export const ENOSYS = 38;

/** x86-64 with 4-level paging: the last user page is the guard page below it. */
export const TASK_SIZE_MAX = 0x7ffffffff000n;

const U64 = (1n << 64n) - 1n;
const TWO_64 = 1n << 64n;

export interface ProfileRules {
  /** The seed's interface: `(int)` mode, inclusive [start, end], ON = 1 only. */
  seed: boolean;
  /** PR_SYS_DISPATCH_INCLUSIVE_ON (2) exists. */
  inclusive: boolean;
  /** PTRACE_{GET,SET}_SYSCALL_USER_DISPATCH_CONFIG exist (else -EIO). */
  ptrace: boolean;
  /** kernel.syscall_user_dispatch gates arming with EPERM. */
  sysctl: boolean;
  /**
   * access_ok(ptr, 1) on x86-64: 'old' is `ptr + 1 <= TASK_SIZE_MAX` (up to
   * 6.3; rejects the guard page), 'sign' is `(long)ptr >= 0` (the LAM rework,
   * 6.4 to 6.11), 'guard' is `ptr <= TASK_SIZE_MAX` (6.12+, probed on 6.18).
   */
  accessOk: 'old' | 'sign' | 'guard';
  /** A bad selector ends the calling thread only (do_exit), not the group. */
  killThreadOnly: boolean;
}

/**
 * The profiles. linux-6.4 has 'sign' (arch/x86/include/asm/uaccess_64.h
 * valid_user_address in 6.4), which accepts TOP, TOP + 1 and the
 * non-canonical addresses up to 2^63 too: such a selector faults only when a
 * syscall reads it.
 */
export const RULES: Record<ProfileName, ProfileRules> = {
  'patch-v5': { seed: true, inclusive: false, ptrace: false, sysctl: false, accessOk: 'old', killThreadOnly: true },
  'linux-5.11': { seed: false, inclusive: false, ptrace: false, sysctl: false, accessOk: 'old', killThreadOnly: false },
  'linux-6.4': { seed: false, inclusive: false, ptrace: true, sysctl: false, accessOk: 'sign', killThreadOnly: false },
  'linux-6.17': { seed: false, inclusive: true, ptrace: true, sysctl: false, accessOk: 'guard', killThreadOnly: false },
  'linux-next': { seed: false, inclusive: true, ptrace: true, sysctl: true, accessOk: 'guard', killThreadOnly: false },
};

/**
 * A thread's stored config, never changed in place. `a`, `b` are offset and
 * len (mainline, INCLUSIVE already inverted) or start and end (patch-v5,
 * `seed`). fork and clone copy the fields and clear only `armed` (the
 * syscall-work flag): a ptrace GET on such a child shows mode 0 with the
 * creator's range (probed on 6.18).
 */
export class SudState {
  /**
   * The ips step 1 exempts, worked out once per config since the check runs
   * on every syscall: loAt <= ip < hiAt, or ip < wrapHiAt when a mainline
   * range wraps past 2^64 (wrapHiAt is 0 when it does not). Seed [a, b];
   * mainline [a, a + b) mod 2^64. As Numbers clamped to LOW_CEILING
   * (words.ts): every ip a case reaches lies in the SITES page, below it,
   * where they compare as the BigInts do.
   */
  readonly loAt: number;
  readonly hiAt: number;
  readonly wrapHiAt: number;

  constructor(
    readonly armed: boolean,
    readonly seed: boolean,
    readonly inclusive: boolean,
    readonly selector: bigint,
    readonly a: bigint,
    readonly b: bigint,
  ) {
    this.loAt = lowAddress(a);
    if (seed) {
      // ip <= b
      this.hiAt = Math.min(u64Number(b) + 1, LOW_CEILING);
      this.wrapHiAt = 0;
      return;
    }
    const end = a + b;
    const wraps = end > U64;
    this.hiAt = wraps ? LOW_CEILING : lowAddress(end);
    // lowAddress takes end modulo 2^64
    this.wrapHiAt = wraps ? lowAddress(end) : 0;
  }

  /** The config with the dispatch flag clear (fork, clone, execve). */
  disarmed(): SudState {
    return this.armed ? new SudState(false, this.seed, this.inclusive, this.selector, this.a, this.b) : this;
  }
}

const SUD_OFF = { seed: new SudState(false, true, false, 0n, 0n, 0n), mainline: new SudState(false, false, false, 0n, 0n, 0n) };
/** A thread's config before any arming (shared: configs are not changed in place). */
export const sudOff = (seed: boolean): SudState => (seed ? SUD_OFF.seed : SUD_OFF.mainline);

export function accessOk(r: ProfileRules, ptr: bigint): boolean {
  switch (r.accessOk) {
    case 'old': return ptr < TASK_SIZE_MAX; // ptr + 1 <= TASK_SIZE_MAX
    case 'sign': return ptr < 1n << 63n;
    case 'guard': return ptr <= TASK_SIZE_MAX;
  }
}

/**
 * The config to store, or the errno (positive) the profile's kernel returns.
 * `mode` is prctl's arg2 as the register holds it (taken modulo 2^64).
 */
export function validateArm(
  r: ProfileRules, mode: bigint, a: bigint, b: bigint, selector: bigint, sysctlOn: boolean,
): SudState | number {
  if (r.seed) {
    // set_syscall_user_dispatch((int) arg2, arg3, arg4, (char __user *) arg5)
    const m = low32(mode) | 0;
    if (m === 0) {
      if (a || b || selector) return EINVAL;
      return sudOff(true);
    }
    if (m !== 1) return EINVAL;
    if (b < a) return EINVAL;
    if (selector && !accessOk(r, selector)) return EFAULT;
    return new SudState(true, true, false, selector, a, b);
  }
  // the u64 mode as a Number: exact for the modes there are, and no other u64 rounds to one of them
  const m = u64Number(mode);
  let offset = a;
  let len = b;
  let inclusive = false;
  if (m === 0) {
    if (offset || len || selector) return EINVAL;
  } else if (m === 1) {
    if (offset && BigInt.asUintN(64, offset + len) <= offset) return EINVAL;
  } else if (m === 2 && r.inclusive) {
    const end = BigInt.asUintN(64, offset + len);
    if (len === 0n || end <= offset) return EINVAL;
    offset = end;
    len = TWO_64 - len; // -len as a u64 (len is not 0)
    inclusive = true;
  } else {
    return EINVAL;
  }
  if (m !== 0 && r.sysctl && !sysctlOn) return EPERM;
  if (m !== 0 && selector && !accessOk(r, selector)) return EFAULT;
  return new SudState(m !== 0, false, inclusive, selector, offset, len);
}

/** PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG into `cfg` (mode, selector, offset, len): the result. */
export function ptraceGet(r: ProfileRules, s: SudState, cfg: bigint[]): bigint {
  if (!r.ptrace) return -BigInt(EIO);
  cfg[0] = s.armed ? 1n : 0n;
  cfg[1] = s.selector;
  cfg[2] = s.a;
  cfg[3] = s.b;
  return 0n;
}

/** PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG from `cfg`: the new config or -errno. */
export function ptraceSet(r: ProfileRules, cfg: bigint[], sysctlOn: boolean): SudState | bigint {
  if (!r.ptrace) return -BigInt(EIO);
  const v = validateArm(r, cfg[0], cfg[2], cfg[3], cfg[1], sysctlOn);
  return typeof v === 'number' ? -BigInt(v) : v;
}
