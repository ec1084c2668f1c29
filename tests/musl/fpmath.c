/* Double and float arithmetic and musl's libm (sqrt, floor, ceil, fmod, exp,
 * log, sin, cos, pow, atan2, lround, llrint), printed as scaled integers:
 * musl's printf %f, strtod and the fenv functions (nearbyint uses them) run
 * x87 code, which the engine does not have, so this program stays with SSE2
 * floating point. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>

static long long fx(double x) { return llrint(x * 1e6); }

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(void) {
  double acc = 0;
  float facc = 0;
  for (int i = 1; i <= 2000; i++) {
    double x = i * 0.37 - 100.0;
    acc += sqrt(fabs(x)) + floor(x / 7.0) + ceil(x / 3.0) + fmod(x, 2.5) + exp(x / 1000.0) + log(i);
    acc += sin(x) * cos(x) + pow(1.001, i) + atan2(x, i) + trunc(x * 0.3) + round(x * 0.7);
    facc += sqrtf((float)i) * 0.5f + (float)x / 3.0f + floorf((float)x * 0.1f);
    if (i % 400 == 0) printf("i %4d: %lld %lld\n", i, fx(acc), fx(facc));
  }
  printf("%lld %lld %d %ld %lld\n", fx(acc), fx(facc), (int)acc, lround(acc / 7), llround(-acc));

  double v[12] = { 3.5, -1.25, 1e10, 7, 0.001, -8e-5, 42, 2, -0.0, 0.0, 1e-310, -3e300 };
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  for (int i = 0; i < 12; i++) lo = fmin(lo, v[i]), hi = fmax(hi, v[i]), sum += v[i] * v[i];
  qsort(v, 12, sizeof v[0], cmp_double);
  for (int i = 0; i < 12; i++) printf("%d ", v[i] < 0 ? -1 : v[i] > 0 ? 1 : 0);
  printf("\nmin %lld max %lld sum %d\n", fx(lo), fx(hi), isinf(sum));

  /* special values through comparisons and conversions */
  double specials[] = { 0.0, -0.0, INFINITY, -INFINITY, NAN, 1e300, -1e300, 2147483648.0, -2147483649.0, 0.5, 1.5, 2.5 };
  for (int i = 0; i < 12; i++) {
    double s = specials[i];
    printf("%d%d%d%d %d %d %ld %d|", isnan(s) != 0, isinf(s) != 0, signbit(s) != 0, s < 1.0, fpclassify(s),
           (int)(float)(s * 0.25 > 0), lrint(fmin(fmax(s, -1e9), 1e9)), (int)rint(fmin(fmax(s, -50), 50)));
  }
  putchar('\n');

  /* single precision vectorisable loops */
  static float a[1024], b[1024];
  for (int i = 0; i < 1024; i++) a[i] = (float)i * 0.25f - 50.0f, b[i] = 1.0f / (float)(i + 1);
  float dot = 0;
  for (int i = 0; i < 1024; i++) a[i] = a[i] * b[i] + 1.0f;
  for (int i = 0; i < 1024; i++) dot += a[i] * a[i];
  int ia[1024];
  for (int i = 0; i < 1024; i++) ia[i] = (int)(a[i] * 1000.0f);
  long isum = 0;
  for (int i = 0; i < 1024; i++) isum += ia[i];
  printf("dot %lld isum %ld\n", fx(dot), isum);
  return 0;
}
