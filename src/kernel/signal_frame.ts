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
 */
import { CPU_REGS, CPU_RIP, CPU_RFLAGS, CPU_XMM, CPU_MXCSR } from '../engine/layout.js';
import type { Engine } from '../engine/engine.js';

export const FRAME_SIZE = 440;
export const UC_OFF = 8;
export const MCONTEXT_OFF = 48;
export const SIGMASK_OFF = 304;
export const SIGINFO_OFF = 312;
export const FPSTATE_SIZE = 512;
/** UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS, as probed on Linux 6.18. */
export const UC_FLAGS = 0x7n;
const REDZONE = 128n;

/** sigcontext register order (r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp) as hardware indices. */
const SIGCONTEXT_REGS = [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4];

/** The flags rt_sigreturn may restore (FIX_EFLAGS: AC OF DF TF SF ZF AF PF CF RF). */
export const FIX_EFLAGS = 0x40000n | 0x800n | 0x400n | 0x100n | 0x80n | 0x40n | 0x10n | 0x4n | 0x1n | 0x10000n;

export interface Siginfo {
  signo: number;
  errno: number;
  code: number;
  /** Bytes 16.. of siginfo_t (the union), little-endian. */
  fields: Uint8Array;
}

/** Scratch for the small encoders below: each result is one fresh copy of it. */
const small = new Uint8Array(16);
const smallDv = new DataView(small.buffer);

function writeSiginfo(dv: DataView, b: Uint8Array, at: number, si: Siginfo): void {
  dv.setInt32(at, si.signo, true);
  dv.setInt32(at + 4, si.errno, true);
  dv.setInt32(at + 8, si.code, true);
  b.set(si.fields.length > 112 ? si.fields.subarray(0, 112) : si.fields, at + 16);
}

export function siginfoBytes(si: Siginfo): Uint8Array {
  const b = new Uint8Array(128);
  writeSiginfo(new DataView(b.buffer), b, 0, si);
  return b;
}

export function faultFields(addr: bigint): Uint8Array {
  smallDv.setBigUint64(0, addr, true);
  smallDv.setBigUint64(8, 0n, true);
  return small.slice(0, 16);
}

export function sysFields(callAddr: bigint, syscall: number, arch: number): Uint8Array {
  smallDv.setBigUint64(0, callAddr, true);
  smallDv.setInt32(8, syscall, true);
  smallDv.setUint32(12, arch >>> 0, true);
  return small.slice(0, 16);
}

export function killFields(pid: number, uid: number): Uint8Array {
  smallDv.setInt32(0, pid, true);
  smallDv.setUint32(4, uid >>> 0, true);
  return small.slice(0, 8);
}

export interface FrameInputs {
  sp: bigint;
  onAltStack: boolean;
  altstack: { sp: bigint; flags: number; size: bigint };
  useAltStack: boolean;
  blocked: bigint;
  info: Siginfo;
  /**
   * Whether the handler has SA_SIGINFO: only then does Linux copy siginfo to
   * the frame (x64_setup_rt_frame); otherwise those 128 bytes keep whatever
   * the stack held.
   */
  withInfo?: boolean;
  trapno: bigint;
  err: bigint;
  cr2: bigint;
}

/**
 * Scratch frame and fpstate images: buildFrame lays the frame out in them
 * (the caller copies them to the user stack at once), rt_sigreturn reads the
 * user's frame back into them. Nothing keeps them across a call.
 */
export const frameScratch = new Uint8Array(FRAME_SIZE);
export const frameScratchDv = new DataView(frameScratch.buffer);
const frameWords = new Int32Array(frameScratch.buffer);
export const fpScratch = new Uint8Array(FPSTATE_SIZE);
const fpScratchDv = new DataView(fpScratch.buffer);
const fpWords = new Int32Array(fpScratch.buffer);

const MC = UC_OFF + MCONTEXT_OFF - 8;
/** FIX_EFLAGS as a number (all in the low 32 bits). */
const FIX_EFLAGS_LO = Number(FIX_EFLAGS);

/** Word indices: every offset here is 4-byte aligned (the CPU block, the frame, the fxsave image). */
const MC_W = MC >> 2;
const SIGMASK_W = (UC_OFF + SIGMASK_OFF - 8) >> 2;
const UC_FLAGS_LO = Number(UC_FLAGS);
const REGS_W = SIGCONTEXT_REGS.map((r) => (CPU_REGS + r * 8) >> 2);
const RIP_W = CPU_RIP >> 2;
const RFLAGS_W = CPU_RFLAGS >> 2;
const XMM_W = CPU_XMM >> 2;
const FP_XMM_W = 160 >> 2;
/** ((fpAddr - FRAME_SIZE) & ~15) - 8 for a 64-byte aligned fpAddr. */
const FRAME_BELOW = BigInt(((FRAME_SIZE + 15) & ~15) + 8);
const FP_BELOW = REDZONE + BigInt(FPSTATE_SIZE);
const FP_SIZE_BIG = BigInt(FPSTATE_SIZE);

/** Where the fpstate and the frame go for a delivery (SEMANTICS.md §6). */
export function frameAddrs(inp: Pick<FrameInputs, 'sp' | 'useAltStack' | 'altstack'>): { frame: bigint; fpAddr: bigint } {
  const fpAddr = fpstateAddr(inp);
  return { frame: frameAddrBelow(fpAddr), fpAddr };
}

/** frameAddrs' fpstate address alone (delivery takes the two apart: no record per signal). */
export function fpstateAddr(inp: Pick<FrameInputs, 'sp' | 'useAltStack' | 'altstack'>): bigint {
  // fpstate first (64-byte aligned), then the frame aligned so that (rsp + 8) % 16 == 0 at entry
  const below = inp.useAltStack ? inp.altstack.sp + inp.altstack.size - FP_SIZE_BIG : inp.sp - FP_BELOW;
  // below & ~63n, with fewer bigint operations
  return below - BigInt(Number(BigInt.asUintN(6, below)));
}

/** frameAddrs' frame address for the fpstate at fpAddr. */
export function frameAddrBelow(fpAddr: bigint): bigint {
  return fpAddr - FRAME_BELOW;
}

/**
 * Writes the whole fxsave image for the registers in the CPU block, every
 * byte of it: into fpScratch (host -1) or in place in engine memory (a
 * 4-byte aligned host offset of the user's fpstate).
 */
export function writeFpstate(e: Engine, host: number): void {
  const mem = e.i32v;
  const w = host < 0 ? fpWords : mem;
  const o = host < 0 ? 0 : host >> 2;
  const mxcsr = mem[CPU_MXCSR >> 2];
  w[o] = 0x37f; // fcw, fsw 0
  for (let i = 1; i < 6; i++) w[o + i] = 0;
  w[o + 6] = mxcsr || 0x1f80;
  w[o + 7] = 0xffff; // mxcsr_mask
  for (let i = 8; i < FP_XMM_W; i++) w[o + i] = 0;
  if (host < 0) for (let i = 0; i < 64; i++) w[o + FP_XMM_W + i] = mem[XMM_W + i];
  else mem.copyWithin(o + FP_XMM_W, XMM_W, XMM_W + 64);
  for (let i = FP_XMM_W + 64; i < FPSTATE_SIZE >> 2; i++) w[o + i] = 0;
}

/**
 * Writes the whole rt_sigframe, every byte of it, for the registers in the
 * CPU block: into frameScratch (host -1) or in place in engine memory (a
 * 4-byte aligned host offset of the user's frame).
 */
export function writeFrame(e: Engine, host: number, restorer: bigint, inp: FrameInputs, fpAddr: bigint): void {
  const mem = e.i32v;
  const w = host < 0 ? frameWords : mem;
  const dv = host < 0 ? frameScratchDv : e.dv;
  const b = host < 0 ? 0 : host;
  const o = b >> 2;
  dv.setBigUint64(b, restorer, true);
  w[o + 2] = UC_FLAGS_LO; // uc_flags
  w[o + 3] = 0;
  w[o + 4] = 0; // uc_link
  w[o + 5] = 0;
  dv.setBigUint64(b + UC_OFF + 16, inp.altstack.sp, true);
  w[o + 8] = inp.altstack.flags; // ss_flags, then padding
  w[o + 9] = 0;
  dv.setBigUint64(b + UC_OFF + 32, inp.altstack.size, true);
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
  dv.setBigUint64(b + MC + 152, inp.err, true);
  dv.setBigUint64(b + MC + 160, inp.trapno, true);
  dv.setBigUint64(b + UC_OFF + SIGMASK_OFF - 8, inp.blocked, true);
  w[mc + 42] = w[SIGMASK_W + o]; // oldmask: the mask's low word, taken from the words just written
  w[mc + 43] = 0;
  dv.setBigUint64(b + MC + 176, inp.cr2, true);
  dv.setBigUint64(b + MC + 184, fpAddr, true);
  for (let i = 48; i < 64; i++) w[mc + i] = 0; // reserved1[8]
  if (inp.withInfo === false) return;
  // siginfo_t: signo, errno, code, padding, then the union
  const si = o + (SIGINFO_OFF >> 2);
  w[si] = inp.info.signo;
  w[si + 1] = inp.info.errno;
  w[si + 2] = inp.info.code;
  for (let i = 3; i < 32; i++) w[si + i] = 0;
  const f = inp.info.fields;
  const n = f.length < 112 ? f.length : 112;
  if (host < 0) {
    for (let i = 0; i < n; i++) frameScratch[SIGINFO_OFF + 16 + i] = f[i];
  } else {
    const u8 = e.u8;
    for (let i = 0; i < n; i++) u8[b + SIGINFO_OFF + 16 + i] = f[i];
  }
}

/**
 * Lays out the frame for the registers in the CPU block. Returns the frame
 * address and its bytes, and the fpstate address and bytes (written by the
 * caller). The bytes are the shared scratch images: copy them out before
 * the next buildFrame.
 */
export function buildFrame(e: Engine, restorer: bigint, inp: FrameInputs): { frame: bigint; bytes: Uint8Array; fpAddr: bigint; fp: Uint8Array } {
  const { frame, fpAddr } = frameAddrs(inp);
  writeFrame(e, -1, restorer, inp, fpAddr);
  writeFpstate(e, -1);
  return { frame, bytes: frameScratch, fpAddr, fp: fpScratch };
}

/** Registers and mask a sigreturn restores, read from the frame bytes. */
export function restoreFrame(e: Engine, b: Uint8Array, fp: Uint8Array | undefined): { mask: bigint } {
  if (b !== frameScratch) frameScratch.set(b.subarray(0, FRAME_SIZE));
  if (fp && fp !== fpScratch) fpScratch.set(fp.subarray(0, FPSTATE_SIZE));
  return { mask: restoreFrameAt(e, -1, fp ? -1 : 0) };
}

/**
 * rt_sigreturn's restore from a frame and fpstate image either in the
 * scratch images (-1) or in place in engine memory (a 4-byte aligned host
 * offset); fpHost 0 means no fpstate. Returns the saved signal mask.
 */
export function restoreFrameAt(e: Engine, frameHost: number, fpHost: number): bigint {
  const mem = e.i32v;
  const edv = e.dv;
  const w = frameHost < 0 ? frameWords : mem;
  const dv = frameHost < 0 ? frameScratchDv : edv;
  const base = frameHost < 0 ? 0 : frameHost;
  const mcw = (base >> 2) + MC_W;
  for (let i = 0; i < 16; i++) {
    const r = REGS_W[i];
    mem[r] = w[mcw + i * 2];
    mem[r + 1] = w[mcw + i * 2 + 1];
  }
  mem[RIP_W] = w[mcw + 32];
  mem[RIP_W + 1] = w[mcw + 33];
  // only the FIX_EFLAGS bits come from the frame (all in the low word); bit 1 is always set
  const cur = edv.getUint32(CPU_RFLAGS, true);
  const flags = dv.getUint32(base + MC + 136, true);
  edv.setUint32(CPU_RFLAGS, ((cur & ~FIX_EFLAGS_LO) | (flags & FIX_EFLAGS_LO) | 2) >>> 0, true);
  if (fpHost !== 0) {
    const fdv = fpHost < 0 ? fpScratchDv : edv;
    const fbase = fpHost < 0 ? 0 : fpHost;
    const xw = (fbase >> 2) + FP_XMM_W;
    const mxcsr = fdv.getUint32(fbase + 24, true);
    if (fpHost < 0) for (let i = 0; i < 64; i++) mem[XMM_W + i] = fpWords[FP_XMM_W + i];
    else mem.copyWithin(XMM_W, xw, xw + 64);
    edv.setInt32(CPU_MXCSR, mxcsr, true);
  }
  return dv.getBigUint64(base + UC_OFF + SIGMASK_OFF - 8, true);
}
