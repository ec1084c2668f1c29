// Fast forms: the handful of instruction shapes that dominate compiled code,
// recognised once when a block is built, so that the run loop executes them
// without the generic handler's operand-size and operand-kind branching.
//
// specialize() stores a fast-form number in the record's byte R_FAST (the
// high byte of the u16 at R_OP; execute() reads the op as a u8). Zero means
// "generic": execute() runs the record. Register forms that never touch
// memory also store their destination and source register numbers in the
// bytes R_FDST and R_FSRC, which are the memory-operand bytes R_BASE and
// R_INDEX; those are unused when the operand is a register.
//
// A fast form must do exactly what execute() does for that shape. Memory
// forms only take the soft-TLB hit; on a miss the run loop hands the record
// to execute(), which walks the page table and raises any fault.
import * as O from "./opcodes";
import {
  R_OP, R_OSZ, R_REG, R_RM, R_BASE, R_INDEX, R_SCALE, R_SEG, R_PFX, R_SUB, R_DISP, R_IMM, NOREG,
  RIP_BASE, PFX_ADDR32,
} from "./decode";
import { CPU_REGS } from "../layout";

export const R_FAST = 1;
export const R_FDST = R_BASE;
export const R_FSRC = R_INDEX;

// ALU kinds in decode order: add or adc sbb and sub xor cmp; adc/sbb stay generic.
export const F_NONE = 0;
export const F_ALU64_RR = 1; // + kind (0..7, not 2 or 3): dst op= src
export const F_ALU32_RR = 9;
export const F_ALU64_RI = 17; // dst op= imm
export const F_ALU32_RI = 25;
export const F_TEST64_RR = 33;
export const F_TEST32_RR = 34;
export const F_TEST64_RI = 35;
export const F_TEST32_RI = 36;
export const F_MOV64_RR = 37;
export const F_MOV32_RR = 38;
export const F_MOV64_RI = 39;
export const F_MOV32_RI = 40;
export const F_LEA64 = 41;
export const F_LEA32 = 42;
export const F_SHL64_RI = 43;
export const F_SHR64_RI = 44;
export const F_SAR64_RI = 45;
export const F_SHL32_RI = 46;
export const F_SHR32_RI = 47;
export const F_SAR32_RI = 48;
export const F_IMUL64_RR = 49; // dst *= src
export const F_IMUL64_RRI = 50; // dst = src * imm
export const F_IMUL32_RR = 51;
export const F_IMUL32_RRI = 52;
export const F_INC64 = 53;
export const F_DEC64 = 54;
export const F_INC32 = 55;
export const F_DEC32 = 56;
export const F_MOVSXD_RR = 57;
export const F_MOVZX8_RR = 58;
export const F_MOVZX16_RR = 59;
export const F_CMP8_RI = 60;
export const F_TEST8_RR = 61;
// memory forms (no segment override, 64-bit addressing): EA from the record
export const F_LOAD64 = 64; // reg = [ea]
export const F_LOAD32 = 65;
export const F_LOADZX8 = 66;
export const F_LOADZX16 = 67;
export const F_LOADSXD = 68;
export const F_STORE64 = 69; // [ea] = reg
export const F_STORE32 = 70;
export const F_STORE8 = 71;
export const F_STOREI64 = 72; // [ea] = imm
export const F_STOREI32 = 73;
export const F_STOREI8 = 74;
export const F_CMP64_MI = 75; // [ea] - imm
export const F_CMP32_MI = 76;
export const F_CMP8_MI = 77;
export const F_CMP64_RM = 78; // reg - [ea]
export const F_CMP32_RM = 79;
export const F_CMP64_MR = 80; // [ea] - reg
export const F_CMP32_MR = 81;
export const F_ADD64_RM = 82; // reg += [ea]
export const F_ADD32_RM = 83;
export const F_CMP8_MR = 84;
export const F_LOADSX8_64 = 85;
export const F_LOADSX8_32 = 86;
// control and stack
export const F_JCC = 96;
export const F_JMP = 97;
export const F_CALL = 98;
export const F_RET = 99;
export const F_PUSH64_R = 100;
export const F_POP64_R = 101;
export const F_NOP = 102;
export const F_SYSCALL = 103;
// cmp or test followed by jcc, run as one step from the cmp's record (the
// jcc's record, next in the block, supplies the condition and the target)
export const F_CMPJ64_RR = 112;
export const F_CMPJ32_RR = 113;
export const F_CMPJ64_RI = 114;
export const F_CMPJ32_RI = 115;
export const F_TESTJ64_RR = 116;
export const F_TESTJ32_RR = 117;
export const F_TESTJ8_RR = 118;
export const F_CMPJ8_RI = 119;
// shifts by cl (dst shifted by cl masked to the operand size; a zero count leaves the flags)
export const F_SHL64_RCL = 120;
export const F_SHR64_RCL = 121;
export const F_SAR64_RCL = 122;
export const F_SHL32_RCL = 123;
export const F_SHR32_RCL = 124;
export const F_SAR32_RCL = 125;
// cmovcc between registers (R_SUB the condition), and cdqe (98 with REX.W)
export const F_CMOV64_RR = 126;
export const F_CMOV32_RR = 127;
export const F_CDQE = 128;
// indirect jmp and call (FF /4, FF /2) through a register or a memory operand
export const F_JMP_R = 129;
export const F_JMP_M = 130;
export const F_CALL_R = 131;
export const F_CALL_M = 132;

@inline function setFast(rec: u32, f: i32): void { store<u8>(rec, <u8>f, R_FAST); }

@inline function setRegs(rec: u32, f: i32, dst: i32, src: i32): void {
  store<u8>(rec, <u8>dst, R_FDST);
  store<u8>(rec, <u8>src, R_FSRC);
  store<u8>(rec, <u8>f, R_FAST);
}

/** A memory operand the fast forms can address: no fs/gs, no 32-bit addressing. */
@inline function plainMem(rec: u32): bool {
  return load<u8>(rec, R_SEG) == 0 && (load<u8>(rec, R_PFX) & PFX_ADDR32) == 0;
}

/** Picks the fast form for a freshly decoded record (see the file comment). */
export function specialize(rec: u32): void {
  let op = <i32>load<u8>(rec, R_OP);
  let osz = <i32>load<u8>(rec, R_OSZ);
  let reg = <i32>load<u8>(rec, R_REG);
  let rm = <i32>load<u8>(rec, R_RM);
  let isReg = rm != <i32>NOREG;
  let w = osz == 8 || osz == 4;
  let b64 = osz == 8;
  if (op >= O.OP_ALU_EG && op < O.OP_ALU_EI + 8) {
    let kind = (op - O.OP_ALU_EG) & 7;
    let form = op - kind; // OP_ALU_EG, OP_ALU_GE or OP_ALU_EI
    if (form == O.OP_ALU_EI) {
      if (isReg) {
        if (w && kind != 2 && kind != 3) setRegs(rec, (b64 ? F_ALU64_RI : F_ALU32_RI) + kind, rm, 0);
        else if (osz == 1 && kind == 7 && rm < 16) setRegs(rec, F_CMP8_RI, rm, 0);
      } else if (kind == 7 && plainMem(rec)) {
        setFast(rec, osz == 8 ? F_CMP64_MI : osz == 4 ? F_CMP32_MI : osz == 1 ? F_CMP8_MI : 0);
      }
      return;
    }
    if (isReg) {
      if (!w || kind == 2 || kind == 3) return;
      let dst = form == O.OP_ALU_EG ? rm : reg;
      let src = form == O.OP_ALU_EG ? reg : rm;
      setRegs(rec, (b64 ? F_ALU64_RR : F_ALU32_RR) + kind, dst, src);
      return;
    }
    if (!plainMem(rec)) return;
    if (kind == 7) {
      if (form == O.OP_ALU_GE) setFast(rec, osz == 8 ? F_CMP64_RM : osz == 4 ? F_CMP32_RM : 0);
      else setFast(rec, osz == 8 ? F_CMP64_MR : osz == 4 ? F_CMP32_MR : osz == 1 && reg < 16 ? F_CMP8_MR : 0);
    } else if (kind == 0 && form == O.OP_ALU_GE) {
      setFast(rec, osz == 8 ? F_ADD64_RM : osz == 4 ? F_ADD32_RM : 0);
    }
    return;
  }
  switch (op) {
    case O.OP_TEST_EG:
      if (isReg && w) setRegs(rec, b64 ? F_TEST64_RR : F_TEST32_RR, rm, reg);
      else if (isReg && osz == 1 && rm < 16 && reg < 16) setRegs(rec, F_TEST8_RR, rm, reg);
      break;
    case O.OP_TEST_EI:
      if (isReg && w) setRegs(rec, b64 ? F_TEST64_RI : F_TEST32_RI, rm, 0);
      break;
    case O.OP_MOV_EG:
      if (isReg) { if (w) setRegs(rec, b64 ? F_MOV64_RR : F_MOV32_RR, rm, reg); }
      else if (plainMem(rec)) {
        setFast(rec, osz == 8 ? F_STORE64 : osz == 4 ? F_STORE32 : osz == 1 && reg < 16 ? F_STORE8 : 0);
      }
      break;
    case O.OP_MOV_GE:
      if (isReg) { if (w) setRegs(rec, b64 ? F_MOV64_RR : F_MOV32_RR, reg, rm); }
      else if (w && plainMem(rec)) setFast(rec, b64 ? F_LOAD64 : F_LOAD32);
      break;
    case O.OP_MOV_EI:
      if (isReg) { if (w) setRegs(rec, b64 ? F_MOV64_RI : F_MOV32_RI, rm, 0); }
      else if (plainMem(rec)) {
        setFast(rec, osz == 8 ? F_STOREI64 : osz == 4 ? F_STOREI32 : osz == 1 ? F_STOREI8 : 0);
      }
      break;
    case O.OP_LEA:
      if (w && (load<u8>(rec, R_PFX) & PFX_ADDR32) == 0) setFast(rec, b64 ? F_LEA64 : F_LEA32);
      break;
    case O.OP_SHIFT_I: {
      if (!isReg || !w) break;
      let c = load<u64>(rec, R_IMM) & (b64 ? 63 : 31);
      if (c == 0) break; // a zero count leaves the flags alone: generic
      let s = <i32>load<u8>(rec, R_SUB);
      let f = s == 4 || s == 6 ? F_SHL64_RI : s == 5 ? F_SHR64_RI : s == 7 ? F_SAR64_RI : 0;
      if (f == 0) break;
      setRegs(rec, b64 ? f : f + (F_SHL32_RI - F_SHL64_RI), rm, 0);
      break;
    }
    case O.OP_SHIFT_CL: {
      if (!isReg || !w) break;
      let s = <i32>load<u8>(rec, R_SUB);
      let f = s == 4 || s == 6 ? F_SHL64_RCL : s == 5 ? F_SHR64_RCL : s == 7 ? F_SAR64_RCL : 0;
      if (f == 0) break;
      setRegs(rec, b64 ? f : f + (F_SHL32_RCL - F_SHL64_RCL), rm, 0);
      break;
    }
    case O.OP_CMOVCC:
      if (isReg && w) setRegs(rec, b64 ? F_CMOV64_RR : F_CMOV32_RR, reg, rm);
      break;
    case O.OP_CBW:
      if (b64) setFast(rec, F_CDQE);
      break;
    case O.OP_IMUL_GE:
      if (isReg && w) setRegs(rec, b64 ? F_IMUL64_RR : F_IMUL32_RR, reg, rm);
      break;
    case O.OP_IMUL_GEI:
      if (isReg && w) setRegs(rec, b64 ? F_IMUL64_RRI : F_IMUL32_RRI, reg, rm);
      break;
    case O.OP_INC:
      if (isReg && w) setRegs(rec, b64 ? F_INC64 : F_INC32, rm, 0);
      break;
    case O.OP_DEC:
      if (isReg && w) setRegs(rec, b64 ? F_DEC64 : F_DEC32, rm, 0);
      break;
    case O.OP_MOVSXD:
      if (b64) {
        if (isReg) setRegs(rec, F_MOVSXD_RR, reg, rm);
        else if (plainMem(rec)) setFast(rec, F_LOADSXD);
      }
      break;
    case O.OP_MOVZX: {
      if (!w) break;
      let s = <i32>load<u8>(rec, R_SUB);
      if (isReg) {
        if (s == 1 && rm < 16) setRegs(rec, F_MOVZX8_RR, reg, rm);
        else if (s == 2) setRegs(rec, F_MOVZX16_RR, reg, rm);
      } else if (plainMem(rec)) setFast(rec, s == 1 ? F_LOADZX8 : F_LOADZX16);
      break;
    }
    case O.OP_MOVSX:
      if (w && !isReg && load<u8>(rec, R_SUB) == 1 && plainMem(rec)) setFast(rec, b64 ? F_LOADSX8_64 : F_LOADSX8_32);
      break;
    case O.OP_JCC: setFast(rec, F_JCC); break;
    case O.OP_JMP: setFast(rec, F_JMP); break;
    case O.OP_CALL: setFast(rec, F_CALL); break;
    case O.OP_JMP_E:
      if (isReg) setRegs(rec, F_JMP_R, rm, 0);
      else if (plainMem(rec)) setFast(rec, F_JMP_M);
      break;
    case O.OP_CALL_E:
      if (isReg) setRegs(rec, F_CALL_R, rm, 0);
      else if (plainMem(rec)) setFast(rec, F_CALL_M);
      break;
    case O.OP_RET:
      if (osz == 8 && load<u64>(rec, R_IMM) == 0) setFast(rec, F_RET);
      break;
    case O.OP_PUSH_E:
      if (isReg && b64) setRegs(rec, F_PUSH64_R, rm, 0);
      break;
    case O.OP_POP_E:
      if (isReg && b64) setRegs(rec, F_POP64_R, rm, 0);
      break;
    case O.OP_NOP: setFast(rec, F_NOP); break;
    case O.OP_SYSCALL: setFast(rec, F_SYSCALL); break;
  }
}

/** The record before a jcc in the same block: a cmp or test there fuses with it. */
export function fuseJcc(prev: u32): void {
  let f = <i32>load<u8>(prev, R_FAST);
  let g = f == F_ALU64_RR + 7 ? F_CMPJ64_RR : f == F_ALU32_RR + 7 ? F_CMPJ32_RR
    : f == F_ALU64_RI + 7 ? F_CMPJ64_RI : f == F_ALU32_RI + 7 ? F_CMPJ32_RI
    : f == F_TEST64_RR ? F_TESTJ64_RR : f == F_TEST32_RR ? F_TESTJ32_RR
    : f == F_TEST8_RR ? F_TESTJ8_RR : f == F_CMP8_RI ? F_CMPJ8_RI : 0;
  if (g != 0) setFast(prev, g);
}

// ---------------------------------------------------------------- helpers for the run loop

@inline export function fdst(p: u32): u32 { return <u32>load<u8>(p, R_FDST); }
@inline export function fsrc(p: u32): u32 { return <u32>load<u8>(p, R_FSRC); }

/** Effective address of a plain memory operand; nrip is the next instruction's address. */
@inline export function fea(p: u32, nrip: u64): u64 {
  let a = <u64><i64>load<i32>(p, R_DISP);
  let base = load<u8>(p, R_BASE);
  if (base < 16) a += load<u64>(CPU_REGS + (<u32>base << 3));
  else if (base == RIP_BASE) a += nrip;
  let idx = load<u8>(p, R_INDEX);
  if (idx < 16) a += load<u64>(CPU_REGS + (<u32>idx << 3)) << <u64>load<u8>(p, R_SCALE);
  return a;
}
