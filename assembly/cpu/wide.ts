// 128-bit arithmetic for 64-bit mul, imul and div, which Wasm lacks.

/** High 64 bits of the unsigned 128-bit product a * b. */
export function mulhiU(a: u64, b: u64): u64 {
  let a0 = a & 0xffffffff;
  let a1 = a >> 32;
  let b0 = b & 0xffffffff;
  let b1 = b >> 32;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let p11 = a1 * b1;
  let mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/** High 64 bits of the signed 128-bit product a * b. */
export function mulhiS(a: u64, b: u64): u64 {
  let hi = mulhiU(a, b);
  if (<i64>a < 0) hi -= b;
  if (<i64>b < 0) hi -= a;
  return hi;
}

/** Quotient and remainder of the last div128u call. */
export let divQ: u64 = 0;
export let divR: u64 = 0;

/**
 * Unsigned (hi:lo) / d. Returns false when d is 0 or the quotient does not
 * fit in 64 bits (the CPU raises #DE for both).
 */
export function div128u(hi: u64, lo: u64, d: u64): bool {
  if (d == 0 || hi >= d) return false;
  if (hi == 0) {
    divQ = lo / d;
    divR = lo % d;
    return true;
  }
  // shift-subtract long division; hi < d keeps every partial remainder < 2d
  let r = hi;
  let q: u64 = 0;
  for (let i = 63; i >= 0; i--) {
    let top = r >> 63;
    r = (r << 1) | ((lo >> <u64>i) & 1);
    q <<= 1;
    if (top != 0 || r >= d) {
      r -= d;
      q |= 1;
    }
  }
  divQ = q;
  divR = r;
  return true;
}

/** Signed (hi:lo) / d with the CPU's truncation toward zero; false on #DE. */
export function div128s(hi: u64, lo: u64, d: u64): bool {
  if (d == 0) return false;
  let negN = <i64>hi < 0;
  let negD = <i64>d < 0;
  let nh = hi;
  let nl = lo;
  if (negN) {
    // two's complement negate the 128-bit dividend
    nl = ~lo + 1;
    nh = ~hi + (nl == 0 ? 1 : 0);
  }
  let ud = negD ? 0 - d : d;
  if (!div128u(nh, nl, ud)) return false;
  let q = divQ;
  let r = divR;
  if (negN != negD) {
    if (q > 0x8000000000000000) return false;
    q = 0 - q;
  } else if (q > 0x7fffffffffffffff) {
    return false;
  }
  divQ = q;
  divR = negN ? 0 - r : r;
  return true;
}
