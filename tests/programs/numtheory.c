/* Number theory on 64-bit values with 128-bit intermediates: gcd and
 * extended gcd, modular inverse, modular exponentiation with mulq and a
 * 128-by-64 remainder, deterministic Miller-Rabin, and Pollard's rho. */
#include "rt.h"

static u64 mulmod(u64 a, u64 b, u64 m) { return (u64)((u128)a * b % m); }

static u64 powmod(u64 b, u64 e, u64 m) {
  u64 r = 1 % m;
  for (b %= m; e; e >>= 1, b = mulmod(b, b, m))
    if (e & 1) r = mulmod(r, b, m);
  return r;
}

static u64 gcd(u64 a, u64 b) {
  while (b) {
    u64 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static i64 egcd(i64 a, i64 b, i64 *x, i64 *y) {
  if (b == 0) {
    *x = 1, *y = 0;
    return a;
  }
  i64 x1, y1, g = egcd(b, a % b, &x1, &y1);
  *x = y1;
  *y = x1 - (a / b) * y1;
  return g;
}

static int is_prime(u64 n) {
  if (n < 2) return 0;
  static const u64 small[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  for (unsigned i = 0; i < COUNT(small); i++)
    if (n % small[i] == 0) return n == small[i];
  u64 d = n - 1;
  int s = 0;
  while (!(d & 1)) d >>= 1, s++;
  for (unsigned i = 0; i < COUNT(small); i++) {
    u64 x = powmod(small[i], d, n);
    if (x == 1 || x == n - 1) continue;
    int comp = 1;
    for (int r = 1; r < s && comp; r++) {
      x = mulmod(x, x, n);
      if (x == n - 1) comp = 0;
    }
    if (comp) return 0;
  }
  return 1;
}

static u64 rho(u64 n) {
  if (n % 2 == 0) return 2;
  for (u64 c = 1;; c++) {
    u64 x = 2, y = 2, d = 1;
    while (d == 1) {
      x = (mulmod(x, x, n) + c) % n;
      y = (mulmod(y, y, n) + c) % n;
      y = (mulmod(y, y, n) + c) % n;
      d = gcd(x > y ? x - y : y - x, n);
    }
    if (d != n) return d;
  }
}

int main(int argc, char **argv) {
  printf("gcd(2^40*3^5, 2^13*3^20) = %lu\n", gcd((1ul << 40) * 243, (1ul << 13) * 3486784401ul));
  i64 x, y, g = egcd(240, -46, &x, &y);
  printf("egcd(240,-46) = %ld: 240*%ld + -46*%ld\n", g, x, y);
  egcd(17, 3120, &x, &y);
  printf("inverse of 17 mod 3120 = %ld\n", (x % 3120 + 3120) % 3120);
  printf("3^(10^18) mod (2^61-1) = %lu\n", powmod(3, 1000000000000000000ul, (1ul << 61) - 1));
  static const u64 cand[] = {1, 2, 561, 1000000007, 1000000009, 4294967291ul, 4294967297ul,
                             18446744073709551557ul, 18446744073709551559ul, 3825123056546413051ul,
                             (1ul << 61) - 1, 999999999989ul * 3};
  int primes = 0;
  for (unsigned i = 0; i < COUNT(cand); i++) {
    int p = is_prime(cand[i]);
    primes += p;
    printf("%lu %s\n", cand[i], p ? "prime" : "composite");
  }
  u64 n = 1000000007ul * 998244353ul;
  u64 f = rho(n);
  printf("rho(%lu) = %lu * %lu\n", n, f < n / f ? f : n / f, f < n / f ? n / f : f);
  u64 m = 600851475143ul, largest = 0;
  while (m > 1) {
    u64 p = is_prime(m) ? m : rho(m);
    while (!is_prime(p)) p = rho(p);
    if (p > largest) largest = p;
    while (m % p == 0) m /= p;
  }
  printf("largest prime factor of 600851475143 = %lu\n", largest);
  (void)argc;
  (void)argv;
  return primes * 10 + (int)(largest % 10);
}
