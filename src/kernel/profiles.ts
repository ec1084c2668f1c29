/**
 * Kernel profiles: the versions of Syscall User Dispatch the machine can
 * model, as rows of switches read by one code path (../shared/docs/SEMANTICS.md §2).
 */
export type ProfileName = 'patch-v5' | 'linux-5.11' | 'linux-6.4' | 'linux-6.17' | 'linux-next';

export type AccessOkRule = 'task-size' | 'sign-bit' | 'guard-page';

export interface Profile {
  name: ProfileName;
  /** uname release string. */
  release: string;
  /** The seed's interface: (int) cast of the mode, inclusive [start, end], no overflow check. */
  seedInterface: boolean;
  /** PR_SYS_DISPATCH_INCLUSIVE_ON (2) exists. */
  inclusiveMode: boolean;
  /** PTRACE_{GET,SET}_SYSCALL_USER_DISPATCH_CONFIG exist. */
  ptraceConfig: boolean;
  /** kernel.syscall_user_dispatch sysctl gates arming (EPERM when 0). */
  sysctl: boolean;
  /**
   * The x86-64 access_ok(ptr, 1) that checks the selector at arming:
   * 'task-size' is ptr + 1 <= TASK_SIZE_MAX (up to 6.3: the guard page is
   * refused); 'sign-bit' only tests that (long)ptr >= 0 (6.4's rework of the
   * uaccess checks for LAM, valid_user_address() in uaccess_64.h, until
   * 6.12), so that the guard page and the non-canonical addresses above it
   * are accepted and fault only when the selector is read; 'guard-page' is
   * ptr <= TASK_SIZE_MAX (USER_PTR_MAX, 6.12 on; probed on 6.18).
   */
  accessOk: AccessOkRule;
  /** A bad selector ends only the calling thread (do_exit) rather than the thread group. */
  killThreadOnly: boolean;
}

export const PROFILES: Record<ProfileName, Profile> = {
  'patch-v5': {
    name: 'patch-v5', release: '5.9.0-rc1-sud-v5', seedInterface: true, inclusiveMode: false,
    ptraceConfig: false, sysctl: false, accessOk: 'task-size', killThreadOnly: true,
  },
  'linux-5.11': {
    name: 'linux-5.11', release: '5.11.0-sudsim', seedInterface: false, inclusiveMode: false,
    ptraceConfig: false, sysctl: false, accessOk: 'task-size', killThreadOnly: false,
  },
  'linux-6.4': {
    name: 'linux-6.4', release: '6.4.0-sudsim', seedInterface: false, inclusiveMode: false,
    ptraceConfig: true, sysctl: false, accessOk: 'sign-bit', killThreadOnly: false,
  },
  'linux-6.17': {
    name: 'linux-6.17', release: '6.17.0-sudsim', seedInterface: false, inclusiveMode: true,
    ptraceConfig: true, sysctl: false, accessOk: 'guard-page', killThreadOnly: false,
  },
  'linux-next': {
    name: 'linux-next', release: '6.18.0-next-sudsim', seedInterface: false, inclusiveMode: true,
    ptraceConfig: true, sysctl: true, accessOk: 'guard-page', killThreadOnly: false,
  },
};

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
export const DEFAULT_PROFILE: ProfileName = 'linux-6.17';

export function getProfile(name: string): Profile {
  const p = PROFILES[name as ProfileName];
  if (!p) throw new RangeError(`sudsim: unknown profile ${name}; choose one of ${PROFILE_NAMES.join(', ')}`);
  return p;
}
