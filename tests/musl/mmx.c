/* MMX and the SSE forms on mm registers, over values that reach every
 * saturation edge and shifts past the lane width, each operation in its
 * register and memory forms (results hashed per operation, a few printed);
 * the same through <mmintrin.h>/<xmmintrin.h> intrinsics; the x87 state an
 * MMX instruction leaves (fnstenv's tag word and TOP, fxsave's image, an
 * x87 instruction on the aliased registers, a signal frame's fpstate, a
 * forked child's registers); maskmovq's stores and faults; and clflush,
 * clflushopt and clwb on good and bad addresses. */
#define _GNU_SOURCE
#include <mmintrin.h>
#include <xmmintrin.h>
#include <emmintrin.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

typedef uint64_t u64;

static const u64 V[] = {
  0, ~0ull, 1, 0x7f7f7f7f7f7f7f7full, 0x8080808080808080ull, 0x7fff80007fff8000ull,
  0x0123456789abcdefull, 0xfedcba9876543210ull, 0x00ff00ff00ff00ffull, 0x8000000080000000ull,
  0x7fffffff7fffffffull, 0x0001000100010001ull, 0xffff0000ffff0000ull, 0x5555aaaa5555aaaaull,
  0x8000800080008000ull, 0x7fff7fff7fff7fffull, 0x00000000ffffffffull, 0x01ff7f80fe0081c3ull,
};
#define NV (sizeof V / sizeof V[0])

static u64 h;
static void mix(u64 v) { h = (h ^ v) * 0x100000001b3ull; }

/* dst op= src with the source in mm1, then with the source in memory */
#define BIN(insn) \
  static u64 insn##_r(u64 a, u64 b) { u64 r; \
    __asm__ volatile("movq %1, %%mm0\n\tmovq %2, %%mm1\n\t" #insn " %%mm1, %%mm0\n\tmovq %%mm0, %0" \
                     : "=m"(r) : "m"(a), "m"(b) : "mm0", "mm1"); return r; } \
  static u64 insn##_m(u64 a, u64 b) { u64 r; \
    __asm__ volatile("movq %1, %%mm2\n\t" #insn " %2, %%mm2\n\tmovq %%mm2, %0" \
                     : "=m"(r) : "m"(a), "m"(b) : "mm2"); return r; }

BIN(paddb) BIN(paddw) BIN(paddd) BIN(paddq) BIN(psubb) BIN(psubw) BIN(psubd) BIN(psubq)
BIN(paddsb) BIN(paddsw) BIN(paddusb) BIN(paddusw) BIN(psubsb) BIN(psubsw) BIN(psubusb) BIN(psubusw)
BIN(pmullw) BIN(pmulhw) BIN(pmulhuw) BIN(pmaddwd) BIN(pmuludq) BIN(psadbw)
BIN(pand) BIN(pandn) BIN(por) BIN(pxor)
BIN(pcmpeqb) BIN(pcmpeqw) BIN(pcmpeqd) BIN(pcmpgtb) BIN(pcmpgtw) BIN(pcmpgtd)
BIN(packsswb) BIN(packssdw) BIN(packuswb)
BIN(punpcklbw) BIN(punpcklwd) BIN(punpckldq) BIN(punpckhbw) BIN(punpckhwd) BIN(punpckhdq)
BIN(pavgb) BIN(pavgw) BIN(pminub) BIN(pmaxub) BIN(pminsw) BIN(pmaxsw)
BIN(psllw) BIN(pslld) BIN(psllq) BIN(psrlw) BIN(psrld) BIN(psrlq) BIN(psraw) BIN(psrad)

struct op { const char *name; u64 (*r)(u64, u64); u64 (*m)(u64, u64); };
#define OP(insn) { #insn, insn##_r, insn##_m }
static const struct op OPS[] = {
  OP(paddb), OP(paddw), OP(paddd), OP(paddq), OP(psubb), OP(psubw), OP(psubd), OP(psubq),
  OP(paddsb), OP(paddsw), OP(paddusb), OP(paddusw), OP(psubsb), OP(psubsw), OP(psubusb), OP(psubusw),
  OP(pmullw), OP(pmulhw), OP(pmulhuw), OP(pmaddwd), OP(pmuludq), OP(psadbw),
  OP(pand), OP(pandn), OP(por), OP(pxor),
  OP(pcmpeqb), OP(pcmpeqw), OP(pcmpeqd), OP(pcmpgtb), OP(pcmpgtw), OP(pcmpgtd),
  OP(packsswb), OP(packssdw), OP(packuswb),
  OP(punpcklbw), OP(punpcklwd), OP(punpckldq), OP(punpckhbw), OP(punpckhwd), OP(punpckhdq),
  OP(pavgb), OP(pavgw), OP(pminub), OP(pmaxub), OP(pminsw), OP(pmaxsw),
};
static const struct op SHIFTS[] = {
  OP(psllw), OP(pslld), OP(psllq), OP(psrlw), OP(psrld), OP(psrlq), OP(psraw), OP(psrad),
};
static const u64 COUNTS[] = { 0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 0x100000000ull, 0x8000000000000001ull, ~0ull };

/* shifts by imm8: every count a constant */
#define SHI(insn, n) do { u64 r; \
    __asm__ volatile("movq %1, %%mm5\n\t" #insn " $" #n ", %%mm5\n\tmovq %%mm5, %0" : "=m"(r) : "m"(a) : "mm5"); \
    mix(r); } while (0)
#define SHI_ALL(insn) do { h = 0xcbf29ce484222325ull; for (unsigned i = 0; i < NV; i++) { u64 a = V[i]; \
    SHI(insn, 0); SHI(insn, 1); SHI(insn, 5); SHI(insn, 15); SHI(insn, 16); SHI(insn, 31); SHI(insn, 32); \
    SHI(insn, 63); SHI(insn, 64); SHI(insn, 200); SHI(insn, 255); } \
    printf("%-10s imm %016llx\n", #insn, (unsigned long long)h); } while (0)

static void lanes(void) {
  for (unsigned k = 0; k < sizeof OPS / sizeof OPS[0]; k++) {
    u64 hr = 0xcbf29ce484222325ull, hm;
    h = hr;
    for (unsigned i = 0; i < NV; i++)
      for (unsigned j = 0; j < NV; j++) mix(OPS[k].r(V[i], V[j]));
    hr = h;
    h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < NV; i++)
      for (unsigned j = 0; j < NV; j++) mix(OPS[k].m(V[i], V[j]));
    hm = h;
    printf("%-10s %016llx %016llx  %016llx %016llx\n", OPS[k].name, (unsigned long long)hr, (unsigned long long)hm,
           (unsigned long long)OPS[k].r(V[5], V[17]), (unsigned long long)OPS[k].r(V[17], V[4]));
  }
  for (unsigned k = 0; k < sizeof SHIFTS / sizeof SHIFTS[0]; k++) {
    h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < NV; i++)
      for (unsigned j = 0; j < sizeof COUNTS / sizeof COUNTS[0]; j++) {
        mix(SHIFTS[k].r(V[i], COUNTS[j]));
        mix(SHIFTS[k].m(V[i], COUNTS[j]));
      }
    printf("%-10s %016llx %016llx\n", SHIFTS[k].name, (unsigned long long)h, (unsigned long long)SHIFTS[k].r(V[17], 4));
  }
  SHI_ALL(psllw); SHI_ALL(pslld); SHI_ALL(psllq); SHI_ALL(psrlw);
  SHI_ALL(psrld); SHI_ALL(psrlq); SHI_ALL(psraw); SHI_ALL(psrad);
}

/* pshufw, pinsrw, pextrw, pmovmskb, movd/movq with general registers */
#define PSHUFW(n) do { u64 r; __asm__ volatile("pshufw $" #n ", %1, %%mm3\n\tmovq %%mm3, %0" : "=m"(r) : "m"(a) : "mm3"); mix(r); \
    __asm__ volatile("movq %1, %%mm4\n\tpshufw $" #n ", %%mm4, %%mm3\n\tmovq %%mm3, %0" : "=m"(r) : "m"(a) : "mm3", "mm4"); mix(r); } while (0)
#define PINSRW(n) do { u64 r; __asm__ volatile("movq %1, %%mm3\n\tpinsrw $" #n ", %k2, %%mm3\n\tmovq %%mm3, %0" : "=m"(r) : "m"(a), "r"(w) : "mm3"); mix(r); \
    __asm__ volatile("movq %1, %%mm3\n\tpinsrw $" #n ", %2, %%mm3\n\tmovq %%mm3, %0" : "=m"(r) : "m"(a), "m"(w16) : "mm3"); mix(r); } while (0)
#define PEXTRW(n) do { u64 r = ~0ull; __asm__ volatile("movq %1, %%mm3\n\tpextrw $" #n ", %%mm3, %k0" : "+r"(r) : "m"(a) : "mm3"); mix(r); } while (0)

static void moves(void) {
  h = 0xcbf29ce484222325ull;
  for (unsigned i = 0; i < NV; i++) {
    u64 a = V[i];
    uint32_t w = (uint32_t)V[(i + 5) % NV] | 0x12340000u;
    uint16_t w16 = (uint16_t)V[(i + 7) % NV];
    PSHUFW(0x1b); PSHUFW(0x00); PSHUFW(0xe4); PSHUFW(0x4e); PSHUFW(0xff); PSHUFW(0x93);
    PINSRW(0); PINSRW(1); PINSRW(2); PINSRW(3); PINSRW(6);
    PEXTRW(0); PEXTRW(1); PEXTRW(2); PEXTRW(3); PEXTRW(7);
    u64 r = ~0ull;
    __asm__ volatile("movq %1, %%mm6\n\tpmovmskb %%mm6, %k0" : "+r"(r) : "m"(a) : "mm6");
    mix(r);
    r = ~0ull;
    __asm__ volatile("movq %1, %%mm6\n\tpmovmskb %%mm6, %0" : "+r"(r) : "m"(a) : "mm6");
    mix(r);
    /* movd zero-extends, movq with REX.W takes all 64 bits; stores the low 32 or all */
    u64 g = ~0ull, m = ~0ull;
    __asm__ volatile("movd %k2, %%mm7\n\tmovq %%mm7, %0\n\tmovq %3, %%mm7\n\tmovd %%mm7, %k1"
                     : "=m"(r), "+r"(g) : "r"(a), "m"(a) : "mm7");
    mix(r); mix(g);
    __asm__ volatile("movq %2, %%mm7\n\tmovq %%mm7, %0\n\tmovq %%mm7, %1" : "=m"(r), "=r"(g) : "r"(a) : "mm7");
    mix(r); mix(g);
    __asm__ volatile("movd %2, %%mm7\n\tmovq %%mm7, %0\n\tmovd %%mm7, %1" : "=m"(r), "+m"(m) : "m"(a) : "mm7");
    mix(r); mix(m);
    /* REX.B or REX.R on an mm operand names the same mm register */
    __asm__ volatile("movq %1, %%mm1\n\t.byte 0x41, 0x0f, 0x6f, 0xc1\n\tmovq %%mm0, %0" : "=m"(r) : "m"(a) : "mm0", "mm1");
    mix(r);
    /* movntq, movq2dq, movdq2q */
    __asm__ volatile("movq %1, %%mm2\n\tmovntq %%mm2, %0\n\tsfence" : "=m"(r) : "m"(a) : "mm2");
    mix(r);
    u64 x[2] = { ~0ull, ~0ull };
    __asm__ volatile("pcmpeqd %%xmm9, %%xmm9\n\tmovq %1, %%mm2\n\tmovq2dq %%mm2, %%xmm9\n\tmovdqu %%xmm9, %0"
                     : "=m"(x) : "m"(a) : "mm2", "xmm9");
    mix(x[0]); mix(x[1]);
    __asm__ volatile("movq %1, %%xmm10\n\tmovdq2q %%xmm10, %%mm4\n\tmovq %%mm4, %0" : "=m"(r) : "m"(a) : "mm4", "xmm10");
    mix(r);
  }
  __asm__ volatile("emms");
  printf("moves %016llx\n", (unsigned long long)h);
}

/* the same operations as compilers see them */
static void intrinsics(void) {
  h = 0xcbf29ce484222325ull;
  for (unsigned i = 0; i < NV; i++)
    for (unsigned j = 0; j < NV; j++) {
      __m64 a = (__m64)V[i], b = (__m64)V[j];
      __m64 r[] = {
        _mm_add_pi8(a, b), _mm_adds_pi16(a, b), _mm_subs_pu8(a, b), _mm_mulhi_pi16(a, b),
        _mm_madd_pi16(a, b), _mm_packs_pi16(a, b), _mm_packs_pu16(a, b), _mm_packs_pi32(a, b),
        _mm_unpackhi_pi8(a, b), _mm_unpacklo_pi32(a, b), _mm_cmpgt_pi16(a, b), _mm_cmpeq_pi8(a, b),
        _mm_sra_pi16(a, b), _mm_srli_pi32(a, 9), _mm_slli_si64(a, 17), _mm_andnot_si64(a, b),
        _mm_avg_pu8(a, b), _mm_max_pi16(a, b), _mm_min_pu8(a, b), _mm_mulhi_pu16(a, b),
        _mm_sad_pu8(a, b), _mm_shuffle_pi16(a, 0x6c), _mm_mul_su32(a, b), _mm_add_si64(a, b),
        _mm_sub_si64(a, b), _mm_insert_pi16(a, (int)V[j], 2),
      };
      for (unsigned k = 0; k < sizeof r / sizeof r[0]; k++) mix((u64)r[k]);
      mix((u64)_mm_movemask_pi8(a));
      mix((u64)_mm_extract_pi16(a, 3));
      mix((u64)_mm_cvtsi64_si32(a));
      mix((u64)_mm_cvtm64_si64(_mm_cvtsi32_si64((int)V[j])));
    }
  _mm_empty();
  printf("intrinsics %016llx\n", (unsigned long long)h);
}

/* cvtpi2ps, cvtps2pi, cvttps2pi, cvtpi2pd, cvtpd2pi, cvttpd2pi */
static void conversions(void) {
  static const float F[] = { 1.5f, -2.5f, 2.5f, 3.49f, -0.0f, 1e10f, -1e10f, 2147483520.0f, -2147483648.0f, 0.5f, -1.5f, __builtin_nanf("") };
  static const double D[] = { 1.5, -2.5, 2.5, 3.4999, -0.0, 1e10, 2147483647.0, 2147483647.5, -2147483648.4, -2147483649.0, 0.5, __builtin_nan("") };
  static const int32_t I[] = { 0, 1, -1, 16777217, -16777219, 2147483647, (int32_t)0x80000000u, 123456789 };
  for (int rc = 0; rc < 4; rc++) {
    unsigned mx = 0x1f80 | (rc << 13), old;
    __asm__ volatile("stmxcsr %0\n\tldmxcsr %1" : "=m"(old) : "m"(mx));
    h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < sizeof F / sizeof F[0]; i++) {
      float f[4] = { F[i], F[(i + 3) % 12], 7, 8 };
      u64 r1, r2, r3, r4;
      __asm__ volatile("movups %4, %%xmm3\n\tcvtps2pi %%xmm3, %%mm0\n\tcvttps2pi %%xmm3, %%mm1\n\t"
                       "cvtps2pi %4, %%mm2\n\tcvttps2pi %4, %%mm3\n\tmovq %%mm0, %0\n\tmovq %%mm1, %1\n\tmovq %%mm2, %2\n\tmovq %%mm3, %3"
                       : "=m"(r1), "=m"(r2), "=m"(r3), "=m"(r4) : "m"(f) : "xmm3", "mm0", "mm1", "mm2", "mm3");
      mix(r1); mix(r2); mix(r3); mix(r4);
      double d[2] __attribute__((aligned(16))) = { D[i], D[(i + 5) % 12] };
      __asm__ volatile("movupd %4, %%xmm4\n\tcvtpd2pi %%xmm4, %%mm0\n\tcvttpd2pi %%xmm4, %%mm1\n\t"
                       "cvtpd2pi %4, %%mm2\n\tcvttpd2pi %4, %%mm3\n\tmovq %%mm0, %0\n\tmovq %%mm1, %1\n\tmovq %%mm2, %2\n\tmovq %%mm3, %3"
                       : "=m"(r1), "=m"(r2), "=m"(r3), "=m"(r4) : "m"(d) : "xmm4", "mm0", "mm1", "mm2", "mm3");
      mix(r1); mix(r2); mix(r3); mix(r4);
    }
    __asm__ volatile("ldmxcsr %0" :: "m"(old));
    printf("cvt to int rc %d %016llx\n", rc, (unsigned long long)h);
  }
  h = 0xcbf29ce484222325ull;
  for (unsigned i = 0; i < 8; i++) {
    int32_t p[2] = { I[i], I[(i + 3) % 8] };
    u64 x[2] = { 0x1111111122222222ull, 0x3333333344444444ull }, y[2], z[2];
    __asm__ volatile("movdqu %3, %%xmm5\n\tmovq %2, %%mm1\n\tcvtpi2ps %%mm1, %%xmm5\n\tmovdqu %%xmm5, %0\n\t"
                     "movdqu %3, %%xmm5\n\tcvtpi2ps %2, %%xmm5\n\tmovdqu %%xmm5, %1"
                     : "=m"(y), "=m"(z) : "m"(p), "m"(x) : "xmm5", "mm1");
    mix(y[0]); mix(y[1]); mix(z[0]); mix(z[1]);
    __asm__ volatile("movq %2, %%mm1\n\tcvtpi2pd %%mm1, %%xmm6\n\tmovdqu %%xmm6, %0\n\tcvtpi2pd %2, %%xmm6\n\tmovdqu %%xmm6, %1"
                     : "=m"(y), "=m"(z) : "m"(p) : "xmm6", "mm1");
    mix(y[0]); mix(y[1]); mix(z[0]); mix(z[1]);
  }
  __asm__ volatile("emms");
  printf("cvt from int %016llx\n", (unsigned long long)h);
}

/* ---------------------------------------------------------------- x87 state */

static void env(const char *what) {
  unsigned short e[14];
  __asm__ volatile("fnstenv %0\n\tfldenv %0" : "=m"(e));
  printf("%-28s sw %04x tw %04x\n", what, e[2], e[4]);
}

static void fxsave_show(const char *what) {
  static unsigned char area[512] __attribute__((aligned(16)));
  __asm__ volatile("fxsave %0" : "=m"(area));
  printf("%-28s fxsave cw %02x%02x sw %02x%02x ftw %02x\n", what, area[1], area[0], area[3], area[2], area[4]);
  for (int i = 0; i < 8; i++) {
    printf("  st%d %02x%02x ", i, area[41 + i * 16], area[40 + i * 16]);
    for (int b = 7; b >= 0; b--) printf("%02x", area[32 + i * 16 + b]);
    printf("\n");
  }
}

static void load_all(void) {
  for (unsigned i = 0; i < 8; i++) {
    u64 v = V[i + 3];
    switch (i) {
      case 0: __asm__ volatile("movq %0, %%mm0" :: "m"(v) : "mm0"); break;
      case 1: __asm__ volatile("movq %0, %%mm1" :: "m"(v) : "mm1"); break;
      case 2: __asm__ volatile("movq %0, %%mm2" :: "m"(v) : "mm2"); break;
      case 3: __asm__ volatile("movq %0, %%mm3" :: "m"(v) : "mm3"); break;
      case 4: __asm__ volatile("movq %0, %%mm4" :: "m"(v) : "mm4"); break;
      case 5: __asm__ volatile("movq %0, %%mm5" :: "m"(v) : "mm5"); break;
      case 6: __asm__ volatile("movq %0, %%mm6" :: "m"(v) : "mm6"); break;
      case 7: __asm__ volatile("movq %0, %%mm7" :: "m"(v) : "mm7"); break;
    }
  }
}

static void x87_state(void) {
  /* known contents in every x87 register first: zeros from fldz, then the stack emptied */
  __asm__ volatile("fninit\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfninit");
  env("after fninit");
  u64 v = 0x1234;
  __asm__ volatile("movq %0, %%mm2" :: "m"(v) : "mm2");
  env("movq mm2");
  fxsave_show("movq mm2");
  __asm__ volatile("emms");
  env("emms");
  fxsave_show("emms");
  /* x87 use first: fld1 pushes to R7 (TOP 7); an MMX instruction sets TOP to 0 */
  __asm__ volatile("fld1\n\tfldpi");
  env("fld1 fldpi");
  u64 r;
  __asm__ volatile("pxor %%mm1, %%mm1\n\tmovq %%mm1, %0" : "=m"(r) :: "mm1");
  env("pxor mm1");
  fxsave_show("pxor mm1");
  /* reading mm registers also makes the transition */
  __asm__ volatile("emms\n\tfninit\n\tfld1");
  __asm__ volatile("movq %%mm6, %0" : "=m"(r));
  env("movq from mm6 after fld1");
  __asm__ volatile("emms");
  /* the aliased values as x87 operands: st(i) is mm i after an MMX instruction */
  load_all();
  env("all eight written");
  fxsave_show("all eight written");
  unsigned short sw;
  unsigned char t[10];
  __asm__ volatile("fstpt %0\n\tfnstsw %1" : "=m"(t), "=m"(sw));
  printf("fstpt st0: sw %04x ", sw);
  for (int b = 9; b >= 0; b--) printf("%02x", t[b]);
  printf("\n");
  double d;
  __asm__ volatile("fnclex\n\tfstl %0\n\tfnstsw %1" : "=m"(d), "=m"(sw));
  printf("fstl st0 (mm1): sw %04x %016llx\n", sw, (unsigned long long)*(u64 *)&d);
  __asm__ volatile("fnclex\n\tfld1\n\tfnstsw %0" : "=m"(sw));
  printf("fld1 onto a full stack: sw %04x\n", sw);
  env("after x87 on mm");
  __asm__ volatile("fninit");
  load_all();
  __asm__ volatile("emms\n\tfld1\n\tfldl2t\n\tfaddp\n\tfstpl %0\n\tfnstsw %1" : "=m"(d), "=m"(sw));
  printf("x87 after emms: %.17g sw %04x\n", d, sw);
  env("after x87 after emms");
  __asm__ volatile("fninit");
}

/* ---------------------------------------------------------------- signals */

static sigjmp_buf jb;
static char *base;
static volatile int show_frame;

static void on_signal(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  if (sig == SIGUSR1) printf("  signal %d code %d\n", sig, si->si_code);
  else printf("  signal %d code %d addr %+ld err %llx trapno %llu\n", sig, si->si_code,
         sig == SIGSEGV ? (long)((char *)si->si_addr - base) : (long)((char *)si->si_addr - (char *)uc->uc_mcontext.gregs[REG_RIP]),
         (unsigned long long)uc->uc_mcontext.gregs[REG_ERR], (unsigned long long)uc->uc_mcontext.gregs[REG_TRAPNO]);
  if (show_frame) {
    /* the fpstate is an fxsave image */
    const unsigned char *f = (const unsigned char *)uc->uc_mcontext.fpregs;
    printf("  frame cw %02x%02x sw %02x%02x ftw %02x\n", f[1], f[0], f[3], f[2], f[4]);
    for (int i = 0; i < 8; i++) {
      printf("  frame st%d %02x%02x ", i, f[41 + i * 16], f[40 + i * 16]);
      for (int b = 7; b >= 0; b--) printf("%02x", f[32 + i * 16 + b]);
      printf("\n");
    }
    env("  in the handler");
    /* a change here is undone by sigreturn */
    u64 z = 0xdead;
    __asm__ volatile("movq %0, %%mm0" :: "m"(z) : "mm0");
    if (show_frame == 2) return;
  }
  siglongjmp(jb, 1);
}

static void signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGFPE, &sa, 0);
  sigaction(SIGUSR1, &sa, 0);
  /* base: read-write page, then an unmapped page, then a PROT_NONE page, then a read-only one */
  base = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(base + 4096, 4096);
  mprotect(base + 8192, 4096, PROT_NONE);
  mprotect(base + 12288, 4096, PROT_READ);
  char *bad = base + 4096, *none = base + 8192, *ro = base + 12288;
  static char data[256] = "x";

  puts("clflush, clflushopt, clwb on readable memory");
  __asm__ volatile("clflush %0\n\tclflushopt %1\n\tclwb %2\n\tclflush (%3)\n\tclflushopt 63(%3)\n\tclwb 100(%3)"
                   :: "m"(data[0]), "m"(data[100]), "m"(data[200]), "r"(ro) : "memory");
  __asm__ volatile("prefetcht0 (%0)\n\tprefetcht1 (%0)\n\tprefetcht2 (%0)\n\tprefetchnta (%0)\n\tprefetchw (%0)\n\tprefetch (%0)"
                   "\n\tlfence\n\tmfence\n\tsfence\n\tpause" :: "r"(bad));
  puts("prefetches of an unmapped page and fences ran");
  struct { const char *what; char *a; int kind; } cases[] = {
    { "clflush unmapped", bad + 5, 0 }, { "clflush PROT_NONE", none + 64, 0 },
    { "clflushopt unmapped", bad + 4095, 1 }, { "clwb PROT_NONE", none + 1, 2 },
  };
  for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    printf("%s\n", cases[i].what);
    if (sigsetjmp(jb, 1) == 0) {
      if (cases[i].kind == 0) __asm__ volatile("clflush (%0)" :: "r"(cases[i].a));
      else if (cases[i].kind == 1) __asm__ volatile("clflushopt (%0)" :: "r"(cases[i].a));
      else __asm__ volatile("clwb (%0)" :: "r"(cases[i].a));
      puts("  no fault");
    }
  }

  /* maskmovq: bytes where the mask's top bit is set, to [rdi]; the quadword must be writable */
  static const u64 masks[] = { 0, ~0ull, 0x8000800080008000ull, 0x00000000000000ffull, 0xff00000000000000ull, 0x7f80017ffe8081ffull };
  static const long offs[] = { 0, 4093, 4088, 4092, 4096 + 3, 8192 + 8, 12288 + 1 };
  for (unsigned i = 0; i < sizeof masks / sizeof masks[0]; i++)
    for (unsigned j = 0; j < sizeof offs / sizeof offs[0]; j++) {
      memset(base + 4096 - 16, 0xee, 16);
      memset(base, 0xee, 16);
      u64 v = 0x1122334455667788ull;
      printf("maskmovq mask %016llx at %+ld\n", (unsigned long long)masks[i], offs[j]);
      if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("movq %0, %%mm0\n\tmovq %1, %%mm1\n\tmaskmovq %%mm1, %%mm0"
                         :: "m"(v), "m"(masks[i]), "D"(base + offs[j]) : "mm0", "mm1", "memory");
        puts("  no fault");
      }
      printf("  %016llx %016llx %016llx\n", (unsigned long long)*(u64 *)base,
             (unsigned long long)*(u64 *)(base + 4096 - 16), (unsigned long long)*(u64 *)(base + 4096 - 8));
    }
  __asm__ volatile("emms");

  /* a fault while the MMX state is live: the frame's fpstate holds it, the handler starts afresh */
  __asm__ volatile("fninit\n\tfld1\n\tfldz");
  load_all();
  show_frame = 1;
  puts("movq from an unmapped page with live MMX state");
  if (sigsetjmp(jb, 1) == 0) __asm__ volatile("movq (%0), %%mm3" :: "r"(bad) : "mm3");
  /* sigreturn brings the interrupted MMX state back */
  load_all();
  show_frame = 2;
  puts("SIGUSR1 with live MMX state, then back");
  raise(SIGUSR1);
  u64 r0;
  __asm__ volatile("movq %%mm0, %0" : "=m"(r0));
  printf("mm0 after sigreturn %016llx\n", (unsigned long long)r0);
  env("after sigreturn");
  show_frame = 0;
  __asm__ volatile("emms\n\tfninit");

  /* an unmasked x87 exception pending: the next MMX instruction takes #MF first */
  puts("MMX instruction with an x87 exception pending");
  if (sigsetjmp(jb, 1) == 0) {
    unsigned short cw = 0x37b; /* zero-divide unmasked */
    __asm__ volatile("fldcw %0\n\tfld1\n\tfldz\n\tfdivrp\n\t" :: "m"(cw));
    u64 q = 5;
    __asm__ volatile("movq %0, %%mm4" :: "m"(q) : "mm4");
    puts("  no fault");
  }
  __asm__ volatile("fninit");
  puts("emms with an x87 exception pending");
  if (sigsetjmp(jb, 1) == 0) {
    unsigned short cw = 0x37b;
    __asm__ volatile("fldcw %0\n\tfld1\n\tfldz\n\tfdivrp\n\temms" :: "m"(cw));
    puts("  no fault");
  }
  __asm__ volatile("fninit");
}

/* ---------------------------------------------------------------- fork */

static void forked(void) {
  u64 v = 0x0badc0ffee15600dull, r = 0;
  __asm__ volatile("movq %0, %%mm5" :: "m"(v) : "mm5");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    __asm__ volatile("movq %%mm5, %0" : "=m"(r));
    printf("child mm5 %016llx\n", (unsigned long long)r);
    env("child");
    u64 c = 0x5555;
    __asm__ volatile("movq %0, %%mm5" :: "m"(c) : "mm5");
    for (int i = 0; i < 20; i++) sched_yield();
    __asm__ volatile("movq %%mm5, %0" : "=m"(r));
    printf("child mm5 after yields %016llx\n", (unsigned long long)r);
    fflush(stdout);
    _exit(0);
  }
  for (int i = 0; i < 5; i++) sched_yield();
  int st;
  waitpid(pid, &st, 0);
  __asm__ volatile("movq %%mm5, %0" : "=m"(r));
  printf("parent mm5 %016llx, child status %d\n", (unsigned long long)r, st);
  __asm__ volatile("emms");
}

int main(void) {
  lanes();
  moves();
  intrinsics();
  conversions();
  x87_state();
  signals();
  forked();
  return 0;
}
