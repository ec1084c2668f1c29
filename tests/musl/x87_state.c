/*
 * x87 and SSE state across a signal and through fxsave/fxrstor: a handler
 * starts with the FPU at its reset state (empty x87 stack, round to
 * nearest, every xmm register zero), whatever the interrupted code had,
 * and rt_sigreturn gives that code its own state back; fxsave's image of
 * the x87 registers and fxrstor of it round-trip. Printed natively and in
 * the engine, they must agree (the image's instruction and operand
 * pointers, which hold real addresses, are left out).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <fenv.h>

static volatile int seen;
static unsigned short h_cw, h_sw, h_tags;
static unsigned h_mxcsr;
static unsigned long long h_xmm0;
static long double h_sum;

static void handler(int sig) {
  (void)sig;
  unsigned char img[512] __attribute__((aligned(16)));
  __asm__ volatile("fxsave %0" : "=m"(img));
  memcpy(&h_cw, img, 2);
  memcpy(&h_sw, img + 2, 2);
  h_tags = img[4];
  memcpy(&h_mxcsr, img + 24, 4);
  memcpy(&h_xmm0, img + 160, 8);
  /* eight pushes fit only on an empty stack */
  long double s = 0;
  for (int i = 1; i <= 8; i++) s = s * 3 + (long double)i / 7;
  h_sum = s;
  seen++;
}

static void print_image(const char *what, const unsigned char *img) {
  unsigned short cw, sw;
  memcpy(&cw, img, 2);
  memcpy(&sw, img + 2, 2);
  /* mxcsr without its exception flags, which the engine's SSE arithmetic does not raise */
  printf("%s: cw %04x sw %04x tags %02x mxcsr %08x\n", what, cw, sw, img[4], *(const unsigned *)(img + 24) & ~0x3fu);
  for (int i = 0; i < 8; i++) {
    printf("  st%d ", i);
    for (int b = 9; b >= 0; b--) printf("%02x", img[32 + 16 * i + b]);
    printf("\n");
  }
}

int main(void) {
  signal(SIGUSR1, handler);
  fesetround(FE_UPWARD);
  long double a = 1.0L / 3, b = 2.0L / 3;
  volatile double xd = 1.0 / 3;
  long double r;
  /* three values on the x87 stack while the signal arrives */
  __asm__ volatile("fldt %2\n\t"
                   "fldt %3\n\t"
                   "fld1\n\t"
                   "mov $39, %%eax\n\tsyscall\n\t" /* getpid */
                   "mov %%eax, %%edi\n\tmov $10, %%esi\n\tmov $62, %%eax\n\tsyscall\n\t" /* kill(pid, SIGUSR1) */
                   "faddp\n\t"
                   "faddp\n\t"
                   : "=t"(r)
                   : "0"(0.0L), "m"(a), "m"(b)
                   : "rax", "rcx", "rdx", "rsi", "rdi", "r11", "memory", "st(1)", "st(2)");
  printf("seen %d, handler: cw %04x sw %04x tags %02x mxcsr %08x xmm0 %016llx sum %.20Lg\n", seen, h_cw, h_sw,
         h_tags, h_mxcsr, h_xmm0, h_sum);
  printf("after: %.20Lg, rounding %s, %.17g\n", r, fegetround() == FE_UPWARD ? "upward" : "other", xd * 3);

  unsigned char img[512] __attribute__((aligned(16)));
  long double x = 2.5L, y = -0.0L;
  __asm__ volatile("fldt %1\n\tfldt %2\n\tfldpi\n\tfxsave %0\n\tfstp %%st\n\tfstp %%st\n\tfstp %%st"
                   : "=m"(img)
                   : "m"(x), "m"(y));
  print_image("fxsave", img);
  __asm__ volatile("fxrstor %1\n\tfaddp\n\tfaddp\n\tfstpt %0" : "=m"(r) : "m"(img));
  printf("after fxrstor: %.20Lg\n", r);
  fesetround(FE_TONEAREST);
  return 0;
}
