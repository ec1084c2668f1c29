/**
 * The CPU block's registers as indexes into the kernel's 32- and 64-bit
 * views of the engine's memory (Kernel.dwords, Kernel.qwords): the syscall
 * path and signal delivery read and write them there, with no DataView and
 * no BigInt where 32 bits do. Every field is 8-byte aligned (engine/layout.ts).
 */
import { CPU_REGS, CPU_RIP, CPU_RFLAGS, CPU_ORIG_RAX, CPU_XMM, CPU_MXCSR, CPU_FCW, CPU_FTW, CPU_ST } from '../engine/layout.js';

/** General register r's (ISA numbering: rax 0 .. r15 15) 64-bit word. */
export const regQ = (r: number): number => (CPU_REGS >> 3) + r;
/** Its low 32-bit word. */
export const regW = (r: number): number => regQ(r) * 2;

/** The registers a syscall's arguments are in (ISA numbering): rdi, rsi, rdx, r10, r8, r9. */
export const SYSCALL_ARG_REGS: readonly number[] = [7, 6, 2, 10, 8, 9];
/** The same for int $0x80: ebx, ecx, edx, esi, edi, ebp. */
export const IA32_SYSCALL_ARG_REGS: readonly number[] = [3, 1, 2, 6, 7, 5];

export const RAX_Q = regQ(0);
export const RSP_Q = regQ(4);
export const RIP_Q = CPU_RIP >> 3;
export const ORIG_RAX_Q = CPU_ORIG_RAX >> 3;

export const RAX_W = regW(0);
export const RDX_W = regW(2);
export const RSP_W = regW(4);
export const RSI_W = regW(6);
export const RDI_W = regW(7);
export const RIP_W = CPU_RIP >> 2;
export const RFLAGS_W = CPU_RFLAGS >> 2;
export const ORIG_RAX_W = CPU_ORIG_RAX >> 2;
/** xmm0's first word: the sixteen registers follow, four words each. */
export const XMM_W = CPU_XMM >> 2;
export const MXCSR_W = CPU_MXCSR >> 2;
/** The x87 control word (low half) and status word (high half), as fxsave's first word holds them. */
export const FCW_W = CPU_FCW >> 2;
/** The x87 registers in use, a bit per physical register, in the low byte. */
export const FTW_W = CPU_FTW >> 2;
/** Physical register 0's first word: eight registers of four words (significand, sign and exponent, 0). */
export const ST_W = CPU_ST >> 2;

/** Stores a (below 2^53) in mem[w..w+1]. */
export function setWordsNumber(mem: Int32Array, w: number, a: number): void {
  const lo = a >>> 0;
  mem[w] = lo;
  mem[w + 1] = (a - lo) / 4294967296;
}

/**
 * The u64 in mem[w..w+1] as a number when that is exact (below 2^53),
 * else Infinity: an address reckoned from it is then none a user has, and
 * a sum or a count reckoned from it fails any bound.
 */
export function wordsNumber(mem: Int32Array, w: number): number {
  const hi = mem[w + 1] >>> 0;
  return hi < 0x200000 ? hi * 4294967296 + (mem[w] >>> 0) : Infinity;
}
