// MMX, and the forms on mm registers that SSE and SSE2 add: the 0F-map
// integer instructions without a 66, F2 or F3 prefix. CPUID reports MMX, so
// a program may use them whatever its compiler emits by default.
//
// The eight mm registers are not registers of their own: mm i is the 64-bit
// significand of the x87 physical register R i (CPU_ST, cpu/x87.ts). An MMX
// instruction first takes a pending unmasked x87 exception (#MF), as a
// waiting x87 instruction does; then it marks every x87 register valid and
// sets TOP to 0 (so st(i) is mm i), and the register it writes gets the
// exponent and sign bits all ones. emms empties the tag word. fxsave,
// fnstenv and signal frames then show this state without knowing of MMX,
// since it is the x87 state.
//
// The lane arithmetic is sse.ts's, run on 8-byte vectors: an mm register's
// bytes are its slot in CPU_ST, and a memory operand is copied to SRC.
//
// Decoding leaves an OP_MMX record: sub is an SSE_* lane operation (the
// binary forms, pshufw as pshuflw, the shifts by imm8) or an MMX_* below;
// reg and rm hold mm registers as 0..7 (REX.R and REX.B do not reach
// them), general and xmm registers as the decoder gives them.
import { CPU_ST, CPU_FSW, CPU_FTW } from "../layout";
import { R_REG, R_RM, R_SUB, R_IMM, R_OSZ, R_PFX, NOREG, PFX_REP, PFX_REPNE, PFX_OPSZ, PFX_ADDR32, sseModrm, sseImm8 } from "./decode";
import * as O from "./opcodes";
import { ea } from "./execute";
import { rget, rset, r64, RDI } from "./regs";
import { rd, wr, faulted } from "../mmu/access";
import { setStop } from "./state";
import { pendingFault } from "./x87";
import {
  binary66, binary, shiftImm, byteSigns, toInt, roundRC, f32of, load128, probeWrite, X,
  SSE_PSHUFLW, SSE_PSRLW_I, SSE_PSRLD_I, SSE_PSRLQ_I, SSE_PSRAW_I, SSE_PSRAD_I, SSE_PSLLW_I, SSE_PSLLD_I, SSE_PSLLQ_I,
  SSE_FIRST_BINARY, SSE_LAST_BINARY,
} from "./sse";

// The MMX-only operations (the lane operations keep their SSE_* numbers, from 32 up).
const MMX_EMMS = 1;
const MMX_MOVD_TO = 2; // 0F 6E: mm <- r/m32 (r/m64 with REX.W), zero-extended
const MMX_MOVD_FROM = 3; // 0F 7E: r/m32 (r/m64) <- mm
const MMX_MOVQ_LOAD = 4; // 0F 6F: mm <- mm/m64
const MMX_MOVQ_STORE = 5; // 0F 7F: mm/m64 <- mm; also movntq (0F E7, m64 only)
const MMX_PINSRW = 6; // 0F C4: mm <- r32/m16 into word imm & 3
const MMX_PEXTRW = 7; // 0F C5: r32 <- word imm & 3 of mm, zero-extended
const MMX_PMOVMSKB = 8; // 0F D7: r32 <- the sign bits of mm's bytes
const MMX_MASKMOVQ = 9; // 0F F7: bytes of reg to [rdi] where rm's byte has its top bit set
const MMX_MOVQ2DQ = 10; // F3 0F D6: xmm <- mm, zero-extended
const MMX_MOVDQ2Q = 11; // F2 0F D6: mm <- xmm's low quadword
const MMX_CVTPI2PS = 12; // 0F 2A: xmm's low two floats <- two int32 of mm/m64
const MMX_CVTTPS2PI = 13; // 0F 2C: mm <- two int32 of xmm/m64's floats, truncated
const MMX_CVTPS2PI = 14; // 0F 2D: ... rounded as MXCSR says
const MMX_CVTPI2PD = 15; // 66 0F 2A: xmm <- two doubles of mm/m64's int32
const MMX_CVTTPD2PI = 16; // 66 0F 2C: mm <- two int32 of xmm/m128's doubles, truncated
const MMX_CVTPD2PI = 17; // 66 0F 2D

/** The sign and exponent an MMX write leaves in its x87 register: all ones, a NaN's. */
const MM_SEXP: u16 = 0xffff;
/** FSW's TOP field. */
const FSW_TOP: u16 = 0x3800;

/** A memory source, and the word pinsrw inserts. */
const SRC: u32 = <u32>memory.data(16, 16);

// ---------------------------------------------------------------- decoding

@inline function rmIsMem(rec: u32): bool { return load<u8>(rec, R_RM) == NOREG; }
@inline function mmReg(rec: u32): void { store<u8>(rec, load<u8>(rec, R_REG) & 7, R_REG); }
@inline function mmRm(rec: u32): void { if (!rmIsMem(rec)) store<u8>(rec, load<u8>(rec, R_RM) & 7, R_RM); }

/**
 * Decodes the 0F-map opcode b into rec when, with this prefix, it is an
 * instruction on mm registers. Returns false without consuming a byte
 * when it is not; an invalid operand kind of one of ours becomes #UD.
 */
export function MMX_decode(b: i32, pfx: i32, rex: i32, rec: u32): bool {
  // the mandatory prefix: F3 or F2 (whichever came last) outranks 66
  let mp = (pfx & PFX_REP) != 0 ? 3 : (pfx & PFX_REPNE) != 0 ? 2 : (pfx & PFX_OPSZ) != 0 ? 1 : 0;
  let op = 0;
  let ok = true;
  if (mp == 0) {
    let k = b == 0x6c || b == 0x6d ? 0 : binary66(b);
    if (k != 0) {
      sseModrm();
      mmReg(rec);
      mmRm(rec);
      op = k;
    } else {
      switch (b) {
        case 0x6e: case 0x7e:
          sseModrm();
          mmReg(rec);
          store<u8>(rec, (rex & 8) != 0 ? 8 : 4, R_OSZ);
          op = b == 0x6e ? MMX_MOVD_TO : MMX_MOVD_FROM;
          break;
        case 0x6f: case 0x7f: case 0xe7:
          sseModrm();
          mmReg(rec);
          mmRm(rec);
          op = b == 0x6f ? MMX_MOVQ_LOAD : MMX_MOVQ_STORE;
          ok = b != 0xe7 || rmIsMem(rec);
          break;
        case 0x70:
          sseModrm();
          mmReg(rec);
          mmRm(rec);
          store<i64>(rec, <i64>sseImm8(), R_IMM);
          op = SSE_PSHUFLW;
          break;
        case 0x71: case 0x72: case 0x73: {
          let r = sseModrm() & 7;
          mmRm(rec);
          store<i64>(rec, <i64>sseImm8(), R_IMM);
          if (b == 0x71) op = r == 2 ? SSE_PSRLW_I : r == 4 ? SSE_PSRAW_I : r == 6 ? SSE_PSLLW_I : 0;
          else if (b == 0x72) op = r == 2 ? SSE_PSRLD_I : r == 4 ? SSE_PSRAD_I : r == 6 ? SSE_PSLLD_I : 0;
          else op = r == 2 ? SSE_PSRLQ_I : r == 6 ? SSE_PSLLQ_I : 0;
          ok = op != 0 && !rmIsMem(rec);
          break;
        }
        case 0x77: op = MMX_EMMS; break;
        case 0xc4:
          sseModrm();
          mmReg(rec);
          store<i64>(rec, <i64>sseImm8(), R_IMM);
          op = MMX_PINSRW;
          break;
        case 0xc5:
          sseModrm();
          mmRm(rec);
          store<i64>(rec, <i64>sseImm8(), R_IMM);
          op = MMX_PEXTRW;
          ok = !rmIsMem(rec);
          break;
        case 0xd7: case 0xf7:
          sseModrm();
          if (b == 0xf7) mmReg(rec); // pmovmskb's reg is a general register
          mmRm(rec);
          op = b == 0xd7 ? MMX_PMOVMSKB : MMX_MASKMOVQ;
          ok = !rmIsMem(rec);
          break;
        case 0x2a: sseModrm(); mmRm(rec); op = MMX_CVTPI2PS; break;
        case 0x2c: case 0x2d: sseModrm(); mmReg(rec); op = b == 0x2c ? MMX_CVTTPS2PI : MMX_CVTPS2PI; break;
        default: return false;
      }
    }
  } else if (mp == 1 && (b == 0x2a || b == 0x2c || b == 0x2d)) {
    sseModrm();
    if (b == 0x2a) { mmRm(rec); op = MMX_CVTPI2PD; }
    else { mmReg(rec); op = b == 0x2c ? MMX_CVTTPD2PI : MMX_CVTPD2PI; }
  } else if (mp >= 2 && b == 0xd6) {
    sseModrm();
    if (mp == 3) { mmRm(rec); op = MMX_MOVQ2DQ; }
    else { mmReg(rec); op = MMX_MOVDQ2Q; }
    ok = !rmIsMem(rec);
  } else {
    return false;
  }
  store<u16>(rec, <u16>(ok ? O.OP_MMX : O.OP_UD), 0);
  store<u8>(rec, <u8>op, R_SUB);
  return true;
}

// ---------------------------------------------------------------- state

/** mm r's 8 bytes: the significand of x87 physical register r. */
@inline function MM(r: i32): u32 { return CPU_ST + (<u32>r << 4); }

/** Marks mm r written: its x87 register's sign and exponent become all ones. */
@inline function wrote(r: i32): void { store<u16>(MM(r), MM_SEXP, 8); }

@inline function setMM(r: i32, v: u64): void {
  store<u64>(MM(r), v);
  wrote(r);
}

/** The x87 side of every MMX instruction but emms: all tags valid, TOP 0. */
@inline function enterMMX(): void {
  store<u8>(CPU_FTW, 0xff);
  store<u16>(CPU_FSW, load<u16>(CPU_FSW) & ~FSW_TOP);
}

/** The 8-byte source operand: mm rm's bytes, or m64 copied to SRC; 0 after a fault. */
function src64(p: u32): u32 {
  let rm = <i32>load<u8>(p, R_RM);
  if (rm != NOREG) return MM(rm);
  let v = rd(ea(p), 8);
  if (faulted) return 0;
  store<u64>(SRC, v);
  return SRC;
}

/** An xmm register or memory source of n bytes (8, or 16 aligned); 0 after a fault. */
function srcX(p: u32, n: i32): u32 {
  let rm = <i32>load<u8>(p, R_RM);
  if (rm != NOREG) return X(rm);
  let a = ea(p);
  if (n == 16) return load128(a, SRC, true) ? SRC : 0;
  let v = rd(a, 8);
  if (faulted) return 0;
  store<u64>(SRC, v);
  return SRC;
}

// ---------------------------------------------------------------- execution

export function MMX_execute(p: u32): void {
  let sub = <i32>load<u8>(p, R_SUB);
  // cvtpi2ps and cvtpi2pd from memory touch no mm register: no transition, no #MF
  let fromMem = (sub == MMX_CVTPI2PS || sub == MMX_CVTPI2PD) && load<u8>(p, R_RM) == NOREG;
  if (!fromMem && pendingFault()) return;
  if (!run(p, sub)) { setStop(true); return; }
  if (sub == MMX_EMMS) store<u8>(CPU_FTW, 0);
  else if (!fromMem) enterMMX();
}

/** Runs the operation; false after raising a fault (no register changed). */
function run(p: u32, sub: i32): bool {
  let reg = <i32>load<u8>(p, R_REG);
  let rm = <i32>load<u8>(p, R_RM);
  if (sub >= SSE_FIRST_BINARY && sub <= SSE_LAST_BINARY) {
    let s = src64(p);
    if (s == 0) return false;
    binary(sub, MM(reg), s, <u32>load<u64>(p, R_IMM), 8);
    wrote(reg);
    return true;
  }
  if (sub >= SSE_PSRLW_I && sub <= SSE_PSLLQ_I) {
    shiftImm(sub, MM(rm), <u32>load<u64>(p, R_IMM), 8);
    wrote(rm);
    return true;
  }
  switch (sub) {
    case MMX_EMMS: return true;
    case MMX_MOVD_TO: {
      let size = <i32>load<u8>(p, R_OSZ);
      let v = rm != NOREG ? rget(rm, size) : rd(ea(p), size);
      if (faulted) return false;
      setMM(reg, v);
      return true;
    }
    case MMX_MOVD_FROM: {
      let size = <i32>load<u8>(p, R_OSZ);
      let v = load<u64>(MM(reg));
      if (size == 4) v &= 0xffffffff;
      if (rm != NOREG) rset(rm, size, v);
      else wr(ea(p), v, size);
      return !faulted;
    }
    case MMX_MOVQ_LOAD: {
      let s = src64(p);
      if (s == 0) return false;
      setMM(reg, load<u64>(s));
      return true;
    }
    case MMX_MOVQ_STORE:
      if (rm != NOREG) setMM(rm, load<u64>(MM(reg)));
      else wr(ea(p), load<u64>(MM(reg)), 8);
      return !faulted;
    case MMX_PINSRW: {
      let v = rm != NOREG ? rget(rm, 2) : rd(ea(p), 2);
      if (faulted) return false;
      store<u16>(MM(reg) + ((<u32>load<u64>(p, R_IMM) & 3) << 1), <u16>v);
      wrote(reg);
      return true;
    }
    case MMX_PEXTRW:
      rset(reg, 8, <u64>load<u16>(MM(rm) + ((<u32>load<u64>(p, R_IMM) & 3) << 1)));
      return true;
    case MMX_PMOVMSKB:
      rset(reg, 8, byteSigns(load<u64>(MM(rm))));
      return true;
    case MMX_MASKMOVQ: {
      // all eight bytes must be writable whatever the mask, as on hardware: a
      // fault comes at the first bad byte of the quadword, before any store
      let a = r64(RDI);
      if ((load<u8>(p, R_PFX) & PFX_ADDR32) != 0) a &= 0xffffffff;
      if (!probeWrite(a, 8)) return false;
      let d = MM(reg);
      let m = MM(rm);
      for (let i: u32 = 0; i < 8; i++) {
        if ((load<u8>(m + i) & 0x80) != 0) wr(a + i, <u64>load<u8>(d + i), 1);
      }
      return true;
    }
    case MMX_MOVQ2DQ: {
      let x = X(reg);
      store<u64>(x, load<u64>(MM(rm)));
      store<u64>(x, 0, 8);
      return true;
    }
    case MMX_MOVDQ2Q:
      setMM(reg, load<u64>(X(rm)));
      return true;
    case MMX_CVTPI2PS: {
      let s = src64(p);
      if (s == 0) return false;
      let x = X(reg);
      store<f32>(x, <f32>load<i32>(s));
      store<f32>(x, <f32>load<i32>(s, 4), 4);
      return true;
    }
    case MMX_CVTPI2PD: {
      let s = src64(p);
      if (s == 0) return false;
      let x = X(reg);
      store<f64>(x, <f64>load<i32>(s));
      store<f64>(x, <f64>load<i32>(s, 4), 8);
      return true;
    }
    case MMX_CVTTPS2PI: case MMX_CVTPS2PI: {
      let s = srcX(p, 8);
      if (s == 0) return false;
      let lo = f32of(load<u32>(s));
      let hi = f32of(load<u32>(s, 4));
      let tr = sub == MMX_CVTTPS2PI;
      let r0 = toInt(tr ? trunc<f64>(lo) : roundRC(lo), 4);
      let r1 = toInt(tr ? trunc<f64>(hi) : roundRC(hi), 4);
      setMM(reg, r0 | (r1 << 32));
      return true;
    }
    case MMX_CVTTPD2PI: case MMX_CVTPD2PI: {
      let s = srcX(p, 16);
      if (s == 0) return false;
      let lo = load<f64>(s);
      let hi = load<f64>(s, 8);
      let tr = sub == MMX_CVTTPD2PI;
      let r0 = toInt(tr ? trunc<f64>(lo) : roundRC(lo), 4);
      let r1 = toInt(tr ? trunc<f64>(hi) : roundRC(hi), 4);
      setMM(reg, r0 | (r1 << 32));
      return true;
    }
  }
  return false;
}
