// Lazy arithmetic flags: an instruction records what it computed (the kind of
// operation, its operands and result) and CF/PF/AF/ZF/SF/OF are derived only
// when something reads them (jcc, setcc, cmovcc, adc, pushf, a signal frame).
import { mulhiS } from "./wide";

export const CF: u64 = 0x1;
export const PF: u64 = 0x4;
export const AF: u64 = 0x10;
export const ZF: u64 = 0x40;
export const SF: u64 = 0x80;
export const TF: u64 = 0x100;
export const IF: u64 = 0x200;
export const DF: u64 = 0x400;
export const OF: u64 = 0x800;
export const ARITH_FLAGS: u64 = CF | PF | AF | ZF | SF | OF;

// Kinds; the lazy op is kind << 2 | size index (0: 8, 1: 16, 2: 32, 3: 64 bits).
export const CC_EFLAGS = 0;
export const CC_ADD = 1;
export const CC_ADC = 2;
export const CC_SUB = 3;
export const CC_SBB = 4;
export const CC_LOGIC = 5;
export const CC_INC = 6;
export const CC_DEC = 7;
export const CC_NEG = 8;
export const CC_SHL = 9;
export const CC_SHR = 10;
export const CC_SAR = 11;
export const CC_MUL = 12;
/** 64-bit two- and three-operand imul: ccA, ccB are the factors; CF = OF is the
 * 128-bit product's overflow, computed only when read (it costs a mulhi). */
export const CC_IMUL64 = 13;

/** The lazy op (kind << 2 | size index). */
export let ccOp: i32 = 0;
/** Result of the operation (unmasked bits above the size are ignored). */
export let ccRes: u64 = 0;
/** First operand. For CC_EFLAGS: the materialized flags. */
export let ccA: u64 = 0;
/** Second operand. */
export let ccB: u64 = 0;
/** Carry in (adc/sbb), preserved CF (inc/dec), CF out (shifts), CF=OF (mul). */
export let ccC: u64 = 0;
/** Flags that are not arithmetic (DF, IF, TF, ...), kept eagerly. */
export let otherFlags: u64 = 0x202;

@inline export function sizeIndex(size: i32): i32 {
  // 1 -> 0, 2 -> 1, 4 -> 2, 8 -> 3
  return <i32>ctz<u32>(<u32>size);
}

@inline export function maskOf(size: i32): u64 {
  return size == 8 ? 0xffffffffffffffff : ((<u64>1 << (<u64>size << 3)) - 1);
}

@inline export function signOf(size: i32): u64 {
  return <u64>1 << ((<u64>size << 3) - 1);
}

@inline export function setLazy(kind: i32, size: i32, res: u64, a: u64, b: u64): void {
  ccOp = (kind << 2) | sizeIndex(size);
  ccRes = res;
  ccA = a;
  ccB = b;
}

@inline export function setLazyC(kind: i32, size: i32, res: u64, a: u64, b: u64, c: u64): void {
  ccOp = (kind << 2) | sizeIndex(size);
  ccRes = res;
  ccA = a;
  ccB = b;
  ccC = c;
}

@inline function parity(v: u64): u64 {
  return (popcnt<u32>(<u32>v & 0xff) & 1) == 0 ? PF : 0;
}

/** The six arithmetic flags as rflags bits. */
export function arithFlags(): u64 {
  let kind = ccOp >> 2;
  if (kind == CC_EFLAGS) return ccA & ARITH_FLAGS;
  let size = 1 << (ccOp & 3);
  let m = maskOf(size);
  let sb = signOf(size);
  let res = ccRes & m;
  let a = ccA & m;
  let b = ccB & m;
  let f: u64 = (res == 0 ? ZF : 0) | ((res & sb) != 0 ? SF : 0) | parity(res);
  switch (kind) {
    case CC_ADD: {
      if (res < a) f |= CF;
      if (((a ^ res) & (b ^ res) & sb) != 0) f |= OF;
      f |= (a ^ b ^ res) & AF;
      break;
    }
    case CC_ADC: {
      if (ccC != 0 ? res <= a : res < a) f |= CF;
      if (((a ^ res) & (b ^ res) & sb) != 0) f |= OF;
      f |= (a ^ b ^ res) & AF;
      break;
    }
    case CC_SUB: {
      if (a < b) f |= CF;
      if (((a ^ b) & (a ^ res) & sb) != 0) f |= OF;
      f |= (a ^ b ^ res) & AF;
      break;
    }
    case CC_SBB: {
      if (ccC != 0 ? a <= b : a < b) f |= CF;
      if (((a ^ b) & (a ^ res) & sb) != 0) f |= OF;
      f |= (a ^ b ^ res) & AF;
      break;
    }
    case CC_LOGIC:
      break;
    case CC_INC: {
      f |= ccC & CF;
      if (res == sb) f |= OF;
      if ((res & 0xf) == 0) f |= AF;
      break;
    }
    case CC_DEC: {
      f |= ccC & CF;
      if (res == sb - 1) f |= OF;
      if ((res & 0xf) == 0xf) f |= AF;
      break;
    }
    case CC_NEG: {
      if (res != 0) f |= CF;
      if (res == sb) f |= OF;
      f |= (a ^ res) & AF;
      break;
    }
    case CC_SHL: {
      f |= ccC & CF;
      if ((((res & sb) != 0 ? 1 : 0) ^ <i32>(ccC & 1)) != 0) f |= OF;
      break;
    }
    case CC_SHR: {
      f |= ccC & CF;
      if ((a & sb) != 0) f |= OF;
      break;
    }
    case CC_SAR: {
      f |= ccC & CF;
      break;
    }
    case CC_MUL: {
      if (ccC != 0) f |= CF | OF;
      break;
    }
    case CC_IMUL64: {
      if (mulhiS(ccA, ccB) != <u64>(<i64>ccRes >> 63)) f |= CF | OF;
      break;
    }
  }
  return f;
}

/** Full rflags (arithmetic bits computed, the rest as kept). */
export function getRflags(): u64 {
  return (otherFlags & ~ARITH_FLAGS) | arithFlags() | 2;
}

/** Load rflags (popf, sigreturn, ptrace): arithmetic bits become a CC_EFLAGS state. */
export function setRflags(v: u64): void {
  ccOp = CC_EFLAGS << 2;
  ccA = v & ARITH_FLAGS;
  otherFlags = (v & ~ARITH_FLAGS) | 2;
}

/** Replace some arithmetic flags and keep the others (rotates, bt, cmc, sahf). */
export function setArithBits(mask: u64, bits: u64): void {
  let f = arithFlags();
  ccA = (f & ~mask) | (bits & mask);
  ccOp = CC_EFLAGS << 2;
}

@inline export function getCF(): bool {
  let kind = ccOp >> 2;
  if (kind == CC_SUB) {
    let m = maskOf(1 << (ccOp & 3));
    return (ccA & m) < (ccB & m);
  }
  if (kind == CC_LOGIC) return false;
  // inc/dec keep the CF they found, which loops read back at every inc
  if (kind == CC_INC || kind == CC_DEC) return (ccC & CF) != 0;
  return (arithFlags() & CF) != 0;
}

@inline function sext(v: u64, size: i32): i64 {
  let sh = <u64>(64 - (size << 3));
  return (<i64>(v << sh)) >> sh;
}

/** Evaluates condition code cc (the low nibble of jcc/setcc/cmovcc). */
export function cond(cc: i32): bool {
  let kind = ccOp >> 2;
  let size = 1 << (ccOp & 3);
  let r: bool;
  // Fast paths for the two producers that dominate compiled code: cmp and test.
  if (kind == CC_SUB) {
    let m = maskOf(size);
    let a = ccA & m;
    let b = ccB & m;
    switch (cc >> 1) {
      case 1: r = a < b; break; // B
      case 2: r = a == b; break; // Z
      case 3: r = a <= b; break; // BE
      case 6: r = sext(a, size) < sext(b, size); break; // L
      case 7: r = sext(a, size) <= sext(b, size); break; // LE
      default: return condFromFlags(cc, arithFlags());
    }
    return (cc & 1) != 0 ? !r : r;
  }
  if (kind == CC_LOGIC) {
    let res = ccRes & maskOf(size);
    let neg = (res & signOf(size)) != 0;
    switch (cc >> 1) {
      case 0: r = false; break; // O
      case 1: r = false; break; // B
      case 2: r = res == 0; break; // Z
      case 3: r = res == 0; break; // BE
      case 4: r = neg; break; // S
      case 6: r = neg; break; // L: SF != OF, OF = 0
      case 7: r = res == 0 || neg; break; // LE
      default: return condFromFlags(cc, arithFlags());
    }
    return (cc & 1) != 0 ? !r : r;
  }
  return condFromFlags(cc, arithFlags());
}

/**
 * cond() with the producers of hot loops decided inline: 64- and 32-bit cmp,
 * and ZF/SF (from the result) after the other arithmetic and logic kinds.
 * Every fast case returns early and cond() is the single fall-through call:
 * Binaryen evaluates a pure call ahead of a br_if that returns it.
 */
@inline export function condFast(cc: i32): bool {
  let op = ccOp;
  let c2 = cc >> 1;
  let neg = (cc & 1) != 0;
  if (op == ((CC_SUB << 2) | 3) || op == ((CC_SUB << 2) | 2)) {
    if (c2 == 1 || c2 == 2 || c2 == 3 || c2 == 6 || c2 == 7) {
      let a = ccA;
      let b = ccB;
      if (op == ((CC_SUB << 2) | 2)) {
        // sign-extended 32-bit values keep both the unsigned and the signed order
        a = <u64><i64><i32>a;
        b = <u64><i64><i32>b;
      }
      let r = c2 == 1 ? a < b : c2 == 2 ? a == b : c2 == 3 ? a <= b : c2 == 6 ? <i64>a < <i64>b : <i64>a <= <i64>b;
      return r != neg;
    }
  } else {
    let kind = op >> 2;
    // ZF and SF come from the result for these kinds (mul leaves them undefined)
    if (kind != CC_EFLAGS && kind <= CC_SAR && (c2 == 2 || c2 == 4 || (kind == CC_LOGIC && (c2 == 6 || c2 == 7)))) {
      let sh = <u64>(64 - (8 << (op & 3)));
      let res = <i64>(ccRes << sh); // the result's bits at the top: zero and sign tests
      let r = c2 == 2 ? res == 0 : c2 == 7 ? res <= 0 : res < 0;
      return r != neg;
    }
  }
  return cond(cc);
}

export function condFromFlags(cc: i32, f: u64): bool {
  let r: bool;
  switch (cc >> 1) {
    case 0: r = (f & OF) != 0; break;
    case 1: r = (f & CF) != 0; break;
    case 2: r = (f & ZF) != 0; break;
    case 3: r = (f & (CF | ZF)) != 0; break;
    case 4: r = (f & SF) != 0; break;
    case 5: r = (f & PF) != 0; break;
    case 6: r = ((f & SF) != 0) != ((f & OF) != 0); break;
    default: r = (f & ZF) != 0 || (((f & SF) != 0) != ((f & OF) != 0)); break;
  }
  return (cc & 1) != 0 ? !r : r;
}
