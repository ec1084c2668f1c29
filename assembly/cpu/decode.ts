// x86-64 decoder: bytes at a guest address become one 32-byte record that
// execute.ts runs without looking at the bytes again.
//
//  record  +0 op u16    +2 len u8     +3 osz u8 (operand size 1/2/4/8)
//          +4 reg u8    +5 rm u8 (register, or NOREG for memory)
//          +6 base u8   +7 index u8   +8 scale u8  +9 seg u8 (0, SEG_FS, SEG_GS)
//          +10 pfx u8   +11 sub u8    +12 disp i32
//          +16 imm u64  +24 imm2 u64
//
// Register codes: 0..15 are rax..r15; 16..19 are ah, ch, dh, bh (byte
// operands without REX); base RIP_BASE means rip-relative.
import * as O from "./opcodes";
import { hostX, faulted, faultAddr, clearFault } from "../mmu/access";
import { SSE_decode, SSE_decodeAE } from "./sse";
import { MMX_decode } from "./mmx";

export const R_OP = 0;
export const R_LEN = 2;
export const R_OSZ = 3;
export const R_REG = 4;
export const R_RM = 5;
export const R_BASE = 6;
export const R_INDEX = 7;
export const R_SCALE = 8;
export const R_SEG = 9;
export const R_PFX = 10;
export const R_SUB = 11;
export const R_DISP = 12;
export const R_IMM = 16;
export const R_IMM2 = 24;

export const NOREG: u8 = 0xff;
export const RIP_BASE: u8 = 0x10;
export const SEG_FS: u8 = 1;
export const SEG_GS: u8 = 2;

export const PFX_REP: u8 = 1; // F3
export const PFX_REPNE: u8 = 2; // F2
export const PFX_LOCK: u8 = 4; // F0
export const PFX_OPSZ: u8 = 8; // 66
export const PFX_ADDR32: u8 = 16; // 67
export const PFX_REX: u8 = 32; // any REX present
export const PFX_REXW: u8 = 64;

/** Set when decoding needed bytes from an address that cannot be fetched. */
export let fetchFailed: bool = false;
export let fetchFailAddr: u64 = 0;

// decoding state for the instruction being decoded
let dva: u64 = 0; // its address
let dpos: i32 = 0; // bytes consumed
let dpage: u64 = 1; // guest page whose host base is dhost
let dhost: u32 = 0;
let drex: i32 = 0;
let drec: u32 = 0;

function fetch(): i32 {
  let a = dva + <u64>dpos;
  dpos++;
  if (fetchFailed) return 0;
  if ((a & ~<u64>0xfff) != dpage) {
    let h = hostX(a);
    if (h == 0) {
      fetchFailed = true;
      fetchFailAddr = a;
      return 0;
    }
    dpage = a & ~<u64>0xfff;
    dhost = h - (<u32>a & 0xfff);
  }
  return <i32>load<u8>(dhost + (<u32>a & 0xfff));
}

@inline function imm8s(): i64 { return <i64><i8>fetch(); }
@inline function imm8u(): i64 { return <i64>fetch(); }
function imm16u(): i64 { let lo = fetch(); return <i64>(lo | (fetch() << 8)); }
function imm32s(): i64 {
  let v: i32 = fetch();
  v |= fetch() << 8;
  v |= fetch() << 16;
  v |= fetch() << 24;
  return <i64>v;
}
function imm64(): i64 {
  let lo = <u64><u32>imm32s();
  let hi = <u64><u32>imm32s();
  return <i64>(lo | (hi << 32));
}
/** Iz: 16 bits with 66, else 32 bits sign-extended (also for 64-bit operands). */
function immz(osz: i32): i64 {
  return osz == 2 ? <i64><i16>imm16u() : imm32s();
}

@inline function setOp(op: i32): void { store<u16>(drec, <u16>op, R_OP); }
@inline function setSub(s: i32): void { store<u8>(drec, <u8>s, R_SUB); }
@inline function setOsz(s: i32): void { store<u8>(drec, <u8>s, R_OSZ); }
@inline function setImm(v: i64): void { store<i64>(drec, v, R_IMM); }
@inline function setReg(r: i32): void { store<u8>(drec, <u8>r, R_REG); }
@inline function setRm(r: i32): void { store<u8>(drec, <u8>r, R_RM); }

/** Register code for a byte operand: without REX, 4..7 name ah, ch, dh, bh. */
@inline function byteReg(r: i32): i32 {
  return drex == 0 && r >= 4 && r < 8 ? r + 12 : r;
}

/**
 * Parses ModRM (and SIB, displacement). byteOp says the reg and rm register
 * operands are bytes. Returns the reg field (with REX.R), before any byte
 * mapping, so groups can read /r.
 */
function modrm(byteOp: bool, rmByte: bool): i32 {
  let m = fetch();
  let mod = m >> 6;
  let reg = ((m >> 3) & 7) | ((drex & 4) << 1);
  let rm = m & 7;
  setReg(byteOp ? byteReg(reg) : reg);
  if (mod == 3) {
    let r = rm | ((drex & 1) << 3);
    setRm(rmByte ? byteReg(r) : r);
    return reg;
  }
  setRm(NOREG);
  let base: i32 = NOREG;
  let index: i32 = NOREG;
  let scale = 0;
  let disp: i32 = 0;
  if (rm == 4) {
    let sib = fetch();
    scale = sib >> 6;
    let idx = ((sib >> 3) & 7) | ((drex & 2) << 2);
    if (idx != 4) index = idx;
    let b = sib & 7;
    if (b == 5 && mod == 0) {
      disp = <i32>imm32s();
    } else {
      base = b | ((drex & 1) << 3);
    }
  } else if (rm == 5 && mod == 0) {
    base = RIP_BASE;
    disp = <i32>imm32s();
  } else {
    base = rm | ((drex & 1) << 3);
  }
  if (mod == 1) disp = <i32>imm8s();
  else if (mod == 2) disp = <i32>imm32s();
  store<u8>(drec, <u8>base, R_BASE);
  store<u8>(drec, <u8>index, R_INDEX);
  store<u8>(drec, <u8>scale, R_SCALE);
  store<i32>(drec, disp, R_DISP);
  return reg;
}

/**
 * Is this record's instruction the last of a block (control transfer or trap)?
 * syscall is not: when it leaves run() the block is simply left there, and
 * getpid-style calls answered inside Wasm keep a syscall loop in one block.
 */
export function endsBlock(op: i32): bool {
  switch (op) {
    case O.OP_JCC: case O.OP_JMP: case O.OP_CALL: case O.OP_RET: case O.OP_JMP_E:
    case O.OP_CALL_E: case O.OP_INT: case O.OP_INT3: case O.OP_INT1:
    case O.OP_UD: case O.OP_GP: case O.OP_HLT: case O.OP_FETCH_FAULT: case O.OP_JRCXZ:
    case O.OP_LOOP: case O.OP_INTO:
      return true;
  }
  return false;
}

/**
 * Decodes the instruction at va into the record at rec. Returns its length;
 * on a fetch fault the record is OP_FETCH_FAULT with imm = the failing address.
 */
export function decode(va: u64, rec: u32): i32 {
  dva = va;
  dpos = 0;
  dpage = 1;
  drex = 0;
  drec = rec;
  fetchFailed = false;
  memory.fill(rec, 0, 32);
  store<u8>(rec, NOREG, R_RM);
  store<u8>(rec, NOREG, R_BASE);
  store<u8>(rec, NOREG, R_INDEX);
  let pfx: i32 = 0;
  let seg: i32 = 0;
  let b = 0;
  for (;;) {
    b = fetch();
    if (dpos > 15) break;
    if (b == 0x66) pfx |= PFX_OPSZ;
    else if (b == 0x67) pfx |= PFX_ADDR32;
    else if (b == 0xf3) pfx = (pfx & ~PFX_REPNE) | PFX_REP;
    else if (b == 0xf2) pfx = (pfx & ~PFX_REP) | PFX_REPNE;
    else if (b == 0xf0) pfx |= PFX_LOCK;
    else if (b == 0x64) seg = SEG_FS;
    else if (b == 0x65) seg = SEG_GS;
    else if (b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26) { /* ignored in 64-bit mode */ }
    else break;
  }
  if (b >= 0x40 && b <= 0x4f) {
    drex = b;
    pfx |= PFX_REX;
    if ((b & 8) != 0) pfx |= PFX_REXW;
    b = fetch();
    // a second REX: only the last one counts
    while (b >= 0x40 && b <= 0x4f && dpos <= 15) {
      drex = b;
      pfx = (pfx & ~PFX_REXW) | ((b & 8) != 0 ? PFX_REXW : 0);
      b = fetch();
    }
  }
  store<u8>(rec, <u8>pfx, R_PFX);
  store<u8>(rec, <u8>seg, R_SEG);
  let osz = (drex & 8) != 0 ? 8 : (pfx & PFX_OPSZ) != 0 ? 2 : 4;
  setOsz(osz);
  // stack operations default to 64 bits; 66 makes them 16
  let ssz = (pfx & PFX_OPSZ) != 0 && (drex & 8) == 0 ? 2 : 8;

  if (b < 0x40 && (b & 7) < 6) {
    // ALU family 00..3D
    let kind = b >> 3;
    let form = b & 7;
    if (form == 0 || form == 1) {
      if (form == 0) setOsz(1);
      modrm(form == 0, form == 0);
      setOp(O.OP_ALU_EG + kind);
    } else if (form == 2 || form == 3) {
      if (form == 2) setOsz(1);
      modrm(form == 2, form == 2);
      setOp(O.OP_ALU_GE + kind);
    } else if (form == 4) {
      setOsz(1);
      setRm(0);
      setImm(imm8s());
      setOp(O.OP_ALU_EI + kind);
    } else {
      setRm(0);
      setImm(immz(osz));
      setOp(O.OP_ALU_EI + kind);
    }
  } else if (b == 0x0f) {
    decode0F(pfx, osz);
  } else {
    switch (b) {
      case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
        setRm((b & 7) | ((drex & 1) << 3)); setOsz(ssz); setOp(O.OP_PUSH_E); break;
      case 0x58: case 0x59: case 0x5a: case 0x5b: case 0x5c: case 0x5d: case 0x5e: case 0x5f:
        setRm((b & 7) | ((drex & 1) << 3)); setOsz(ssz); setOp(O.OP_POP_E); break;
      case 0x63: modrm(false, false); setOp(O.OP_MOVSXD); break;
      case 0x68: setImm(immz(ssz == 2 ? 2 : 4)); setOsz(ssz); setOp(O.OP_PUSH_I); break;
      case 0x6a: setImm(imm8s()); setOsz(ssz); setOp(O.OP_PUSH_I); break;
      case 0x69: modrm(false, false); setImm(immz(osz)); setOp(O.OP_IMUL_GEI); break;
      case 0x6b: modrm(false, false); setImm(imm8s()); setOp(O.OP_IMUL_GEI); break;
      case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
      case 0x78: case 0x79: case 0x7a: case 0x7b: case 0x7c: case 0x7d: case 0x7e: case 0x7f:
        setSub(b & 15); setImm(imm8s()); setOp(O.OP_JCC); break;
      case 0x80: { setOsz(1); let r = modrm(false, true); setImm(imm8s()); setOp(O.OP_ALU_EI + (r & 7)); break; }
      case 0x81: { let r = modrm(false, false); setImm(immz(osz)); setOp(O.OP_ALU_EI + (r & 7)); break; }
      case 0x83: { let r = modrm(false, false); setImm(imm8s()); setOp(O.OP_ALU_EI + (r & 7)); break; }
      case 0x84: setOsz(1); modrm(true, true); setOp(O.OP_TEST_EG); break;
      case 0x85: modrm(false, false); setOp(O.OP_TEST_EG); break;
      case 0x86: setOsz(1); modrm(true, true); setOp(O.OP_XCHG_EG); break;
      case 0x87: modrm(false, false); setOp(O.OP_XCHG_EG); break;
      case 0x88: setOsz(1); modrm(true, true); setOp(O.OP_MOV_EG); break;
      case 0x89: modrm(false, false); setOp(O.OP_MOV_EG); break;
      case 0x8a: setOsz(1); modrm(true, true); setOp(O.OP_MOV_GE); break;
      case 0x8b: modrm(false, false); setOp(O.OP_MOV_GE); break;
      case 0x8d: modrm(false, false); setOp(load<u8>(rec, R_RM) != NOREG ? O.OP_UD : O.OP_LEA); break;
      case 0x8f: { setOsz(ssz); let r = modrm(false, false); setOp((r & 7) == 0 ? O.OP_POP_E : O.OP_UD); break; }
      case 0x90:
        if ((drex & 1) != 0) { setReg(0); setRm(8); setOp(O.OP_XCHG_EG); }
        else setOp((pfx & PFX_REP) != 0 ? O.OP_PAUSE : O.OP_NOP);
        break;
      case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97:
        setReg(0); setRm((b & 7) | ((drex & 1) << 3)); setOp(O.OP_XCHG_EG); break;
      case 0x98: setOp(O.OP_CBW); break;
      case 0x99: setOp(O.OP_CWD); break;
      case 0x9c: setOsz(ssz); setOp(O.OP_PUSHF); break;
      case 0x9d: setOsz(ssz); setOp(O.OP_POPF); break;
      case 0x9e: setOp(O.OP_SAHF); break;
      case 0x9f: setOp(O.OP_LAHF); break;
      case 0xa0: case 0xa1: case 0xa2: case 0xa3:
        // movabs between the accumulator and an absolute address (32-bit with 67)
        if ((b & 1) == 0) setOsz(1);
        setImm((pfx & PFX_ADDR32) != 0 ? <i64><u32>imm32s() : imm64());
        setSub(b >> 1 & 1);
        setOp(O.OP_MOV_MOFFS);
        break;
      case 0xa4: setOsz(1); setOp(O.OP_MOVS); break;
      case 0xa5: setOp(O.OP_MOVS); break;
      case 0xa6: setOsz(1); setOp(O.OP_CMPS); break;
      case 0xa7: setOp(O.OP_CMPS); break;
      case 0xa8: setOsz(1); setRm(0); setImm(imm8s()); setOp(O.OP_TEST_EI); break;
      case 0xa9: setRm(0); setImm(immz(osz)); setOp(O.OP_TEST_EI); break;
      case 0xaa: setOsz(1); setOp(O.OP_STOS); break;
      case 0xab: setOp(O.OP_STOS); break;
      case 0xac: setOsz(1); setOp(O.OP_LODS); break;
      case 0xad: setOp(O.OP_LODS); break;
      case 0xae: setOsz(1); setOp(O.OP_SCAS); break;
      case 0xaf: setOp(O.OP_SCAS); break;
      case 0xb0: case 0xb1: case 0xb2: case 0xb3: case 0xb4: case 0xb5: case 0xb6: case 0xb7:
        setOsz(1); setRm(byteReg((b & 7) | ((drex & 1) << 3))); setImm(imm8s()); setOp(O.OP_MOV_EI); break;
      case 0xb8: case 0xb9: case 0xba: case 0xbb: case 0xbc: case 0xbd: case 0xbe: case 0xbf:
        setRm((b & 7) | ((drex & 1) << 3));
        setImm(osz == 8 ? imm64() : osz == 2 ? imm16u() : imm32s());
        setOp(O.OP_MOV_EI);
        break;
      case 0xc0: { setOsz(1); let r = modrm(false, true); setSub(r & 7); setImm(imm8u()); setOp(O.OP_SHIFT_I); break; }
      case 0xc1: { let r = modrm(false, false); setSub(r & 7); setImm(imm8u()); setOp(O.OP_SHIFT_I); break; }
      case 0xc2: setImm(imm16u()); setOsz(ssz); setOp(O.OP_RET); break;
      case 0xc3: setOsz(ssz); setOp(O.OP_RET); break;
      case 0xc6: { setOsz(1); let r = modrm(false, true); setImm(imm8s()); setOp((r & 7) == 0 ? O.OP_MOV_EI : O.OP_UD); break; }
      case 0xc7: { let r = modrm(false, false); setImm(immz(osz)); setOp((r & 7) == 0 ? O.OP_MOV_EI : O.OP_UD); break; }
      case 0xc8: setImm(imm16u()); store<i64>(rec, imm8u(), R_IMM2); setOsz(ssz); setOp(O.OP_ENTER); break;
      case 0xc9: setOsz(ssz); setOp(O.OP_LEAVE); break;
      case 0xcc: setOp(O.OP_INT3); break;
      case 0xcd: setImm(imm8u()); setOp(O.OP_INT); break;
      case 0xce: setOp(O.OP_UD); break; // into is invalid in 64-bit mode
      case 0xd0: { setOsz(1); let r = modrm(false, true); setSub(r & 7); setImm(1); setOp(O.OP_SHIFT_I); break; }
      case 0xd1: { let r = modrm(false, false); setSub(r & 7); setImm(1); setOp(O.OP_SHIFT_I); break; }
      case 0xd2: { setOsz(1); let r = modrm(false, true); setSub(r & 7); setOp(O.OP_SHIFT_CL); break; }
      case 0xd3: { let r = modrm(false, false); setSub(r & 7); setOp(O.OP_SHIFT_CL); break; }
      case 0xd7: setOsz(1); setOp(O.OP_XLAT); break;
      case 0xe0: case 0xe1: case 0xe2: setSub(b & 3); setImm(imm8s()); setOp(O.OP_LOOP); break;
      case 0xe3: setImm(imm8s()); setOp(O.OP_JRCXZ); break;
      case 0xe4: case 0xe5: case 0xe6: case 0xe7: fetch(); setOp(O.OP_GP); break; // in/out imm8
      case 0xec: case 0xed: case 0xee: case 0xef: case 0x6c: case 0x6d: case 0x6e: case 0x6f:
      case 0xfa: case 0xfb: setOp(O.OP_GP); break; // in/out/ins/outs/cli/sti need I/O privilege
      case 0xe8: setImm(imm32s()); setOsz(8); setOp(O.OP_CALL); break;
      case 0xe9: setImm(imm32s()); setOp(O.OP_JMP); break;
      case 0xeb: setImm(imm8s()); setOp(O.OP_JMP); break;
      case 0xf1: setOp(O.OP_INT1); break;
      case 0xf4: setOp(O.OP_HLT); break;
      case 0xf5: setOp(O.OP_CMC); break;
      case 0xf6: case 0xf7: {
        let byteOp = b == 0xf6;
        if (byteOp) setOsz(1);
        let r = modrm(false, byteOp) & 7;
        if (r == 0 || r == 1) { setImm(byteOp ? imm8s() : immz(osz)); setOp(O.OP_TEST_EI); }
        else if (r == 2) setOp(O.OP_NOT);
        else if (r == 3) setOp(O.OP_NEG);
        else if (r == 4) setOp(O.OP_MUL);
        else if (r == 5) setOp(O.OP_IMUL1);
        else if (r == 6) setOp(O.OP_DIV);
        else setOp(O.OP_IDIV);
        break;
      }
      case 0xf8: setOp(O.OP_CLC); break;
      case 0xf9: setOp(O.OP_STC); break;
      case 0xfc: setOp(O.OP_CLD); break;
      case 0xfd: setOp(O.OP_STD); break;
      case 0xfe: {
        setOsz(1);
        let r = modrm(false, true) & 7;
        setOp(r == 0 ? O.OP_INC : r == 1 ? O.OP_DEC : O.OP_UD);
        break;
      }
      case 0xff: {
        let r = modrm(false, false) & 7;
        if (r == 0) setOp(O.OP_INC);
        else if (r == 1) setOp(O.OP_DEC);
        else if (r == 2) { setOsz(8); setOp(O.OP_CALL_E); }
        else if (r == 4) { setOsz(8); setOp(O.OP_JMP_E); }
        else if (r == 6) { setOsz(ssz); setOp(O.OP_PUSH_E); }
        else setOp(O.OP_UD); // far call/jmp through memory: not in user code we run
        break;
      }
      case 0xd8: case 0xd9: case 0xda: case 0xdb: case 0xdc: case 0xdd: case 0xde: case 0xdf:
        // x87: cpu/x87.ts reads the opcode's low bits and ModRM.reg from sub, st(i) from rm
        setSub(((b & 7) << 3) | (modrm(false, false) & 7));
        setOp(O.OP_X87);
        break;
      case 0x9b: setSub(0xff); setOp(O.OP_X87); break; // fwait
      default:
        // 06 07 0E 16 17 1E 1F 27 2F 37 3F 60 61 62 9A C4 C5 D4 D5 D6 EA 82: invalid in 64-bit mode
        setOp(O.OP_UD);
        break;
    }
  }
  if ((pfx & PFX_LOCK) != 0 && !lockable(rec)) setOp(O.OP_UD);
  let len = dpos;
  if (fetchFailed) {
    setOp(O.OP_FETCH_FAULT);
    setImm(<i64>fetchFailAddr);
    len = 1;
  } else if (len > 15) {
    setOp(O.OP_GP);
  }
  store<u8>(rec, <u8>len, R_LEN);
  return len;
}

/** LOCK is allowed only on these read-modify-write instructions, and only with a memory destination (else #UD). */
function lockable(rec: u32): bool {
  if (load<u8>(rec, R_RM) != NOREG) return false;
  let op = <i32>load<u16>(rec, R_OP);
  if (op >= O.OP_ALU_EG && op < O.OP_ALU_EG + 7) return true; // cmp (kind 7) does not write
  if (op >= O.OP_ALU_EI && op < O.OP_ALU_EI + 7) return true;
  switch (op) {
    case O.OP_INC: case O.OP_DEC: case O.OP_NEG: case O.OP_NOT: case O.OP_XADD: case O.OP_XCHG_EG:
    case O.OP_CMPXCHG: case O.OP_CMPXCHG16B:
      return true;
    case O.OP_BT_EG: case O.OP_BT_EI:
      return load<u8>(rec, R_SUB) != 0; // bts, btr, btc; not bt
  }
  return false;
}

function decode0F(pfx: i32, osz: i32): void {
  let b = fetch();
  let rec = drec;
  switch (b) {
    case 0x05: setOp(O.OP_SYSCALL); break;
    case 0x0b: setOp(O.OP_UD); break; // ud2
    case 0x01: {
      let m = fetch();
      if (m == 0xf9) setOp(O.OP_RDTSCP);
      else if (m == 0xd0) setOp(O.OP_UD); // xgetbv: no XSAVE in the CPUID we report
      else setOp(O.OP_GP);
      break;
    }
    case 0x06: case 0x07: case 0x08: case 0x09: case 0x30: case 0x32: case 0x33:
    case 0x20: case 0x21: case 0x22: case 0x23: case 0x00:
      setOp(O.OP_GP); break;
    case 0x0d: case 0x18: case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1f:
      modrm(false, false); setOp(O.OP_NOP); break; // prefetch hints and multi-byte nops
    case 0x1e:
      // endbr64 (F3 0F 1E FA) and other hint space: a nop
      modrm(false, false); setOp(O.OP_NOP); break;
    case 0x31: setOp(O.OP_RDTSC); break;
    case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
    case 0x48: case 0x49: case 0x4a: case 0x4b: case 0x4c: case 0x4d: case 0x4e: case 0x4f:
      modrm(false, false); setSub(b & 15); setOp(O.OP_CMOVCC); break;
    case 0x80: case 0x81: case 0x82: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87:
    case 0x88: case 0x89: case 0x8a: case 0x8b: case 0x8c: case 0x8d: case 0x8e: case 0x8f:
      setSub(b & 15); setImm(imm32s()); setOp(O.OP_JCC); break;
    case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97:
    case 0x98: case 0x99: case 0x9a: case 0x9b: case 0x9c: case 0x9d: case 0x9e: case 0x9f:
      setOsz(1); modrm(false, true); setSub(b & 15); setOp(O.OP_SETCC); break;
    case 0xa2: setOp(O.OP_CPUID); break;
    case 0xa3: modrm(false, false); setSub(0); setOp(O.OP_BT_EG); break;
    case 0xab: modrm(false, false); setSub(1); setOp(O.OP_BT_EG); break;
    case 0xb3: modrm(false, false); setSub(2); setOp(O.OP_BT_EG); break;
    case 0xbb: modrm(false, false); setSub(3); setOp(O.OP_BT_EG); break;
    case 0xba: {
      let r = modrm(false, false) & 7;
      setImm(imm8u());
      if (r < 4) setOp(O.OP_UD);
      else { setSub(r - 4); setOp(O.OP_BT_EI); }
      break;
    }
    case 0xa4: modrm(false, false); setImm(imm8u()); setSub(0); setOp(O.OP_SHLD); break;
    case 0xa5: modrm(false, false); setSub(1); setOp(O.OP_SHLD); break;
    case 0xac: modrm(false, false); setImm(imm8u()); setSub(0); setOp(O.OP_SHRD); break;
    case 0xad: modrm(false, false); setSub(1); setOp(O.OP_SHRD); break;
    case 0xae: {
      let m = fetch();
      dpos--;
      if (m >= 0xe8) { fetch(); setOp(O.OP_NOP); } // lfence, mfence, sfence
      else {
        let r = modrm(false, false) & 7;
        let mem = load<u8>(rec, R_RM) == NOREG;
        let pre = pfx & (PFX_REP | PFX_REPNE | PFX_OPSZ);
        if (mem && ((r == 7 && (pre == 0 || pre == PFX_OPSZ)) || (r == 6 && pre == PFX_OPSZ))) setOp(O.OP_CLFLUSH);
        else if (!SSE_decodeAE(r, pfx, rec)) setOp(O.OP_UD); // fxsave..stmxcsr
      }
      break;
    }
    case 0xaf: modrm(false, false); setOp(O.OP_IMUL_GE); break;
    case 0xb0: setOsz(1); modrm(true, true); setOp(O.OP_CMPXCHG); break;
    case 0xb1: modrm(false, false); setOp(O.OP_CMPXCHG); break;
    case 0xb6: modrm(false, true); setSub(1); setOp(O.OP_MOVZX); break;
    case 0xb7: modrm(false, false); setSub(2); setOp(O.OP_MOVZX); break;
    case 0xbe: modrm(false, true); setSub(1); setOp(O.OP_MOVSX); break;
    case 0xbf: modrm(false, false); setSub(2); setOp(O.OP_MOVSX); break;
    case 0xb8:
      modrm(false, false);
      setOp((pfx & PFX_REP) != 0 ? O.OP_POPCNT : O.OP_UD);
      break;
    case 0xbc: modrm(false, false); setOp((pfx & PFX_REP) != 0 ? O.OP_TZCNT : O.OP_BSF); break;
    case 0xbd: modrm(false, false); setOp((pfx & PFX_REP) != 0 ? O.OP_LZCNT : O.OP_BSR); break;
    case 0xc0: setOsz(1); modrm(true, true); setOp(O.OP_XADD); break;
    case 0xc1: modrm(false, false); setOp(O.OP_XADD); break;
    case 0xc7: {
      let r = modrm(false, false) & 7;
      // cmpxchg8b, or cmpxchg16b with REX.W (the handler reads osz)
      setOp(r == 1 && load<u8>(rec, R_RM) == NOREG ? O.OP_CMPXCHG16B : O.OP_UD);
      break;
    }
    case 0xc8: case 0xc9: case 0xca: case 0xcb: case 0xcc: case 0xcd: case 0xce: case 0xcf:
      setRm((b & 7) | ((drex & 1) << 3)); setOp(O.OP_BSWAP); break;
    default:
      if (!MMX_decode(b, pfx, drex, rec) && !SSE_decode(b, pfx, drex, rec)) setOp(O.OP_UD);
      break;
  }
}

/** Lets sse.ts parse a ModRM with the decoder's state. */
export function sseModrm(): i32 {
  return modrm(false, false);
}

export function sseImm8(): i32 {
  return fetch();
}
