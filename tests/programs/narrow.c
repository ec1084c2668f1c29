/* 8- and 16-bit arithmetic: char and short overflow on conversion back,
 * integer promotion, sign versus zero extension (movsx/movzx), byte
 * registers including ah-style halves, and unsigned wrap-around. */
#include "rt.h"

/* volatile forces the loads and stores to stay at their narrow width */
static volatile i8 vs8[] = {127, -128, -1, 0, 100, -100, 55};
static volatile u8 vu8[] = {255, 0, 128, 127, 200, 1, 77};
static volatile i16 vs16[] = {32767, -32768, -1, 1000, -1000, 12345};
static volatile u16 vu16[] = {65535, 0, 32768, 40000, 1, 300};

__attribute__((noinline)) static i8 add8(i8 a, i8 b) { return (i8)(a + b); }
__attribute__((noinline)) static u8 mul8(u8 a, u8 b) { return (u8)(a * b); }
__attribute__((noinline)) static i16 mul16(i16 a, i16 b) { return (i16)(a * b); }
__attribute__((noinline)) static i16 div16(i16 a, i16 b) { return (i16)(a / b); }
__attribute__((noinline)) static u16 udiv16(u16 a, u16 b) { return (u16)(a / b); }
__attribute__((noinline)) static i8 div8(i8 a, i8 b) { return (i8)(a / b); }
__attribute__((noinline)) static i8 mod8(i8 a, i8 b) { return (i8)(a % b); }
__attribute__((noinline)) static int widen(i8 c, u8 u, i16 s, u16 w) { return c * 1000000 + u * 10000 + s + w; }

int main(int argc, char **argv) {
  u64 h = 0;
  for (unsigned i = 0; i < COUNT(vs8); i++)
    for (unsigned j = 0; j < COUNT(vs8); j++) {
      i8 a = vs8[i], b = vs8[j];
      h = h * 31 + (u8)add8(a, b);
      if (b != 0 && !(a == -128 && b == -1)) h = h * 31 + (u8)div8(a, b) + ((u8)mod8(a, b) << 8);
      h = h * 31 + mul8(vu8[i], vu8[j]);
    }
  printf("8-bit hash %016lx\n", h);
  for (unsigned i = 0; i < COUNT(vs16); i++)
    for (unsigned j = 0; j < COUNT(vs16); j++) {
      i16 a = vs16[i], b = vs16[j];
      h = h * 31 + (u16)mul16(a, b);
      if (b != 0 && !(a == -32768 && b == -1)) h = h * 31 + (u16)div16(a, b);
      if (vu16[j]) h = h * 31 + udiv16(vu16[i], vu16[j]);
    }
  printf("16-bit hash %016lx\n", h);

  i8 c = vs8[0];
  c++; /* 127 + 1 converted back to signed char: -128 */
  u8 u = vu8[0];
  u += 2;
  i16 s = vs16[0];
  s += 10;
  u16 w = vu16[0];
  w += 10;
  printf("wrap: %d %u %d %u\n", c, u, s, w);
  printf("extend: %d %d %u %u %ld %lu\n", (int)vs8[1], (int)vs16[1], (unsigned)vu8[2], (unsigned)vu16[2],
         (i64)vs8[2], (u64)(u8)vs8[2]);
  printf("promotion: %d %d %d\n", vu8[0] + vu8[0], (i8)(vu8[0] + vu8[0]), vs8[1] * vs8[1]);
  /* unsigned char compared with a negative int after promotion, and both as unsigned */
  int minus1 = vs8[2];
  int cmp = (vu8[0] > minus1) + ((u32)vu8[0] > (u32)minus1) * 2 + (vs8[2] < vu8[5]) * 4;
  printf("compare bits %d\n", cmp);
  printf("widen: %d %d\n", widen(-3, 250, -20000, 60000), widen(127, 0, 32767, 0));
  u16 rot = vu16[3];
  rot = (u16)((rot << 3) | (rot >> 13));
  i8 sh = (i8)(vs8[1] >> 3);
  u8 ush = (u8)(vu8[0] >> 3);
  printf("narrow shifts: %u %d %u\n", rot, sh, ush);
  printf("hh/h formats: %hhd %hhu %hd %hu\n", 300, 300, 70000, 70000);
  (void)argc;
  (void)argv;
  return (int)((h ^ (u64)cmp ^ rot) & 0xff);
}
