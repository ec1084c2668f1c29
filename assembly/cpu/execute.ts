// Executes one decoded record. Handlers read operands, check for a pending
// fault before changing any architectural state, write results, and set the
// lazy flags. A handler that must leave the block sets `stop` (state.ts).
import * as O from "./opcodes";
import {
  R_OP, R_OSZ, R_REG, R_RM, R_BASE, R_INDEX, R_SCALE, R_SEG, R_PFX, R_SUB, R_DISP, R_IMM, R_IMM2,
  NOREG, RIP_BASE, SEG_FS, PFX_ADDR32, PFX_REP, PFX_REPNE, PFX_REXW,
} from "./decode";
import {
  CC_ADD, CC_ADC, CC_SUB, CC_SBB, CC_LOGIC, CC_INC, CC_DEC, CC_NEG, CC_SHL, CC_SHR, CC_SAR, CC_MUL, CC_IMUL64,
  CF, PF, AF, ZF, SF, OF, DF, TF, ARITH_FLAGS,
  setLazy, setLazyC, getCF, cond, maskOf, signOf, arithFlags, setArithBits, getRflags, setRflags,
  otherFlags, ccOp, ccC,
} from "./flags";
import { r64, w64, rget, rset, RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI } from "./regs";
import { markBytes } from "../mmu/dirty";
import { rd, wr, rdSlow, probeW, raiseFault, faulted, hostR, hostW, SIGSEGV, SI_KERNEL, translateSlow, ACC_R, ACC_W } from "../mmu/access";
import { rip, nextRip, fsBase, gsBase, retired, blockFirst, setNextRip, setStop, setExitReason } from "./state";
import { EXIT_FAULT, EXIT_BUDGET, EXIT_TRAP_FLAG, CNT_SYSCALLS, SLEPT_NS, SYSCALL_NS, CPU_TSC_AUX, CNT_SELECTOR_SMAP, CNT_SELECTOR_NOSMAP, SELECTOR_SMAP_NS, SELECTOR_NOSMAP_NS } from "../layout";
import { mulhiU, mulhiS, div128u, div128s, divQ, divR } from "./wide";
import { syscallInsn, int80Entry } from "../entry/syscall";
import { SSE_execute } from "./sse";
import { X87_execute } from "./x87";
import { MMX_execute } from "./mmx";

const SIGILL = 4;
const SIGTRAP = 5;
const SIGFPE = 8;
const ILL_ILLOPN = 2;
const FPE_INTDIV = 1;
const TRAP_BRKPT = 1;

@inline function osz(p: u32): i32 { return <i32>load<u8>(p, R_OSZ); }
@inline function sub(p: u32): i32 { return <i32>load<u8>(p, R_SUB); }
@inline function regOf(p: u32): i32 { return <i32>load<u8>(p, R_REG); }
@inline function rmOf(p: u32): i32 { return <i32>load<u8>(p, R_RM); }
@inline function imm(p: u32): u64 { return load<u64>(p, R_IMM); }

/** Effective address of the memory operand. */
@inline export function ea(p: u32): u64 {
  let a = <u64><i64>load<i32>(p, R_DISP);
  let base = load<u8>(p, R_BASE);
  if (base < 16) a += r64(base);
  else if (base == RIP_BASE) a += nextRip;
  let idx = load<u8>(p, R_INDEX);
  if (idx < 16) a += r64(idx) << <u64>load<u8>(p, R_SCALE);
  let pf = load<u8>(p, R_PFX);
  if ((pf & PFX_ADDR32) != 0) a &= 0xffffffff;
  let seg = load<u8>(p, R_SEG);
  if (seg != 0) a += seg == SEG_FS ? fsBase : gsBase;
  return a;
}

@inline function readE(p: u32, size: i32): u64 {
  let rm = rmOf(p);
  if (rm != NOREG) return rget(rm, size);
  return rd(ea(p), size);
}

@inline function writeE(p: u32, size: i32, v: u64): void {
  let rm = rmOf(p);
  if (rm != NOREG) rset(rm, size, v);
  else wr(ea(p), v, size);
}

/** Reads a memory operand that will be written back (needs write permission). */
@inline function readRMW(addr: u64, size: i32): u64 {
  let h = hostW(addr, size);
  if (h != 0) {
    if (size == 8) return load<u64>(h);
    if (size == 4) return <u64>load<u32>(h);
    if (size == 2) return <u64>load<u16>(h);
    return <u64>load<u8>(h);
  }
  if (!probeW(addr, size)) return 0;
  return rdSlow(addr, size);
}

@inline function sext(v: u64, size: i32): u64 {
  let sh = <u64>(64 - (size << 3));
  return <u64>((<i64>(v << sh)) >> sh);
}

function fault(sig: i32, code: i32, addr: u64, trap: i32): void {
  raiseFault(sig, code, addr, trap, 0);
  setStop(true);
}

// ---------------------------------------------------------------- ALU

@inline function alu(kind: i32, size: i32, a: u64, b: u64): u64 {
  let r: u64;
  switch (kind) {
    case 0: r = a + b; setLazy(CC_ADD, size, r, a, b); return r;
    case 1: r = a | b; setLazy(CC_LOGIC, size, r, a, b); return r;
    case 2: { let c: u64 = getCF() ? 1 : 0; r = a + b + c; setLazyC(CC_ADC, size, r, a, b, c); return r; }
    case 3: { let c: u64 = getCF() ? 1 : 0; r = a - b - c; setLazyC(CC_SBB, size, r, a, b, c); return r; }
    case 4: r = a & b; setLazy(CC_LOGIC, size, r, a, b); return r;
    case 5: r = a - b; setLazy(CC_SUB, size, r, a, b); return r;
    case 6: r = a ^ b; setLazy(CC_LOGIC, size, r, a, b); return r;
    default: r = a - b; setLazy(CC_SUB, size, r, a, b); return r;
  }
}

@inline function aluEG(p: u32, kind: i32): void {
  let size = osz(p);
  let b = rget(regOf(p), size);
  let rm = rmOf(p);
  if (rm != NOREG) {
    let r = alu(kind, size, rget(rm, size), b);
    if (kind != 7) rset(rm, size, r);
    return;
  }
  let addr = ea(p);
  if (kind == 7) {
    let a = rd(addr, size);
    if (faulted) { setStop(true); return; }
    alu(kind, size, a, b);
    return;
  }
  let a = readRMW(addr, size);
  if (faulted) { setStop(true); return; }
  wr(addr, alu(kind, size, a, b), size);
}

@inline function aluGE(p: u32, kind: i32): void {
  let size = osz(p);
  let b = readE(p, size);
  if (faulted) { setStop(true); return; }
  let reg = regOf(p);
  let r = alu(kind, size, rget(reg, size), b);
  if (kind != 7) rset(reg, size, r);
}

@inline function aluEI(p: u32, kind: i32): void {
  let size = osz(p);
  let b = imm(p);
  let rm = rmOf(p);
  if (rm != NOREG) {
    let r = alu(kind, size, rget(rm, size), b);
    if (kind != 7) rset(rm, size, r);
    return;
  }
  let addr = ea(p);
  if (kind == 7) {
    let a = rd(addr, size);
    if (faulted) { setStop(true); return; }
    alu(kind, size, a, b);
    return;
  }
  let a = readRMW(addr, size);
  if (faulted) { setStop(true); return; }
  wr(addr, alu(kind, size, a, b), size);
}

/** Read-modify-write of the E operand through a unary operation. */
@inline function unaryE(p: u32, op: i32): void {
  let size = osz(p);
  let rm = rmOf(p);
  let addr: u64 = 0;
  let a: u64;
  if (rm != NOREG) a = rget(rm, size);
  else {
    addr = ea(p);
    a = readRMW(addr, size);
    if (faulted) { setStop(true); return; }
  }
  let r: u64;
  if (op == O.OP_INC) { r = a + 1; setLazyC(CC_INC, size, r, a, 1, getCF() ? CF : 0); }
  else if (op == O.OP_DEC) { r = a - 1; setLazyC(CC_DEC, size, r, a, 1, getCF() ? CF : 0); }
  else if (op == O.OP_NEG) { r = 0 - a; setLazy(CC_NEG, size, r, a, 0); }
  else r = ~a;
  if (rm != NOREG) rset(rm, size, r);
  else wr(addr, r, size);
}

// ---------------------------------------------------------------- shifts

function shiftOp(p: u32, count: u64): void {
  let size = osz(p);
  let bits = <u64>(size << 3);
  let c = count & (size == 8 ? 63 : 31);
  let rm = rmOf(p);
  let addr: u64 = 0;
  let a: u64;
  if (rm != NOREG) a = rget(rm, size);
  else {
    addr = ea(p);
    a = readRMW(addr, size);
    if (faulted) { setStop(true); return; }
  }
  if (c == 0) {
    // flags stay, but a 32-bit register destination is still written (zero-extended)
    if (rm != NOREG && size == 4) rset(rm, 4, a);
    return;
  }
  let m = maskOf(size);
  a &= m;
  let sb = signOf(size);
  let r: u64 = 0;
  switch (sub(p)) {
    case 0: { // rol
      let t = c % bits;
      r = t == 0 ? a : ((a << t) | (a >> (bits - t))) & m;
      let cf: u64 = r & 1;
      let ovf: u64 = (((r & sb) != 0 ? 1 : 0) ^ cf) != 0 ? OF : 0;
      setArithBits(CF | OF, (cf != 0 ? CF : 0) | ovf);
      break;
    }
    case 1: { // ror
      let t = c % bits;
      r = t == 0 ? a : ((a >> t) | (a << (bits - t))) & m;
      let msb = (r & sb) != 0;
      let msb1 = (r & (sb >> 1)) != 0;
      setArithBits(CF | OF, (msb ? CF : 0) | (msb != msb1 ? OF : 0));
      break;
    }
    case 2: { // rcl: rotate through CF over bits + 1 positions
      let t = size <= 2 ? c % (bits + 1) : c;
      let cf: u64 = getCF() ? 1 : 0;
      r = a;
      for (let i: u64 = 0; i < t; i++) {
        let out = (r & sb) != 0 ? 1 : 0;
        r = ((r << 1) | cf) & m;
        cf = <u64>out;
      }
      let ovf: bool = ((r & sb) != 0) != (cf != 0);
      setArithBits(CF | OF, (cf != 0 ? CF : 0) | (ovf ? OF : 0));
      break;
    }
    case 3: { // rcr
      let t = size <= 2 ? c % (bits + 1) : c;
      let cf: u64 = getCF() ? 1 : 0;
      let ovf: bool = ((a & sb) != 0) != (cf != 0);
      r = a;
      for (let i: u64 = 0; i < t; i++) {
        let out = r & 1;
        r = (r >> 1) | (cf != 0 ? sb : 0);
        cf = out;
      }
      setArithBits(CF | OF, (cf != 0 ? CF : 0) | (ovf ? OF : 0));
      break;
    }
    case 4: case 6: { // shl/sal
      r = c >= 64 ? 0 : (a << c) & m;
      let cf: u64 = c > bits ? 0 : (a >> (bits - c)) & 1;
      setLazyC(CC_SHL, size, r, a, c, cf);
      break;
    }
    case 5: { // shr
      r = c >= 64 ? 0 : a >> c;
      let cf: u64 = c > bits ? 0 : (a >> (c - 1)) & 1;
      setLazyC(CC_SHR, size, r, a, c, cf);
      break;
    }
    default: { // sar
      let s = <i64>sext(a, size);
      let sh = c > 63 ? 63 : c;
      r = <u64>(s >> <i64>sh) & m;
      let sh1 = c - 1 > 63 ? 63 : c - 1;
      let cf: u64 = <u64>(s >> <i64>sh1) & 1;
      setLazyC(CC_SAR, size, r, a, c, cf);
      break;
    }
  }
  if (rm != NOREG) rset(rm, size, r);
  else wr(addr, r, size);
}

function shiftDouble(p: u32, left: bool, count: u64): void {
  let size = osz(p);
  let bits = <u64>(size << 3);
  let c = count & (size == 8 ? 63 : 31);
  let rm = rmOf(p);
  let addr: u64 = 0;
  let a: u64;
  if (rm != NOREG) a = rget(rm, size);
  else {
    addr = ea(p);
    a = readRMW(addr, size);
    if (faulted) { setStop(true); return; }
  }
  if (c == 0) {
    // flags stay, but a 32-bit register destination is still written (zero-extended)
    if (rm != NOREG && size == 4) rset(rm, 4, a);
    return;
  }
  let m = maskOf(size);
  a &= m;
  let b = rget(regOf(p), size) & m;
  let r: u64;
  let cf: u64;
  if (size == 2 && c > 16) {
    // 16-bit with count > 16: undefined result; model the concatenation as Intel parts do
    let wide: u64 = left ? (a << 32) | (b << 16) | a : (a << 32) | (b << 16) | a;
    if (left) { r = (wide >> (48 - c)) & m; cf = (wide >> (48 - c + 16)) & 1; }
    else { r = (wide >> c) & m; cf = (wide >> (c - 1)) & 1; }
  } else if (left) {
    r = ((a << c) | (b >> (bits - c))) & m;
    cf = (a >> (bits - c)) & 1;
  } else {
    r = ((a >> c) | (b << (bits - c))) & m;
    cf = (a >> (c - 1)) & 1;
  }
  let sb = signOf(size);
  let ovf: bool = ((r & sb) != 0) != ((a & sb) != 0);
  // SF, ZF, PF from the result; CF the last bit out; OF for count 1
  setLazyC(CC_LOGIC, size, r, 0, 0, 0);
  let f = arithFlags();
  setArithBits(ARITH_FLAGS, (f & (SF | ZF | PF)) | (cf != 0 ? CF : 0) | (ovf ? OF : 0));
  if (rm != NOREG) rset(rm, size, r);
  else wr(addr, r, size);
}

// ---------------------------------------------------------------- mul/div

function mulOp(p: u32, signed: bool): void {
  let size = osz(p);
  let s = readE(p, size);
  if (faulted) { setStop(true); return; }
  let m = maskOf(size);
  let a = rget(RAX, size);
  let lo: u64;
  let hi: u64;
  let overflow: bool;
  if (size == 8) {
    lo = a * s;
    hi = signed ? mulhiS(a, s) : mulhiU(a, s);
    overflow = signed ? hi != <u64>(<i64>lo >> 63) : hi != 0;
  } else {
    let prod: u64 = signed ? <u64>(<i64>sext(a, size) * <i64>sext(s, size)) : (a & m) * (s & m);
    let bits = <u64>(size << 3);
    lo = prod & m;
    hi = (prod >> bits) & m;
    overflow = signed ? sext(prod, size) != prod : hi != 0;
  }
  if (size == 1) rset(RAX, 2, (hi << 8) | lo);
  else {
    rset(RAX, size, lo);
    rset(RDX, size, hi);
  }
  setLazyC(CC_MUL, size, lo, 0, 0, overflow ? 1 : 0);
}

function divOp(p: u32, signed: bool): void {
  let size = osz(p);
  let d = readE(p, size);
  if (faulted) { setStop(true); return; }
  let m = maskOf(size);
  d &= m;
  if (d == 0) { fault(SIGFPE, FPE_INTDIV, rip, 0); return; }
  let q: u64;
  let r: u64;
  if (size == 8) {
    let ok = signed ? div128s(r64(RDX), r64(RAX), d) : div128u(r64(RDX), r64(RAX), d);
    if (!ok) { fault(SIGFPE, FPE_INTDIV, rip, 0); return; }
    q = divQ;
    r = divR;
  } else {
    let bits = <u64>(size << 3);
    let n: u64 = size == 1 ? rget(RAX, 2) : (rget(RDX, size) << bits) | rget(RAX, size);
    if (signed) {
      let sn = size == 4 ? <i64>n : <i64>sext(n, size * 2);
      let sd = <i64>sext(d, size);
      if (sd == -1 && sn == (<i64>-1 << (<i64>bits * 2 - 1)) && size == 4) { fault(SIGFPE, FPE_INTDIV, rip, 0); return; }
      let sq = sn / sd;
      let sr = sn % sd;
      if (sext(<u64>sq & m, size) != <u64>sq) { fault(SIGFPE, FPE_INTDIV, rip, 0); return; }
      q = <u64>sq & m;
      r = <u64>sr & m;
    } else {
      let uq = n / d;
      if (uq > m) { fault(SIGFPE, FPE_INTDIV, rip, 0); return; }
      q = uq;
      r = n % d;
    }
  }
  if (size == 1) rset(RAX, 2, ((r & 0xff) << 8) | (q & 0xff));
  else {
    rset(RAX, size, q);
    rset(RDX, size, r);
  }
}

function imulTwo(p: u32, a: u64, b: u64): void {
  let size = osz(p);
  let lo: u64;
  let overflow: bool;
  if (size == 8) {
    // the overflow test needs the high half: left to the lazy flags
    lo = a * b;
    rset(regOf(p), 8, lo);
    setLazy(CC_IMUL64, 8, lo, a, b);
    return;
  } else {
    let prod = <i64>sext(a, size) * <i64>sext(b, size);
    lo = <u64>prod & maskOf(size);
    overflow = <i64>sext(lo, size) != prod;
  }
  rset(regOf(p), size, lo);
  setLazyC(CC_MUL, size, lo, 0, 0, overflow ? 1 : 0);
}

// ---------------------------------------------------------------- stack

@inline function push(v: u64, size: i32): bool {
  let sp = r64(RSP) - <u64>size;
  wr(sp, v, size);
  if (faulted) { setStop(true); return false; }
  w64(RSP, sp);
  return true;
}

// ---------------------------------------------------------------- strings

const REP_CHUNK: u64 = 4096;

/**
 * The iterations of a rep-prefixed string instruction to run before it
 * executes itself again: REP_CHUNK, or one under the trap flag, which
 * traps after each iteration (the kernel steps the task one run at a time,
 * and a run that ends with rip still on the instruction traps there).
 */
@inline function repChunk(n: u64): u64 {
  let c: u64 = (otherFlags & TF) != 0 ? 1 : REP_CHUNK;
  return n > c ? c : n;
}

@inline function strStep(size: i32): u64 {
  return (otherFlags & DF) != 0 ? <u64>(0 - size) : <u64>size;
}

@inline function counterReg(p: u32): u64 {
  return (load<u8>(p, R_PFX) & PFX_ADDR32) != 0 ? r64(RCX) & 0xffffffff : r64(RCX);
}

@inline function ptrReg(p: u32, r: i32): u64 {
  return (load<u8>(p, R_PFX) & PFX_ADDR32) != 0 ? r64(r) & 0xffffffff : r64(r);
}

@inline function setPtrReg(p: u32, r: i32, v: u64): void {
  if ((load<u8>(p, R_PFX) & PFX_ADDR32) != 0) w64(r, v & 0xffffffff);
  else w64(r, v);
}

/** Source segment for string reads (fs/gs override applies to rsi only). */
@inline function srcBase(p: u32): u64 {
  let seg = load<u8>(p, R_SEG);
  return seg == 0 ? 0 : seg == SEG_FS ? fsBase : gsBase;
}

/**
 * rep movs/stos: runs up to REP_CHUNK iterations, then re-executes itself so
 * that budgets and signals stay responsive however large rcx is. Forward
 * copies within a page pair move by memory.copy.
 */
function movsOp(p: u32, isStos: bool): void {
  let size = osz(p);
  let rep = (load<u8>(p, R_PFX) & (PFX_REP | PFX_REPNE)) != 0;
  let step = strStep(size);
  let n: u64 = rep ? counterReg(p) : 1;
  if (n == 0) return;
  let todo = repChunk(n);
  let si = ptrReg(p, RSI);
  let di = ptrReg(p, RDI);
  let base = srcBase(p);
  let val = rget(RAX, size);
  let done: u64 = 0;
  while (done < todo) {
    // fast path: forward, both sides inside one page each
    if (step == <u64>size) {
      let dOff = <u64>(<u32>di & 0xfff);
      let fit = (4096 - dOff) / <u64>size;
      if (!isStos) {
        let sOff = <u64>(<u32>(si + base) & 0xfff);
        let fs = (4096 - sOff) / <u64>size;
        if (fs < fit) fit = fs;
      }
      if (fit > todo - done) fit = todo - done;
      if (fit > 1) {
        let hd = hostW(di, size);
        if (hd == 0) { if (translateSlow(di, ACC_W) == 0) break; hd = hostW(di, size); }
        let bytes = <u32>(fit * <u64>size);
        // hostW marked one element's bytes; the string writes fit of them
        markBytes(hd, bytes);
        if (isStos) {
          if (size == 1) memory.fill(hd, <u8>val, bytes);
          else for (let k: u32 = 0; k < bytes; k += <u32>size) {
            if (size == 8) store<u64>(hd + k, val);
            else if (size == 4) store<u32>(hd + k, <u32>val);
            else store<u16>(hd + k, <u16>val);
          }
        } else {
          let hs = hostR(si + base, size);
          if (hs == 0) { if (translateSlow(si + base, ACC_R) == 0) break; hs = hostR(si + base, size); }
          // A destination that starts inside the source re-reads bytes this copy just
          // wrote (LZ77 decoders rely on the repeating pattern), but memory.copy moves
          // the source intact: copy one source-to-destination distance at a time.
          if (hs < hd && hd - hs < bytes) {
            let d = (hd - hs) / <u32>size;
            if (d == 0) d = 1; // one element moves whole, as the CPU reads it before writing
            fit = <u64>d;
            bytes = d * <u32>size;
          }
          memory.copy(hd, hs, bytes);
        }
        di += fit * <u64>size;
        if (!isStos) si += fit * <u64>size;
        done += fit;
        if (hd != 0) continue;
      }
    }
    let v = isStos ? val : rd(si + base, size);
    if (faulted) break;
    wr(di, v, size);
    if (faulted) break;
    di += step;
    if (!isStos) si += step;
    done++;
  }
  setPtrReg(p, RDI, di);
  if (!isStos) setPtrReg(p, RSI, si);
  if (rep) {
    let left = n - done;
    if ((load<u8>(p, R_PFX) & PFX_ADDR32) != 0) w64(RCX, left & 0xffffffff);
    else w64(RCX, left);
    if (faulted) { setStop(true); return; }
    if (left != 0) { setNextRip(rip); setStop(true); }
  } else if (faulted) setStop(true);
}

function lodsOp(p: u32): void {
  let size = osz(p);
  let rep = (load<u8>(p, R_PFX) & (PFX_REP | PFX_REPNE)) != 0;
  let step = strStep(size);
  let n: u64 = rep ? counterReg(p) : 1;
  let si = ptrReg(p, RSI);
  let base = srcBase(p);
  let todo = repChunk(n);
  let done: u64 = 0;
  while (done < todo) {
    let v = rd(si + base, size);
    if (faulted) break;
    rset(RAX, size, v);
    si += step;
    done++;
  }
  setPtrReg(p, RSI, si);
  if (rep) {
    w64(RCX, n - done);
    if (!faulted && n - done != 0) { setNextRip(rip); setStop(true); }
  }
  if (faulted) setStop(true);
}

/** cmps (isCmps) and scas; F3 repeats while equal, F2 while not equal. */
function cmpsOp(p: u32, isCmps: bool): void {
  let size = osz(p);
  let pf = load<u8>(p, R_PFX);
  let repe = (pf & PFX_REP) != 0;
  let repne = (pf & PFX_REPNE) != 0;
  let rep = repe || repne;
  let step = strStep(size);
  let n: u64 = rep ? counterReg(p) : 1;
  if (n == 0) return;
  let si = ptrReg(p, RSI);
  let di = ptrReg(p, RDI);
  let base = srcBase(p);
  let acc = rget(RAX, size);
  let todo = repChunk(n);
  let done: u64 = 0;
  let finished = false;
  while (done < todo) {
    let a: u64;
    if (isCmps) {
      a = rd(si + base, size);
      if (faulted) break;
    } else a = acc;
    let b = rd(di, size);
    if (faulted) break;
    setLazy(CC_SUB, size, a - b, a, b);
    if (isCmps) si += step;
    di += step;
    done++;
    let m = maskOf(size);
    let eq = (a & m) == (b & m);
    if ((repe && !eq) || (repne && eq)) { finished = true; break; }
  }
  setPtrReg(p, RDI, di);
  if (isCmps) setPtrReg(p, RSI, si);
  if (rep) {
    let left = n - done;
    if ((pf & PFX_ADDR32) != 0) w64(RCX, left & 0xffffffff);
    else w64(RCX, left);
    if (!faulted && !finished && left != 0) { setNextRip(rip); setStop(true); }
  }
  if (faulted) setStop(true);
}

// ---------------------------------------------------------------- bits

function btOp(p: u32, kind: i32, bitIn: u64, fromReg: bool): void {
  let size = osz(p);
  let bits = <u64>(size << 3);
  let rm = rmOf(p);
  let addr: u64 = 0;
  let a: u64;
  let bit: u64;
  if (rm != NOREG) {
    a = rget(rm, size);
    bit = bitIn & (bits - 1);
  } else {
    // a register bit offset addresses memory beyond the operand (signed)
    addr = ea(p);
    if (fromReg) {
      let off = <i64>sext(bitIn, size);
      addr += <u64>((off >> (size == 8 ? 6 : size == 4 ? 5 : 4)) * <i64>size);
      bit = <u64>off & (bits - 1);
    } else bit = bitIn & (bits - 1);
    a = kind == 0 ? rd(addr, size) : readRMW(addr, size);
    if (faulted) { setStop(true); return; }
  }
  let cf = (a >> bit) & 1;
  let r = a;
  if (kind == 1) r = a | (<u64>1 << bit);
  else if (kind == 2) r = a & ~(<u64>1 << bit);
  else if (kind == 3) r = a ^ (<u64>1 << bit);
  setArithBits(CF, cf != 0 ? CF : 0);
  if (kind == 0) return;
  if (rm != NOREG) rset(rm, size, r);
  else wr(addr, r, size);
}

function bitScan(p: u32, op: i32): void {
  let size = osz(p);
  let s = readE(p, size);
  if (faulted) { setStop(true); return; }
  let m = maskOf(size);
  s &= m;
  let bits = <u64>(size << 3);
  let reg = regOf(p);
  if (op == O.OP_BSF || op == O.OP_BSR) {
    if (s == 0) {
      // destination unchanged (as Intel and AMD parts do), ZF set
      setArithBits(ZF, ZF);
      return;
    }
    rset(reg, size, op == O.OP_BSF ? ctz<u64>(s) : 63 - clz<u64>(s));
    setArithBits(ZF, 0);
    return;
  }
  let r: u64;
  if (op == O.OP_POPCNT) {
    r = popcnt<u64>(s);
    rset(reg, size, r);
    setArithBits(ARITH_FLAGS, r == 0 ? ZF : 0);
    return;
  }
  if (op == O.OP_TZCNT) r = s == 0 ? bits : ctz<u64>(s);
  else r = s == 0 ? bits : clz<u64>(s) - (64 - bits);
  rset(reg, size, r);
  setArithBits(CF | ZF, (s == 0 ? CF : 0) | (r == 0 ? ZF : 0));
}

// ---------------------------------------------------------------- misc

/**
 * cpuid answers a fixed, documented CPU (docs/cpuid.md): an x86-64 baseline
 * part with the x87 FPU, MMX, SSE2, CMPXCHG16B, POPCNT, LZCNT, CLFLUSHOPT and CLWB; no AVX, no XSAVE. The same answer on every host keeps runs
 * deterministic.
 */
function cpuid(): void {
  let leaf = <u32>r64(RAX);
  let a: u32 = 0, b: u32 = 0, c: u32 = 0, d: u32 = 0;
  if (leaf == 0) {
    a = 7;
    // vendor "GenuineIntel", as leaf 1's family 6 signature implies: glibc reads leaf 1's
    // features only for the vendors it knows, and its ld.so refuses to load a libc marked
    // x86-64-baseline on a CPU whose features it did not read
    b = 0x756e6547; // "Genu"
    d = 0x49656e69; // "ineI"
    c = 0x6c65746e; // "ntel"
  } else if (leaf == 1) {
    a = 0x000606a0; // family 6
    // one logical processor per package, clflush 8 qwords; the initial APIC id is the CPU's number
    b = 0x00010800 | ((load<u32>(CPU_TSC_AUX) & 0xff) << 24);
    c = (1 << 0) | (1 << 13) | (1 << 23); // SSE3, CMPXCHG16B, POPCNT
    d = (1 << 0) | (1 << 4) | (1 << 8) | (1 << 15) | (1 << 19) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26);
    // FPU, TSC, CX8, CMOV, CLFSH, MMX, FXSR, SSE, SSE2
  } else if (leaf == 7) {
    if (<u32>r64(RCX) == 0) b = (1 << 23) | (1 << 24); // CLFLUSHOPT, CLWB (subleaf 0, the only one)
  } else if (leaf == 0x80000000) {
    a = 0x80000001;
  } else if (leaf == 0x80000001) {
    c = (1 << 0) | (1 << 5); // LAHF/SAHF in 64-bit mode, LZCNT
    d = (1 << 11) | (1 << 29); // SYSCALL, long mode
  }
  w64(RAX, <u64>a);
  w64(RBX, <u64>b);
  w64(RCX, <u64>c);
  w64(RDX, <u64>d);
}

/**
 * clflush, clflushopt, clwb: there is no cache to write back, but the line's
 * address must be one the program may read (hardware checks it as a load:
 * an unmapped or PROT_NONE page raises SIGSEGV at the address given).
 */
function clflush(p: u32): void {
  rd(ea(p), 1);
}

/**
 * The time stamp counter is the virtual clock in ns (Kernel.clockNs, a
 * 1 GHz TSC): the instructions retired before this one, the kernel's time
 * in the syscalls entered and in the selector reads of their dispatch
 * checks, and the time every task slept. The vDSO reads the clocks from it
 * without entering the kernel.
 */
@inline function tsc(p: u32): u64 {
  return retired + <u64>((p - blockFirst) >> 5) + load<u64>(CNT_SYSCALLS) * <u64>SYSCALL_NS +
    load<u64>(CNT_SELECTOR_SMAP) * <u64>SELECTOR_SMAP_NS + load<u64>(CNT_SELECTOR_NOSMAP) * <u64>SELECTOR_NOSMAP_NS +
    load<u64>(SLEPT_NS);
}

// ---------------------------------------------------------------- dispatch

export function execute(p: u32): void {
  let op = <i32>load<u8>(p, R_OP); // the byte above is the fast form (fast.ts)
  switch (op) {
    case O.OP_ALU_EG + 0: aluEG(p, 0); break;
    case O.OP_ALU_EG + 1: aluEG(p, 1); break;
    case O.OP_ALU_EG + 2: aluEG(p, 2); break;
    case O.OP_ALU_EG + 3: aluEG(p, 3); break;
    case O.OP_ALU_EG + 4: aluEG(p, 4); break;
    case O.OP_ALU_EG + 5: aluEG(p, 5); break;
    case O.OP_ALU_EG + 6: aluEG(p, 6); break;
    case O.OP_ALU_EG + 7: aluEG(p, 7); break;
    case O.OP_ALU_GE + 0: aluGE(p, 0); break;
    case O.OP_ALU_GE + 1: aluGE(p, 1); break;
    case O.OP_ALU_GE + 2: aluGE(p, 2); break;
    case O.OP_ALU_GE + 3: aluGE(p, 3); break;
    case O.OP_ALU_GE + 4: aluGE(p, 4); break;
    case O.OP_ALU_GE + 5: aluGE(p, 5); break;
    case O.OP_ALU_GE + 6: aluGE(p, 6); break;
    case O.OP_ALU_GE + 7: aluGE(p, 7); break;
    case O.OP_ALU_EI + 0: aluEI(p, 0); break;
    case O.OP_ALU_EI + 1: aluEI(p, 1); break;
    case O.OP_ALU_EI + 2: aluEI(p, 2); break;
    case O.OP_ALU_EI + 3: aluEI(p, 3); break;
    case O.OP_ALU_EI + 4: aluEI(p, 4); break;
    case O.OP_ALU_EI + 5: aluEI(p, 5); break;
    case O.OP_ALU_EI + 6: aluEI(p, 6); break;
    case O.OP_ALU_EI + 7: aluEI(p, 7); break;
    case O.OP_TEST_EG: {
      let size = osz(p);
      let a = readE(p, size);
      if (faulted) { setStop(true); break; }
      setLazy(CC_LOGIC, size, a & rget(regOf(p), size), 0, 0);
      break;
    }
    case O.OP_TEST_EI: {
      let size = osz(p);
      let a = readE(p, size);
      if (faulted) { setStop(true); break; }
      setLazy(CC_LOGIC, size, a & imm(p), 0, 0);
      break;
    }
    case O.OP_XCHG_EG: {
      let size = osz(p);
      let reg = regOf(p);
      let rm = rmOf(p);
      if (rm != NOREG) {
        let t = rget(rm, size);
        rset(rm, size, rget(reg, size));
        rset(reg, size, t);
      } else {
        let addr = ea(p);
        let t = readRMW(addr, size);
        if (faulted) { setStop(true); break; }
        wr(addr, rget(reg, size), size);
        rset(reg, size, t);
      }
      break;
    }
    case O.OP_MOV_EG: {
      let size = osz(p);
      let v = rget(regOf(p), size);
      let rm = rmOf(p);
      if (rm != NOREG) rset(rm, size, v);
      else {
        wr(ea(p), v, size);
        if (faulted) setStop(true);
      }
      break;
    }
    case O.OP_MOV_GE: {
      let size = osz(p);
      let v = readE(p, size);
      if (faulted) { setStop(true); break; }
      rset(regOf(p), size, v);
      break;
    }
    case O.OP_MOV_EI: {
      let size = osz(p);
      let rm = rmOf(p);
      if (rm != NOREG) rset(rm, size, imm(p));
      else {
        wr(ea(p), imm(p), size);
        if (faulted) setStop(true);
      }
      break;
    }
    case O.OP_MOV_MOFFS: {
      let size = osz(p);
      let a = imm(p) + srcBase(p);
      if (sub(p) == 0) {
        let v = rd(a, size);
        if (faulted) { setStop(true); break; }
        rset(RAX, size, v);
      } else {
        wr(a, rget(RAX, size), size);
        if (faulted) setStop(true);
      }
      break;
    }
    case O.OP_LEA: {
      // lea ignores segment overrides: compute without fs/gs
      let a = <u64><i64>load<i32>(p, R_DISP);
      let base = load<u8>(p, R_BASE);
      if (base < 16) a += r64(base);
      else if (base == RIP_BASE) a += nextRip;
      let idx = load<u8>(p, R_INDEX);
      if (idx < 16) a += r64(idx) << <u64>load<u8>(p, R_SCALE);
      if ((load<u8>(p, R_PFX) & PFX_ADDR32) != 0) a &= 0xffffffff;
      rset(regOf(p), osz(p), a);
      break;
    }
    case O.OP_PUSH_E: {
      let size = osz(p);
      let v = readE(p, size);
      if (faulted) { setStop(true); break; }
      push(v, size);
      break;
    }
    case O.OP_POP_E: {
      let size = osz(p);
      let sp = r64(RSP);
      let v = rd(sp, size);
      if (faulted) { setStop(true); break; }
      let rm = rmOf(p);
      if (rm != NOREG) {
        w64(RSP, sp + <u64>size);
        rset(rm, size, v);
      } else {
        // the address is computed with rsp already incremented
        w64(RSP, sp + <u64>size);
        wr(ea(p), v, size);
        if (faulted) { w64(RSP, sp); setStop(true); }
      }
      break;
    }
    case O.OP_PUSH_I: push(imm(p), osz(p)); break;
    case O.OP_MOVSXD: {
      let v = readE(p, 4);
      if (faulted) { setStop(true); break; }
      rset(regOf(p), osz(p), sext(v, 4));
      break;
    }
    case O.OP_MOVZX: {
      let v = readE(p, sub(p));
      if (faulted) { setStop(true); break; }
      rset(regOf(p), osz(p), v);
      break;
    }
    case O.OP_MOVSX: {
      let s = sub(p);
      let v = readE(p, s);
      if (faulted) { setStop(true); break; }
      rset(regOf(p), osz(p), sext(v, s));
      break;
    }
    case O.OP_IMUL_GEI: {
      let v = readE(p, osz(p));
      if (faulted) { setStop(true); break; }
      imulTwo(p, v, imm(p));
      break;
    }
    case O.OP_IMUL_GE: {
      let size = osz(p);
      let v = readE(p, size);
      if (faulted) { setStop(true); break; }
      imulTwo(p, rget(regOf(p), size), v);
      break;
    }
    case O.OP_JCC: if (cond(sub(p))) setNextRip(nextRip + imm(p)); break;
    case O.OP_JMP: setNextRip(nextRip + imm(p)); break;
    case O.OP_CALL: {
      if (push(nextRip, 8)) setNextRip(nextRip + imm(p));
      break;
    }
    case O.OP_RET: {
      let size = osz(p);
      let sp = r64(RSP);
      let t = rd(sp, size);
      if (faulted) { setStop(true); break; }
      w64(RSP, sp + <u64>size + imm(p));
      setNextRip(t);
      break;
    }
    case O.OP_JMP_E: {
      let t = readE(p, 8);
      if (faulted) { setStop(true); break; }
      setNextRip(t);
      break;
    }
    case O.OP_CALL_E: {
      let t = readE(p, 8);
      if (faulted) { setStop(true); break; }
      if (push(nextRip, 8)) setNextRip(t);
      break;
    }
    case O.OP_SHIFT_I: shiftOp(p, imm(p)); break;
    case O.OP_SHIFT_CL: shiftOp(p, r64(RCX) & 0xff); break;
    case O.OP_NOT: case O.OP_NEG: case O.OP_INC: case O.OP_DEC: unaryE(p, op); break;
    case O.OP_MUL: mulOp(p, false); break;
    case O.OP_IMUL1: mulOp(p, true); break;
    case O.OP_DIV: divOp(p, false); break;
    case O.OP_IDIV: divOp(p, true); break;
    case O.OP_CBW: {
      let size = osz(p);
      rset(RAX, size, sext(rget(RAX, size >> 1), size >> 1));
      break;
    }
    case O.OP_CWD: {
      let size = osz(p);
      let a = rget(RAX, size);
      rset(RDX, size, (a & signOf(size)) != 0 ? 0xffffffffffffffff : 0);
      break;
    }
    case O.OP_MOVS: movsOp(p, false); break;
    case O.OP_STOS: movsOp(p, true); break;
    case O.OP_LODS: lodsOp(p); break;
    case O.OP_CMPS: cmpsOp(p, true); break;
    case O.OP_SCAS: cmpsOp(p, false); break;
    case O.OP_LEAVE: {
      let size = osz(p);
      let bp = r64(RBP);
      let v = rd(bp, size);
      if (faulted) { setStop(true); break; }
      w64(RSP, bp + <u64>size);
      rset(RBP, size, v);
      break;
    }
    case O.OP_ENTER: {
      let size = osz(p);
      let level = <u32>load<u64>(p, R_IMM2) & 31;
      let bp = r64(RBP);
      let sp = r64(RSP) - <u64>size;
      wr(sp, bp, size);
      if (faulted) { setStop(true); break; }
      let frame = sp;
      if (level > 0) {
        // nested procedures: copy the enclosing frame pointers, then push this one;
        // rsp and rbp are committed only once every access has succeeded
        for (let i: u32 = 1; i < level; i++) {
          bp -= <u64>size;
          let v = rd(bp, size);
          if (faulted) break;
          sp -= <u64>size;
          wr(sp, v, size);
          if (faulted) break;
        }
        if (faulted) { setStop(true); break; }
        sp -= <u64>size;
        wr(sp, frame, size);
        if (faulted) { setStop(true); break; }
      }
      rset(RBP, size, frame);
      w64(RSP, sp - imm(p));
      break;
    }
    case O.OP_NOP: break;
    // a spin-wait hint: end the time slice so that the task being waited for runs
    // (the scheduler is instruction-driven, so this stays deterministic)
    case O.OP_PAUSE: setExitReason(EXIT_BUDGET); break;
    case O.OP_HLT: case O.OP_GP: fault(SIGSEGV, SI_KERNEL, 0, 13); break;
    case O.OP_INT3: {
      // the trap leaves rip after the int3, as the CPU does
      raiseFault(SIGTRAP, SI_KERNEL, 0, 3, 0);
      setExitReason(EXIT_FAULT);
      break;
    }
    case O.OP_INT1: raiseFault(SIGTRAP, TRAP_BRKPT, nextRip, 1, 0); setExitReason(EXIT_FAULT); break;
    case O.OP_INT: {
      let n = imm(p);
      if (n == 0x80) int80Entry();
      else if (n == 3) { raiseFault(SIGTRAP, SI_KERNEL, 0, 3, 0); setExitReason(EXIT_FAULT); }
      else { raiseFault(SIGSEGV, SI_KERNEL, 0, 13, (n << 3) | 2); setStop(true); } // #GP names the IDT entry in its error code
      break;
    }
    case O.OP_UD: fault(SIGILL, ILL_ILLOPN, rip, 6); break;
    case O.OP_FETCH_FAULT: {
      // fetch faults were raised while decoding an earlier block: raise again now
      // (a decode-time fetch fault is only ever a block ovf its own, never cached)
      let a = imm(p);
      if (translateSlow(a, 2) != 0) setNextRip(rip); // mapped since: decode again
      setStop(true);
      break;
    }
    case O.OP_CLC: setArithBits(CF, 0); break;
    case O.OP_STC: setArithBits(CF, CF); break;
    case O.OP_CMC: setArithBits(CF, getCF() ? 0 : CF); break;
    case O.OP_CLD: setRflags(getRflags() & ~DF); break;
    case O.OP_STD: setRflags(getRflags() | DF); break;
    case O.OP_PUSHF: {
      // the pushed image has RF and VM clear
      push(getRflags() & 0xfcffff, osz(p));
      break;
    }
    case O.OP_POPF: {
      let size = osz(p);
      let sp = r64(RSP);
      let v = rd(sp, size);
      if (faulted) { setStop(true); break; }
      w64(RSP, sp + <u64>size);
      // user mode may change the arithmetic flags, DF, TF, AC, NT and ID (cpuid
      // detection toggles ID); IF, IOPL and the virtual-8086 bits stay
      let keep: u64 = ~(ARITH_FLAGS | DF | 0x100 | 0x40000 | 0x4000 | 0x200000);
      let cur = getRflags();
      let nv = (cur & keep) | (v & ~keep);
      if (size == 2) nv = (cur & ~<u64>0xffff) | (nv & 0xffff);
      setRflags(nv);
      // single-stepping is the kernel's: it takes over from the next instruction
      if ((nv & TF) != 0) { setExitReason(EXIT_TRAP_FLAG); setStop(true); }
      break;
    }
    case O.OP_SAHF: setArithBits(CF | PF | AF | ZF | SF, (r64(RAX) >> 8) & 0xd5); break;
    case O.OP_LAHF: rset(16, 1, (getRflags() & 0xd5) | 2); break;
    case O.OP_SYSCALL: syscallInsn(); break;
    case O.OP_CPUID: cpuid(); break;
    case O.OP_RDTSC: {
      let t = tsc(p);
      w64(RAX, t & 0xffffffff);
      w64(RDX, t >> 32);
      break;
    }
    case O.OP_RDTSCP: {
      let t = tsc(p);
      w64(RAX, t & 0xffffffff);
      w64(RDX, t >> 32);
      w64(RCX, <u64>load<u32>(CPU_TSC_AUX));
      break;
    }
    case O.OP_SETCC: {
      let rm = rmOf(p);
      let v: u64 = cond(sub(p)) ? 1 : 0;
      if (rm != NOREG) rset(rm, 1, v);
      else {
        wr(ea(p), v, 1);
        if (faulted) setStop(true);
      }
      break;
    }
    case O.OP_CMOVCC: {
      let size = osz(p);
      let v = readE(p, size);
      if (faulted) { setStop(true); break; }
      // a 32-bit cmov zero-extends its destination even when false
      if (cond(sub(p))) rset(regOf(p), size, v);
      else if (size == 4) rset(regOf(p), 4, rget(regOf(p), 4));
      break;
    }
    case O.OP_BT_EG: {
      let size = osz(p);
      btOp(p, sub(p), rget(regOf(p), size), true);
      break;
    }
    case O.OP_BT_EI: btOp(p, sub(p), imm(p), false); break;
    case O.OP_BSF: case O.OP_BSR: case O.OP_TZCNT: case O.OP_LZCNT: case O.OP_POPCNT:
      bitScan(p, op);
      break;
    case O.OP_SHLD: shiftDouble(p, true, sub(p) == 1 ? r64(RCX) & 0xff : imm(p)); break;
    case O.OP_SHRD: shiftDouble(p, false, sub(p) == 1 ? r64(RCX) & 0xff : imm(p)); break;
    case O.OP_CMPXCHG: {
      let size = osz(p);
      let rm = rmOf(p);
      let addr: u64 = 0;
      let d: u64;
      if (rm != NOREG) d = rget(rm, size);
      else {
        addr = ea(p);
        d = readRMW(addr, size);
        if (faulted) { setStop(true); break; }
      }
      let a = rget(RAX, size);
      setLazy(CC_SUB, size, a - d, a, d);
      let m = maskOf(size);
      if ((a & m) == (d & m)) {
        if (rm != NOREG) rset(rm, size, rget(regOf(p), size));
        else wr(addr, rget(regOf(p), size), size);
      } else {
        // the destination is written back with its own value when memory
        if (rm == NOREG) wr(addr, d, size);
        rset(RAX, size, d);
      }
      break;
    }
    case O.OP_XADD: {
      let size = osz(p);
      let rm = rmOf(p);
      let reg = regOf(p);
      let s = rget(reg, size);
      if (rm != NOREG) {
        let d = rget(rm, size);
        let r = d + s;
        setLazy(CC_ADD, size, r, d, s);
        rset(reg, size, d);
        rset(rm, size, r);
      } else {
        let addr = ea(p);
        let d = readRMW(addr, size);
        if (faulted) { setStop(true); break; }
        let r = d + s;
        setLazy(CC_ADD, size, r, d, s);
        wr(addr, r, size);
        rset(reg, size, d);
      }
      break;
    }
    case O.OP_CMPXCHG16B: {
      // cmpxchg8b without REX.W: halves of 4 bytes, and no alignment requirement
      let half = osz(p) == 8 ? 8 : 4;
      let addr = ea(p);
      if (half == 8 && (addr & 15) != 0) { fault(SIGSEGV, SI_KERNEL, 0, 13); break; }
      let lo = readRMW(addr, half);
      let hi = readRMW(addr + <u64>half, half);
      if (faulted) { setStop(true); break; }
      if (lo == rget(RAX, half) && hi == rget(RDX, half)) {
        wr(addr, rget(RBX, half), half);
        wr(addr + <u64>half, rget(RCX, half), half);
        setArithBits(ZF, ZF);
      } else {
        rset(RAX, half, lo);
        rset(RDX, half, hi);
        setArithBits(ZF, 0);
      }
      break;
    }
    case O.OP_BSWAP: {
      let size = osz(p);
      let rm = rmOf(p);
      if (size == 8) w64(rm, bswap<u64>(r64(rm)));
      else if (size == 4) rset(rm, 4, <u64>bswap<u32>(<u32>r64(rm)));
      else rset(rm, 2, 0); // 16-bit bswap is undefined; hardware gives 0
      break;
    }
    case O.OP_JRCXZ: {
      let c = (load<u8>(p, R_PFX) & PFX_ADDR32) != 0 ? r64(RCX) & 0xffffffff : r64(RCX);
      if (c == 0) setNextRip(nextRip + imm(p));
      break;
    }
    case O.OP_LOOP: {
      // with a 67 prefix the counter is ecx (written zero-extended)
      let c = r64(RCX) - 1;
      if ((load<u8>(p, R_PFX) & PFX_ADDR32) != 0) c &= 0xffffffff;
      w64(RCX, c);
      let s = sub(p);
      let take = c != 0;
      if (s == 0) take = take && (arithFlags() & ZF) == 0;
      else if (s == 1) take = take && (arithFlags() & ZF) != 0;
      if (take) setNextRip(nextRip + imm(p));
      break;
    }
    case O.OP_XLAT: {
      let a = r64(RBX) + (r64(RAX) & 0xff);
      if ((load<u8>(p, R_PFX) & PFX_ADDR32) != 0) a &= 0xffffffff;
      a += srcBase(p);
      let v = rd(a, 1);
      if (faulted) { setStop(true); break; }
      rset(RAX, 1, v);
      break;
    }
    case O.OP_SSE: SSE_execute(p); break;
    case O.OP_X87: X87_execute(p); break;
    case O.OP_MMX: MMX_execute(p); break;
    case O.OP_CLFLUSH: clflush(p); break;
    default:
      fault(SIGILL, ILL_ILLOPN, rip, 6);
      break;
  }
}
