/* A compiled-C workload in the spirit of examples/demo.c: a sieve (byte
 * stores, strided loops), a recursive quicksort of xorshift keys (calls,
 * pushes, compares, memory swaps), an insertion sort, FNV-1a hashing, and a
 * byte-wise string pass; repeated `rounds` times and checksummed. */
#include "rt.h"

#define SIEVE 100000
#define NKEYS 4096

static unsigned char composite[SIEVE];
static u64 keys[NKEYS];
static u64 small[256];
static char text[8192];

static u64 sieve(void) {
  u64 count = 0;
  for (u64 i = 0; i < SIEVE; i++) composite[i] = 0;
  for (u64 i = 2; i < SIEVE; i++) {
    if (composite[i]) continue;
    count++;
    for (u64 j = i * i; j < SIEVE; j += i) composite[j] = 1;
  }
  return count;
}

static void quicksort(u64 *a, long lo, long hi) {
  while (lo < hi) {
    u64 p = a[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { u64 t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
    else { quicksort(a, i, hi); hi = j; }
  }
}

static void insertion(u64 *a, int n) {
  for (int i = 1; i < n; i++) {
    u64 k = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > k) { a[j + 1] = a[j]; j--; }
    a[j + 1] = k;
  }
}

static u64 fnv(const u64 *a, int n) {
  u64 h = 1469598103934665603ul;
  for (int i = 0; i < n; i++) { h ^= a[i]; h *= 1099511628211ul; }
  return h;
}

static u64 text_pass(u64 seed) {
  for (int i = 0; i < (int)sizeof text; i++) {
    seed = seed * 6364136223846793005ul + 1442695040888963407ul;
    text[i] = (char)('a' + (seed >> 59) % 26);
  }
  u64 vowels = 0, words = 0;
  for (int i = 0; i < (int)sizeof text; i++) {
    char c = text[i];
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') vowels++;
    if (c == 'q' || c == 'z') { words++; text[i] = ' '; }
  }
  return vowels * 131 + words;
}

int bench_main(int argc, char **argv) {
  u64 rounds = argc > 1 ? parseu(argv[1]) : 4;
  u64 sum = 0, x = 0x9e3779b97f4a7c15ul;
  for (u64 r = 0; r < rounds; r++) {
    sum += sieve();
    for (int i = 0; i < NKEYS; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; keys[i] = x % 1000000; }
    quicksort(keys, 0, NKEYS - 1);
    sum = sum * 31 + fnv(keys, NKEYS);
    for (int i = 0; i < 256; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; small[i] = x >> 40; }
    insertion(small, 256);
    sum = sum * 31 + fnv(small, 256);
    sum = sum * 31 + text_pass(x);
  }
  putu(sum);
  put("\n");
  return 0;
}
