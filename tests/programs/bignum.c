/* Arbitrary precision with 32-bit limbs in 64-bit intermediates: 100!,
 * 2^512, and a Fibonacci number with over a hundred digits, each printed
 * in decimal by repeated division by 10^9. */
#include "rt.h"

#define LIMBS 64
typedef struct { u32 d[LIMBS]; int n; } big;

static void set_u32(big *a, u32 v) {
  a->d[0] = v;
  a->n = v != 0;
}

static void mul_small(big *a, u32 m) {
  u64 carry = 0;
  for (int i = 0; i < a->n; i++) {
    u64 t = (u64)a->d[i] * m + carry;
    a->d[i] = (u32)t;
    carry = t >> 32;
  }
  if (carry) a->d[a->n++] = (u32)carry;
}

static void add(big *r, const big *a, const big *b) {
  u64 carry = 0;
  int n = a->n > b->n ? a->n : b->n;
  for (int i = 0; i < n; i++) {
    u64 t = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
    r->d[i] = (u32)t;
    carry = t >> 32;
  }
  r->n = n;
  if (carry) r->d[r->n++] = (u32)carry;
}

/* divides in place, returns the remainder */
static u32 div_small(big *a, u32 m) {
  u64 rem = 0;
  for (int i = a->n - 1; i >= 0; i--) {
    u64 cur = (rem << 32) | a->d[i];
    a->d[i] = (u32)(cur / m);
    rem = cur % m;
  }
  while (a->n && a->d[a->n - 1] == 0) a->n--;
  return (u32)rem;
}

/* prints the number and returns its digit count */
static int print_big(const big *x) {
  big t = *x;
  u32 parts[80];
  int np = 0;
  do parts[np++] = div_small(&t, 1000000000u);
  while (t.n);
  int digits = 0;
  printf("%u", parts[np - 1]);
  for (u32 v = parts[np - 1]; v; v /= 10) digits++;
  if (digits == 0) digits = 1;
  for (int i = np - 2; i >= 0; i--) printf("%09u", parts[i]);
  printf("\n");
  return digits + 9 * (np - 1);
}

static u32 digit_sum(const big *x) {
  big t = *x;
  u32 s = 0;
  while (t.n) s += div_small(&t, 10);
  return s;
}

int main(int argc, char **argv) {
  big f;
  set_u32(&f, 1);
  for (u32 i = 2; i <= 100; i++) mul_small(&f, i);
  printf("100! = ");
  int d1 = print_big(&f);
  u32 s1 = digit_sum(&f);
  printf("digits %d, digit sum %u, limbs %d\n", d1, s1, f.n);

  big p;
  set_u32(&p, 1);
  for (int i = 0; i < 512; i++) mul_small(&p, 2);
  printf("2^512 = ");
  int d2 = print_big(&p);

  big a, b, c;
  set_u32(&a, 0);
  set_u32(&b, 1);
  for (int i = 0; i < 500; i++) {
    add(&c, &a, &b);
    a = b;
    b = c;
  }
  printf("fib(500) = ");
  int d3 = print_big(&a);
  printf("digits %d %d\n", d2, d3);
  (void)argc;
  (void)argv;
  return (int)(s1 + (u32)d1 + (u32)d3) % 256;
}
