/* A page-frame allocator over a 4096-bit map, using the bit-test
 * instructions on memory with a register bit offset (bts/btr/btc/bt
 * address beyond the word, even backwards), bsf to find free runs, and
 * setc to return the old bit. Cross-checked against plain C shifts. */
#include "rt.h"

#define BITS 4096
static u64 map[BITS / 64 + 2];
static u64 shadow[BITS / 64];
static u64 *const bm = map + 1; /* one guard word each side for negative offsets */

static int bit_test(const u64 *base, i64 bit) {
  u8 c;
  __asm__("btq %2, %1; setc %0" : "=q"(c) : "m"(*(const u64(*)[BITS / 64])base), "r"(bit) : "cc");
  return c;
}
static int bit_set(u64 *base, i64 bit) {
  u8 c;
  __asm__("btsq %2, %1; setc %0" : "=q"(c), "+m"(*(u64(*)[BITS / 64])base) : "r"(bit) : "cc");
  return c;
}
static int bit_clear(u64 *base, i64 bit) {
  u8 c;
  __asm__("btrq %2, %1; setc %0" : "=q"(c), "+m"(*(u64(*)[BITS / 64])base) : "r"(bit) : "cc");
  return c;
}
static int bit_flip32(u32 *base, i32 bit) {
  u8 c;
  __asm__("btcl %2, %1; setc %0" : "=q"(c), "+m"(*(u32(*)[BITS / 32])base) : "r"(bit) : "cc");
  return c;
}

/* first run of n clear bits, or -1 */
static i64 find_run(int n) {
  i64 start = 0;
  while (start + n <= BITS) {
    int len = 0;
    while (len < n && !bit_test(bm, start + len)) len++;
    if (len == n) return start;
    start += len + 1;
  }
  return -1;
}

static i64 first_clear(void) {
  for (int w = 0; w < BITS / 64; w++) {
    u64 inv = ~bm[w];
    if (inv) {
      u64 pos;
      __asm__("bsfq %1, %0" : "=r"(pos) : "rm"(inv) : "cc");
      return w * 64 + (i64)pos;
    }
  }
  return -1;
}

int main(int argc, char **argv) {
  int errors = 0;
  u64 x = 0x2545f4914f6cdd1dul;
  for (int i = 0; i < 20000; i++) {
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    i64 bit = (i64)((x * 0x2545f4914f6cdd1dul) >> 52) % BITS;
    int op = (int)(x & 3);
    int was = (int)((shadow[bit / 64] >> (bit % 64)) & 1), got;
    if (op == 0) got = bit_set(bm, bit), shadow[bit / 64] |= 1ul << (bit % 64);
    else if (op == 1) got = bit_clear(bm, bit), shadow[bit / 64] &= ~(1ul << (bit % 64));
    else if (op == 2) got = bit_flip32((u32 *)bm, (i32)bit), shadow[bit / 64] ^= 1ul << (bit % 64);
    else got = bit_test(bm, bit);
    if (got != was) errors++;
  }
  int same = memcmp(bm, shadow, sizeof shadow) == 0;
  printf("20000 random bit ops: %d errors, map matches shadow %d\n", errors, same);

  memset(map, 0, sizeof map);
  /* negative offsets reach the guard word below the map */
  bit_set(bm, -1);
  bit_set(bm, -64);
  bit_flip32((u32 *)bm, -33);
  printf("guard word below: %016lx, test(-1) %d test(-2) %d\n", map[0], bit_test(bm, -1), bit_test(bm, -2));
  map[0] = 0;

  int allocs = 0;
  i64 where[40];
  for (int n = 1; n <= 40; n++) {
    i64 at = find_run(n * 3);
    if (at < 0) break;
    for (int k = 0; k < n * 3; k++) bit_set(bm, at + k);
    where[allocs++] = at;
  }
  for (int i = 0; i < allocs; i += 3)
    for (int k = 0; k < (i + 1) * 3; k++) bit_clear(bm, where[i] + k);
  i64 fc = first_clear();
  i64 run = find_run(50);
  int used = 0;
  for (int w = 0; w < BITS / 64; w++) used += __builtin_popcountl(bm[w]);
  printf("%d allocations, last at %ld; after frees: first clear %ld, run of 50 at %ld, %d bits used\n", allocs,
         where[allocs - 1], fc, run, used);
  (void)argc;
  (void)argv;
  return errors + !same + (int)(fc + run + used) % 200;
}
