/* Bit manipulation: popcount (the runtime's __popcountdi2), parity,
 * clz/ctz/ffs (bsr/bsf), bswap, bit reversal, rotates and a few classic
 * branch-free tricks. */
#include "rt.h"

static u64 reverse_bits(u64 v) {
  v = ((v >> 1) & 0x5555555555555555ul) | ((v & 0x5555555555555555ul) << 1);
  v = ((v >> 2) & 0x3333333333333333ul) | ((v & 0x3333333333333333ul) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0ful) | ((v & 0x0f0f0f0f0f0f0f0ful) << 4);
  return __builtin_bswap64(v);
}

static int popcount_loop(u64 v) {
  int n = 0;
  for (; v; v &= v - 1) n++;
  return n;
}

static u64 rotl(u64 v, unsigned k) { return (v << (k & 63)) | (v >> ((64 - k) & 63)); }
static u32 rotr32(u32 v, unsigned k) { return (v >> (k & 31)) | (v << ((32 - k) & 31)); }

static u64 next_pow2(u64 v) { return v <= 1 ? 1 : 1ul << (64 - __builtin_clzl(v - 1)); }

static i64 abs_branchless(i64 v) {
  i64 m = v >> 63;
  return (v ^ m) - m;
}

int main(int argc, char **argv) {
  u64 x = 0x0123456789abcdeful;
  u64 h = 0;
  int mismatch = 0;
  for (int i = 0; i < 500; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    u64 v = x >> (i % 64);
    int pc = __builtin_popcountl(v);
    if (pc != popcount_loop(v)) mismatch++;
    if (__builtin_parityl(v) != (pc & 1)) mismatch++;
    if (reverse_bits(reverse_bits(v)) != v) mismatch++;
    if (v) {
      int lz = __builtin_clzl(v), tz = __builtin_ctzl(v);
      if (!(v >> (63 - lz) == 1) || ((v >> tz) & 1) != 1 || __builtin_ffsl((long)v) != tz + 1) mismatch++;
      h = h * 31 + (u64)(lz * 64 + tz);
    }
    u32 w = (u32)v;
    h += (u64)__builtin_popcount(w) + (w ? (u64)__builtin_clz(w) : 99) + rotr32(w, (unsigned)i);
    h ^= rotl(v, (unsigned)i) + reverse_bits(v);
  }
  printf("500 rounds: hash %016lx, %d mismatches\n", h, mismatch);
  printf("reverse(1) = %016lx, reverse(0xf0) = %016lx\n", reverse_bits(1), reverse_bits(0xf0));
  printf("bswap64 %016lx bswap32 %08x bswap16 %04x\n", __builtin_bswap64(0x1122334455667788ul),
         __builtin_bswap32(0xa1b2c3d4u), (unsigned)__builtin_bswap16(0xbeef));
  printf("next_pow2: %lu %lu %lu %lu\n", next_pow2(0), next_pow2(17), next_pow2(1024),
         next_pow2(0x8000000000000001ul >> 1));
  printf("abs: %ld %ld %ld\n", abs_branchless(-5), abs_branchless(5), abs_branchless(-0x7fffffffffffffffl));
  printf("popcount(~0) %d parity(7) %d clzll(1) %d ctzll(1<<40) %d ffs(0) %d\n", __builtin_popcountll(~0ull),
         __builtin_parityll(7), __builtin_clzll(1), __builtin_ctzll(1ull << 40), __builtin_ffsll(0));
  /* signed shifts are arithmetic, unsigned logical */
  i64 neg = -1000;
  printf("sar %ld shr %lx sar32 %d\n", neg >> 3, (u64)neg >> 3, (i32)0x80000000 >> 31);
  (void)argc;
  (void)argv;
  return (int)(h & 0x3f) + mismatch;
}
