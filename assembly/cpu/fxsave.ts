// The 512-byte fxsave image of the x87 and SSE state (Intel SDM vol. 1, 10.5.1), composed at a
// host address: what the fxsave instruction stores (cpu/sse.ts) and what a signal frame's
// fpstate holds (entry/sigframe.ts), and the state taken back from one (fxrstor, rt_sigreturn).
import { CPU_FCW, CPU_FSW, CPU_FTW, CPU_ST, CPU_XMM, CPU_MXCSR, MXCSR_MASK } from "../layout";

/**
 * Bytes 0..415 of the image at host address at: the control and status words, the abridged tags,
 * the instruction and operand pointers (zero), MXCSR and its mask, st0..st7 in stack order (the
 * physical register TOP names first), xmm0..15. Bytes 416..511 are the caller's: reserved or
 * software's, which the instruction leaves alone.
 */
export function fxsaveImage(at: u32): void {
  memory.fill(at, 0, 160);
  store<u32>(at, load<u32>(CPU_FCW)); // fcw, fsw
  store<u8>(at + 4, load<u8>(CPU_FTW));
  store<u32>(at + 24, load<u32>(CPU_MXCSR));
  store<u32>(at + 28, MXCSR_MASK);
  let top = (<u32>load<u16>(CPU_FSW) >> 11) & 7;
  for (let i: u32 = 0; i < 8; i++) {
    let r = CPU_ST + (((top + i) & 7) << 4);
    store<u64>(at + 32 + (i << 4), load<u64>(r));
    store<u16>(at + 40 + (i << 4), load<u16>(r, 8));
  }
  memory.copy(at + 160, CPU_XMM, 256);
}

/**
 * The x87 and SSE state from the image at host address at: st0..st7 to the physical registers
 * the image's TOP names. MXCSR is taken as it is there: the caller has checked it.
 */
export function fxrstorImage(at: u32): void {
  memory.copy(CPU_XMM, at + 160, 256);
  store<u32>(CPU_MXCSR, load<u32>(at + 24));
  store<u32>(CPU_FCW, load<u32>(at)); // fcw, fsw
  store<u8>(CPU_FTW, load<u8>(at + 4));
  let top = (<u32>load<u16>(CPU_FSW) >> 11) & 7;
  for (let i: u32 = 0; i < 8; i++) {
    let r = CPU_ST + (((top + i) & 7) << 4);
    store<u64>(r, load<u64>(at + 32 + (i << 4)));
    store<u16>(r, load<u16>(at + 40 + (i << 4)), 8);
  }
}
