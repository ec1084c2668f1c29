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

export function siginfoBytes(si: Siginfo): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, si.signo, true);
  dv.setInt32(4, si.errno, true);
  dv.setInt32(8, si.code, true);
  b.set(si.fields.subarray(0, 112), 16);
  return b;
}

export function faultFields(addr: bigint): Uint8Array {
  const f = new Uint8Array(16);
  new DataView(f.buffer).setBigUint64(0, addr, true);
  return f;
}

export function sysFields(callAddr: bigint, syscall: number, arch: number): Uint8Array {
  const f = new Uint8Array(16);
  const dv = new DataView(f.buffer);
  dv.setBigUint64(0, callAddr, true);
  dv.setInt32(8, syscall, true);
  dv.setUint32(12, arch >>> 0, true);
  return f;
}

export function killFields(pid: number, uid: number): Uint8Array {
  const f = new Uint8Array(8);
  const dv = new DataView(f.buffer);
  dv.setInt32(0, pid, true);
  dv.setUint32(4, uid, true);
  return f;
}

export interface FrameInputs {
  sp: bigint;
  onAltStack: boolean;
  altstack: { sp: bigint; flags: number; size: bigint };
  useAltStack: boolean;
  blocked: bigint;
  info: Siginfo;
  trapno: bigint;
  err: bigint;
  cr2: bigint;
}

/**
 * Lays out the frame for the registers in the CPU block. Returns the frame
 * address and its bytes, and the fpstate address and bytes (written by the caller).
 */
export function buildFrame(e: Engine, restorer: bigint, inp: FrameInputs): { frame: bigint; bytes: Uint8Array; fpAddr: bigint; fp: Uint8Array } {
  let sp = inp.sp;
  if (inp.useAltStack) sp = inp.altstack.sp + inp.altstack.size;
  else sp -= REDZONE;
  // fpstate first (64-byte aligned), then the frame aligned so that (rsp + 8) % 16 == 0 at entry
  const fpAddr = (sp - BigInt(FPSTATE_SIZE)) & ~63n;
  const frame = ((fpAddr - BigInt(FRAME_SIZE)) & ~15n) - 8n;
  const b = new Uint8Array(FRAME_SIZE);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, restorer, true);
  dv.setBigUint64(UC_OFF + 0, UC_FLAGS, true);
  dv.setBigUint64(UC_OFF + 8, 0n, true);
  dv.setBigUint64(UC_OFF + 16, inp.altstack.sp, true);
  dv.setInt32(UC_OFF + 24, inp.altstack.flags, true);
  dv.setBigUint64(UC_OFF + 32, inp.altstack.size, true);
  const mc = UC_OFF + MCONTEXT_OFF - 8;
  SIGCONTEXT_REGS.forEach((r, i) => dv.setBigUint64(mc + i * 8, e.u64(CPU_REGS + r * 8), true));
  dv.setBigUint64(mc + 128, e.u64(CPU_RIP), true);
  dv.setBigUint64(mc + 136, e.u64(CPU_RFLAGS), true);
  dv.setUint16(mc + 144, 0x33, true); // cs
  dv.setUint16(mc + 146, 0, true); // gs
  dv.setUint16(mc + 148, 0, true); // fs
  dv.setUint16(mc + 150, 0x2b, true); // ss
  dv.setBigUint64(mc + 152, inp.err, true);
  dv.setBigUint64(mc + 160, inp.trapno, true);
  dv.setBigUint64(mc + 168, inp.blocked & 0xffffffffn, true); // oldmask
  dv.setBigUint64(mc + 176, inp.cr2, true);
  dv.setBigUint64(mc + 184, fpAddr, true);
  dv.setBigUint64(UC_OFF + SIGMASK_OFF - 8, inp.blocked, true);
  b.set(siginfoBytes(inp.info), SIGINFO_OFF);
  // fxsave image: control words, mxcsr and the xmm registers
  const fp = new Uint8Array(FPSTATE_SIZE);
  const fdv = new DataView(fp.buffer);
  fdv.setUint16(0, 0x37f, true); // fcw
  fdv.setUint32(24, e.u32(CPU_MXCSR) || 0x1f80, true);
  fdv.setUint32(28, 0xffff, true); // mxcsr_mask
  fp.set(e.u8.subarray(CPU_XMM, CPU_XMM + 256), 160);
  return { frame, bytes: b, fpAddr, fp };
}

/** Registers and mask a sigreturn restores, read from the frame bytes. */
export function restoreFrame(e: Engine, b: Uint8Array, fp: Uint8Array | undefined): { mask: bigint } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const mc = UC_OFF + MCONTEXT_OFF - 8;
  SIGCONTEXT_REGS.forEach((r, i) => e.setU64(CPU_REGS + r * 8, dv.getBigUint64(mc + i * 8, true)));
  e.setU64(CPU_RIP, dv.getBigUint64(mc + 128, true));
  const flags = dv.getBigUint64(mc + 136, true);
  const cur = e.u64(CPU_RFLAGS);
  e.setU64(CPU_RFLAGS, (cur & ~FIX_EFLAGS) | (flags & FIX_EFLAGS) | 2n);
  if (fp) {
    e.u8.set(fp.subarray(160, 160 + 256), CPU_XMM);
    e.setI32(CPU_MXCSR, new DataView(fp.buffer, fp.byteOffset).getUint32(24, true));
  }
  return { mask: dv.getBigUint64(UC_OFF + SIGMASK_OFF - 8, true) };
}
