/* Sieve of Eratosthenes over a bit array (one bit per odd number) up to
 * one million: counts primes, twin primes, the largest prime gap, and the
 * sum of primes below the bound (which needs 64 bits). */
#include "rt.h"

#define LIMIT 1000000u
static u64 bits[(LIMIT / 2 + 63) / 64];

static int composite(u32 n) { return (int)((bits[n / 2 / 64] >> (n / 2 % 64)) & 1); }
static void mark(u32 n) { bits[n / 2 / 64] |= 1ul << (n / 2 % 64); }

static int is_prime(u32 n) { return n == 2 || (n > 2 && (n & 1) && !composite(n)); }

int main(int argc, char **argv) {
  for (u32 i = 3; (u64)i * i < LIMIT; i += 2)
    if (!composite(i))
      for (u32 j = i * i; j < LIMIT; j += 2 * i) mark(j);
  u32 count = 1, twins = 0, prev = 2, gap = 0, gap_at = 0, last = 2;
  u64 sum = 2;
  for (u32 n = 3; n < LIMIT; n += 2) {
    if (composite(n)) continue;
    count++;
    sum += n;
    if (n - prev == 2) twins++;
    if (n - prev > gap) gap = n - prev, gap_at = prev;
    prev = last = n;
  }
  printf("primes below %u: %u (largest %u), twin pairs %u\n", LIMIT, count, last, twins);
  printf("largest gap %u after %u, sum %lu\n", gap, gap_at, sum);
  /* primes of the form n^2 + 1 */
  u32 quad = 0;
  for (u32 n = 1; n * n + 1 < LIMIT; n++) quad += (u32)is_prime(n * n + 1);
  printf("n^2+1 primes: %u; 999983 prime %d, 999999 prime %d\n", quad, is_prime(999983),
         is_prime(999999));
  (void)argc;
  (void)argv;
  return (int)(count % 256);
}
