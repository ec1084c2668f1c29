/**
 * The x86-64 `struct rt_sigframe` on the user stack (SEMANTICS.md §6;
 * Linux: arch/x86/kernel/signal_64.c): its layout as the kernel reckons
 * with it, and the siginfo and trap records a frame carries. The engine
 * writes and reads a frame's bytes (assembly/entry/sigframe.ts);
 * src/kernel/signals.ts places it and reads back the mask and uc_stack.
 *
 *   frame +0    pretcode (sa_restorer)
 *         +8    struct ucontext (304 bytes)
 *                 +8  uc_flags   +16 uc_link   +24 uc_stack {sp, flags, size}
 *                 +48 uc_mcontext (struct sigcontext, 256 bytes)
 *                 +304 uc_sigmask
 *         +312  siginfo_t (128 bytes)
 *         +440  (end)   ... 64-byte aligned fpstate (512-byte fxsave area) above
 */

export const FRAME_SIZE = 440;
export const SIGINFO_OFF = 312;
export const FPSTATE_SIZE = 512;

/**
 * AT_MINSIGSTKSZ: the worst-case size of a signal frame, as Linux's
 * init_sigframe_size reckons it: the frame, up to 15 bytes of alignment,
 * the FPU state with the 112-byte fsave header ia32 emulation adds, up to
 * 63 bytes aligning it, rounded up to 16. The machine's CPU has no XSAVE, so
 * its FPU state is fxsave's 512 bytes (a host with AVX-512 and AMX reports
 * some 11 KiB here for its far larger XSAVE area).
 */
export const MINSIGSTKSZ_AUX = BigInt((FRAME_SIZE + 15 + FPSTATE_SIZE + 112 + 63 + 15) & ~15);

/**
 * A signal's siginfo_t: signo, errno, code, and the first four 32-bit
 * words of the union (_sifields), which hold every field the kernel's
 * signals carry (si_pid and si_uid; si_addr; si_call_addr, si_syscall and
 * si_arch); the rest of the union is zero. Numbers, not bytes: a siginfo
 * is made for every SUD dispatch, and a typed array costs ten times a
 * record. Records are values, never written once made.
 */
export interface Siginfo {
  readonly signo: number;
  readonly errno: number;
  readonly code: number;
  readonly f0: number;
  readonly f1: number;
  readonly f2: number;
  readonly f3: number;
}

/**
 * A siginfo (errno 0 unless given: seccomp's TRAP puts its data there):
 * every one is made here, so all share one shape.
 */
export function siginfo(signo: number, code: number, f0: number, f1: number, f2: number, f3: number, errno = 0): Siginfo {
  return { signo, errno, code, f0, f1, f2, f3 };
}

/** A siginfo with si_pid and si_uid (kill, tkill, and the kernel's own: SIGCHLD, ptrace's). */
export function killInfo(signo: number, code: number, pid: number, uid: number): Siginfo {
  return siginfo(signo, code, pid, uid, 0, 0);
}

/** The u64 in union words f0 and f1 (si_addr, si_call_addr). */
export function siginfoAddr(info: Siginfo): bigint {
  return (BigInt(info.f1 >>> 0) << 32n) | BigInt(info.f0 >>> 0);
}

/** What sigcontext reports of the last trap: its vector, error code and faulting address. */
export interface TrapInfo {
  readonly trapno: bigint;
  readonly err: bigint;
  readonly cr2: bigint;
}

/** No trap (a new task; a SUD dispatch, which is none): shared, as records are only replaced. */
export const NO_TRAP: TrapInfo = { trapno: 0n, err: 0n, cr2: 0n };

/** Word indices in the frame: uc_stack's sp, flags and size, sigcontext's fpstate pointer, uc_sigmask. */
export const SS_SP_W = 6;
export const SS_FLAGS_W = 8;
export const SS_SIZE_W = 10;
export const FPSTATE_PTR_W = 12 + 46;
export const SIGMASK_W = 76;

/** The x87 control word as fninit and exec leave it. */
export const FCW_INIT = 0x37f;

/** siginfo_t (128 bytes) at word at of w: signo, errno, code, padding, then the union's words. */
export function putSiginfo(w: Int32Array, at: number, info: Siginfo): void {
  w[at] = info.signo;
  w[at + 1] = info.errno;
  w[at + 2] = info.code;
  w[at + 3] = 0;
  w[at + 4] = info.f0;
  w[at + 5] = info.f1;
  w[at + 6] = info.f2;
  w[at + 7] = info.f3;
  for (let i = 8; i < 32; i++) w[at + i] = 0;
}
