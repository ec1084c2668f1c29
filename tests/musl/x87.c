/*
 * The x87 FPU bit for bit: long double arithmetic, square root, rounding to
 * integers, remainders, scaling, conversions to and from memory formats and
 * integers, compares and fxam, under every rounding control and precision
 * control, on operands that cover zeros, denormals, infinities, NaNs and
 * the extremes of the exponent range. Each result is folded into a hash
 * with the exception flags it raised and the condition codes it left (with
 * -v, every result is printed too). Then printf and strtold of long doubles,
 * which musl computes with x87 arithmetic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned long long u64;

static u64 rng = 0x9e3779b97f4a7c15ULL;
static u64 next(void) {
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 0x2545f4914f6cdd1dULL;
}

static long double make(u64 mant, unsigned short sexp) {
  long double v = 0;
  memcpy(&v, &mant, 8);
  memcpy((char *)&v + 8, &sexp, 2);
  return v;
}

/* An operand: special values one time in four, else a random sign, exponent region and significand. */
static long double operand(void) {
  u64 r = next();
  unsigned short s = (r & 1) ? 0x8000 : 0;
  switch ((r >> 1) & 15) {
  case 0: return make(0, s);
  case 1: return make(0x8000000000000000ULL, s | 0x7fff);             /* infinity */
  case 2: return make(0xc000000000000000ULL | (next() >> 20), s | 0x7fff); /* QNaN */
  case 3: return make(next() >> (1 + (r >> 8) % 63), s);              /* denormal */
  }
  int region = (r >> 5) % 6;
  int e;
  if (region == 0) e = 0x3fff + (int)((r >> 9) % 9) - 4;
  else if (region == 1) e = 0x3fff + (int)((r >> 9) % 129) - 64;
  else if (region == 2) e = 1 + (int)((r >> 9) % 70);
  else if (region == 3) e = 0x7ffe - (int)((r >> 9) % 70);
  else e = 0x3fff + (int)((r >> 9) % 40001) - 20000;
  if (e < 1) e = 1;
  if (e > 0x7ffe) e = 0x7ffe;
  u64 m = next() | 0x8000000000000000ULL;
  if ((r >> 30) & 1) m &= ~0xffffffULL; /* short significands: exact results and ties */
  return make(m, s | (unsigned short)e);
}

static u64 hash = 0xcbf29ce484222325ULL;
static int verbose;
static void fold(const char *what, const void *p, int n, unsigned sw) {
  const unsigned char *b = p;
  for (int i = 0; i < n; i++) hash = (hash ^ b[i]) * 0x100000001b3ULL;
  hash = (hash ^ sw) * 0x100000001b3ULL;
  if (verbose) {
    printf("%s", what);
    for (int i = n - 1; i >= 0; i--) printf("%02x", b[i]);
    printf(" sw %04x\n", sw);
  }
}

/* The flags an operation raised (fnclex before it) and the condition codes it left. */
#define FLAGS 0x473f

static void set_cw(unsigned short cw) { __asm__ volatile("fldcw %0" ::"m"(cw)); }

static void binary(long double a, long double b) {
  long double r;
  unsigned short sw;
  __asm__ volatile("fnclex\n\tfaddp\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a), "u"(b) : "st(1)");
  fold("add ", &r, 10, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfsubrp\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a), "u"(b) : "st(1)");
  fold("sub ", &r, 10, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfmulp\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a), "u"(b) : "st(1)");
  fold("mul ", &r, 10, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfdivrp\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a), "u"(b) : "st(1)");
  fold("div ", &r, 10, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfprem\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a), "u"(b));
  fold("prem ", &r, 10, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfprem1\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a), "u"(b));
  fold("prem1 ", &r, 10, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfcom %%st(1)\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a), "u"(b));
  fold("com ", &r, 0, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfucom %%st(1)\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a), "u"(b));
  fold("ucom ", &r, 0, sw & FLAGS);
  unsigned char cf, zf, pf;
  __asm__ volatile("fnclex\n\tfucomi %%st(1), %%st\n\tsetb %1\n\tsete %2\n\tsetp %3\n\tfnstsw %4"
                   : "=t"(r), "=q"(cf), "=q"(zf), "=q"(pf), "=m"(sw) : "0"(a), "u"(b));
  fold("ucomi ", &r, 0, (sw & FLAGS) | cf << 16 | zf << 17 | pf << 18);
  /* fscale only with modest scales: a huge one takes the hardware's own saturation path */
  long double sc = b;
  unsigned short se;
  memcpy(&se, (char *)&sc + 8, 2);
  if ((se & 0x7fff) < 0x3fff + 16) {
    __asm__ volatile("fnclex\n\tfscale\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a), "u"(sc));
    fold("scale ", &r, 10, sw & FLAGS);
  }
}

static void unary(long double a) {
  long double r, r2;
  unsigned short sw;
  __asm__ volatile("fnclex\n\tfsqrt\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a));
  fold("sqrt ", &r, 10, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfrndint\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a));
  fold("rndint ", &r, 10, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfxtract\n\tfnstsw %2" : "=t"(r), "=u"(r2), "=m"(sw) : "0"(a));
  fold("xtract ", &r, 10, sw & FLAGS);
  fold("xtract2 ", &r2, 10, 0);
  __asm__ volatile("fnclex\n\tfxam\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a));
  fold("xam ", &r, 0, sw & FLAGS);
  __asm__ volatile("fnclex\n\tftst\n\tfnstsw %1" : "=t"(r), "=m"(sw) : "0"(a));
  fold("tst ", &r, 0, sw & FLAGS);
  double d;
  float f;
  __asm__ volatile("fnclex\n\tfstl %1\n\tfnstsw %2" : "=t"(r), "=m"(d), "=m"(sw) : "0"(a));
  fold("f64 ", &d, 8, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfsts %1\n\tfnstsw %2" : "=t"(r), "=m"(f), "=m"(sw) : "0"(a));
  fold("f32 ", &f, 4, sw & FLAGS);
  long long ll;
  int i32;
  short i16;
  __asm__ volatile("fnclex\n\tfld %%st\n\tfistpll %1\n\tfnstsw %2" : "=t"(r), "=m"(ll), "=m"(sw) : "0"(a));
  fold("i64 ", &ll, 8, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfistl %1\n\tfnstsw %2" : "=t"(r), "=m"(i32), "=m"(sw) : "0"(a));
  fold("i32 ", &i32, 4, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfists %1\n\tfnstsw %2" : "=t"(r), "=m"(i16), "=m"(sw) : "0"(a));
  fold("i16 ", &i16, 2, sw & FLAGS);
  long double c = a;
  __asm__ volatile("fnclex\n\tfisttpll %0\n\tfnstsw %1" : "=m"(ll), "=m"(sw) : "t"(c) : "st");
  fold("t64 ", &ll, 8, sw & FLAGS);
  /* through memory and back: fld of the f64 and f32 images */
  __asm__ volatile("fnclex\n\tfldl %1\n\tfnstsw %2" : "=t"(r), "=m"(d), "=m"(sw) : "m"(d));
  fold("ld64 ", &r, 10, sw & FLAGS);
  __asm__ volatile("fnclex\n\tflds %1\n\tfnstsw %2" : "=t"(r), "=m"(f), "=m"(sw) : "m"(f));
  fold("ld32 ", &r, 10, sw & FLAGS);
  __asm__ volatile("fnclex\n\tfildll %1\n\tfnstsw %2" : "=t"(r), "=m"(ll), "=m"(sw) : "m"(ll));
  fold("ldi64 ", &r, 10, sw & FLAGS);
}

static void constants(void) {
  long double r;
  __asm__ volatile("fldpi" : "=t"(r));
  fold("pi ", &r, 10, 0);
  __asm__ volatile("fldl2e" : "=t"(r));
  fold("l2e ", &r, 10, 0);
  __asm__ volatile("fldl2t" : "=t"(r));
  fold("l2t ", &r, 10, 0);
  __asm__ volatile("fldlg2" : "=t"(r));
  fold("lg2 ", &r, 10, 0);
  __asm__ volatile("fldln2" : "=t"(r));
  fold("ln2 ", &r, 10, 0);
}

int main(int argc, char **argv) {
  verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
  int n = argc > 2 ? atoi(argv[2]) : 300;
  static const unsigned short pcs[3] = {0x000, 0x200, 0x300}; /* 24, 53, 64 bits */
  for (int pc = 0; pc < 3; pc++) {
    for (int rc = 0; rc < 4; rc++) {
      set_cw(0x37f & ~0x300 | pcs[pc] | rc << 10);
      rng = 0x9e3779b97f4a7c15ULL;
      u64 before = hash;
      if (pc == 2) constants();
      for (int i = 0; i < n; i++) {
        long double a = operand(), b = operand();
        binary(a, b);
        if (pc == 2) unary(a);
      }
      printf("pc %d rc %d: %016llx\n", pcs[pc] >> 8, rc, hash ^ before);
    }
  }
  set_cw(0x37f);
  /* musl's long double printf and strtold */
  static const char *texts[] = {"0.1", "1e4932", "1e-4950", "3.14159265358979323846264338327950288", "-2.5e-310",
                                "6.02214076e23", "1.18973149535723176502e+4932", "0x1.fffffffffffffffep+16383", "nan", "-inf"};
  for (unsigned i = 0; i < sizeof texts / sizeof *texts; i++) {
    long double v = strtold(texts[i], 0);
    printf("%s -> %La %.25Lg %Le\n", texts[i], v, v, v);
  }
  rng = 1;
  for (int i = 0; i < 40; i++) {
    long double v = operand();
    printf("%.21Lg %La %Lf\n", v, v, v / 3);
  }
  printf("total %016llx\n", hash);
  return 0;
}
