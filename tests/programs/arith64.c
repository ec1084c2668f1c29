/* 64-bit multiply, divide and remainder on signed and unsigned values,
 * including the high halves of products (mul/imul with rdx) and the
 * truncation rules of idiv for every sign combination. */
#include "rt.h"

static const i64 sval[] = {
    0, 1, -1, 2, -2, 3, -7, 7, 1000000007, -1000000007, 0x7fffffffffffffffl,
    -0x7fffffffffffffffl - 1, 0x123456789abcdefl, -0x123456789abcdefl, 4294967296l, -4294967295l,
};
static const u64 uval[] = {
    0, 1, 2, 3, 10, 0xffffffffu, 0x100000000ul, 0xfffffffffffffffful, 0x8000000000000000ul,
    0xdeadbeefcafebabeul, 12345678901234567ul, 0x7ffffffffffffffful,
};

/* noinline keeps the divisor out of reach of constant folding: these must
 * be real div and idiv instructions */
__attribute__((noinline)) static i64 sdiv(i64 a, i64 b) { return a / b; }
__attribute__((noinline)) static i64 smod(i64 a, i64 b) { return a % b; }
__attribute__((noinline)) static u64 udiv(u64 a, u64 b) { return a / b; }
__attribute__((noinline)) static u64 umod(u64 a, u64 b) { return a % b; }
__attribute__((noinline)) static u64 umulhi(u64 a, u64 b) { return (u64)(((u128)a * b) >> 64); }
__attribute__((noinline)) static i64 smulhi(i64 a, i64 b) { return (i64)(((i128)a * b) >> 64); }
__attribute__((noinline)) static int mul_overflows(i64 a, i64 b, i64 *out) {
  return __builtin_mul_overflow(a, b, out);
}
__attribute__((noinline)) static int umul_overflows(u64 a, u64 b, u64 *out) {
  return __builtin_mul_overflow(a, b, out);
}

int main(int argc, char **argv) {
  u64 sum = 0;
  int violations = 0;
  for (unsigned i = 0; i < COUNT(sval); i++) {
    for (unsigned j = 0; j < COUNT(sval); j++) {
      i64 a = sval[i], b = sval[j];
      if (b == 0 || (b == -1 && a == (-0x7fffffffffffffffl - 1))) continue;
      i64 q = sdiv(a, b), r = smod(a, b);
      /* the identity that defines C's truncating division */
      if (q * b + r != a) violations++;
      if (r != 0 && (r < 0) != (a < 0)) violations++;
      sum = sum * 31 + (u64)q + (u64)r * 7;
    }
  }
  printf("signed div/mod: hash %016lx, %d violations\n", sum, violations);
  printf("  -7/2=%ld -7%%2=%ld 7/-2=%ld 7%%-2=%ld -7/-2=%ld -7%%-2=%ld\n", sdiv(-7, 2), smod(-7, 2),
         sdiv(7, -2), smod(7, -2), sdiv(-7, -2), smod(-7, -2));

  sum = 0;
  for (unsigned i = 0; i < COUNT(uval); i++) {
    for (unsigned j = 0; j < COUNT(uval); j++) {
      u64 a = uval[i], b = uval[j];
      if (b == 0) continue;
      u64 q = udiv(a, b), r = umod(a, b);
      if (q * b + r != a || r >= b) violations++;
      sum = sum * 131 + q + r;
    }
  }
  printf("unsigned div/mod: hash %016lx, %d violations\n", sum, violations);

  u64 h = 0;
  int ovf = 0;
  for (unsigned i = 0; i < COUNT(uval); i++) {
    for (unsigned j = 0; j < COUNT(uval); j++) {
      u64 p;
      h ^= umulhi(uval[i], uval[j]) + (uval[i] * uval[j] << 1);
      h = (h << 7) | (h >> 57);
      ovf += umul_overflows(uval[i], uval[j], &p);
    }
  }
  for (unsigned i = 0; i < COUNT(sval); i++) {
    for (unsigned j = 0; j < COUNT(sval); j++) {
      i64 p;
      h += (u64)smulhi(sval[i], sval[j]) ^ (u64)(sval[i] * (i64)(u64)sval[j]);
      ovf += mul_overflows(sval[i], sval[j], &p);
    }
  }
  printf("products: hash %016lx, %d overflows\n", h, ovf);
  printf("  mulhi(-1,-1)=%ld umulhi(max,max)=%lx smulhi(min,min)=%lx\n", smulhi(-1, -1),
         umulhi(~0ul, ~0ul), (u64)smulhi(-0x7fffffffffffffffl - 1, -0x7fffffffffffffffl - 1));
  (void)argc;
  (void)argv;
  return (int)((h ^ sum) & 0x7f) + violations;
}
