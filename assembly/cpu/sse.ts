// SSE and SSE2 in the legacy (non-VEX) encodings, plus the SSE3 forms that
// fit beside them, because CPUID reports all three: the data moves, the
// 128-bit integer operations, and scalar and packed float arithmetic,
// compares and conversions that gcc emits for ordinary C once SSE is on.
// MMX (the 0F forms without 66 on mm registers) is cpu/mmx.ts, which runs
// the integer lane operations here on 8-byte vectors. Not here: rcpps/rsqrtps
// (their approximations differ between CPU models), and SSSE3 and later,
// which CPUID does not report. Decoding fills an OP_SSE record whose `sub`
// names the operation:
//
//   reg  the ModRM reg operand: an xmm register (0..15), or a general
//        register for the forms whose destination is one (movd/movq to a
//        GP register, pmovmskb, movmskps/pd, pextrw, cvt*2si)
//   rm   an xmm register, a general register (movd/movq, pinsrw,
//        cvtsi2ss/sd), or NOREG for a memory operand
//   osz  4 or 8 (REX.W) for the general-register operand of movd/movq and
//        the integer conversions
//   imm  the imm8 of shuffles, shifts by immediate, pextrw/pinsrw, cmpps
//
// Packed lane operations run on the register file in memory (CPU_XMM): the
// source operand is either another register's bytes or a 16-byte copy of
// memory in a scratch buffer, so one handler serves both operand kinds.
import { CPU_XMM, CPU_MXCSR, FXSAVE_SCRATCH, MXCSR_MASK } from "../layout";
import { fxsaveImage, fxrstorImage } from "./fxsave";
import { R_REG, R_RM, R_SUB, R_IMM, R_OSZ, NOREG, PFX_REP, PFX_REPNE, PFX_OPSZ, sseModrm, sseImm8 } from "./decode";
import * as O from "./opcodes";
import { ea } from "./execute";
import { rget, rset, r64, RDI } from "./regs";
import { rd, wr, hostR, hostW, probeW, raiseFault, faulted, SIGSEGV, SI_KERNEL } from "../mmu/access";
import { setStop } from "./state";
import { setArithBits, ARITH_FLAGS } from "./flags";
import {
 sseArith, sseFlags, floatingPointFault, SSE_ADD, SSE_SUB, SSE_MUL, SSE_DIV, SSE_SQRT, IE, ZE, OE, PE,
} from "./x87";

// ---------------------------------------------------------------- operations

// data moves
export const SSE_MOVU_LOAD = 1; // movups/movupd/movdqu/lddqu xmm, xmm/m128
export const SSE_MOVA_LOAD = 2; // movaps/movapd/movdqa: m128 must be 16-byte aligned
export const SSE_MOVU_STORE = 3; // xmm/m128, xmm
export const SSE_MOVA_STORE = 4; // also movntps/movntpd/movntdq
export const SSE_MOVSS_LOAD = 5; // F3 0F 10: register form merges, memory form zeroes bits 32..127
export const SSE_MOVSD_LOAD = 6; // F2 0F 10
export const SSE_MOVSS_STORE = 7; // F3 0F 11
export const SSE_MOVSD_STORE = 8; // F2 0F 11
export const SSE_MOVQ_LOAD = 9; // F3 0F 7E: zeroes bits 64..127
export const SSE_MOVQ_STORE = 10; // 66 0F D6: a register destination's bits 64..127 are zeroed
export const SSE_MOVD_TOX = 11; // 66 0F 6E: xmm <- r/m32 (r/m64 with REX.W), zero-extended
export const SSE_MOVD_FROMX = 12; // 66 0F 7E: r/m32 (r/m64) <- xmm
export const SSE_MOVLP_LOAD = 13; // movlps/movlpd xmm, m64
export const SSE_MOVHLPS = 14; // 0F 12 register form
export const SSE_MOVLP_STORE = 15; // movlps/movlpd m64, xmm
export const SSE_MOVHP_LOAD = 16; // movhps/movhpd xmm, m64
export const SSE_MOVLHPS = 17; // 0F 16 register form
export const SSE_MOVHP_STORE = 18; // movhps/movhpd m64, xmm
export const SSE_MOVDDUP = 19; // F2 0F 12 (SSE3, which CPUID reports)
export const SSE_MOVSLDUP = 20; // F3 0F 12
export const SSE_MOVSHDUP = 21; // F3 0F 16
export const SSE_MOVMSKPS = 22;
export const SSE_MOVMSKPD = 23;
export const SSE_PMOVMSKB = 24;
export const SSE_PEXTRW = 25;
export const SSE_PINSRW = 26;
export const SSE_MASKMOVDQU = 27;
export const SSE_LDMXCSR = 28;
export const SSE_STMXCSR = 29;
export const SSE_FXSAVE = 30;
export const SSE_FXRSTOR = 31;

// From here on: dst = op(dst, src), src an xmm register or an aligned m128.
export const SSE_FIRST_BINARY = 32;
export const SSE_PAND = 32; // also andps/andpd
export const SSE_PANDN = 33;
export const SSE_POR = 34;
export const SSE_PXOR = 35;
export const SSE_PADDB = 36;
export const SSE_PADDW = 37;
export const SSE_PADDD = 38;
export const SSE_PADDQ = 39;
export const SSE_PSUBB = 40;
export const SSE_PSUBW = 41;
export const SSE_PSUBD = 42;
export const SSE_PSUBQ = 43;
export const SSE_PADDSB = 44;
export const SSE_PADDSW = 45;
export const SSE_PADDUSB = 46;
export const SSE_PADDUSW = 47;
export const SSE_PSUBSB = 48;
export const SSE_PSUBSW = 49;
export const SSE_PSUBUSB = 50;
export const SSE_PSUBUSW = 51;
export const SSE_PCMPEQB = 52;
export const SSE_PCMPEQW = 53;
export const SSE_PCMPEQD = 54;
export const SSE_PCMPGTB = 55;
export const SSE_PCMPGTW = 56;
export const SSE_PCMPGTD = 57;
export const SSE_PMINUB = 58;
export const SSE_PMAXUB = 59;
export const SSE_PMINSW = 60;
export const SSE_PMAXSW = 61;
export const SSE_PAVGB = 62;
export const SSE_PAVGW = 63;
export const SSE_PMULLW = 64;
export const SSE_PMULHW = 65;
export const SSE_PMULHUW = 66;
export const SSE_PMULUDQ = 67;
export const SSE_PMADDWD = 68;
export const SSE_PSADBW = 69;
export const SSE_PUNPCKLBW = 70; // punpckl*: interleave the low halves
export const SSE_PUNPCKLWD = 71;
export const SSE_PUNPCKLDQ = 72; // also unpcklps
export const SSE_PUNPCKLQDQ = 73; // also unpcklpd
export const SSE_PUNPCKHBW = 74;
export const SSE_PUNPCKHWD = 75;
export const SSE_PUNPCKHDQ = 76; // also unpckhps
export const SSE_PUNPCKHQDQ = 77; // also unpckhpd
export const SSE_PACKSSWB = 78;
export const SSE_PACKUSWB = 79;
export const SSE_PACKSSDW = 80;
export const SSE_PSHUFD = 81; // dst = shuffle(src): dst is only written
export const SSE_PSHUFHW = 82;
export const SSE_PSHUFLW = 83;
export const SSE_SHUFPS = 84;
export const SSE_SHUFPD = 85;
// shifts by a count in an xmm register or m128 (its low quadword)
export const SSE_PSRLW = 86;
export const SSE_PSRLD = 87;
export const SSE_PSRLQ = 88;
export const SSE_PSRAW = 89;
export const SSE_PSRAD = 90;
export const SSE_PSLLW = 91;
export const SSE_PSLLD = 92;
export const SSE_PSLLQ = 93;
export const SSE_LAST_BINARY = 93;

// shifts by imm8 of the rm register (0F 71/72/73 groups): same order as above
export const SSE_PSRLW_I = 100;
export const SSE_PSRLD_I = 101;
export const SSE_PSRLQ_I = 102;
export const SSE_PSRAW_I = 103;
export const SSE_PSRAD_I = 104;
export const SSE_PSLLW_I = 105;
export const SSE_PSLLD_I = 106;
export const SSE_PSLLQ_I = 107;
export const SSE_PSRLDQ = 108;
export const SSE_PSLLDQ = 109;

// floating point, from here on (see floatOp)
export const SSE_FIRST_FLOAT = 120;
/** + op * 4 + type: op FOP_*, type 0 ps, 1 pd, 2 ss, 3 sd */
export const SSE_FARITH = 120;
export const SSE_FCMP = 148; // cmpps/pd/ss/sd + type, imm = predicate
export const SSE_COMISS = 152; // also ucomiss: they differ only in which NaNs raise #IA
export const SSE_COMISD = 153;
export const SSE_CVTSI2SS = 154; // r/m32 or r/m64 (osz)
export const SSE_CVTSI2SD = 155;
export const SSE_CVTTSS2SI = 156; // to a general register of size osz
export const SSE_CVTTSD2SI = 157;
export const SSE_CVTSS2SI = 158;
export const SSE_CVTSD2SI = 159;
export const SSE_CVTPS2PD = 160;
export const SSE_CVTPD2PS = 161;
export const SSE_CVTSS2SD = 162;
export const SSE_CVTSD2SS = 163;
export const SSE_CVTDQ2PS = 164;
export const SSE_CVTPS2DQ = 165;
export const SSE_CVTTPS2DQ = 166;
export const SSE_CVTTPD2DQ = 167;
export const SSE_CVTDQ2PD = 168;
export const SSE_CVTPD2DQ = 169;
// SSE3's horizontal and alternating forms (CPUID reports SSE3)
export const SSE_HADDPS = 170;
export const SSE_HADDPD = 171;
export const SSE_HSUBPS = 172;
export const SSE_HSUBPD = 173;
export const SSE_ADDSUBPS = 174;
export const SSE_ADDSUBPD = 175;

const FOP_ADD = 0;
const FOP_MUL = 1;
const FOP_SUB = 2;
const FOP_MIN = 3;
const FOP_DIV = 4;
const FOP_MAX = 5;
const FOP_SQRT = 6;
const FT_PS = 0;
const FT_PD = 1;
const FT_SS = 2;
const FT_SD = 3;


// ---------------------------------------------------------------- decoding

@inline function rmIsMem(rec: u32): bool { return load<u8>(rec, R_RM) == NOREG; }

/**
 * Decodes the 0F-map opcode b of the SSE subset into rec. Returns false when
 * b with this mandatory prefix is not one of ours (the decoder makes it #UD).
 */
export function SSE_decode(b: i32, pfx: i32, rex: i32, rec: u32): bool {
  // the mandatory prefix: F3 or F2 (whichever came last) outranks 66
  let mp = (pfx & PFX_REP) != 0 ? 3 : (pfx & PFX_REPNE) != 0 ? 2 : (pfx & PFX_OPSZ) != 0 ? 1 : 0;
  let op = 0;
  switch (b) {
    case 0x10:
      sseModrm();
      op = mp == 3 ? SSE_MOVSS_LOAD : mp == 2 ? SSE_MOVSD_LOAD : SSE_MOVU_LOAD;
      break;
    case 0x11:
      sseModrm();
      op = mp == 3 ? SSE_MOVSS_STORE : mp == 2 ? SSE_MOVSD_STORE : SSE_MOVU_STORE;
      break;
    case 0x12:
      sseModrm();
      if (mp == 2) op = SSE_MOVDDUP;
      else if (mp == 3) op = SSE_MOVSLDUP;
      else if (rmIsMem(rec)) op = SSE_MOVLP_LOAD;
      else if (mp == 0) op = SSE_MOVHLPS;
      break;
    case 0x13: case 0x17:
      sseModrm();
      if (mp <= 1 && rmIsMem(rec)) op = b == 0x13 ? SSE_MOVLP_STORE : SSE_MOVHP_STORE;
      break;
    case 0x14: case 0x15:
      sseModrm();
      if (mp == 0) op = b == 0x14 ? SSE_PUNPCKLDQ : SSE_PUNPCKHDQ;
      else if (mp == 1) op = b == 0x14 ? SSE_PUNPCKLQDQ : SSE_PUNPCKHQDQ;
      break;
    case 0x16:
      sseModrm();
      if (mp == 3) op = SSE_MOVSHDUP;
      else if (mp == 2) op = 0;
      else if (rmIsMem(rec)) op = SSE_MOVHP_LOAD;
      else if (mp == 0) op = SSE_MOVLHPS;
      break;
    case 0x2a:
      sseModrm();
      store<u8>(rec, (rex & 8) != 0 ? 8 : 4, R_OSZ);
      if (mp >= 2) op = mp == 3 ? SSE_CVTSI2SS : SSE_CVTSI2SD;
      break;
    case 0x2c: case 0x2d:
      sseModrm();
      store<u8>(rec, (rex & 8) != 0 ? 8 : 4, R_OSZ);
      if (mp >= 2) op = (b == 0x2c ? SSE_CVTTSS2SI : SSE_CVTSS2SI) + (mp == 2 ? 1 : 0);
      break;
    case 0x2e: case 0x2f: sseModrm(); if (mp <= 1) op = SSE_COMISS + mp; break;
    case 0x51: case 0x58: case 0x59: case 0x5c: case 0x5d: case 0x5e: case 0x5f: {
      sseModrm();
      let f = b == 0x51 ? FOP_SQRT : b == 0x58 ? FOP_ADD : b == 0x59 ? FOP_MUL : b == 0x5c ? FOP_SUB
        : b == 0x5d ? FOP_MIN : b == 0x5e ? FOP_DIV : FOP_MAX;
      op = SSE_FARITH + f * 4 + floatType(mp);
      break;
    }
    case 0x5a: {
      sseModrm();
      let t = floatType(mp);
      op = t == FT_PS ? SSE_CVTPS2PD : t == FT_PD ? SSE_CVTPD2PS : t == FT_SS ? SSE_CVTSS2SD : SSE_CVTSD2SS;
      break;
    }
    case 0x5b:
      sseModrm();
      op = mp == 0 ? SSE_CVTDQ2PS : mp == 1 ? SSE_CVTPS2DQ : mp == 3 ? SSE_CVTTPS2DQ : 0;
      break;
    case 0xe6:
      sseModrm();
      op = mp == 1 ? SSE_CVTTPD2DQ : mp == 3 ? SSE_CVTDQ2PD : mp == 2 ? SSE_CVTPD2DQ : 0;
      break;
    case 0xc2:
      sseModrm();
      store<i64>(rec, <i64>sseImm8(), R_IMM);
      op = SSE_FCMP + floatType(mp);
      break;
    case 0x28: sseModrm(); if (mp <= 1) op = SSE_MOVA_LOAD; break;
    case 0x29: sseModrm(); if (mp <= 1) op = SSE_MOVA_STORE; break;
    case 0x2b: sseModrm(); if (mp <= 1 && rmIsMem(rec)) op = SSE_MOVA_STORE; break;
    case 0x50:
      sseModrm();
      if (mp <= 1 && !rmIsMem(rec)) op = mp == 0 ? SSE_MOVMSKPS : SSE_MOVMSKPD;
      break;
    case 0x54: case 0x55: case 0x56: case 0x57:
      sseModrm();
      if (mp <= 1) op = SSE_PAND + (b - 0x54);
      break;
    case 0x6e: case 0x7e:
      sseModrm();
      store<u8>(rec, (rex & 8) != 0 ? 8 : 4, R_OSZ);
      if (b == 0x7e && mp == 3) op = SSE_MOVQ_LOAD;
      else if (mp == 1) op = b == 0x6e ? SSE_MOVD_TOX : SSE_MOVD_FROMX;
      break;
    case 0x6f:
      sseModrm();
      if (mp == 1) op = SSE_MOVA_LOAD;
      else if (mp == 3) op = SSE_MOVU_LOAD;
      break;
    case 0x7f:
      sseModrm();
      if (mp == 1) op = SSE_MOVA_STORE;
      else if (mp == 3) op = SSE_MOVU_STORE;
      break;
    case 0x70:
      sseModrm();
      store<i64>(rec, <i64>sseImm8(), R_IMM);
      op = mp == 1 ? SSE_PSHUFD : mp == 3 ? SSE_PSHUFHW : mp == 2 ? SSE_PSHUFLW : 0;
      break;
    case 0x71: case 0x72: case 0x73: {
      let r = sseModrm() & 7;
      store<i64>(rec, <i64>sseImm8(), R_IMM);
      if (mp != 1 || rmIsMem(rec)) break;
      if (b == 0x71) op = r == 2 ? SSE_PSRLW_I : r == 4 ? SSE_PSRAW_I : r == 6 ? SSE_PSLLW_I : 0;
      else if (b == 0x72) op = r == 2 ? SSE_PSRLD_I : r == 4 ? SSE_PSRAD_I : r == 6 ? SSE_PSLLD_I : 0;
      else op = r == 2 ? SSE_PSRLQ_I : r == 3 ? SSE_PSRLDQ : r == 6 ? SSE_PSLLQ_I : r == 7 ? SSE_PSLLDQ : 0;
      break;
    }
    case 0xc3:
      // movnti m32/m64, r: a plain store (the non-temporal hint means nothing here)
      sseModrm();
      if (mp != 0 || !rmIsMem(rec)) return false;
      store<u8>(rec, (rex & 8) != 0 ? 8 : 4, R_OSZ);
      store<u16>(rec, <u16>O.OP_MOV_EG, 0);
      return true;
    case 0xc4:
      sseModrm();
      store<i64>(rec, <i64>sseImm8(), R_IMM);
      if (mp == 1) op = SSE_PINSRW;
      break;
    case 0xc5:
      sseModrm();
      store<i64>(rec, <i64>sseImm8(), R_IMM);
      if (mp == 1 && !rmIsMem(rec)) op = SSE_PEXTRW;
      break;
    case 0xc6:
      sseModrm();
      store<i64>(rec, <i64>sseImm8(), R_IMM);
      if (mp <= 1) op = mp == 0 ? SSE_SHUFPS : SSE_SHUFPD;
      break;
    case 0x7c: case 0x7d: case 0xd0:
      sseModrm();
      if (mp == 1 || mp == 2) op = (b == 0x7c ? SSE_HADDPS : b == 0x7d ? SSE_HSUBPS : SSE_ADDSUBPS) + (mp == 1 ? 1 : 0);
      break;
    case 0xd6: sseModrm(); if (mp == 1) op = SSE_MOVQ_STORE; break;
    case 0xd7: sseModrm(); if (mp == 1 && !rmIsMem(rec)) op = SSE_PMOVMSKB; break;
    case 0xe7: sseModrm(); if (mp == 1 && rmIsMem(rec)) op = SSE_MOVA_STORE; break;
    case 0xf0: sseModrm(); if (mp == 2 && rmIsMem(rec)) op = SSE_MOVU_LOAD; break; // lddqu
    case 0xf7: sseModrm(); if (mp == 1 && !rmIsMem(rec)) op = SSE_MASKMOVDQU; break;
    default: {
      // 66-prefixed integer operations on xmm, xmm/m128
      let k = binary66(b);
      if (k == 0) return false;
      sseModrm();
      if (mp == 1) op = k;
      break;
    }
  }
  if (op == 0) return false;
  store<u16>(rec, <u16>O.OP_SSE, 0);
  store<u8>(rec, <u8>op, R_SUB);
  return true;
}

/** Mandatory prefix (none, 66, F2, F3) to ps, pd, sd, ss. */
@inline function floatType(mp: i32): i32 {
  return mp == 0 ? FT_PS : mp == 1 ? FT_PD : mp == 2 ? FT_SD : FT_SS;
}

/**
 * The 66 0F xx integer operations of the form xmm, xmm/m128; 0 for none.
 * Without 66 the same opcodes are MMX's on mm, mm/m64 (cpu/mmx.ts), all but
 * punpcklqdq and punpckhqdq.
 */
export function binary66(b: i32): i32 {
  switch (b) {
    case 0x60: return SSE_PUNPCKLBW;
    case 0x61: return SSE_PUNPCKLWD;
    case 0x62: return SSE_PUNPCKLDQ;
    case 0x63: return SSE_PACKSSWB;
    case 0x64: return SSE_PCMPGTB;
    case 0x65: return SSE_PCMPGTW;
    case 0x66: return SSE_PCMPGTD;
    case 0x67: return SSE_PACKUSWB;
    case 0x68: return SSE_PUNPCKHBW;
    case 0x69: return SSE_PUNPCKHWD;
    case 0x6a: return SSE_PUNPCKHDQ;
    case 0x6b: return SSE_PACKSSDW;
    case 0x6c: return SSE_PUNPCKLQDQ;
    case 0x6d: return SSE_PUNPCKHQDQ;
    case 0x74: return SSE_PCMPEQB;
    case 0x75: return SSE_PCMPEQW;
    case 0x76: return SSE_PCMPEQD;
    case 0xd1: return SSE_PSRLW;
    case 0xd2: return SSE_PSRLD;
    case 0xd3: return SSE_PSRLQ;
    case 0xd4: return SSE_PADDQ;
    case 0xd5: return SSE_PMULLW;
    case 0xd8: return SSE_PSUBUSB;
    case 0xd9: return SSE_PSUBUSW;
    case 0xda: return SSE_PMINUB;
    case 0xdb: return SSE_PAND;
    case 0xdc: return SSE_PADDUSB;
    case 0xdd: return SSE_PADDUSW;
    case 0xde: return SSE_PMAXUB;
    case 0xdf: return SSE_PANDN;
    case 0xe0: return SSE_PAVGB;
    case 0xe1: return SSE_PSRAW;
    case 0xe2: return SSE_PSRAD;
    case 0xe3: return SSE_PAVGW;
    case 0xe4: return SSE_PMULHUW;
    case 0xe5: return SSE_PMULHW;
    case 0xe8: return SSE_PSUBSB;
    case 0xe9: return SSE_PSUBSW;
    case 0xea: return SSE_PMINSW;
    case 0xeb: return SSE_POR;
    case 0xec: return SSE_PADDSB;
    case 0xed: return SSE_PADDSW;
    case 0xee: return SSE_PMAXSW;
    case 0xef: return SSE_PXOR;
    case 0xf1: return SSE_PSLLW;
    case 0xf2: return SSE_PSLLD;
    case 0xf3: return SSE_PSLLQ;
    case 0xf4: return SSE_PMULUDQ;
    case 0xf5: return SSE_PMADDWD;
    case 0xf6: return SSE_PSADBW;
    case 0xf8: return SSE_PSUBB;
    case 0xf9: return SSE_PSUBW;
    case 0xfa: return SSE_PSUBD;
    case 0xfb: return SSE_PSUBQ;
    case 0xfc: return SSE_PADDB;
    case 0xfd: return SSE_PADDW;
    case 0xfe: return SSE_PADDD;
  }
  return 0;
}

/** 0F AE /0../3 with a memory operand: fxsave, fxrstor, ldmxcsr, stmxcsr. */
export function SSE_decodeAE(r: i32, pfx: i32, rec: u32): bool {
  if ((pfx & (PFX_REP | PFX_REPNE | PFX_OPSZ)) != 0 || !rmIsMem(rec) || r > 3) return false;
  store<u16>(rec, <u16>O.OP_SSE, 0);
  store<u8>(rec, <u8>(SSE_LDMXCSR + (r == 0 ? 2 : r == 1 ? 3 : r == 2 ? 0 : 1)), R_SUB);
  return true;
}

// ---------------------------------------------------------------- operands

// Scratch for a memory source operand and for results that read their
// inputs out of order (unpacks, packs, shuffles).
const TMP: u32 = <u32>memory.data(16, 16);
const RES: u32 = <u32>memory.data(16, 16);

/** An xmm register's 16 bytes in the CPU block. */
@inline export function X(r: i32): u32 { return CPU_XMM + (<u32>r << 4); }

/** #GP: what a misaligned m128 of a legacy SSE instruction raises (Linux: SIGSEGV, SI_KERNEL, no address). */
function gp(): void {
  raiseFault(SIGSEGV, SI_KERNEL, 0, 13, 0);
}

/** Copies 16 guest bytes at a to host address dst; false after raising the fault. */
export function load128(a: u64, dst: u32, aligned: bool): bool {
  if (aligned && (a & 15) != 0) { gp(); return false; }
  let h = hostR(a, 16);
  if (h != 0) {
    store<u64>(dst, load<u64>(h));
    store<u64>(dst, load<u64>(h, 8), 8);
    return true;
  }
  let lo = rd(a, 8);
  if (faulted) return false;
  let hi = rd(a + 8, 8);
  if (faulted) return false;
  store<u64>(dst, lo);
  store<u64>(dst, hi, 8);
  return true;
}

/** Stores 16 bytes from host address src at guest a, all or nothing; false after raising the fault. */
function store128(a: u64, src: u32, aligned: bool): bool {
  if (aligned && (a & 15) != 0) { gp(); return false; }
  let lo = load<u64>(src);
  let hi = load<u64>(src, 8);
  let h = hostW(a, 16);
  if (h != 0) {
    store<u64>(h, lo);
    store<u64>(h, hi, 8);
    return true;
  }
  if (!probeWrite(a, 16)) return false;
  wr(a, lo, 8);
  wr(a + 8, hi, 8);
  return !faulted;
}

/**
 * Checks that n bytes at a are writable before any is written. A store that
 * crosses into a bad page faults at that page's first byte, as on hardware.
 */
export function probeWrite(a: u64, n: u32): bool {
  let first = <u32>(0x1000 - (<u32>a & 0xfff));
  if (first >= n) return probeW(a, n);
  if (!probeW(a, first)) return false;
  return probeW(a + first, n - first);
}

/** The 16-byte source operand: a register's bytes, or memory copied to TMP; 0 after a fault. */
@inline function src128(p: u32, aligned: bool): u32 {
  let rm = <i32>load<u8>(p, R_RM);
  if (rm != NOREG) return X(rm);
  if (!load128(ea(p), TMP, aligned)) return 0;
  return TMP;
}

@inline function copy16(d: u32, s: u32): void {
  store<u64>(d, load<u64>(s));
  store<u64>(d, load<u64>(s, 8), 8);
}

/** Copies a w-byte vector (8: an mm register, 16: an xmm register). */
@inline function copyW(d: u32, s: u32, w: u32): void {
  store<u64>(d, load<u64>(s));
  if (w == 16) store<u64>(d, load<u64>(s, 8), 8);
}

/** MXCSR as the guest sees it: every image starts with the reset value (the kernel's startRegisters), and 0 is a value ldmxcsr may load. */
@inline function mxcsr(): u32 {
  return load<u32>(CPU_MXCSR);
}

// ---------------------------------------------------------------- execution

export function SSE_execute(p: u32): void {
  let sub = <i32>load<u8>(p, R_SUB);
  if (sub >= SSE_FIRST_BINARY && sub <= SSE_LAST_BINARY) {
    let s = src128(p, true);
    if (s == 0) { setStop(true); return; }
    binary(sub, X(<i32>load<u8>(p, R_REG)), s, <u32>load<u64>(p, R_IMM), 16);
    return;
  }
  if (sub >= SSE_FIRST_FLOAT) {
    floatOp(p, sub);
    return;
  }
  if (sub >= SSE_PSRLW_I) {
    shiftImm(sub, X(<i32>load<u8>(p, R_RM)), <u32>load<u64>(p, R_IMM), 16);
    return;
  }
  moves(p, sub);
}

/** Data moves and the forms with general-register or partial-memory operands. */
function moves(p: u32, sub: i32): void {
  let reg = <i32>load<u8>(p, R_REG);
  let rm = <i32>load<u8>(p, R_RM);
  let d = X(reg);
  switch (sub) {
    case SSE_MOVU_LOAD: case SSE_MOVA_LOAD: {
      let s = src128(p, sub == SSE_MOVA_LOAD);
      if (s == 0) break;
      copy16(d, s);
      return;
    }
    case SSE_MOVU_STORE: case SSE_MOVA_STORE:
      if (rm != NOREG) { copy16(X(rm), d); return; }
      if (!store128(ea(p), d, sub == SSE_MOVA_STORE)) break;
      return;
    case SSE_MOVSS_LOAD: case SSE_MOVSD_LOAD: {
      let size = sub == SSE_MOVSS_LOAD ? 4 : 8;
      if (rm != NOREG) {
        if (size == 4) store<u32>(d, load<u32>(X(rm)));
        else store<u64>(d, load<u64>(X(rm)));
        return;
      }
      let v = rd(ea(p), size);
      if (faulted) break;
      store<u64>(d, v);
      store<u64>(d, 0, 8);
      return;
    }
    case SSE_MOVSS_STORE: case SSE_MOVSD_STORE: {
      let size = sub == SSE_MOVSS_STORE ? 4 : 8;
      if (rm != NOREG) {
        if (size == 4) store<u32>(X(rm), load<u32>(d));
        else store<u64>(X(rm), load<u64>(d));
        return;
      }
      wr(ea(p), size == 4 ? <u64>load<u32>(d) : load<u64>(d), size);
      if (faulted) break;
      return;
    }
    case SSE_MOVQ_LOAD: {
      let v: u64;
      if (rm != NOREG) v = load<u64>(X(rm));
      else {
        v = rd(ea(p), 8);
        if (faulted) break;
      }
      store<u64>(d, v);
      store<u64>(d, 0, 8);
      return;
    }
    case SSE_MOVQ_STORE:
      if (rm != NOREG) {
        let t = X(rm);
        store<u64>(t, load<u64>(d));
        store<u64>(t, 0, 8);
        return;
      }
      wr(ea(p), load<u64>(d), 8);
      if (faulted) break;
      return;
    case SSE_MOVD_TOX: {
      let size = <i32>load<u8>(p, R_OSZ);
      let v: u64;
      if (rm != NOREG) v = rget(rm, size);
      else {
        v = rd(ea(p), size);
        if (faulted) break;
      }
      store<u64>(d, v);
      store<u64>(d, 0, 8);
      return;
    }
    case SSE_MOVD_FROMX: {
      let size = <i32>load<u8>(p, R_OSZ);
      let v = size == 8 ? load<u64>(d) : <u64>load<u32>(d);
      if (rm != NOREG) { rset(rm, size, v); return; }
      wr(ea(p), v, size);
      if (faulted) break;
      return;
    }
    case SSE_MOVLP_LOAD: case SSE_MOVHP_LOAD: {
      let v = rd(ea(p), 8);
      if (faulted) break;
      store<u64>(d + (sub == SSE_MOVLP_LOAD ? 0 : 8), v);
      return;
    }
    case SSE_MOVLP_STORE: case SSE_MOVHP_STORE:
      wr(ea(p), load<u64>(d + (sub == SSE_MOVLP_STORE ? 0 : 8)), 8);
      if (faulted) break;
      return;
    case SSE_MOVHLPS: store<u64>(d, load<u64>(X(rm), 8)); return;
    case SSE_MOVLHPS: store<u64>(d, load<u64>(X(rm)), 8); return;
    case SSE_MOVDDUP: {
      let v: u64;
      if (rm != NOREG) v = load<u64>(X(rm));
      else {
        v = rd(ea(p), 8);
        if (faulted) break;
      }
      store<u64>(d, v);
      store<u64>(d, v, 8);
      return;
    }
    case SSE_MOVSLDUP: case SSE_MOVSHDUP: {
      let s = src128(p, true);
      if (s == 0) break;
      let o: u32 = sub == SSE_MOVSLDUP ? 0 : 4;
      let a = load<u32>(s + o);
      let b = load<u32>(s + o + 8);
      store<u32>(d, a);
      store<u32>(d, a, 4);
      store<u32>(d, b, 8);
      store<u32>(d, b, 12);
      return;
    }
    case SSE_MOVMSKPS: {
      let s = X(rm);
      let m = (load<u32>(s) >> 31) | ((load<u32>(s, 4) >> 31) << 1) |
        ((load<u32>(s, 8) >> 31) << 2) | ((load<u32>(s, 12) >> 31) << 3);
      rset(reg, 8, <u64>m);
      return;
    }
    case SSE_MOVMSKPD: {
      let s = X(rm);
      rset(reg, 8, (load<u64>(s) >> 63) | ((load<u64>(s, 8) >> 63) << 1));
      return;
    }
    case SSE_PMOVMSKB: {
      let s = X(rm);
      rset(reg, 8, byteSigns(load<u64>(s)) | (byteSigns(load<u64>(s, 8)) << 8));
      return;
    }
    case SSE_PEXTRW:
      rset(reg, 8, <u64>load<u16>(X(rm) + ((<u32>load<u64>(p, R_IMM) & 7) << 1)));
      return;
    case SSE_PINSRW: {
      let v: u64;
      if (rm != NOREG) v = rget(rm, 2);
      else {
        v = rd(ea(p), 2);
        if (faulted) break;
      }
      store<u16>(d + ((<u32>load<u64>(p, R_IMM) & 7) << 1), <u16>v);
      return;
    }
    case SSE_MASKMOVDQU: {
      // byte stores to [rdi] where the mask byte's top bit is set, lowest first
      let m = X(rm);
      let a = r64(RDI);
      for (let i: u32 = 0; i < 16; i++) {
        if ((load<u8>(m + i) & 0x80) == 0) continue;
        wr(a + i, <u64>load<u8>(d + i), 1);
        if (faulted) { setStop(true); return; }
      }
      return;
    }
    case SSE_LDMXCSR: {
      let v = <u32>rd(ea(p), 4);
      if (faulted) break;
      if ((v & ~MXCSR_MASK) != 0) { gp(); break; }
      store<u32>(CPU_MXCSR, v);
      return;
    }
    case SSE_STMXCSR:
      wr(ea(p), <u64>mxcsr(), 4);
      if (faulted) break;
      return;
    case SSE_FXSAVE: if (!fxsave(ea(p))) break; return;
    case SSE_FXRSTOR: if (!fxrstor(ea(p))) break; return;
  }
  setStop(true);
}

/** Bit i = the top bit of byte i of v. */
@inline export function byteSigns(v: u64): u64 {
  return (((v >> 7) & 0x0101010101010101) * 0x0102040810204080) >> 56;
}

// fxsave: the image (cpu/fxsave.ts) composed in FXSAVE_SCRATCH, then stored, so that a fault
// part-way is taken as the stores' own.
function fxsave(a: u64): bool {
  if ((a & 15) != 0) { gp(); return false; }
  if (!probeWrite(a, 512)) return false;
  // bytes 416..511 are reserved or software's: left alone
  fxsaveImage(FXSAVE_SCRATCH);
  for (let i: u32 = 0; i < 416; i += 8) wr(a + <u64>i, load<u64>(FXSAVE_SCRATCH + i), 8);
  return !faulted;
}

function fxrstor(a: u64): bool {
  if ((a & 15) != 0) { gp(); return false; }
  let m = <u32>rd(a + 24, 4);
  if (faulted) return false;
  if ((m & ~MXCSR_MASK) != 0) { gp(); return false; }
  // read everything before changing any register
  for (let i: u32 = 0; i < 416; i += 8) {
    store<u64>(FXSAVE_SCRATCH + i, rd(a + <u64>i, 8));
    if (faulted) return false;
  }
  fxrstorImage(FXSAVE_SCRATCH);
  return true;
}

// ---------------------------------------------------------------- lane helpers

const LO7B: u64 = 0x7f7f7f7f7f7f7f7f;
const HI1B: u64 = 0x8080808080808080;
const LO7W: u64 = 0x7fff7fff7fff7fff;
const HI1W: u64 = 0x8000800080008000;
const LO7D: u64 = 0x7fffffff7fffffff;
const HI1D: u64 = 0x8000000080000000;

/** Lane-wise a + b without carries across lanes (lo7 = every lane's low bits). */
@inline function addLanes(a: u64, b: u64, lo7: u64, hi1: u64): u64 {
  return ((a & lo7) + (b & lo7)) ^ ((a ^ b) & hi1);
}

@inline function subLanes(a: u64, b: u64, lo7: u64, hi1: u64): u64 {
  return ((a | hi1) - (b & lo7)) ^ ((a ^ ~b) & hi1);
}

/** All-ones lanes where a and b are equal; shift = lane bits - 1, ones = a lane of ones. */
@inline function eqLanes(a: u64, b: u64, lo7: u64, hi1: u64, shift: u64, ones: u64): u64 {
  let x = a ^ b;
  let t = ((x & lo7) + lo7) | x;
  return ((~t & hi1) >> shift) * ones;
}

@inline function sat8s(v: i32): i32 { return v < -128 ? -128 : v > 127 ? 127 : v; }
@inline function sat16s(v: i32): i32 { return v < -32768 ? -32768 : v > 32767 ? 32767 : v; }
@inline function sat8u(v: i32): i32 { return v < 0 ? 0 : v > 255 ? 255 : v; }
@inline function sat16u(v: i32): i32 { return v < 0 ? 0 : v > 65535 ? 65535 : v; }

/** Byte lanes of a w-byte vector: d[i] = f(d[i], s[i]). In place is safe: lane i reads only lane i. */
function bytes(k: i32, d: u32, s: u32, w: u32): void {
  for (let i: u32 = 0; i < w; i++) {
    let a = <i32>load<u8>(d + i);
    let b = <i32>load<u8>(s + i);
    let r: i32;
    switch (k) {
      case SSE_PADDSB: r = sat8s(<i32><i8>a + <i32><i8>b); break;
      case SSE_PADDUSB: r = sat8u(a + b); break;
      case SSE_PSUBSB: r = sat8s(<i32><i8>a - <i32><i8>b); break;
      case SSE_PSUBUSB: r = sat8u(a - b); break;
      case SSE_PCMPGTB: r = <i32><i8>a > <i32><i8>b ? 0xff : 0; break;
      case SSE_PMINUB: r = a < b ? a : b; break;
      case SSE_PMAXUB: r = a > b ? a : b; break;
      default: r = (a + b + 1) >> 1; break; // pavgb
    }
    store<u8>(d + i, <u8>r);
  }
}

/** Word lanes, as bytes(). */
function words(k: i32, d: u32, s: u32, w: u32): void {
  for (let i: u32 = 0; i < w; i += 2) {
    let a = <i32>load<u16>(d + i);
    let b = <i32>load<u16>(s + i);
    let sa = <i32><i16>a;
    let sb = <i32><i16>b;
    let r: i32;
    switch (k) {
      case SSE_PADDSW: r = sat16s(sa + sb); break;
      case SSE_PADDUSW: r = sat16u(a + b); break;
      case SSE_PSUBSW: r = sat16s(sa - sb); break;
      case SSE_PSUBUSW: r = sat16u(a - b); break;
      case SSE_PCMPGTW: r = sa > sb ? 0xffff : 0; break;
      case SSE_PMINSW: r = sa < sb ? sa : sb; break;
      case SSE_PMAXSW: r = sa > sb ? sa : sb; break;
      case SSE_PAVGW: r = (a + b + 1) >> 1; break;
      case SSE_PMULLW: r = sa * sb; break;
      case SSE_PMULHW: r = (sa * sb) >> 16; break;
      default: r = <i32>((<u32>a * <u32>b) >> 16); break; // pmulhuw
    }
    store<u16>(d + i, <u16>r);
  }
}

/** Copies an n-byte lane (1, 2, 4, 8). */
@inline function lane(dst: u32, src: u32, n: u32): void {
  if (n == 1) store<u8>(dst, load<u8>(src));
  else if (n == 2) store<u16>(dst, load<u16>(src));
  else if (n == 4) store<u32>(dst, load<u32>(src));
  else store<u64>(dst, load<u64>(src));
}

/** punpckl/h: interleaves n-byte lanes of the low (or high) halves of the w-byte d and s. */
function unpack(d: u32, s: u32, n: u32, high: bool, w: u32): void {
  let half = w >> 1;
  let base: u32 = high ? half : 0;
  for (let i: u32 = 0; i < half; i += n) {
    lane(RES + (i << 1), d + base + i, n);
    lane(RES + (i << 1) + n, s + base + i, n);
  }
  copyW(d, RES, w);
}

/** Shifts every n-byte lane of d by count (logical or arithmetic); lanes lose all bits past their width. */
function shiftLanes(d: u32, n: u32, count: u64, kind: i32, w: u32): void {
  let bits = <u64>(n << 3);
  if (count >= bits) {
    if (kind != 1) { store<u64>(d, 0); if (w == 16) store<u64>(d, 0, 8); return; }
    count = bits - 1; // arithmetic: every bit becomes the sign
  }
  let c = <i32>count;
  for (let i: u32 = 0; i < w; i += n) {
    if (n == 2) {
      let v = <i32>load<u16>(d + i);
      store<u16>(d + i, <u16>(kind == 0 ? v >>> c : kind == 1 ? (<i32><i16>v) >> c : v << c));
    } else if (n == 4) {
      let v = load<u32>(d + i);
      store<u32>(d + i, kind == 0 ? v >>> c : kind == 1 ? <u32>((<i32>v) >> c) : v << c);
    } else {
      let v = load<u64>(d + i);
      store<u64>(d + i, kind == 0 ? v >>> <u64>c : v << <u64>c); // no psraq in SSE2
    }
  }
}

/** Shift family: index 0..7 = psrlw psrld psrlq psraw psrad psllw pslld psllq. */
@inline function shiftBy(idx: i32, d: u32, count: u64, w: u32): void {
  // lane widths and kinds (0 logical right, 1 arithmetic right, 2 left) in the family's order
  let n: u32 = idx == 0 || idx == 3 || idx == 5 ? 2 : idx == 1 || idx == 4 || idx == 6 ? 4 : 8;
  let kind = idx < 3 ? 0 : idx < 5 ? 1 : 2;
  shiftLanes(d, n, count, kind, w);
}

/** A shift by imm8 (0F 71/72/73) of the w-byte vector d. */
export function shiftImm(sub: i32, d: u32, imm: u32, w: u32): void {
  if (sub == SSE_PSRLDQ || sub == SSE_PSLLDQ) {
    // whole-register byte shift
    let c = imm > 16 ? 16 : imm;
    for (let i: u32 = 0; i < 16; i++) {
      let j = sub == SSE_PSRLDQ ? i + c : i - c; // unsigned: i < c wraps past 15
      store<u8>(RES + i, j < 16 ? load<u8>(d + j) : 0);
    }
    copy16(d, RES);
    return;
  }
  shiftBy(sub - SSE_PSRLW_I, d, <u64>imm, w);
}

/**
 * d = k(d, s) on w-byte vectors: 16 for xmm registers, 8 for mm registers,
 * whose lanes are the low half's (only the low w bytes of d are written).
 */
export function binary(k: i32, d: u32, s: u32, imm: u32, w: u32): void {
  let a0 = load<u64>(d), a1 = load<u64>(d, 8);
  let b0 = load<u64>(s), b1 = load<u64>(s, 8);
  let r0: u64, r1: u64;
  switch (k) {
    case SSE_PAND: r0 = a0 & b0; r1 = a1 & b1; break;
    case SSE_PANDN: r0 = ~a0 & b0; r1 = ~a1 & b1; break;
    case SSE_POR: r0 = a0 | b0; r1 = a1 | b1; break;
    case SSE_PXOR: r0 = a0 ^ b0; r1 = a1 ^ b1; break;
    case SSE_PADDB: r0 = addLanes(a0, b0, LO7B, HI1B); r1 = addLanes(a1, b1, LO7B, HI1B); break;
    case SSE_PADDW: r0 = addLanes(a0, b0, LO7W, HI1W); r1 = addLanes(a1, b1, LO7W, HI1W); break;
    case SSE_PADDD: r0 = addLanes(a0, b0, LO7D, HI1D); r1 = addLanes(a1, b1, LO7D, HI1D); break;
    case SSE_PADDQ: r0 = a0 + b0; r1 = a1 + b1; break;
    case SSE_PSUBB: r0 = subLanes(a0, b0, LO7B, HI1B); r1 = subLanes(a1, b1, LO7B, HI1B); break;
    case SSE_PSUBW: r0 = subLanes(a0, b0, LO7W, HI1W); r1 = subLanes(a1, b1, LO7W, HI1W); break;
    case SSE_PSUBD: r0 = subLanes(a0, b0, LO7D, HI1D); r1 = subLanes(a1, b1, LO7D, HI1D); break;
    case SSE_PSUBQ: r0 = a0 - b0; r1 = a1 - b1; break;
    case SSE_PCMPEQB:
      r0 = eqLanes(a0, b0, LO7B, HI1B, 7, 0xff);
      r1 = eqLanes(a1, b1, LO7B, HI1B, 7, 0xff);
      break;
    case SSE_PCMPEQW:
      r0 = eqLanes(a0, b0, LO7W, HI1W, 15, 0xffff);
      r1 = eqLanes(a1, b1, LO7W, HI1W, 15, 0xffff);
      break;
    case SSE_PCMPEQD:
      r0 = eqLanes(a0, b0, LO7D, HI1D, 31, 0xffffffff);
      r1 = eqLanes(a1, b1, LO7D, HI1D, 31, 0xffffffff);
      break;
    case SSE_PCMPGTD: {
      for (let i: u32 = 0; i < w; i += 4) {
        store<u32>(d + i, load<i32>(d + i) > load<i32>(s + i) ? 0xffffffff : 0);
      }
      return;
    }
    case SSE_PADDSB: case SSE_PADDUSB: case SSE_PSUBSB: case SSE_PSUBUSB: case SSE_PCMPGTB:
    case SSE_PMINUB: case SSE_PMAXUB: case SSE_PAVGB:
      bytes(k, d, s, w);
      return;
    case SSE_PADDSW: case SSE_PADDUSW: case SSE_PSUBSW: case SSE_PSUBUSW: case SSE_PCMPGTW:
    case SSE_PMINSW: case SSE_PMAXSW: case SSE_PAVGW: case SSE_PMULLW: case SSE_PMULHW: case SSE_PMULHUW:
      words(k, d, s, w);
      return;
    case SSE_PMULUDQ: r0 = (a0 & 0xffffffff) * (b0 & 0xffffffff); r1 = (a1 & 0xffffffff) * (b1 & 0xffffffff); break;
    case SSE_PMADDWD: {
      for (let i: u32 = 0; i < w; i += 4) {
        let v = <i32>load<i16>(d + i) * <i32>load<i16>(s + i) + <i32>load<i16>(d + i + 2) * <i32>load<i16>(s + i + 2);
        store<i32>(d + i, v);
      }
      return;
    }
    case SSE_PSADBW: {
      let t0 = 0, t1 = 0;
      for (let i: u32 = 0; i < 8; i++) {
        let x = <i32>load<u8>(d + i) - <i32>load<u8>(s + i);
        let y = <i32>load<u8>(d + i + 8) - <i32>load<u8>(s + i + 8);
        t0 += x < 0 ? -x : x;
        t1 += y < 0 ? -y : y;
      }
      r0 = <u64>t0;
      r1 = <u64>t1;
      break;
    }
    case SSE_PUNPCKLBW: unpack(d, s, 1, false, w); return;
    case SSE_PUNPCKLWD: unpack(d, s, 2, false, w); return;
    case SSE_PUNPCKLDQ: unpack(d, s, 4, false, w); return;
    case SSE_PUNPCKLQDQ: r0 = a0; r1 = b0; break;
    case SSE_PUNPCKHBW: unpack(d, s, 1, true, w); return;
    case SSE_PUNPCKHWD: unpack(d, s, 2, true, w); return;
    case SSE_PUNPCKHDQ: unpack(d, s, 4, true, w); return;
    case SSE_PUNPCKHQDQ: r0 = a1; r1 = b1; break;
    case SSE_PACKSSWB: case SSE_PACKUSWB: {
      // d's lanes narrowed fill the low half, s's the high half
      let half = w >> 1;
      for (let i: u32 = 0; i < half; i++) {
        let x = <i32>load<i16>(d + (i << 1));
        let y = <i32>load<i16>(s + (i << 1));
        store<u8>(RES + i, <u8>(k == SSE_PACKSSWB ? sat8s(x) : sat8u(x)));
        store<u8>(RES + half + i, <u8>(k == SSE_PACKSSWB ? sat8s(y) : sat8u(y)));
      }
      copyW(d, RES, w);
      return;
    }
    case SSE_PACKSSDW: {
      let half = w >> 1;
      for (let i: u32 = 0; i < (w >> 2); i++) {
        let x = load<i32>(d + (i << 2));
        let y = load<i32>(s + (i << 2));
        store<i16>(RES + (i << 1), <i16>sat16s(x));
        store<i16>(RES + half + (i << 1), <i16>sat16s(y));
      }
      copyW(d, RES, w);
      return;
    }
    case SSE_PSHUFD: {
      for (let i: u32 = 0; i < 4; i++) store<u32>(RES + (i << 2), load<u32>(s + (((imm >> (i << 1)) & 3) << 2)));
      copy16(d, RES);
      return;
    }
    case SSE_PSHUFLW: case SSE_PSHUFHW: {
      // the other half is copied unchanged from the source
      let o: u32 = k == SSE_PSHUFLW ? 0 : 8;
      for (let i: u32 = 0; i < 4; i++) store<u16>(RES + o + (i << 1), load<u16>(s + o + (((imm >> (i << 1)) & 3) << 1)));
      store<u64>(RES + (8 - o), load<u64>(s + (8 - o)));
      copyW(d, RES, w); // w 8: pshufw, the mm form of pshuflw
      return;
    }
    case SSE_SHUFPS: {
      store<u32>(RES, load<u32>(d + ((imm & 3) << 2)));
      store<u32>(RES + 4, load<u32>(d + (((imm >> 2) & 3) << 2)));
      store<u32>(RES + 8, load<u32>(s + (((imm >> 4) & 3) << 2)));
      store<u32>(RES + 12, load<u32>(s + (((imm >> 6) & 3) << 2)));
      copy16(d, RES);
      return;
    }
    case SSE_SHUFPD: r0 = (imm & 1) != 0 ? a1 : a0; r1 = (imm & 2) != 0 ? b1 : b0; break;
    default:
      // psrlw..psllq by the source's low quadword
      shiftBy(k - SSE_PSRLW, d, b0, w);
      return;
  }
  store<u64>(d, r0);
  if (w == 16) store<u64>(d, r1, 8);
}

// ---------------------------------------------------------------- floating point
//
// Wasm float arithmetic is IEEE with round-to-nearest, as under the default
// MXCSR, but its NaN results are not x86's: x86 returns a NaN operand quieted
// (the destination's when both are NaNs) and answers an invalid operation
// with the negative "indefinite" QNaN. So NaNs are decided here, and Wasm
// only computes ordered results. MXCSR's rounding control, FTZ and DAZ and
// its exception flags are honoured by add, sub, mul, div and sqrt (below),
// by the conversions to integers (rounding control) and by the compares
// (DAZ); the other conversions, min/max and the compares raise no flags.

const QNAN32: u32 = 0xffc00000;
const QNAN64: u64 = 0xfff8000000000000;
const QBIT32: u32 = 0x00400000;
const QBIT64: u64 = 0x0008000000000000;
/** What a conversion to a 32- or 64-bit integer gives for NaN and out-of-range values. */
const INDEF32: u64 = 0x80000000;
const INDEF64: u64 = 0x8000000000000000;
const FLAG_CF: u64 = 0x1;
const FLAG_PF: u64 = 0x4;
const FLAG_ZF: u64 = 0x40;

@inline function isNan32(x: u32): bool { return (x & 0x7fffffff) > 0x7f800000; }
@inline function isNan64(x: u64): bool { return (x & 0x7fffffffffffffff) > 0x7ff0000000000000; }

// MXCSR's exception flags raised by the arithmetic being executed: floatOp
// sets them, or raises SIGFPE for one left unmasked; the host's
// round-to-nearest result serves when MXCSR asks for nothing else, with the
// flags found by cheap tests, and x87.ts's exact arithmetic otherwise
// (directed rounding, DAZ, FTZ, denormal operands, underflow, and the
// inexact test for division and square root while PE is clear).
let opFlags: u32 = 0;
/** MXCSR bits that move the arithmetic off the host's: rounding control, FTZ, DAZ. */
const MX_NONDEFAULT: u32 = 0xe040;
const ABS64: u64 = 0x7fffffffffffffff;
const INF64: u64 = 0x7ff0000000000000;
const MINN64: u64 = 0x0010000000000000;
const ABS32: u32 = 0x7fffffff;
const INF32: u32 = 0x7f800000;
const MINN32: u32 = 0x00800000;

@inline function softOp(op: i32): i32 {
  return op == FOP_ADD ? SSE_ADD : op == FOP_SUB ? SSE_SUB : op == FOP_MUL ? SSE_MUL : op == FOP_DIV ? SSE_DIV : SSE_SQRT;
}

/** cheapFlags' answers besides the flags themselves. */
const ASK_EXACT: i32 = -1;
const ONLY_PE_OPEN: i32 = 0x100;

/**
 * The flags of r = x op y (round to nearest, host arithmetic) when cheap
 * tests settle them all; ONLY_PE_OPEN when none is raised but inexactness
 * is still to test; ASK_EXACT when the exact arithmetic must decide.
 * absA, absB, absR: the magnitudes' bits; inf, minNormal: the format's.
 */
@inline function cheapFlags(op: i32, absA: u64, absB: u64, absR: u64, nan: bool, inf: u64, minNormal: u64): i32 {
  let useA = op != FOP_SQRT;
  if ((useA && absA != 0 && absA < minNormal) || (absB != 0 && absB < minNormal)) return ASK_EXACT; // DE
  if (nan) return <i32>IE;
  let finite = (!useA || absA < inf) && absB < inf;
  if (op == FOP_DIV && absB == 0) return absA != 0 && absA < inf ? <i32>ZE : 0;
  if (absR == inf) return finite ? <i32>(OE | PE) : 0;
  // a tiny product or quotient of nonzero finite operands: underflow needs the exact value
  if ((op == FOP_MUL || op == FOP_DIV) && absR <= minNormal && absA != 0 && absB != 0 && finite) return ASK_EXACT;
  return ONLY_PE_OPEN;
}

function f32op(op: i32, a: u32, b: u32): u32 {
  let x = reinterpret<f32>(a);
  let y = reinterpret<f32>(b);
  // min/max are plain compares: a NaN or a pair of zeros gives the source
  if (op == FOP_MIN) return x < y ? a : b;
  if (op == FOP_MAX) return x > y ? a : b;
  if (op == FOP_SQRT) {
    if (isNan32(b)) { if ((b & QBIT32) == 0) opFlags |= IE; return b | QBIT32; }
  } else {
    if ((isNan32(a) && (a & QBIT32) == 0) || (isNan32(b) && (b & QBIT32) == 0)) opFlags |= IE;
    if (isNan32(a)) return a | QBIT32;
    if (isNan32(b)) return b | QBIT32;
  }
  let m = mxcsr();
  if ((m & MX_NONDEFAULT) == 0) {
    let r = op == FOP_SQRT ? sqrt<f32>(y) : op == FOP_ADD ? x + y : op == FOP_MUL ? x * y : op == FOP_SUB ? x - y : x / y;
    let bits = reinterpret<u32>(r);
    let c = cheapFlags(op, <u64>(a & ABS32), <u64>(b & ABS32), <u64>(bits & ABS32), isNan32(bits), <u64>INF32, <u64>MINN32);
    if (c != ASK_EXACT && c != ONLY_PE_OPEN) {
      opFlags |= <u32>c;
      return isNan32(bits) ? QNAN32 : bits;
    }
    if (c == ONLY_PE_OPEN) {
      if ((m & PE) != 0) return bits;
      // inexact: the exact f64 sum or product (when it is exact) against the f32 result
      if (op == FOP_MUL || ((op == FOP_ADD || op == FOP_SUB) && (a & ABS32) < INF32 && (b & ABS32) < INF32)) {
        let dx = <f64>x, dy = op == FOP_SUB ? -<f64>y : <f64>y;
        let e: f64 = 0;
        let w: f64;
        if (op == FOP_MUL) w = dx * dy; // 24 + 24 bits: exact
        else {
          w = dx + dy;
          let bv = w - dx;
          e = (dx - (w - bv)) + (dy - bv);
        }
        if (e != 0 || <f64>r != w) opFlags |= PE;
        return bits;
      }
      if (op == FOP_ADD || op == FOP_SUB) return bits; // an infinite operand: exact
    }
  }
  let r = <u32>sseArith(softOp(op), true, <u64>a, <u64>b, m);
  opFlags |= sseFlags;
  return r;
}

function f64op(op: i32, a: u64, b: u64): u64 {
  let x = reinterpret<f64>(a);
  let y = reinterpret<f64>(b);
  if (op == FOP_MIN) return x < y ? a : b;
  if (op == FOP_MAX) return x > y ? a : b;
  if (op == FOP_SQRT) {
    if (isNan64(b)) { if ((b & QBIT64) == 0) opFlags |= IE; return b | QBIT64; }
  } else {
    if ((isNan64(a) && (a & QBIT64) == 0) || (isNan64(b) && (b & QBIT64) == 0)) opFlags |= IE;
    if (isNan64(a)) return a | QBIT64;
    if (isNan64(b)) return b | QBIT64;
  }
  let m = mxcsr();
  if ((m & MX_NONDEFAULT) == 0) {
    let r = op == FOP_SQRT ? sqrt<f64>(y) : op == FOP_ADD ? x + y : op == FOP_MUL ? x * y : op == FOP_SUB ? x - y : x / y;
    let bits = reinterpret<u64>(r);
    let c = cheapFlags(op, a & ABS64, b & ABS64, bits & ABS64, isNan64(bits), INF64, MINN64);
    if (c != ASK_EXACT && c != ONLY_PE_OPEN) {
      opFlags |= <u32>c;
      return isNan64(bits) ? QNAN64 : bits;
    }
    if (c == ONLY_PE_OPEN) {
      if ((m & PE) != 0) return bits;
      if (op == FOP_ADD || op == FOP_SUB) {
        if ((a & ABS64) >= INF64 || (b & ABS64) >= INF64) return bits; // an infinite operand: exact
        // TwoSum: the rounding error of x + y, exactly
        let dy = op == FOP_SUB ? -y : y;
        let bv = r - x;
        if ((x - (r - bv)) + (dy - bv) != 0) opFlags |= PE;
        return bits;
      }
      if (op == FOP_MUL) {
        let ea = <i32>((a >> 52) & 0x7ff), eb = <i32>((b >> 52) & 0x7ff);
        if (ea > 573 && ea < 1473 && eb > 573 && eb < 1473) {
          // Dekker's product: its error exact while the halves and their products stay in range
          let cx = 134217729.0 * x, cy = 134217729.0 * y;
          let xh = cx - (cx - x), xl = x - xh, yh = cy - (cy - y), yl = y - yh;
          if (((xh * yh - r) + xh * yl + xl * yh) + xl * yl != 0) opFlags |= PE;
          return bits;
        }
        if (((a & ABS64) == 0 || (b & ABS64) == 0 || (a & ABS64) >= INF64 || (b & ABS64) >= INF64)) return bits;
      }
    }
  }
  let r = sseArith(softOp(op), false, a, b, m);
  opFlags |= sseFlags;
  return r;
}

/** A denormal read as zero of its sign under DAZ (compares). */
@inline function daz64(v: u64, daz: bool): u64 { return daz && (v & INF64) == 0 ? v & ~ABS64 : v; }
@inline function daz32(v: u32, daz: bool): u32 { return daz && (v & INF32) == 0 ? v & ~ABS32 : v; }

/**
 * Ends an arithmetic instruction: its flags go into MXCSR, and one left
 * unmasked raises SIGFPE (#XM) with the destination unchanged (false).
 */
function commitFlags(): bool {
  if (opFlags == 0) return true;
  let m = mxcsr();
  store<u32>(CPU_MXCSR, m | opFlags);
  let u = opFlags & ~(m >> 7) & 0x3f;
  opFlags = 0;
  if (u == 0) return true;
  floatingPointFault(u, 19);
  return false;
}

/** cmpps predicates 0..7: eq lt le unord neq nlt nle ord (f32 widens exactly). */
function fcmp(pred: u32, x: f64, y: f64): bool {
  switch (pred & 7) {
    case 0: return x == y;
    case 1: return x < y;
    case 2: return x <= y;
    case 3: return x != x || y != y;
    case 4: return !(x == y);
    case 5: return !(x < y);
    case 6: return !(x <= y);
  }
  return x == x && y == y;
}

@inline export function f32of(bits: u32): f64 { return <f64>reinterpret<f32>(bits); }

/** cvtss2sd: a NaN keeps its sign and payload, quieted. */
function widen(a: u32): u64 {
  if (isNan32(a)) return (<u64>(a & 0x80000000) << 32) | QNAN64 & 0x7fffffffffffffff | (<u64>(a & 0x3fffff) << 29);
  return reinterpret<u64>(<f64>reinterpret<f32>(a));
}

/** cvtsd2ss: a NaN keeps its sign and the top of its payload, quieted. */
function narrow(a: u64): u32 {
  if (isNan64(a)) return <u32>((a >> 32) & 0x80000000) | 0x7fc00000 | <u32>((a >> 29) & 0x3fffff);
  return reinterpret<u32>(<f32>reinterpret<f64>(a));
}

/** Rounds x to an integer as MXCSR.RC says (the non-truncating conversions). */
export function roundRC(x: f64): f64 {
  let rc = (mxcsr() >> 13) & 3;
  return rc == 0 ? nearest<f64>(x) : rc == 1 ? floor<f64>(x) : rc == 2 ? ceil<f64>(x) : trunc<f64>(x);
}

/** An integral (or NaN) value to a 32- or 64-bit integer, indefinite when it does not fit. */
@inline export function toInt(t: f64, size: i32): u64 {
  if (size == 8) return t >= -9223372036854775808.0 && t < 9223372036854775808.0 ? <u64><i64>t : INDEF64;
  return t >= -2147483648.0 && t < 2147483648.0 ? <u64><u32><i32>t : INDEF32;
}

/** The source operand of n bytes (4, 8, or 16 aligned): a register, or memory copied to TMP; 0 after a fault. */
function srcN(p: u32, n: i32): u32 {
  let rm = <i32>load<u8>(p, R_RM);
  if (rm != NOREG) return X(rm);
  let a = ea(p);
  if (n == 16) return load128(a, TMP, true) ? TMP : 0;
  let v = rd(a, n);
  if (faulted) return 0;
  store<u64>(TMP, v);
  return TMP;
}

/** A general-register or memory integer source of osz bytes; `faulted` tells a failed read. */
@inline function srcInt(p: u32, size: i32): u64 {
  let rm = <i32>load<u8>(p, R_RM);
  if (rm != NOREG) return rget(rm, size);
  return rd(ea(p), size);
}

function floatOp(p: u32, sub: i32): void {
  let d = X(<i32>load<u8>(p, R_REG));
  if (sub < SSE_COMISS) {
    // arithmetic and compares: lane i of the result reads only lane i
    let t = sub < SSE_FCMP ? (sub - SSE_FARITH) & 3 : sub - SSE_FCMP;
    let s = srcN(p, t == FT_SS ? 4 : t == FT_SD ? 8 : 16);
    if (s == 0) { setStop(true); return; }
    if (sub < SSE_FCMP) {
      let op = (sub - SSE_FARITH) >> 2;
      // every lane first: an unmasked exception leaves the destination as it was
      opFlags = 0;
      copy16(RES, d);
      if (t == FT_PS) {
        for (let i: u32 = 0; i < 16; i += 4) store<u32>(RES + i, f32op(op, load<u32>(d + i), load<u32>(s + i)));
      } else if (t == FT_PD) {
        store<u64>(RES, f64op(op, load<u64>(d), load<u64>(s)));
        store<u64>(RES, f64op(op, load<u64>(d, 8), load<u64>(s, 8)), 8);
      } else if (t == FT_SS) {
        store<u32>(RES, f32op(op, load<u32>(d), load<u32>(s)));
      } else {
        store<u64>(RES, f64op(op, load<u64>(d), load<u64>(s)));
      }
      if (!commitFlags()) return;
      copy16(d, RES);
      return;
    }
    let pred = <u32>load<u64>(p, R_IMM);
    let daz = (mxcsr() & 0x40) != 0;
    if (t == FT_PS || t == FT_SS) {
      let n: u32 = t == FT_PS ? 16 : 4;
      for (let i: u32 = 0; i < n; i += 4) {
        store<u32>(d + i, fcmp(pred, f32of(daz32(load<u32>(d + i), daz)), f32of(daz32(load<u32>(s + i), daz))) ? 0xffffffff : 0);
      }
    } else {
      let n: u32 = t == FT_PD ? 16 : 8;
      for (let i: u32 = 0; i < n; i += 8) {
        let x = reinterpret<f64>(daz64(load<u64>(d + i), daz));
        store<u64>(d + i, fcmp(pred, x, reinterpret<f64>(daz64(load<u64>(s + i), daz))) ? <u64>-1 : 0);
      }
    }
    return;
  }
  switch (sub) {
    case SSE_COMISS: case SSE_COMISD: {
      let s = srcN(p, sub == SSE_COMISS ? 4 : 8);
      if (s == 0) break;
      let daz = (mxcsr() & 0x40) != 0;
      let x = sub == SSE_COMISS ? f32of(daz32(load<u32>(d), daz)) : reinterpret<f64>(daz64(load<u64>(d), daz));
      let y = sub == SSE_COMISS ? f32of(daz32(load<u32>(s), daz)) : reinterpret<f64>(daz64(load<u64>(s), daz));
      // OF, SF and AF are cleared
      let f: u64 = x != x || y != y ? FLAG_ZF | FLAG_PF | FLAG_CF : x < y ? FLAG_CF : x == y ? FLAG_ZF : 0;
      setArithBits(ARITH_FLAGS, f);
      return;
    }
    case SSE_CVTSI2SS: case SSE_CVTSI2SD: {
      let size = <i32>load<u8>(p, R_OSZ);
      let v = srcInt(p, size);
      if (faulted) break;
      if (sub == SSE_CVTSI2SS) store<f32>(d, size == 8 ? <f32><i64>v : <f32><i32><u32>v);
      else store<f64>(d, size == 8 ? <f64><i64>v : <f64><i32><u32>v);
      return;
    }
    case SSE_CVTTSS2SI: case SSE_CVTTSD2SI: case SSE_CVTSS2SI: case SSE_CVTSD2SI: {
      let single = sub == SSE_CVTTSS2SI || sub == SSE_CVTSS2SI;
      let s = srcN(p, single ? 4 : 8);
      if (s == 0) break;
      let x = single ? f32of(load<u32>(s)) : reinterpret<f64>(load<u64>(s));
      let t = sub <= SSE_CVTTSD2SI ? trunc<f64>(x) : roundRC(x);
      let size = <i32>load<u8>(p, R_OSZ);
      rset(<i32>load<u8>(p, R_REG), size, toInt(t, size));
      return;
    }
    case SSE_CVTPS2PD: case SSE_CVTDQ2PD: {
      let s = srcN(p, 8);
      if (s == 0) break;
      let a = load<u32>(s);
      let b = load<u32>(s, 4);
      if (sub == SSE_CVTPS2PD) {
        store<u64>(d, widen(a));
        store<u64>(d, widen(b), 8);
      } else {
        store<f64>(d, <f64><i32>a);
        store<f64>(d, <f64><i32>b, 8);
      }
      return;
    }
    case SSE_CVTSS2SD: {
      let s = srcN(p, 4);
      if (s == 0) break;
      store<u64>(d, widen(load<u32>(s)));
      return;
    }
    case SSE_CVTSD2SS: {
      let s = srcN(p, 8);
      if (s == 0) break;
      store<u32>(d, narrow(load<u64>(s)));
      return;
    }
    case SSE_CVTPD2PS: case SSE_CVTTPD2DQ: case SSE_CVTPD2DQ: {
      // two results in the low quadword; the high one is zeroed
      let s = srcN(p, 16);
      if (s == 0) break;
      let a = load<u64>(s);
      let b = load<u64>(s, 8);
      if (sub == SSE_CVTPD2PS) {
        store<u32>(d, narrow(a));
        store<u32>(d, narrow(b), 4);
      } else {
        let x = reinterpret<f64>(a);
        let y = reinterpret<f64>(b);
        let tr = sub == SSE_CVTTPD2DQ;
        store<u32>(d, <u32>toInt(tr ? trunc<f64>(x) : roundRC(x), 4));
        store<u32>(d, <u32>toInt(tr ? trunc<f64>(y) : roundRC(y), 4), 4);
      }
      store<u64>(d, 0, 8);
      return;
    }
    case SSE_CVTDQ2PS: case SSE_CVTPS2DQ: case SSE_CVTTPS2DQ: {
      let s = srcN(p, 16);
      if (s == 0) break;
      for (let i: u32 = 0; i < 16; i += 4) {
        let v = load<u32>(s + i);
        let r: u32;
        if (sub == SSE_CVTDQ2PS) r = reinterpret<u32>(<f32><i32>v);
        else {
          let x = f32of(v);
          r = <u32>toInt(sub == SSE_CVTTPS2DQ ? trunc<f64>(x) : roundRC(x), 4);
        }
        store<u32>(d + i, r);
      }
      return;
    }
    case SSE_HADDPS: case SSE_HSUBPS: case SSE_ADDSUBPS: {
      let s = srcN(p, 16);
      if (s == 0) break;
      // results pair lanes across the operands: all inputs are read first
      let a0 = load<u32>(d), a1 = load<u32>(d, 4), a2 = load<u32>(d, 8), a3 = load<u32>(d, 12);
      let b0 = load<u32>(s), b1 = load<u32>(s, 4), b2 = load<u32>(s, 8), b3 = load<u32>(s, 12);
      if (sub == SSE_ADDSUBPS) {
        store<u32>(d, f32op(FOP_SUB, a0, b0));
        store<u32>(d, f32op(FOP_ADD, a1, b1), 4);
        store<u32>(d, f32op(FOP_SUB, a2, b2), 8);
        store<u32>(d, f32op(FOP_ADD, a3, b3), 12);
      } else {
        let op = sub == SSE_HADDPS ? FOP_ADD : FOP_SUB;
        store<u32>(d, f32op(op, a0, a1));
        store<u32>(d, f32op(op, a2, a3), 4);
        store<u32>(d, f32op(op, b0, b1), 8);
        store<u32>(d, f32op(op, b2, b3), 12);
      }
      return;
    }
    case SSE_HADDPD: case SSE_HSUBPD: case SSE_ADDSUBPD: {
      let s = srcN(p, 16);
      if (s == 0) break;
      let a0 = load<u64>(d), a1 = load<u64>(d, 8);
      let b0 = load<u64>(s), b1 = load<u64>(s, 8);
      if (sub == SSE_ADDSUBPD) {
        store<u64>(d, f64op(FOP_SUB, a0, b0));
        store<u64>(d, f64op(FOP_ADD, a1, b1), 8);
      } else {
        let op = sub == SSE_HADDPD ? FOP_ADD : FOP_SUB;
        store<u64>(d, f64op(op, a0, a1));
        store<u64>(d, f64op(op, b0, b1), 8);
      }
      return;
    }
  }
  setStop(true);
}
