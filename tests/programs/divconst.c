/* Division and remainder by constants, which gcc turns into multiplies by
 * magic numbers, shifts and sign corrections: signed and unsigned, 32 and
 * 64 bits, positive and negative divisors, checked against real div
 * instructions on the same values. */
#include "rt.h"

__attribute__((noinline)) static i64 sd(i64 a, i64 b) { return a / b; }
__attribute__((noinline)) static i64 sm(i64 a, i64 b) { return a % b; }
__attribute__((noinline)) static u64 ud(u64 a, u64 b) { return a / b; }
__attribute__((noinline)) static u64 um(u64 a, u64 b) { return a % b; }
__attribute__((noinline)) static i32 sd32(i32 a, i32 b) { return a / b; }
__attribute__((noinline)) static u32 ud32(u32 a, u32 b) { return a / b; }

static int bad;
static u64 h;

#define CHECK64(D)                                                   \
  do {                                                               \
    i64 q = x / (D), r = x % (D);                                    \
    if (q != sd(x, (D)) || r != sm(x, (D))) bad++;                   \
    u64 uq = ux / (u64)(D), ur = ux % (u64)(D);                      \
    if (uq != ud(ux, (u64)(D)) || ur != um(ux, (u64)(D))) bad++;     \
    h = h * 1000003 + (u64)q + (u64)r * 3 + uq * 5 + ur * 7;         \
  } while (0)

#define CHECK32(D)                                                   \
  do {                                                               \
    i32 q = x32 / (D), r = x32 % (D);                                \
    if (q != sd32(x32, (D)) || r != x32 - sd32(x32, (D)) * (D)) bad++; \
    u32 uq = ux32 / (u32)(D);                                        \
    if (uq != ud32(ux32, (u32)(D))) bad++;                           \
    h = h * 1000003 + (u64)(u32)q + (u64)(u32)r + uq;                \
  } while (0)

static void check(i64 x) {
  u64 ux = (u64)x;
  i32 x32 = (i32)x;
  u32 ux32 = (u32)x;
  CHECK64(3); CHECK64(5); CHECK64(7); CHECK64(10); CHECK64(60); CHECK64(641);
  CHECK64(1000); CHECK64(1000000007); CHECK64(-3); CHECK64(-7); CHECK64(-10); CHECK64(16);
  CHECK64(-64); CHECK64(0x7fffffffffffffffl);
  CHECK32(3); CHECK32(7); CHECK32(9); CHECK32(10); CHECK32(-5); CHECK32(100); CHECK32(32);
  CHECK32(641); CHECK32(-1000); CHECK32(65537);
}

int main(int argc, char **argv) {
  static const i64 edge[] = {0, 1, -1, 2, -2, 9, -9, 10, -10, 99, -99, 0x7fffffffffffffffl,
                             -0x7fffffffffffffffl - 1, 0x7fffffff, -0x7fffffffl - 1, 0xffffffffl,
                             1000000007, -1000000008};
  for (unsigned i = 0; i < COUNT(edge); i++) check(edge[i]);
  u64 s = 0x853c49e6748fea9bul;
  for (int i = 0; i < 3000; i++) {
    s = s * 6364136223846793005ul + 1442695040888963407ul;
    check((i64)(s ^ (s >> 29)) >> (i % 50));
  }
  printf("constant divisions: hash %016lx, %d disagreements\n", h, bad);
  printf("-7/3=%ld -7%%3=%ld 7/-3=%ld -7/-10=%ld -1000000/641=%ld -1000000%%641=%ld\n", (i64)-7 / 3,
         (i64)-7 % 3, (i64)7 / -3, (i64)-7 / -10, sd(-1000000, 1) / 641, sd(-1000000, 1) % 641);
  i32 v = sd32(-123456789, 1);
  printf("32-bit: %d %d %d %u\n", v / 10, v % 10, v / -9, (u32)v / 10);
  (void)argc;
  (void)argv;
  return (int)(h % 199) + bad;
}
