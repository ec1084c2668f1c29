/*
 * SSE arithmetic under every MXCSR setting, bit for bit: addsd, subsd,
 * mulsd, divsd, sqrtsd and their single-precision and packed forms under
 * the four rounding controls with and without flush-to-zero and
 * denormals-are-zero, on operands that cover zeros, denormals,
 * infinities, NaNs and the extremes of the exponent range. Each result is
 * folded into a hash with the exception flags it raised (with -v, every
 * result is printed too).
 */
#include <signal.h>
#include <stdio.h>
#include <ucontext.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned long long u64;
typedef unsigned int u32;

static u64 rng;
static u64 next(void) {
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 0x2545f4914f6cdd1dULL;
}

static double d_of(u64 b) { double d; memcpy(&d, &b, 8); return d; }
static float f_of(u32 b) { float f; memcpy(&f, &b, 4); return f; }

static double operand64(void) {
  u64 r = next(), s = (r & 1) << 63;
  switch ((r >> 1) & 15) {
  case 0: return d_of(s);
  case 1: return d_of(s | 0x7ff0000000000000ULL);
  case 2: return d_of(s | 0x7ff8000000000000ULL | (next() >> 14)); /* QNaN */
  case 3: return d_of(s | (next() >> (12 + (r >> 8) % 52)));       /* denormal */
  }
  int region = (r >> 5) % 5;
  int e = region == 0 ? 1023 + (int)((r >> 9) % 9) - 4 : region == 1 ? 1 + (int)((r >> 9) % 60)
        : region == 2 ? 2046 - (int)((r >> 9) % 60) : 1023 + (int)((r >> 9) % 1601) - 800;
  u64 m = next() >> 12;
  if ((r >> 30) & 1) m &= ~0xffffffULL;
  return d_of(s | (u64)e << 52 | m);
}

static float operand32(void) {
  u64 r = next();
  u32 s = (u32)(r & 1) << 31;
  switch ((r >> 1) & 15) {
  case 0: return f_of(s);
  case 1: return f_of(s | 0x7f800000);
  case 2: return f_of(s | 0x7fc00000 | (u32)(next() >> 42));
  case 3: return f_of(s | (u32)(next() >> (41 + (r >> 8) % 23)));
  }
  int region = (r >> 5) % 5;
  int e = region == 0 ? 127 + (int)((r >> 9) % 9) - 4 : region == 1 ? 1 + (int)((r >> 9) % 30)
        : region == 2 ? 254 - (int)((r >> 9) % 30) : 127 + (int)((r >> 9) % 201) - 100;
  u32 m = (u32)(next() >> 41);
  if ((r >> 30) & 1) m &= ~0xfffu;
  return f_of(s | (u32)e << 23 | m);
}

static u64 hash = 0xcbf29ce484222325ULL;
static int verbose;
static unsigned mxcsr_base;

static void fold(const char *what, const void *p, int n, unsigned flags) {
  const unsigned char *b = p;
  for (int i = 0; i < n; i++) hash = (hash ^ b[i]) * 0x100000001b3ULL;
  hash = (hash ^ flags) * 0x100000001b3ULL;
  if (verbose) {
    printf("%s", what);
    for (int i = n - 1; i >= 0; i--) printf("%02x", b[i]);
    printf(" flags %02x\n", flags);
  }
}

static void set(unsigned m) { __asm__ volatile("ldmxcsr %0" ::"m"(m)); }
static unsigned get(void) { unsigned m; __asm__ volatile("stmxcsr %0" : "=m"(m)); return m; }

#define OP(name, insn, T, a, b)                                     \
  do {                                                              \
    T r = a;                                                        \
    set(mxcsr_base);                                                \
    __asm__ volatile(insn " %1, %0" : "+x"(r) : "x"(b));            \
    fold(name " ", &r, sizeof r, get() & 0x3f);                     \
  } while (0)

typedef double v2d __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));

static volatile unsigned in_frame;

static void frame_mxcsr(int sig, siginfo_t *si, void *ucv) {
  (void)sig, (void)si;
  in_frame = ((ucontext_t *)ucv)->uc_mcontext.fpregs->mxcsr;
}

int main(int argc, char **argv) {
  verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
  int n = argc > 2 ? atoi(argv[2]) : 300;
  for (int mode = 0; mode < 16; mode++) {
    /* rounding control, then FTZ and DAZ; every exception masked */
    mxcsr_base = 0x1f80 | (mode & 3) << 13 | ((mode >> 2) & 1) << 15 | ((mode >> 3) & 1) << 6;
    rng = 0x9e3779b97f4a7c15ULL;
    u64 before = hash;
    for (int i = 0; i < n; i++) {
      double a = operand64(), b = operand64();
      OP("addsd", "addsd", double, a, b);
      OP("subsd", "subsd", double, a, b);
      OP("mulsd", "mulsd", double, a, b);
      OP("divsd", "divsd", double, a, b);
      OP("sqrtsd", "sqrtsd", double, a, b);
      float x = operand32(), y = operand32();
      OP("addss", "addss", float, x, y);
      OP("subss", "subss", float, x, y);
      OP("mulss", "mulss", float, x, y);
      OP("divss", "divss", float, x, y);
      OP("sqrtss", "sqrtss", float, x, y);
      v2d pa = {a, operand64()}, pb = {b, operand64()};
      OP("mulpd", "mulpd", v2d, pa, pb);
      v4f qa = {x, operand32(), 1.5f, -0.0f}, qb = {y, operand32(), 3.0f, 1e-40f};
      OP("addps", "addps", v4f, qa, qb);
    }
    printf("rc %d ftz %d daz %d: %016llx\n", mode & 3, (mode >> 2) & 1, (mode >> 3) & 1, hash ^ before);
  }
  set(0x1f80);
  printf("total %016llx\n", hash);
  /* every value ldmxcsr takes reads back as it was loaded, 0 (all exceptions unmasked) too, and
   * a signal frame's fpstate holds it (nothing here raises an exception while it is loaded) */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = frame_mxcsr;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, 0);
  unsigned plain[] = {0, 0x1f80, 0x7f80, 0x0040, 0xffbf & 0x1f3f};
  for (unsigned i = 0; i < sizeof plain / sizeof plain[0]; i++) {
    unsigned v;
    __asm__ volatile("ldmxcsr %1\n\tstmxcsr %0" : "=m"(v) : "m"(plain[i]));
    raise(SIGUSR1);
    set(0x1f80);
    printf("ldmxcsr %#x -> stmxcsr %#x, in the signal frame %#x\n", plain[i], v, in_frame);
  }
  return 0;
}
