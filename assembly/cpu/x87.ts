// The x87 FPU (D8..DF, and 9B fwait): the register stack of 80-bit
// extended-precision values, with the control word's precision and rounding
// control and the status word's flags, as a real FPU gives them for the
// arithmetic C compilers and libcs emit (long double, printf's and strtod's
// digit loops, fenv). add, sub, mul, div, sqrt, fprem, frndint and every
// conversion are computed exactly and rounded once, as the hardware does.
// The transcendental instructions (fsin, fcos, fsincos, fptan, fpatan,
// f2xm1, fyl2x, fyl2xp1) go through f64 and are therefore correct to about
// 53 bits rather than 64. Exceptions are those of a masked FPU: the flags are
// set, the default results written; an exception left unmasked in the control
// word raises SIGFPE at the next waiting x87 instruction, as #MF does.
// Not here: fbld and fbstp (packed BCD), which raise SIGILL.
//
// Decoding leaves an OP_X87 record whose sub is (opcode & 7) << 3 | ModRM.reg
// and whose rm is the st(i) index (low 3 bits) or NOREG for a memory operand;
// sub 0xff is fwait.
import { CPU_FCW, CPU_FSW, CPU_FTW, CPU_ST, CPU_XMM, CPU_MXCSR } from "../layout";
import { R_SUB, R_RM, NOREG } from "./decode";
import { ea } from "./execute";
import { r64, rset, RAX } from "./regs";
import { rd, wr, probeW, raiseFault, faulted } from "../mmu/access";
import { setArithBits, ARITH_FLAGS, cond, CF, ZF, PF } from "./flags";
import { rip } from "./state";

const SIGILL = 4;
const ILL_ILLOPN = 2;
const SIGFPE = 8;
const FPE_FLTDIV = 3;
const FPE_FLTOVF = 4;
const FPE_FLTUND = 5;
const FPE_FLTRES = 6;
const FPE_FLTINV = 7;

// status word; the six exception flags sit at the same bits in MXCSR (cpu/sse.ts)
export const IE: u32 = 0x1;
const DE: u32 = 0x2;
export const ZE: u32 = 0x4;
export const OE: u32 = 0x8;
const UE: u32 = 0x10;
export const PE: u32 = 0x20;
const SF: u32 = 0x40;
const ES: u32 = 0x80;
const C0: u32 = 0x100;
const C1: u32 = 0x200;
const C2: u32 = 0x400;
const C3: u32 = 0x4000;
const BUSY: u32 = 0x8000;

const EXP_MAX: i32 = 0x7fff;
const BIAS: i32 = 16383;
const INT_BIT: u64 = 0x8000000000000000;
/** The real indefinite: the QNaN an invalid operation returns. */
const INDEF_SEXP: u32 = 0xffff;
const INDEF_MANT: u64 = 0xc000000000000000;

// ---------------------------------------------------------------- state

@inline function fcw(): u32 { return <u32>load<u16>(CPU_FCW); }
@inline function fsw(): u32 { return <u32>load<u16>(CPU_FSW); }
@inline function setFsw(v: u32): void { store<u16>(CPU_FSW, <u16>v); }
@inline function top(): u32 { return (fsw() >> 11) & 7; }
@inline function setTop(t: u32): void { setFsw((fsw() & ~<u32>0x3800) | ((t & 7) << 11)); }
@inline function phys(i: u32): u32 { return (top() + i) & 7; }
@inline function regAddr(ph: u32): u32 { return CPU_ST + (ph << 4); }
@inline function used(ph: u32): bool { return (load<u8>(CPU_FTW) & (1 << ph)) != 0; }
@inline function setUsed(ph: u32, on: bool): void {
  let t = <u32>load<u8>(CPU_FTW);
  store<u8>(CPU_FTW, <u8>(on ? t | (1 << ph) : t & ~(1 << ph)));
}
@inline function setCC(c: u32): void { setFsw((fsw() & ~(C0 | C1 | C2 | C3)) | c); }

/** Raises exception flags; an unmasked one also sets ES and B (its #MF comes at the next waiting instruction). */
function flag(f: u32): void {
  if (sse) {
    sseFlags |= f;
    return;
  }
  let s = fsw() | f;
  if ((f & ~fcw() & 0x3f) != 0) s |= ES | BUSY;
  setFsw(s);
}

/** The FPU's reset state (fninit, exec). */
export function x87Reset(): void {
  store<u16>(CPU_FCW, 0x37f);
  setFsw(0);
  store<u8>(CPU_FTW, 0);
}

/**
 * The initial FPU state a signal handler starts with (Linux:
 * fpu__clear_user_states): x87 reset with its registers zero, every xmm
 * register zero, MXCSR at reset.
 */
export function fpuInit(): void {
  x87Reset();
  memory.fill(CPU_ST, 0, 128);
  memory.fill(CPU_XMM, 0, 256);
  store<u32>(CPU_MXCSR, 0x1f80);
}

// ---------------------------------------------------------------- values
// An operand unpacked: sign, exponent field (0..0x7fff) and significand.
// Results are built in the same three globals.

let xS: u32 = 0;
let xE: i32 = 0;
let xM: u64 = 0;
let yS: u32 = 0;
let yE: i32 = 0;
let yM: u64 = 0;
let rS: u32 = 0;
let rE: i32 = 0;
let rM: u64 = 0;

@inline function isNaN(e: i32, m: u64): bool { return e == EXP_MAX && (m << 1) != 0; }
@inline function isSNaN(e: i32, m: u64): bool { return isNaN(e, m) && (m & 0x4000000000000000) == 0; }
@inline function isInf(e: i32, m: u64): bool { return e == EXP_MAX && (m << 1) == 0 && (m & INT_BIT) != 0; }
@inline function isZero(e: i32, m: u64): bool { return e == 0 && m == 0; }
/** Pseudo-NaN, pseudo-infinity and unnormals: formats the FPU refuses (IE). */
@inline function unsupported(e: i32, m: u64): bool { return e != 0 && (m & INT_BIT) == 0; }
@inline function isDenormal(e: i32, m: u64): bool { return e == 0 && m != 0; }

// the operands live in globals (AssemblyScript has no references to them), so each has its loader
@inline function regSexp(ph: u32): u32 { return <u32>load<u16>(regAddr(ph), 8); }

function loadX(ph: u32): void {
  xM = load<u64>(regAddr(ph));
  xS = regSexp(ph) >> 15;
  xE = <i32>(regSexp(ph) & 0x7fff);
}

function loadY(ph: u32): void {
  yM = load<u64>(regAddr(ph));
  yS = regSexp(ph) >> 15;
  yE = <i32>(regSexp(ph) & 0x7fff);
}

function storeR(ph: u32): void {
  let a = regAddr(ph);
  store<u64>(a, rM);
  store<u16>(a, <u16>((rS << 15) | <u32>rE), 8);
  setUsed(ph, true);
}

@inline function setR(s: u32, e: i32, m: u64): void { rS = s; rE = e; rM = m; }
@inline function indefinite(): void { setR(1, EXP_MAX, INDEF_MANT); }
@inline function infinity(s: u32): void { setR(s, EXP_MAX, INT_BIT); }
@inline function zero(s: u32): void { setR(s, 0, 0); }

/** The result for NaN operands (x87 rules): a QNaN over an SNaN, else the larger significand; quieted. */
function nanResult(): void {
  let xn = isNaN(xE, xM);
  let yn = isNaN(yE, yM);
  if (isSNaN(xE, xM) || isSNaN(yE, yM)) flag(IE);
  let useY: bool;
  if (xn && yn) {
    let xq = (xM & 0x4000000000000000) != 0;
    let yq = (yM & 0x4000000000000000) != 0;
    if (xq != yq) useY = yq;
    else useY = (yM & 0x3fffffffffffffff) > (xM & 0x3fffffffffffffff);
  } else {
    useY = yn;
  }
  if (useY) setR(yS, yE, yM | 0xc000000000000000);
  else setR(xS, xE, xM | 0xc000000000000000);
}

// significand and unbiased exponent of a finite nonzero operand, normalized (bit 63 set)
let nM: u64 = 0;
let nE: i32 = 0;

function norm(e: i32, m: u64): void {
  if (e == 0) {
    let s = <i32>clz(m);
    nM = m << <u64>s;
    nE = 1 - BIAS - s;
  } else {
    nM = m;
    nE = e - BIAS;
  }
}

@inline function normX(): void { norm(xE, xM); }
@inline function normY(): void { norm(yE, yM); }

// ---------------------------------------------------------------- rounding

/** Whether the last roundTo found its value tiny (below the normal range) before rounding. */
let lastTiny = false;
const K_ZERO = 0;
const K_FINITE = 1; // normal or denormal: oSig's bit 63 tells
const K_INF = 2;
let oSig: u64 = 0;
let oE: i32 = 0;

/** Bits of significand precision control gives: 24, 53 or 64. */
function pcBits(): i32 {
  let pc = (fcw() >> 8) & 3;
  return pc == 0 ? 24 : pc == 2 ? 53 : 64;
}

@inline function rcMode(): i32 { return sse ? <i32>(sseMxcsr >> 13) & 3 : <i32>(fcw() >> 10) & 3; }

/** C1 (x87 only): whether the last rounding went up in magnitude. */
@inline function setC1(up: bool): void {
  if (!sse) setFsw(up ? fsw() | C1 : fsw() & ~C1);
}

/**
 * Rounds the exact value sign * hi:lo / 2^127 * 2^e (hi's bit 63 set) to
 * prec significand bits in a format whose normal exponents are eMin..eMax,
 * by the control word's rounding control, raising PE, UE, OE and setting C1
 * when it rounded up. Leaves oSig (the significand at bits 63..64-prec; bit
 * 63 clear for a denormal, whose exponent is eMin) and oE, and returns what
 * the result is.
 */
function roundTo(sign: u32, e: i32, hi: u64, lo: u64, prec: i32, eMin: i32, eMax: i32): i32 {
  let tiny = false;
  if (e < eMin) {
    tiny = true;
    let sh = eMin - e;
    let sticky: bool;
    if (sh >= 128) {
      sticky = (hi | lo) != 0;
      hi = 0;
      lo = 0;
    } else if (sh >= 64) {
      let k = sh - 64;
      sticky = lo != 0 || (k != 0 && (hi << <u64>(64 - k)) != 0);
      lo = k == 0 ? hi : hi >> <u64>k;
      hi = 0;
    } else {
      sticky = (lo << <u64>(64 - sh)) != 0;
      lo = (lo >> <u64>sh) | (hi << <u64>(64 - sh));
      hi = hi >> <u64>sh;
    }
    if (sticky) lo |= 1;
    e = eMin;
  }
  let sh = 64 - prec;
  let kept: u64;
  let half: bool;
  let rest: bool;
  if (sh == 0) {
    kept = hi;
    half = (lo >> 63) != 0;
    rest = (lo << 1) != 0;
  } else {
    let low = hi & ((<u64>1 << <u64>sh) - 1);
    kept = hi - low;
    half = ((low >> <u64>(sh - 1)) & 1) != 0;
    rest = (low & ((<u64>1 << <u64>(sh - 1)) - 1)) != 0 || lo != 0;
  }
  let inexact = half || rest;
  let up = false;
  if (inexact) {
    let rc = rcMode();
    if (rc == 0) up = half && (rest || ((kept >> <u64>sh) & 1) != 0);
    else if (rc == 1) up = sign != 0;
    else if (rc == 2) up = sign == 0;
  }
  if (up) {
    let k2 = kept + (<u64>1 << <u64>sh);
    if (k2 < kept) {
      k2 = INT_BIT;
      e++;
    }
    kept = k2;
  }
  lastTiny = tiny;
  setC1(up);
  if (inexact) {
    flag(PE);
    if (tiny) flag(UE);
  }
  if (kept == 0) return K_ZERO;
  if (e > eMax) {
    flag(OE | PE);
    let rc = rcMode();
    let toInf = rc == 0 || (rc == 1 && sign != 0) || (rc == 2 && sign == 0);
    setC1(toInf);
    if (toInf) return K_INF;
    oE = eMax;
    oSig = sh == 0 ? <u64>-1 : <u64>-1 << <u64>sh;
    return K_FINITE;
  }
  oSig = kept;
  oE = e;
  return K_FINITE;
}

/** rS/rE/rM from an exact value, rounded to the precision control's width (arithmetic results). */
function roundExt(sign: u32, e: i32, hi: u64, lo: u64): void {
  if (sse) {
    // an SSE result stays in roundTo's form for sseResult, in the operation's format
    sseK = roundTo(sign, e, hi, lo, ssePrec, sseEMin, sseEMax);
    rS = sign;
    return;
  }
  let k = roundTo(sign, e, hi, lo, pcBits(), 1 - BIAS, BIAS);
  packExt(sign, k);
}

function packExt(sign: u32, k: i32): void {
  if (k == K_ZERO) zero(sign);
  else if (k == K_INF) infinity(sign);
  else setR(sign, (oSig & INT_BIT) != 0 ? oE + BIAS : 0, oSig);
}

// ---------------------------------------------------------------- arithmetic on x and y into r

/**
 * Checks shared by the binary operations: true when r already holds the
 * answer (NaN, unsupported). denormal: raise DE for a denormal operand now
 * (fprem raises it only after its own invalid cases).
 */
function specials(denormal: bool): bool {
  if (unsupported(xE, xM) || unsupported(yE, yM)) { flag(IE); indefinite(); return true; }
  if (isNaN(xE, xM) || isNaN(yE, yM)) { nanResult(); return true; }
  if (denormal && (isDenormal(xE, xM) || isDenormal(yE, yM))) flag(DE);
  return false;
}

@inline function specials2(): bool { return specials(true); }

function fadd(sub: bool): void {
  if (specials2()) return;
  let ys = sub ? yS ^ 1 : yS;
  let xi = isInf(xE, xM);
  let yi = isInf(yE, yM);
  if (xi || yi) {
    if (xi && yi && xS != ys) { flag(IE); indefinite(); return; }
    infinity(xi ? xS : ys);
    return;
  }
  let xz = isZero(xE, xM);
  let yz = isZero(yE, yM);
  if (xz && yz) {
    zero(xS == ys ? xS : rcMode() == 1 ? 1 : 0);
    return;
  }
  if (xz) { normY(); roundExt(ys, nE, nM, 0); return; }
  if (yz) { normX(); roundExt(xS, nE, nM, 0); return; }
  normX();
  let aS = xS, aE = nE, aM = nM;
  normY();
  let bS = ys, bE = nE, bM = nM;
  if (bE > aE || (bE == aE && bM > aM)) {
    let ts = aS; aS = bS; bS = ts;
    let te = aE; aE = bE; bE = te;
    let tm = aM; aM = bM; bM = tm;
  }
  // a's magnitude >= b's: b shifted right into a 128-bit significand with a sticky bit
  let d = aE - bE;
  let bh: u64, bl: u64;
  if (d == 0) { bh = bM; bl = 0; }
  else if (d < 64) { bh = bM >> <u64>d; bl = bM << <u64>(64 - d); }
  else if (d < 127) { bh = 0; bl = d == 64 ? bM : (bM >> <u64>(d - 64)) | ((bM << <u64>(128 - d)) != 0 ? 1 : 0); }
  else { bh = 0; bl = 1; }
  // one bit of headroom for a carry: work with everything shifted right by one
  let ah = aM >> 1, al = aM << 63;
  let sticky = bl & 1;
  let bh1 = bh >> 1, bl1 = (bl >> 1) | (bh << 63) | sticky;
  let rh: u64, rl: u64;
  if (aS == bS) {
    rl = al + bl1;
    rh = ah + bh1 + (rl < al ? 1 : 0);
  } else {
    rl = al - bl1;
    rh = ah - bh1 - (al < bl1 ? 1 : 0);
  }
  if ((rh | rl) == 0) { zero(rcMode() == 1 ? 1 : 0); return; }
  let e = aE + 1;
  let s = rh != 0 ? <i32>clz(rh) : 64 + <i32>clz(rl);
  if (s >= 64) { rh = rl << <u64>(s - 64); rl = 0; }
  else if (s > 0) { rh = (rh << <u64>s) | (rl >> <u64>(64 - s)); rl = rl << <u64>s; }
  roundExt(aS, e - s, rh, rl);
}

/** hi:lo = a * b. */
let pHi: u64 = 0;
let pLo: u64 = 0;
function mul64(a: u64, b: u64): void {
  let a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  let p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  let mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  pLo = (mid << 32) | (p00 & 0xffffffff);
  pHi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

function fmul(): void {
  if (specials2()) return;
  let s = xS ^ yS;
  let xi = isInf(xE, xM), yi = isInf(yE, yM);
  let xz = isZero(xE, xM), yz = isZero(yE, yM);
  if (xi || yi) {
    if (xz || yz) { flag(IE); indefinite(); return; }
    infinity(s);
    return;
  }
  if (xz || yz) { zero(s); return; }
  normX();
  let aE = nE, aM = nM;
  normY();
  mul64(aM, nM);
  let e = aE + nE + 1;
  if ((pHi & INT_BIT) == 0) {
    pHi = (pHi << 1) | (pLo >> 63);
    pLo <<= 1;
    e--;
  }
  roundExt(s, e, pHi, pLo);
}

/** x / y when reverse is false, y / x when true. */
function fdiv(reverse: bool): void {
  // a division by zero raises ZE without DE: the denormal flag waits for the zero checks
  if (specials(false)) return;
  if (reverse) {
    let ts = xS; xS = yS; yS = ts;
    let te = xE; xE = yE; yE = te;
    let tm = xM; xM = yM; yM = tm;
  }
  let s = xS ^ yS;
  let xi = isInf(xE, xM), yi = isInf(yE, yM);
  let xz = isZero(xE, xM), yz = isZero(yE, yM);
  if (xi && yi) { flag(IE); indefinite(); return; }
  if (yz && !xi) {
    if (xz) { flag(IE); indefinite(); return; }
    flag(ZE);
    infinity(s);
    return;
  }
  if (isDenormal(xE, xM) || isDenormal(yE, yM)) flag(DE);
  if (xi) { infinity(s); return; }
  if (yi || xz) { zero(s); return; }
  normX();
  let aE = nE, aM = nM;
  normY();
  let bM = nM;
  // restoring division: 66 quotient bits of aM / bM (the first is the integer bit of a result >= 1)
  let r = aM;
  let carry = false;
  let qh: u64 = 0, ql: u64 = 0;
  for (let i = 0; i < 66; i++) {
    qh = (qh << 1) | (ql >> 63);
    ql <<= 1;
    if (carry || r >= bM) {
      r -= bM;
      ql |= 1;
    }
    carry = (r >> 63) != 0;
    r <<= 1;
  }
  // q = aM / bM * 2^65, in [2^64, 2^66): place its top bit at 127
  let e = aE - nE;
  let sh = 62;
  if ((qh & 2) == 0) { sh = 63; e--; }
  let hi = (qh << <u64>sh) | (ql >> <u64>(64 - sh));
  let lo = ql << <u64>sh;
  if (r != 0 || carry) lo |= 1;
  roundExt(s, e, hi, lo);
}

function fsqrt(): void {
  if (unsupported(xE, xM)) { flag(IE); indefinite(); return; }
  if (isNaN(xE, xM)) { yE = 0; yM = 0; nanResult(); return; }
  if (isZero(xE, xM)) { zero(xS); return; }
  if (xS != 0) { flag(IE); indefinite(); return; }
  if (isInf(xE, xM)) { infinity(0); return; }
  if (isDenormal(xE, xM)) flag(DE);
  normX();
  // value = nM * 2^(nE - 63); the root of nM * 2^k for k = 68 or 67 (whichever makes nE - 63 - k even)
  let E = nE - 63;
  let k = (E & 1) == 0 ? 68 : 67;
  // radicand nM * 2^k as 132 bits, consumed two bits at a time from the top
  let resH: u64 = 0, resL: u64 = 0, remH: u64 = 0, remL: u64 = 0;
  for (let i = 0; i < 66; i++) {
    // bits 131-2i and 130-2i of the radicand: nM occupies bits k+63 .. k
    let pos = 131 - 2 * i - 1; // the lower bit's position
    let two: u64 = 0;
    let p1 = pos + 1 - k, p0 = pos - k;
    if (p1 >= 0 && p1 < 64) two |= ((nM >> <u64>p1) & 1) << 1;
    if (p0 >= 0 && p0 < 64) two |= (nM >> <u64>p0) & 1;
    remH = (remH << 2) | (remL >> 62);
    remL = (remL << 2) | two;
    // trial = res * 4 + 1
    let tH = (resH << 2) | (resL >> 62);
    let tL = (resL << 2) | 1;
    resH = (resH << 1) | (resL >> 63);
    resL <<= 1;
    if (remH > tH || (remH == tH && remL >= tL)) {
      remH = remH - tH - (remL < tL ? 1 : 0);
      remL -= tL;
      resL |= 1;
    }
  }
  // root in [2^65, 2^66): top bit at 65; value = root * 2^((E - k) / 2)
  let hi = (resH << 62) | (resL >> 2);
  let lo = resL << 62;
  if ((remH | remL) != 0) lo |= 1;
  roundExt(0, 65 + ((E - k) >> 1), hi, lo);
}

// ---------------------------------------------------------------- conversions

/**
 * r from a float's fields (exact; an SNaN is quieted with IE, a denormal
 * raises DE): sign, exponent field, fraction, and the format's all-ones
 * exponent, bias and fraction width.
 */
function fromFloat(s: u32, e: i32, m: u64, expMax: i32, bias: i32, fracBits: i32): void {
  let up = <u64>(63 - fracBits); // the fraction's shift to sit below the integer bit
  if (e == expMax) {
    if (m == 0) { setR(s, EXP_MAX, INT_BIT); return; }
    if ((m & (<u64>1 << <u64>(fracBits - 1))) == 0) flag(IE);
    setR(s, EXP_MAX, INT_BIT | 0x4000000000000000 | (m << up));
    return;
  }
  if (e == 0) {
    if (m == 0) { zero(s); return; }
    flag(DE);
    let sh = <i32>clz(m) - <i32>up;
    setR(s, 1 - bias - sh + BIAS, m << (up + <u64>sh));
    return;
  }
  setR(s, e - bias + BIAS, INT_BIT | (m << up));
}

@inline function fromF64(v: u64): void {
  fromFloat(<u32>(v >> 63), <i32>((v >> 52) & 0x7ff), v & 0xfffffffffffff, 0x7ff, 1023, 52);
}

@inline function fromF32(v: u32): void {
  fromFloat(v >> 31, <i32>((v >> 23) & 0xff), <u64>(v & 0x7fffff), 0xff, 127, 23);
}

function fromInt(v: i64): void {
  if (v == 0) { zero(0); return; }
  let s: u32 = v < 0 ? 1 : 0;
  let m = v < 0 ? <u64>(-v) : <u64>v;
  let sh = <i32>clz(m);
  setR(s, 63 - sh + BIAS, m << <u64>sh);
}

/** x rounded to a float format: 64 (f64) or 32 (f32) bits. */
function toFloat(bits: i32): u64 {
  let f64 = bits == 64;
  let sb: u64 = <u64>xS << <u64>(bits - 1);
  let expMax: u64 = f64 ? 0x7ff : 0xff;
  let fracBits: u64 = f64 ? 52 : 23;
  if (unsupported(xE, xM)) { flag(IE); return f64 ? 0xfff8000000000000 : 0xffc00000; }
  if (isNaN(xE, xM)) {
    if (isSNaN(xE, xM)) flag(IE);
    return sb | (expMax << fracBits) | (<u64>1 << (fracBits - 1)) | ((xM << 1) >> (64 - fracBits));
  }
  if (isInf(xE, xM)) return sb | (expMax << fracBits);
  if (isZero(xE, xM)) return sb;
  normX();
  let bias: i32 = f64 ? 1023 : 127;
  let k = roundTo(xS, nE, nM, 0, f64 ? 53 : 24, 1 - bias, bias);
  if (k == K_ZERO) return sb;
  if (k == K_INF) return sb | (expMax << fracBits);
  let frac = (oSig << 1) >> (64 - fracBits);
  if ((oSig & INT_BIT) == 0) return sb | (oSig >> (63 - fracBits));
  return sb | (<u64>(oE + bias) << fracBits) | frac;
}

/**
 * x as a signed integer of `bits` bits, rounded by rounding control or
 * truncated; IE and the integer indefinite (only the sign bit) when it does
 * not fit or is not a number. ok says whether to store.
 */
function toInt(bits: i32, truncate: bool): u64 {
  let indef: u64 = <u64>1 << <u64>(bits - 1);
  if (unsupported(xE, xM) || isNaN(xE, xM) || isInf(xE, xM)) { flag(IE); return indef; }
  if (isZero(xE, xM)) return 0;
  normX();
  // the integer part and the fraction bits below it
  let ip: u64;
  let half: bool, rest: bool;
  if (nE >= 64) { flag(IE); return indef; }
  if (nE >= 63) { ip = nM; half = false; rest = false; }
  else if (nE >= 0) {
    let fb = 63 - nE;
    ip = nM >> <u64>fb;
    let frac = nM << <u64>(64 - fb);
    half = (frac >> 63) != 0;
    rest = (frac << 1) != 0;
  } else {
    ip = 0;
    half = nE == -1;
    rest = nE == -1 ? (nM << 1) != 0 : true;
  }
  let inexact = half || rest;
  let up = false;
  if (inexact && !truncate) {
    let rc = rcMode();
    if (rc == 0) up = half && (rest || (ip & 1) != 0);
    else if (rc == 1) up = xS != 0;
    else if (rc == 2) up = xS == 0;
  }
  if (up) ip++;
  // in range: -2^(bits-1) .. 2^(bits-1) - 1
  let limit: u64 = xS != 0 ? indef : indef - 1;
  if ((up && ip == 0) || ip > limit) { flag(IE); return indef; }
  setFsw(fsw() & ~C1);
  if (inexact) {
    flag(PE);
    if (up) setFsw(fsw() | C1);
  }
  let v = xS != 0 ? <u64>(-<i64>ip) : ip;
  return bits == 64 ? v : v & ((<u64>1 << <u64>bits) - 1);
}

/** x rounded to an integer value by rounding control (frndint). */
function roundInt(): void {
  if (unsupported(xE, xM)) { flag(IE); indefinite(); return; }
  if (isNaN(xE, xM)) { yE = 0; yM = 0; nanResult(); return; }
  if (isInf(xE, xM) || isZero(xE, xM)) { setR(xS, xE, xM); return; }
  if (isDenormal(xE, xM)) flag(DE);
  normX();
  if (nE >= 63) { setR(xS, xE, xM); return; }
  // round at the binary point: the significand as a 128-bit value whose point sits below bit 64
  let hi: u64, lo: u64;
  if (nE >= 0) { hi = nM >> <u64>(63 - nE); lo = nM << <u64>(nE + 1); }
  else if (nE > -64) { hi = 0; lo = nM >> <u64>(-nE - 1); if ((nM << <u64>(64 + nE + 1)) != 0) lo |= 1; }
  else { hi = 0; lo = 1; }
  let half = (lo >> 63) != 0;
  let rest = (lo << 1) != 0;
  let up = false;
  let rc = rcMode();
  if (rc == 0) up = half && (rest || (hi & 1) != 0);
  else if (rc == 1) up = xS != 0 && (half || rest);
  else if (rc == 2) up = xS == 0 && (half || rest);
  if (up) hi++;
  setFsw(fsw() & ~C1);
  if (half || rest) {
    flag(PE);
    if (up) setFsw(fsw() | C1);
  }
  if (hi == 0) { zero(xS); return; }
  let s = <i32>clz(hi);
  setR(xS, 63 - s + BIAS, hi << <u64>s);
}

// ---------------------------------------------------------------- stack

/** Reads st(i) into x; false (with the stack fault raised) when it is empty. */
function getX(i: u32): bool {
  let ph = phys(i);
  if (!used(ph)) { stackUnderflow(); return false; }
  loadX(ph);
  return true;
}

function getY(i: u32): bool {
  let ph = phys(i);
  if (!used(ph)) { stackUnderflow(); return false; }
  loadY(ph);
  return true;
}

function stackUnderflow(): void {
  setFsw(fsw() & ~C1);
  flag(IE | SF);
  indefinite();
}

/** st(i) <- r. */
@inline function put(i: u32): void { storeR(phys(i)); }

/** Pushes r; onto a register in use, a stack overflow pushes the indefinite. */
function push(): void {
  let t = (top() - 1) & 7;
  if (used(t)) {
    flag(IE | SF);
    setFsw(fsw() | C1);
    indefinite();
  }
  setTop(t);
  storeR(t);
}

function pop(): void {
  let t = top();
  setUsed(t, false);
  setTop(t + 1);
}

// ---------------------------------------------------------------- compares

/** Compares x with y: C3 C2 C0 (fcom) or ZF PF CF (fcomi). quiet: QNaNs raise nothing (fucom). */
function compare(quiet: bool): u32 {
  if (unsupported(xE, xM) || unsupported(yE, yM)) { flag(IE); return 3; }
  let xn = isNaN(xE, xM), yn = isNaN(yE, yM);
  if (xn || yn) {
    if (!quiet || isSNaN(xE, xM) || isSNaN(yE, yM)) flag(IE);
    return 3;
  }
  if (isDenormal(xE, xM) || isDenormal(yE, yM)) flag(DE);
  let c = cmpValues();
  return c < 0 ? 1 : c == 0 ? 2 : 0;
}

/** Sign of x - y for ordered operands. */
function cmpValues(): i32 {
  let xz = isZero(xE, xM), yz = isZero(yE, yM);
  if (xz && yz) return 0;
  let xs: i32 = xz ? 0 : xS != 0 ? -1 : 1;
  let ys: i32 = yz ? 0 : yS != 0 ? -1 : 1;
  if (xs != ys) return xs < ys ? -1 : 1;
  // same sign, both nonzero: compare magnitudes (denormals normalized)
  let ax: i32, am: u64;
  if (isInf(xE, xM)) { ax = 0x10000; am = 0; } else { normX(); ax = nE; am = nM; }
  let ay: i32, bm: u64;
  if (isInf(yE, yM)) { ay = 0x10000; bm = 0; } else { normY(); ay = nE; bm = nM; }
  let mag: i32 = ax != ay ? (ax < ay ? -1 : 1) : am == bm ? 0 : am < bm ? -1 : 1;
  return xs < 0 ? -mag : mag;
}

/** fcom's condition codes from compare()'s answer (0 >, 1 <, 2 =, 3 unordered). */
function setCompareCC(r: u32): void {
  setCC(r == 0 ? 0 : r == 1 ? C0 : r == 2 ? C3 : C0 | C2 | C3);
}

function setCompareFlags(r: u32): void {
  setFsw(fsw() & ~C1);
  setArithBits(ARITH_FLAGS, r == 0 ? 0 : r == 1 ? CF : r == 2 ? ZF : ZF | PF | CF);
}

function fxam(): void {
  let ph = phys(0);
  loadX(ph);
  let c1 = xS != 0 ? C1 : 0;
  let c: u32;
  if (!used(ph)) c = C3 | C0;
  else if (unsupported(xE, xM)) c = 0;
  else if (isNaN(xE, xM)) c = C0;
  else if (isInf(xE, xM)) c = C2 | C0;
  else if (isZero(xE, xM)) c = C3;
  else if (xE == 0) c = C3 | C2;
  else c = C2;
  setCC(c | c1);
}

// ---------------------------------------------------------------- memory operands

function fetchMem(a: u64, kind: i32): bool {
  // kind: 0 m32fp, 1 m32int, 2 m64fp, 3 m16int, 4 m64int, 5 m80fp
  if (kind == 0) { let v = <u32>rd(a, 4); if (faulted) return false; fromF32(v); }
  else if (kind == 1) { let v = <i32><u32>rd(a, 4); if (faulted) return false; fromInt(<i64>v); }
  else if (kind == 2) { let v = rd(a, 8); if (faulted) return false; fromF64(v); }
  else if (kind == 3) { let v = <i16><u16>rd(a, 2); if (faulted) return false; fromInt(<i64>v); }
  else if (kind == 4) { let v = <i64>rd(a, 8); if (faulted) return false; fromInt(v); }
  else {
    let m = rd(a, 8);
    let se = <u32>rd(a + 8, 2);
    if (faulted) return false;
    setR(se >> 15, <i32>(se & 0x7fff), m);
  }
  return true;
}

/** y <- the memory operand (arithmetic with a memory source: m32fp, m64fp, m16int, m32int). */
function memToY(a: u64, kind: i32): bool {
  if (!fetchMem(a, kind)) return false;
  yS = rS; yE = rE; yM = rM;
  return true;
}

function store80(a: u64): bool {
  if (!probeW(a, 10)) return false;
  wr(a, rM, 8);
  wr(a + 8, <u64>((rS << 15) | <u32>rE), 2);
  return !faulted;
}

// ---------------------------------------------------------------- the arithmetic group

/** op (D8/DC /0../7): add, mul, com, comp, sub, subr, div, divr of x (st0 or st(i)) and y. */
function arith(op: u32): void {
  if (op == 0) fadd(false);
  else if (op == 1) fmul();
  else if (op == 4) fadd(true);
  else if (op == 5) { let ts = xS; xS = yS; yS = ts; let te = xE; xE = yE; yE = te; let tm = xM; xM = yM; yM = tm; fadd(true); }
  else if (op == 6) fdiv(false);
  else fdiv(true);
}

// ---------------------------------------------------------------- environment

/** The full tag word (2 bits per physical register: valid, zero, special, empty). */
function fullTags(): u32 {
  let t: u32 = 0;
  for (let ph: u32 = 0; ph < 8; ph++) {
    let tag: u32 = 3;
    if (used(ph)) {
      loadX(ph);
      if (isZero(xE, xM)) tag = 1;
      else if (xE == EXP_MAX || xE == 0 || (xM & INT_BIT) == 0) tag = 2;
      else tag = 0;
    }
    t |= tag << (ph * 2);
  }
  return t;
}

/** fnstenv's 28-byte image (the 32-bit protected-mode layout 64-bit mode uses); instruction and operand pointers 0. */
function storeEnv(a: u64): bool {
  if (!probeW(a, 28)) return false;
  wr(a, <u64>(0xffff0000 | fcw()), 4);
  wr(a + 4, <u64>(0xffff0000 | fsw()), 4);
  wr(a + 8, <u64>(0xffff0000 | fullTags()), 4);
  for (let i: u64 = 12; i < 28; i += 4) wr(a + i, 0, 4);
  return !faulted;
}

function loadEnv(a: u64): bool {
  let cw = <u32>rd(a, 2);
  let sw = <u32>rd(a + 4, 2);
  let tw = <u32>rd(a + 8, 2);
  if (faulted) return false;
  store<u16>(CPU_FCW, <u16>cw);
  setFsw(sw);
  let ftw: u32 = 0;
  for (let ph: u32 = 0; ph < 8; ph++) if (((tw >> (ph * 2)) & 3) != 3) ftw |= 1 << ph;
  store<u8>(CPU_FTW, <u8>ftw);
  // ES follows the flags left unmasked
  let s = fsw() & ~(ES | BUSY);
  if ((s & ~cw & 0x3f) != 0) s |= ES | BUSY;
  setFsw(s);
  return true;
}

// ---------------------------------------------------------------- the transcendentals (through f64)

function toF64(): f64 {
  let save = fsw();
  let v = reinterpret<f64>(toFloat(64));
  setFsw(save);
  return v;
}

function fromF64Value(v: f64): void {
  fromF64(reinterpret<u64>(v));
}

// ---------------------------------------------------------------- dispatch

function ill(): void {
  raiseFault(SIGILL, ILL_ILLOPN, rip, 6, 0);
}

/**
 * #MF for an exception left unmasked: what Linux reports as SIGFPE with the
 * first unmasked exception's code. The waiting x87 instructions and the MMX
 * instructions (cpu/mmx.ts) take it before they run.
 */
export function pendingFault(): bool {
  let s = fsw();
  if ((s & ES) == 0) return false;
  floatingPointFault(s & ~fcw() & 0x3f, 16);
  return true;
}

/**
 * SIGFPE for the unmasked exceptions u (x87 or MXCSR bits) at vector trap
 * (16 #MF, 19 #XM), with the code Linux derives from the first of them.
 */
export function floatingPointFault(u: u32, trap: i32): void {
  let code = (u & IE) != 0 ? FPE_FLTINV : (u & ZE) != 0 ? FPE_FLTDIV : (u & OE) != 0 ? FPE_FLTOVF
    : (u & (UE | DE)) != 0 ? FPE_FLTUND : FPE_FLTRES;
  raiseFault(SIGFPE, code, rip, trap, 0);
}

export function X87_execute(p: u32): void {
  let sub = <u32>load<u8>(p, R_SUB);
  if (sub == 0xff) { pendingFault(); return; } // fwait
  let opc = sub >> 3; // D8 + opc
  let reg = sub & 7;
  let rm = <u32>load<u8>(p, R_RM);
  let mem = rm == <u32>NOREG;
  let i = rm & 7;
  // the control instructions that do not wait: fnstenv, fnstcw, fnstsw, fnclex, fninit, fnsave
  let noWait = (opc == 1 && mem && (reg == 6 || reg == 7)) || (opc == 3 && !mem && (i == 2 || i == 3) && reg == 4)
    || (opc == 5 && mem && (reg == 6 || reg == 7)) || (opc == 7 && !mem && reg == 4 && i == 0);
  if (!noWait && pendingFault()) return;
  // C1 is cleared unless the instruction sets it (rounded up, stack overflow, fxam's sign,
  // fprem's quotient bit); the control instructions leave it
  if (!control(opc, reg, mem, i)) setFsw(fsw() & ~C1);
  if (mem) {
    let a = ea(p);
    execMem(opc, reg, a);
  } else {
    execReg(opc, reg, i);
  }
}

/** fldenv, fldcw, fnstenv, fnstcw, frstor, fnsave, fnstsw, fnop, fnclex, fninit, ffree(p). */
function control(opc: u32, reg: u32, mem: bool, i: u32): bool {
  if (mem) return (opc == 1 && reg >= 4) || (opc == 5 && reg >= 4);
  return (opc == 1 && reg == 2) || (opc == 3 && reg == 4) || (opc == 5 && reg == 0) || (opc == 7 && (reg == 0 || reg == 4));
}

function execMem(opc: u32, reg: u32, a: u64): void {
  switch (opc) {
    case 0: case 2: case 4: case 6: {
      // D8 m32fp, DA m32int, DC m64fp, DE m16int: st0 op= memory
      let kind = opc == 0 ? 0 : opc == 2 ? 1 : opc == 4 ? 2 : 3;
      if (!memToY(a, kind)) return;
      st0Op(reg, getX(0));
      return;
    }
    case 1: // D9
      switch (reg) {
        case 0: if (!fetchMem(a, 0)) return; push(); return; // fld m32fp
        case 2: case 3: storeSt0(a, true, 32, false, reg == 3); return; // fst/fstp m32fp
        case 4: loadEnv(a); return; // fldenv
        case 5: { let v = <u32>rd(a, 2); if (faulted) return; store<u16>(CPU_FCW, <u16>v); return; } // fldcw
        case 6: // fnstenv: then masks every exception
          if (!storeEnv(a)) return;
          store<u16>(CPU_FCW, <u16>(fcw() | 0x3f));
          return;
        case 7: wr(a, <u64>fcw(), 2); return; // fnstcw
      }
      break;
    case 3: // DB
      switch (reg) {
        case 0: if (!fetchMem(a, 1)) return; push(); return; // fild m32int
        case 1: case 2: case 3: storeSt0(a, false, 32, reg == 1, reg != 2); return; // fisttp, fist, fistp m32int
        case 5: if (!fetchMem(a, 5)) return; push(); return; // fld m80fp
        case 7: { // fstp m80fp
          if (getX(0)) setR(xS, xE, xM);
          if (!store80(a)) return;
          pop();
          return;
        }
      }
      break;
    case 5: // DD
      switch (reg) {
        case 0: if (!fetchMem(a, 2)) return; push(); return; // fld m64fp
        case 1: storeSt0(a, false, 64, true, true); return; // fisttp m64int
        case 2: case 3: storeSt0(a, true, 64, false, reg == 3); return; // fst/fstp m64fp
        case 4: { // frstor
          if (!loadEnv(a)) return;
          rd(a + 28, 8);
          rd(a + 100, 8);
          if (faulted) return;
          let t = top();
          for (let k: u32 = 0; k < 8; k++) {
            let r = regAddr((t + k) & 7);
            store<u64>(r, rd(a + 28 + <u64>k * 10, 8));
            store<u16>(r, <u16>rd(a + 36 + <u64>k * 10, 2), 8);
          }
          return;
        }
        case 6: { // fnsave, then fninit
          if (!probeW(a, 108)) return;
          if (!storeEnv(a)) return;
          let t = top();
          for (let k: u32 = 0; k < 8; k++) {
            let r = regAddr((t + k) & 7);
            wr(a + 28 + <u64>k * 10, load<u64>(r), 8);
            wr(a + 36 + <u64>k * 10, <u64>load<u16>(r, 8), 2);
          }
          x87Reset();
          return;
        }
        case 7: wr(a, <u64>fsw(), 2); return; // fnstsw m16
      }
      break;
    case 7: // DF
      switch (reg) {
        case 0: if (!fetchMem(a, 3)) return; push(); return; // fild m16int
        case 1: case 2: case 3: storeSt0(a, false, 16, reg == 1, reg != 2); return; // fisttp, fist, fistp m16int
        case 5: if (!fetchMem(a, 4)) return; push(); return; // fild m64int
        case 7: storeSt0(a, false, 64, false, true); return; // fistp m64int
      }
      break;
  }
  ill(); // fbld, fbstp and the reserved forms
}

/**
 * fst, fist, fisttp and their popping forms: st0 as a float of `bits` or
 * an integer of `bits` (rounded, or truncated) at a, the indefinite when st0
 * is empty; popped after the store, if asked, unless the store faulted.
 */
function storeSt0(a: u64, float: bool, bits: i32, truncate: bool, popAfter: bool): void {
  let ok = getX(0);
  let v: u64;
  if (float) v = ok ? toFloat(bits) : bits == 32 ? 0xffc00000 : 0xfff8000000000000;
  else v = ok ? toInt(bits, truncate) : <u64>1 << <u64>(bits - 1);
  wr(a, v, <u32>bits >> 3);
  if (faulted) return;
  if (popAfter) pop();
}

/**
 * D8 /reg (and its memory forms) once the operands are in x and y (ok:
 * neither was an empty register): st0 op= y, or fcom/fcomp of st0 with y.
 */
function st0Op(reg: u32, ok: bool): void {
  let compareOp = reg == 2 || reg == 3;
  if (!ok) {
    // a stack underflow: unordered for a compare, the indefinite for the rest
    if (compareOp) setCC(C0 | C2 | C3);
    else put(0);
  } else if (compareOp) {
    setCompareCC(compare(false));
  } else {
    arith(reg);
    put(0);
  }
  if (reg == 3) pop();
}

function execReg(opc: u32, reg: u32, i: u32): void {
  switch (opc) {
    case 0: // D8: st0 op= st(i)
      st0Op(reg, getX(0) && getY(i));
      return;
    case 4: case 6: { // DC: st(i) op= st0 (sub/div reversed); DE: the same, then pop
      if (opc == 6 && reg == 2) break;
      if (opc == 6 && reg == 3) { // fcompp (DE D9)
        if (i != 1) break;
        if (!getX(0) || !getY(1)) setCC(C0 | C2 | C3);
        else setCompareCC(compare(false));
        pop();
        pop();
        return;
      }
      if (opc == 4 && (reg == 2 || reg == 3)) { // fcom/fcomp st(i) aliases
        if (!getX(0) || !getY(i)) setCC(C0 | C2 | C3);
        else setCompareCC(compare(false));
        if (reg == 3) pop();
        return;
      }
      if (!getX(i) || !getY(0)) { put(i); if (opc == 6) pop(); return; }
      // x = st(i), y = st0: DC /4 is fsubr (st(i) = st0 - st(i)) and /5 fsub; /6 fdivr, /7 fdiv
      let op = reg == 4 ? 5 : reg == 5 ? 4 : reg == 6 ? 7 : reg == 7 ? 6 : reg;
      arith(op);
      put(i);
      if (opc == 6) pop();
      return;
    }
    case 1: // D9
      if (reg == 0) { // fld st(i)
        if (!getX(i)) { push(); return; }
        setR(xS, xE, xM);
        push();
        return;
      }
      if (reg == 1) { // fxch
        let a = phys(0), b = phys(i);
        if (!used(a) || !used(b)) {
          flag(IE | SF);
          setFsw(fsw() & ~C1);
          if (!used(a)) { indefinite(); storeR(a); }
          if (!used(b)) { indefinite(); storeR(b); }
        }
        loadX(a);
        loadY(b);
        setR(yS, yE, yM);
        storeR(a);
        setR(xS, xE, xM);
        storeR(b);
        setFsw(fsw() & ~C1);
        return;
      }
      if (reg == 2) { if (i == 0) return; break; } // fnop
      if (reg == 3) { // fstp1 alias
        if (getX(0)) setR(xS, xE, xM);
        put(i);
        pop();
        return;
      }
      if (reg == 4) {
        if (i == 0 || i == 1) { // fchs, fabs
          if (!getX(0)) { put(0); return; }
          setR(i == 0 ? xS ^ 1 : 0, xE, xM);
          put(0);
          setFsw(fsw() & ~C1);
          return;
        }
        if (i == 4) { // ftst
          if (!getX(0)) { setCC(C0 | C2 | C3); return; }
          zero(0);
          yS = 0; yE = 0; yM = 0;
          setCompareCC(compare(false));
          return;
        }
        if (i == 5) { fxam(); return; }
        break;
      }
      if (reg == 5) { // constants
        if (i == 7) break;
        loadConst(i);
        push();
        return;
      }
      if (reg == 6) { execD9F0(i); return; }
      execD9F8(i);
      return;
    case 2: // DA: fcmovb/e/be/u, fucompp
      if (reg < 4) {
        let cc = reg == 0 ? 2 : reg == 1 ? 4 : reg == 2 ? 6 : 10;
        fcmov(i, cond(cc));
        return;
      }
      if (reg == 5 && i == 1) { // fucompp
        if (!getX(0) || !getY(1)) setCC(C0 | C2 | C3);
        else setCompareCC(compare(true));
        pop();
        pop();
        return;
      }
      break;
    case 3: // DB: fcmovnb/ne/nbe/nu, fnclex, fninit, fucomi, fcomi
      if (reg < 4) {
        let cc = reg == 0 ? 3 : reg == 1 ? 5 : reg == 2 ? 7 : 11;
        fcmov(i, cond(cc));
        return;
      }
      if (reg == 4) {
        if (i == 2) { setFsw(fsw() & ~(0xff | BUSY)); return; } // fnclex
        if (i == 3) { x87Reset(); return; } // fninit
        if (i == 0 || i == 1 || i == 4) return; // feni, fdisi, fsetpm: no-ops
        break;
      }
      if (reg == 5 || reg == 6) { comi(i, reg == 5, false); return; }
      break;
    case 5: // DD: ffree, fst, fstp, fucom, fucomp
      if (reg == 0) { setUsed(phys(i), false); return; }
      if (reg == 2 || reg == 3) {
        if (getX(0)) setR(xS, xE, xM);
        put(i);
        if (reg == 3) pop();
        return;
      }
      if (reg == 4 || reg == 5) {
        if (!getX(0) || !getY(i)) setCC(C0 | C2 | C3);
        else setCompareCC(compare(true));
        if (reg == 5) pop();
        return;
      }
      if (reg == 1) { // fxch4 alias
        execReg(1, 1, i);
        return;
      }
      break;
    case 7: // DF: fnstsw ax, fucomip, fcomip, ffreep
      if (reg == 4 && i == 0) { rset(RAX, 2, <u64>fsw()); return; }
      if (reg == 5 || reg == 6) { comi(i, reg == 5, true); return; }
      if (reg == 0) { setUsed(phys(i), false); pop(); return; }
      if (reg == 1) { execReg(1, 1, i); return; }
      if (reg == 2 || reg == 3) { execReg(1, 3, i); return; }
      break;
  }
  ill();
}

function fcmov(i: u32, take: bool): void {
  let ok = getY(i);
  if (!used(phys(0))) { setFsw(fsw() & ~C1); flag(IE | SF); indefinite(); put(0); return; }
  setFsw(fsw() & ~C1);
  if (!ok) { if (take) put(0); return; }
  if (take) { setR(yS, yE, yM); put(0); }
}

function comi(i: u32, quiet: bool, popAfter: bool): void {
  if (!getX(0) || !getY(i)) setCompareFlags(3);
  else setCompareFlags(compare(quiet));
  if (popAfter) pop();
}

/** fld1, fldl2t, fldl2e, fldpi, fldlg2, fldln2, fldz (D9 E8..EE), rounded by rounding control as the FPU does. */
function loadConst(i: u32): void {
  if (i == 0) { setR(0, BIAS, INT_BIT); return; }
  if (i == 6) { zero(0); return; }
  // the constants with their bits beyond 64: the rounding control picks up or down
  let e: i32, m: u64, next: u64;
  if (i == 1) { e = 1; m = 0xd49a784bcd1b8afe; next = 0x492; }
  else if (i == 2) { e = 0; m = 0xb8aa3b295c17f0bb; next = 0xbe87fed0691d3e88; }
  else if (i == 3) { e = 1; m = 0xc90fdaa22168c234; next = 0xc4c6628b80dc1cd1; }
  else if (i == 4) { e = -2; m = 0x9a209a84fbcff798; next = 0x8f8959ac0b7c9178; }
  else { e = -1; m = 0xb17217f7d1cf79ab; next = 0xc9e3b39803f2f6af; }
  let rc = rcMode();
  // round to nearest rounds these down except where the next bit is set; directed modes as asked
  let up = rc == 0 ? (next >> 63) != 0 : rc == 2;
  setR(0, e + BIAS, up ? m + 1 : m);
}

/** D9 F0..F7: f2xm1, fyl2x, fptan, fpatan, fxtract, fprem1, fdecstp, fincstp. */
function execD9F0(i: u32): void {
  if (i == 6) { setTop(top() - 1); setFsw(fsw() & ~C1); return; }
  if (i == 7) { setTop(top() + 1); setFsw(fsw() & ~C1); return; }
  if (i == 4) { // fxtract
    if (!getX(0)) { put(0); push(); return; }
    if (isZero(xE, xM)) {
      flag(ZE);
      setR(1, EXP_MAX, INT_BIT);
      put(0);
      zero(xS);
      push();
      return;
    }
    if (isNaN(xE, xM) || isInf(xE, xM) || unsupported(xE, xM)) {
      if (isInf(xE, xM)) { setR(0, EXP_MAX, INT_BIT); put(0); setR(xS, xE, xM); push(); return; }
      yE = 0; yM = 0;
      if (unsupported(xE, xM)) { flag(IE); indefinite(); } else nanResult();
      put(0);
      push();
      return;
    }
    if (isDenormal(xE, xM)) flag(DE);
    normX();
    let sig = nM;
    fromInt(<i64>nE);
    put(0);
    setR(xS, BIAS, sig);
    push();
    return;
  }
  if (i == 5) { fprem(true); return; }
  // the transcendentals through f64
  if (!getX(0)) { put(0); if (i == 2) push(); return; }
  let a = toF64();
  if (i == 0) { // f2xm1
    fromF64Value(Math.pow(2, a) - 1);
    put(0);
    return;
  }
  if (i == 2) { // fptan: st0 = tan, then push 1
    fromF64Value(Math.tan(a));
    put(0);
    setR(0, BIAS, INT_BIT);
    push();
    setFsw(fsw() & ~C2);
    return;
  }
  // fyl2x, fpatan: st1 = f(st1, st0), pop
  if (!getY(1)) { put(1); pop(); return; }
  let save = fsw();
  let tmpS = xS, tmpE = xE, tmpM = xM;
  xS = yS; xE = yE; xM = yM;
  let b = toF64();
  xS = tmpS; xE = tmpE; xM = tmpM;
  setFsw(save);
  fromF64Value(i == 1 ? b * Math.log2(a) : Math.atan2(b, a));
  put(1);
  pop();
}

/** D9 F8..FF: fprem, fyl2xp1, fsqrt, fsincos, frndint, fscale, fsin, fcos. */
function execD9F8(i: u32): void {
  if (i == 0) { fprem(false); return; }
  if (!getX(0)) { put(0); if (i == 3) push(); return; }
  if (i == 2) { fsqrt(); put(0); return; }
  if (i == 4) { roundInt(); put(0); return; }
  if (i == 5) { // fscale: st0 * 2^trunc(st1)
    if (!getY(1)) { put(0); return; }
    if (specials2()) { put(0); return; }
    if (isInf(yE, yM)) {
      if (yS != 0 ? isInf(xE, xM) : isZero(xE, xM)) { flag(IE); indefinite(); }
      else if (yS != 0) zero(xS);
      else if (isZero(xE, xM)) setR(xS, xE, xM);
      else infinity(xS);
      put(0);
      return;
    }
    if (isZero(xE, xM) || isInf(xE, xM)) { setR(xS, xE, xM); put(0); return; }
    // trunc(st1), clamped: anything past the range saturates the same way
    let n: i32 = 0;
    if (!isZero(yE, yM)) {
      normY();
      let mag: i64 = nE < 0 ? 0 : nE > 20 ? 1 << 20 : <i64>(nM >> <u64>(63 - nE));
      n = <i32>(yS != 0 ? -mag : mag);
    }
    normX();
    packExt(xS, roundTo(xS, nE + n, nM, 0, 64, 1 - BIAS, BIAS));
    put(0);
    return;
  }
  let a = toF64();
  if (i == 1) { // fyl2xp1
    if (!getY(1)) { put(1); pop(); return; }
    let save = fsw();
    xS = yS; xE = yE; xM = yM;
    let b = toF64();
    setFsw(save);
    fromF64Value(b * Math.log2(1 + a));
    put(1);
    pop();
    return;
  }
  setFsw(fsw() & ~C2);
  if (i == 3) { // fsincos: st0 = sin, push cos
    let c = Math.cos(a);
    fromF64Value(Math.sin(a));
    put(0);
    fromF64Value(c);
    push();
    return;
  }
  fromF64Value(i == 6 ? Math.sin(a) : Math.cos(a));
  put(0);
}

/**
 * fprem (truncating quotient) and fprem1 (quotient rounded to nearest):
 * the exact remainder of st0 by st1 when their exponents are less than 64
 * apart, with the quotient's low three bits in C0 C3 C1; otherwise a
 * partial step that lowers st0's exponent by 32 to 63 and sets C2, as the
 * FPU does, for a loop around it to repeat.
 */
function fprem(nearest: bool): void {
  if (!getX(0) || !getY(1)) { put(0); return; }
  // a NaN or invalid result clears C2 and leaves C0 and C3
  if (specials(false)) { put(0); setFsw(fsw() & ~C2); return; }
  if (isInf(xE, xM) || isZero(yE, yM)) { flag(IE); indefinite(); put(0); setFsw(fsw() & ~C2); return; }
  if (isDenormal(xE, xM) || isDenormal(yE, yM)) flag(DE);
  if (isZero(xE, xM) || isInf(yE, yM)) { setR(xS, xE, xM); put(0); setCC(0); return; }
  normX();
  let aE = nE, aM = nM;
  normY();
  let bE = nE, bM = nM;
  let d = aE - bE;
  let sign = xS;
  if (d < 0) {
    // |x| < |y|: the quotient is 0, or 1 for fprem1 when |x| > |y| / 2 (aM > bM at d = -1)
    if (nearest && d == -1 && aM > bM) {
      // |y| - |x| = (2 bM - aM) * 2^(bE - 64), with the sign flipped
      let diff = bM - (aM - bM);
      let s = <i32>clz(diff);
      packExt(sign ^ 1, roundTo(sign ^ 1, bE - 1 - s, diff << <u64>s, 0, 64, 1 - BIAS, BIAS));
      put(0);
      setCC(C1);
      return;
    }
    setR(xS, xE, xM);
    put(0);
    setCC(0);
    return;
  }
  let partial = d >= 64;
  let steps = partial ? 32 + ((d - 32) & 31) : d;
  // r = aM * 2^steps mod bM, q its quotient's low bits
  let r = aM;
  let q: u64 = 0;
  if (r >= bM) { r -= bM; q = 1; }
  for (let k = 0; k < steps; k++) {
    let carry = (r >> 63) != 0;
    r <<= 1;
    q <<= 1;
    if (carry || r >= bM) { r -= bM; q |= 1; }
  }
  if (nearest && !partial) {
    let other = bM - r;
    if (r > other || (r == other && (q & 1) != 0)) {
      r = other;
      q++;
      sign ^= 1;
    }
  }
  let cc: u32 = partial ? C2 : ((q & 1) != 0 ? C1 : 0) | ((q & 2) != 0 ? C3 : 0) | ((q & 4) != 0 ? C0 : 0);
  if (r == 0) { zero(xS); put(0); setCC(cc); return; }
  // r is aligned with bM when exact (exponent bE), with aM shifted by steps otherwise
  let s = <i32>clz(r);
  packExt(sign, roundTo(sign, aE - steps - s, r << <u64>s, 0, 64, 1 - BIAS, BIAS));
  put(0);
  setCC(cc);
}

// ---------------------------------------------------------------- SSE (cpu/sse.ts)
// The SSE arithmetic that MXCSR steers (rounding control, denormals-are-zero,
// flush-to-zero) and whose exception flags a program may read, through the
// same exact operations, rounded once to the operation's format. cpu/sse.ts
// calls it where the host's round-to-nearest result would not do.

/** flag() and rcMode() serve an SSE operation. */
let sse = false;
let sseMxcsr: u32 = 0;
/** The exception flags the last sseArith raised (MXCSR's bit positions). */
export let sseFlags: u32 = 0;
let ssePrec: i32 = 53;
let sseEMin: i32 = -1022;
let sseEMax: i32 = 1023;
/** roundTo's answer for a rounded result; -1 when r holds an exact zero, infinity or the default NaN. */
let sseK: i32 = -1;

export const SSE_ADD = 0;
export const SSE_SUB = 1;
export const SSE_MUL = 2;
export const SSE_DIV = 3;
export const SSE_SQRT = 4;

/** An operand's bits into r: a denormal is zero under DAZ (then without DE). */
function sseLoad(v: u64, single: bool, daz: bool): void {
  if (single) {
    let w = <u32>v;
    if (daz && (w & 0x7f800000) == 0) w &= 0x80000000;
    fromF32(w);
  } else {
    if (daz && (v & 0x7ff0000000000000) == 0) v &= 0x8000000000000000;
    fromF64(v);
  }
}

/**
 * a op b (sqrt: of b) for non-NaN operands of a single (low 32 bits) or
 * double, under MXCSR mx; the flags raised are left in sseFlags.
 */
export function sseArith(op: i32, single: bool, a: u64, b: u64, mx: u32): u64 {
  sse = true;
  sseMxcsr = mx;
  sseFlags = 0;
  sseK = -1;
  ssePrec = single ? 24 : 53;
  sseEMin = single ? -126 : -1022;
  sseEMax = single ? 127 : 1023;
  let daz = (mx & 0x40) != 0;
  sseLoad(b, single, daz);
  yS = rS; yE = rE; yM = rM;
  if (op == SSE_SQRT) {
    xS = yS; xE = yE; xM = yM;
    sseFlags = 0;
    fsqrt();
  } else {
    sseLoad(a, single, daz);
    xS = rS; xE = rE; xM = rM;
    // a denormal operand's DE is the operation's to raise (fld raises it on the load)
    sseFlags = 0;
    if (op == SSE_ADD) fadd(false);
    else if (op == SSE_SUB) fadd(true);
    else if (op == SSE_MUL) fmul();
    else fdiv(false);
  }
  // DE for a denormal operand (its exponent normalized away in r), unless the operation was
  // invalid or a division by zero, which report only that
  if ((sseFlags & (IE | ZE)) == 0 && !daz && (sseDenormal(b, single) || (op != SSE_SQRT && sseDenormal(a, single)))) sseFlags |= DE;
  let bits = sseResult(single, (mx & 0x8000) != 0 && (mx & 0x800) != 0);
  sse = false;
  return bits;
}

@inline function sseDenormal(v: u64, single: bool): bool {
  return single ? (v & 0x7f800000) == 0 && (v & 0x7fffff) != 0 : (v & 0x7ff0000000000000) == 0 && (v & 0xfffffffffffff) != 0;
}

/** The result in the format's bits; ftz: a tiny result becomes zero (with UE and PE), as FTZ with UE masked. */
function sseResult(single: bool, ftz: bool): u64 {
  let sb: u64 = <u64>rS << (single ? 31 : 63);
  let fracBits: u64 = single ? 23 : 52;
  let expAll: u64 = single ? 0xff : 0x7ff;
  if (sseK < 0) {
    if (rE == EXP_MAX) return (rM << 1) != 0 ? (single ? 0xffc00000 : 0xfff8000000000000) : sb | (expAll << fracBits);
    return sb; // an exact zero
  }
  if (ftz && lastTiny) {
    sseFlags |= UE | PE;
    return sb;
  }
  if (sseK == K_ZERO) return sb;
  if (sseK == K_INF) return sb | (expAll << fracBits);
  if ((oSig & INT_BIT) == 0) return sb | (oSig >> (63 - fracBits));
  let bias: i32 = single ? 127 : 1023;
  return sb | (<u64>(oE + bias) << fracBits) | ((oSig << 1) >> (64 - fracBits));
}
