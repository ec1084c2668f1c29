// General-purpose registers in the CPU block of shared memory, so that the
// TypeScript kernel reads and writes them through a typed view.
import { CPU_REGS } from "../layout";

export const RAX = 0;
export const RCX = 1;
export const RDX = 2;
export const RBX = 3;
export const RSP = 4;
export const RBP = 5;
export const RSI = 6;
export const RDI = 7;
export const R8 = 8;
export const R9 = 9;
export const R10 = 10;
export const R11 = 11;

@inline export function r64(r: i32): u64 {
  return load<u64>(CPU_REGS + (<u32>r << 3));
}

@inline export function w64(r: i32, v: u64): void {
  store<u64>(CPU_REGS + (<u32>r << 3), v);
}

/** Reads register code r at size (codes 16..19 are ah, ch, dh, bh). */
@inline export function rget(r: i32, size: i32): u64 {
  if (size == 8) return r64(r);
  if (size == 4) return <u64>load<u32>(CPU_REGS + (<u32>r << 3));
  if (size == 2) return <u64>load<u16>(CPU_REGS + (<u32>r << 3));
  if (r >= 16) return <u64>load<u8>(CPU_REGS + (<u32>(r - 16) << 3) + 1);
  return <u64>load<u8>(CPU_REGS + (<u32>r << 3));
}

/** Writes register code r at size: 32-bit writes zero the upper half, 8/16-bit writes merge. */
@inline export function rset(r: i32, size: i32, v: u64): void {
  if (size == 8) w64(r, v);
  else if (size == 4) w64(r, v & 0xffffffff);
  else if (size == 2) store<u16>(CPU_REGS + (<u32>r << 3), <u16>v);
  else if (r >= 16) store<u8>(CPU_REGS + (<u32>(r - 16) << 3) + 1, <u8>v);
  else store<u8>(CPU_REGS + (<u32>r << 3), <u8>v);
}
