/* 128-bit integers: multiply inline, divide through __divti3, __udivti3,
 * __modti3 and __umodti3 in the runtime, which in turn use the 128-by-64
 * divq. Checks q * d + r == n for every pair and prints a few results. */
#include "rt.h"

static i128 mk(i64 hi, u64 lo) { return (i128)(((u128)(u64)hi << 64) | lo); }

__attribute__((noinline)) static u128 umulmod(u64 a, u64 b, u64 m) { return ((u128)a * b) % m; }

int main(int argc, char **argv) {
  i128 sv[] = {
      1, -1, 3, -3, 10, 1000000007, -999999937, mk(0, 0xffffffffffffffffull), mk(1, 0), mk(-1, 5),
      mk(0x0123456789abcdefl, 0xfedcba9876543210ul), -mk(0x0123456789abcdefl, 0xfedcba9876543210ul),
      mk(0x7fffffffffffffffl, ~0ul), mk(0x7fff, 0x1234), -(i128)0x1000000000l,
  };
  int bad = 0;
  u64 hash = 0x9e3779b97f4a7c15ul;
  for (unsigned i = 0; i < COUNT(sv); i++) {
    for (unsigned j = 0; j < COUNT(sv); j++) {
      i128 a = sv[i], b = sv[j];
      i128 q = a / b, r = a % b;
      if (q * b + r != a) bad++;
      if (r != 0 && (r < 0) != (a < 0)) bad++;
      u128 ua = (u128)a, ub = (u128)b;
      u128 uq = ua / ub, ur = ua % ub;
      if (uq * ub + ur != ua || ur >= ub) bad++;
      hash ^= (u64)q ^ (u64)(q >> 64) * 3 ^ (u64)r * 5 ^ (u64)uq * 7 ^ (u64)(ur >> 64) * 11;
      hash *= 0x100000001b3ul;
    }
  }
  printf("128-bit division over %u pairs: hash %016lx, %d bad\n", (unsigned)(COUNT(sv) * COUNT(sv)), hash,
         bad);

  i128 big = mk(0x0123456789abcdefl, 0xfedcba9876543210ul);
  printf("n        = "); print_i128(big); printf("\n");
  printf("n / -7   = "); print_i128(big / -7); printf("\n");
  printf("n %% -7   = "); print_i128(big % -7); printf("\n");
  printf("-n / 7   = "); print_i128(-big / 7); printf("\n");
  printf("-n %% 7   = "); print_i128(-big % 7); printf("\n");
  printf("n / 2^70 = "); print_i128(big / mk(64, 0)); printf("\n");
  u128 max = ~(u128)0;
  printf("max      = "); print_u128(max); printf("\n");
  printf("max / 3  = "); print_x128(max / 3); printf("\n");

  /* products of 64-bit values widened: imul/mul with rdx */
  i128 p = (i128)(i64)-0x7fffffffffffffffl * (i64)0x7fffffffffffffffl;
  printf("(-2^63+1)*(2^63-1) = "); print_i128(p); printf("\n");
  u128 f = 1;
  for (int i = 1; i <= 34; i++) f *= (u128)i;
  printf("34! = "); print_u128(f); printf("\n");
  /* 35! wraps: the low 128 bits of the true product */
  f *= 35;
  printf("35! mod 2^128 = "); print_x128(f); printf("\n");

  u64 m = 0xffffffffffffffc5ul; /* largest 64-bit prime */
  u64 acc = 1, base = 0x123456789ul;
  for (int i = 0; i < 200; i++) acc = (u64)umulmod(acc, base + (u64)i, m);
  printf("product mod p = %lu\n", acc);
  (void)argc;
  (void)argv;
  return (int)((hash ^ acc) % 100) + bad;
}
