/** si_code values and their names as strace prints them. */
export const SI_USER = 0;
export const SI_KERNEL = 0x80;
export const SI_TKILL = -6;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const ILL_ILLOPN = 2;
export const FPE_INTDIV = 1;
export const TRAP_BRKPT = 1;
/** The single-step trap (EFLAGS.TF). */
export const TRAP_TRACE = 2;
export const BUS_ADRERR = 2;
export const SYS_USER_DISPATCH = 2;

const BY_SIGNAL: Record<number, Record<number, string>> = {
  4: { 1: 'ILL_ILLOPC', 2: 'ILL_ILLOPN', 3: 'ILL_ILLADR', 4: 'ILL_ILLTRP', 5: 'ILL_PRVOPC' },
  5: { 1: 'TRAP_BRKPT', 2: 'TRAP_TRACE' },
  7: { 1: 'BUS_ADRALN', 2: 'BUS_ADRERR', 3: 'BUS_OBJERR' },
  8: { 1: 'FPE_INTDIV', 2: 'FPE_INTOVF' },
  11: { 1: 'SEGV_MAPERR', 2: 'SEGV_ACCERR' },
  31: { 1: 'SYS_SECCOMP', 2: 'SYS_USER_DISPATCH' },
};

export function siCodeName(sig: number, code: number): string {
  if (code === SI_KERNEL) return 'SI_KERNEL';
  if (code === SI_USER) return 'SI_USER';
  if (code === SI_TKILL) return 'SI_TKILL';
  return BY_SIGNAL[sig]?.[code] ?? String(code);
}

/** SIGCHLD's si_code for a stop or a continue (do_notify_parent_cldstop's `why`). */
export const CLD_TRAPPED = 4;
export const CLD_STOPPED = 5;
export const CLD_CONTINUED = 6;
