/* Integer matrix arithmetic: multiply (three index orders that must agree),
 * transpose, matrix power by squaring for Fibonacci numbers mod a prime,
 * and a determinant by fraction-free Gaussian elimination (Bareiss). */
#include "rt.h"

#define N 48
static i64 A[N][N], B[N][N], C1[N][N], C2[N][N], C3[N][N];

static void mul_ijk(i64 c[N][N], i64 a[N][N], i64 b[N][N]) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      i64 s = 0;
      for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
}

static void mul_ikj(i64 c[N][N], i64 a[N][N], i64 b[N][N]) {
  memset(c, 0, sizeof(i64) * N * N);
  for (int i = 0; i < N; i++)
    for (int k = 0; k < N; k++) {
      i64 x = a[i][k];
      for (int j = 0; j < N; j++) c[i][j] += x * b[k][j];
    }
}

/* c = a * b computed as (b^T a^T)^T */
static i64 T1[N][N], T2[N][N];
static void transpose(i64 d[N][N], i64 s[N][N]) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) d[j][i] = s[i][j];
}

typedef struct { u64 m[2][2]; } m2;
static const u64 P = 1000000007;
static m2 m2mul(m2 a, m2 b) {
  m2 r;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) r.m[i][j] = (a.m[i][0] * b.m[0][j] + a.m[i][1] * b.m[1][j]) % P;
  return r;
}
static u64 fib_mod(u64 n) {
  m2 r = {{{1, 0}, {0, 1}}}, b = {{{1, 1}, {1, 0}}};
  for (; n; n >>= 1, b = m2mul(b, b))
    if (n & 1) r = m2mul(r, b);
  return r.m[0][1];
}

static i64 bareiss(i64 m[6][6], int n) {
  i64 prev = 1, sign = 1;
  for (int k = 0; k < n - 1; k++) {
    if (m[k][k] == 0) {
      int r = k + 1;
      while (r < n && m[r][k] == 0) r++;
      if (r == n) return 0;
      for (int j = 0; j < n; j++) { i64 t = m[k][j]; m[k][j] = m[r][j]; m[r][j] = t; }
      sign = -sign;
    }
    for (int i = k + 1; i < n; i++)
      for (int j = k + 1; j < n; j++) m[i][j] = (m[i][j] * m[k][k] - m[i][k] * m[k][j]) / prev;
    prev = m[k][k];
  }
  return sign * m[n - 1][n - 1];
}

int main(int argc, char **argv) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = (i * 7 + j * 3) % 19 - 9;
      B[i][j] = (i * j + 5) % 23 - 11;
    }
  mul_ijk(C1, A, B);
  mul_ikj(C2, A, B);
  transpose(T1, B);
  transpose(T2, A);
  mul_ijk(C3, T1, T2);
  transpose(T1, C3);
  int same = memcmp(C1, C2, sizeof C1) == 0 && memcmp(C1, T1, sizeof C1) == 0;
  i64 trace = 0, total = 0;
  for (int i = 0; i < N; i++) {
    trace += C1[i][i];
    for (int j = 0; j < N; j++) total += C1[i][j] * (i - j);
  }
  printf("%dx%d product: orders agree %d, trace %ld, weighted sum %ld, C[3][40] %ld\n", N, N, same, trace,
         total, C1[3][40]);
  printf("fib(10^18) mod p = %lu, fib(90) mod p = %lu\n", fib_mod(1000000000000000000ul), fib_mod(90));
  i64 m[6][6];
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) m[i][j] = (i == j) * 10 + (i * 5 + j * 3) % 7 - 3;
  i64 det = bareiss(m, 6);
  printf("det = %ld\n", det);
  (void)argc;
  (void)argv;
  return (int)(((u64)trace ^ (u64)det) & 0xff) + !same;
}
