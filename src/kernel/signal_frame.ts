/**
 * The x86-64 `struct rt_sigframe` on the user stack (SEMANTICS.md §6;
 * Linux: arch/x86/kernel/signal_64.c), built at delivery and read back by
 * rt_sigreturn.
 *
 *   frame +0    pretcode (sa_restorer)
 *         +8    struct ucontext (304 bytes)
 *                 +8  uc_flags   +16 uc_link   +24 uc_stack {sp, flags, size}
 *                 +48 uc_mcontext (struct sigcontext, 256 bytes)
 *                 +304 uc_sigmask
 *         +312  siginfo_t (128 bytes)
 *         +440  (end)   ... 64-byte aligned fpstate (512-byte fxsave area) above
 *
 * Both are written and read as 32-bit words (every offset in them is
 * 4-byte aligned), in place in the engine's memory or in the scratch
 * images below: no DataView, whose 64-bit accessors cost ten times an
 * element access.
 */
import { regW, RIP_W, RFLAGS_W, XMM_W, MXCSR_W, FCW_W, FTW_W, ST_W } from './cpu_words.js';
import { getU64Words, setU64Words } from './uaccess.js';

export const FRAME_SIZE = 440;
export const SIGINFO_OFF = 312;
export const FPSTATE_SIZE = 512;
/** UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS, as probed on Linux 6.18. */
const UC_FLAGS = 0x7;

/** sigcontext register order (r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp) as hardware indices. */
const SIGCONTEXT_REGS = [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4];

/** The flags rt_sigreturn may restore (FIX_EFLAGS: AC OF DF TF SF ZF AF PF CF RF), all in the low word. */
const FIX_EFLAGS = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;

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

/** A siginfo (errno 0, as every signal the kernel makes has): every one is made here, so all share one shape. */
export function siginfo(signo: number, code: number, f0: number, f1: number, f2: number, f3: number): Siginfo {
  return { signo, errno: 0, code, f0, f1, f2, f3 };
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

/**
 * Scratch frame and fpstate images: a frame or fpstate that straddles two
 * pages is laid out in them and copied to the user stack at once, and
 * rt_sigreturn copies such a frame back into them. Nothing keeps them
 * across a call.
 */
export const frameScratch = new Uint8Array(FRAME_SIZE);
export const frameWords = new Int32Array(frameScratch.buffer);
export const fpScratch = new Uint8Array(FPSTATE_SIZE);
export const fpWords = new Int32Array(fpScratch.buffer);

/** Word indices in the frame: uc_stack's sp, flags and size, sigcontext, uc_sigmask, siginfo. */
export const SS_SP_W = 6;
export const SS_FLAGS_W = 8;
export const SS_SIZE_W = 10;
const MC_W = 12;
/** sigcontext's fpstate pointer. */
export const FPSTATE_PTR_W = MC_W + 46;
export const SIGMASK_W = 76;
const SIGINFO_W = SIGINFO_OFF >> 2;

/** The CPU block's words of sigcontext's registers, in its order. */
const REGS_W = SIGCONTEXT_REGS.map(regW);
/** fxsave's xmm registers, mxcsr and st0..st7 (16 bytes each), as word indices. */
const FP_XMM_W = 160 >> 2;
const FP_MXCSR_W = 6;
const FP_ST_W = 32 >> 2;
/** The x87 control word as fninit and exec leave it. */
export const FCW_INIT = 0x37f;
const MXCSR_INIT = 0x1f80;

/**
 * The fxsave image's fixed part: mxcsr_mask 0xffff, every other byte 0
 * (the x87 instruction and operand pointers and opcode included). A
 * delivery copies it whole (one copy costs less than a store per word)
 * and then puts the registers in.
 */
const FXSAVE_BASE = (() => {
  const w = new Int32Array(FPSTATE_SIZE >> 2);
  w[FP_MXCSR_W + 1] = 0xffff; // mxcsr_mask
  return w;
})();

/** The x87 stack top (fsw bits 11..13) in the CPU block. */
const x87Top = (mem: Int32Array): number => (mem[FCW_W] >>> 27) & 7;

/**
 * Writes the whole fxsave image for the registers in the CPU block (mem:
 * the engine's memory as words) at word o of w: in place in mem, or in
 * fpWords. The x87 registers go in stack order, st0 first.
 */
export function writeFpstate(mem: Int32Array, w: Int32Array, o: number): void {
  w.set(FXSAVE_BASE, o);
  w[o] = mem[FCW_W]; // fcw, fsw
  w[o + 1] = mem[FTW_W] & 0xff; // abridged tags, fop 0
  const top = x87Top(mem);
  for (let i = 0; i < 8; i++) {
    const from = ST_W + ((top + i) & 7) * 4;
    const to = o + FP_ST_W + i * 4;
    w[to] = mem[from];
    w[to + 1] = mem[from + 1];
    w[to + 2] = mem[from + 2] & 0xffff;
  }
  w[o + FP_MXCSR_W] = mem[MXCSR_W] || MXCSR_INIT;
  if (w === mem) mem.copyWithin(o + FP_XMM_W, XMM_W, XMM_W + 64);
  else for (let i = 0; i < 64; i++) w[o + FP_XMM_W + i] = mem[XMM_W + i];
}


/** What a frame records besides the registers: refilled for each delivery. */
export interface FrameInputs {
  /** The sigaltstack (uc_stack) and its ss_flags as the handler sees them (SS_ONSTACK when on it). */
  altstack: { readonly sp: bigint; readonly size: bigint };
  ssFlags: number;
  /** The mask before delivery (uc_sigmask). */
  blocked: bigint;
  info: Siginfo;
  /**
   * Whether the handler has SA_SIGINFO: only then does Linux copy siginfo to
   * the frame (x64_setup_rt_frame); otherwise those 128 bytes keep whatever
   * the stack held.
   */
  withInfo: boolean;
  /** sigcontext's trapno, err and cr2. */
  trap: TrapInfo;
}

/**
 * Writes the whole rt_sigframe, every byte of it (the siginfo only with
 * SA_SIGINFO), for the registers in the CPU block (mem: the engine's
 * memory as words) at word o of w: in place in mem, or in frameWords.
 * fpAddr is the fpstate's user address (below 2^47).
 */
export function writeFrame(mem: Int32Array, w: Int32Array, o: number, restorer: bigint, inp: FrameInputs, fpAddr: number): void {
  setU64Words(w, o, restorer);
  w[o + 2] = UC_FLAGS; // uc_flags
  w[o + 3] = 0;
  w[o + 4] = 0; // uc_link
  w[o + 5] = 0;
  setU64Words(w, o + SS_SP_W, inp.altstack.sp);
  w[o + SS_FLAGS_W] = inp.ssFlags; // then padding
  w[o + SS_FLAGS_W + 1] = 0;
  setU64Words(w, o + SS_SIZE_W, inp.altstack.size);
  const mc = o + MC_W;
  for (let i = 0; i < 16; i++) {
    const r = REGS_W[i];
    w[mc + i * 2] = mem[r];
    w[mc + i * 2 + 1] = mem[r + 1];
  }
  w[mc + 32] = mem[RIP_W];
  w[mc + 33] = mem[RIP_W + 1];
  w[mc + 34] = mem[RFLAGS_W];
  w[mc + 35] = mem[RFLAGS_W + 1];
  w[mc + 36] = 0x33; // cs, gs 0
  w[mc + 37] = 0x2b << 16; // fs 0, ss
  setU64Words(w, mc + 38, inp.trap.err);
  setU64Words(w, mc + 40, inp.trap.trapno);
  setU64Words(w, o + SIGMASK_W, inp.blocked);
  w[mc + 42] = w[o + SIGMASK_W]; // oldmask: the mask's low word, taken from the words just written
  w[mc + 43] = 0;
  setU64Words(w, mc + 44, inp.trap.cr2);
  w[mc + 46] = fpAddr >>> 0; // the fpstate pointer, below 2^47: its low word exactly, then the rest
  w[mc + 47] = (fpAddr - (fpAddr >>> 0)) / 4294967296;
  for (let i = 48; i < 64; i++) w[mc + i] = 0; // reserved1[8]
  if (!inp.withInfo) return;
  putSiginfo(w, o + SIGINFO_W, inp.info);
}

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

/**
 * rt_sigreturn's restore of the registers (mem: the engine's memory as
 * words) from the frame at word o of w and, unless fw is undefined, the
 * fxsave image at word fo of fw (each in place in mem or in the scratch
 * images). Returns the saved signal mask.
 */
export function restoreFrame(mem: Int32Array, w: Int32Array, o: number, fw: Int32Array | undefined, fo: number): bigint {
  const mc = o + MC_W;
  for (let i = 0; i < 16; i++) {
    const r = REGS_W[i];
    mem[r] = w[mc + i * 2];
    mem[r + 1] = w[mc + i * 2 + 1];
  }
  mem[RIP_W] = w[mc + 32];
  mem[RIP_W + 1] = w[mc + 33];
  // only the FIX_EFLAGS bits come from the frame (all in the low word); bit 1 is always set
  mem[RFLAGS_W] = (mem[RFLAGS_W] & ~FIX_EFLAGS) | (w[mc + 34] & FIX_EFLAGS) | 2;
  if (fw !== undefined) {
    const mxcsr = fw[fo + FP_MXCSR_W];
    if (fw === mem) mem.copyWithin(XMM_W, fo + FP_XMM_W, fo + FP_XMM_W + 64);
    else for (let i = 0; i < 64; i++) mem[XMM_W + i] = fw[fo + FP_XMM_W + i];
    mem[MXCSR_W] = mxcsr;
    // the x87 part: the stack from st0 on, to the physical registers the restored top names
    mem[FCW_W] = fw[fo];
    mem[FTW_W] = fw[fo + 1] & 0xff;
    const top = x87Top(mem);
    for (let i = 0; i < 8; i++) {
      const from = fo + FP_ST_W + i * 4;
      const to = ST_W + ((top + i) & 7) * 4;
      mem[to] = fw[from];
      mem[to + 1] = fw[from + 1];
      mem[to + 2] = fw[from + 2] & 0xffff;
    }
  }
  return getU64Words(w, o + SIGMASK_W);
}
