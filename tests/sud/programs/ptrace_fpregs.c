/*
 * PTRACE_GETFPREGS and PTRACE_SETFPREGS: a tracer reads its stopped
 * child's x87 and SSE state as the 512-byte fxsave image (struct
 * user_fpregs_struct) and writes it back changed. The child loads known
 * values (x87 st0 = pi, st1 = 1, an xmm0 pattern, MXCSR rounding toward
 * zero), stops at int3, and after the tracer's write reads xmm1, MXCSR and
 * st0 back. An MXCSR with reserved bits set is EINVAL. The image's
 * MXCSR_MASK and reserved bytes are the CPU's, so only the state is
 * printed.
 */
#include "sud.h"
#include "ptrace.h"

#define PTRACE_GETFPREGS 14
#define PTRACE_SETFPREGS 15

static volatile unsigned long long xmm0_in[2] = { 0x8877665544332211ULL, 0x00ffeeddccbbaa99ULL };
static volatile unsigned long long xmm1_out[2];
static volatile unsigned int mxcsr_in = 0x7f80, mxcsr_out;
static volatile unsigned long long st0_out;
#define NRESULTS 4
static volatile i64 results[NRESULTS];
static const char *const RESULTS[NRESULTS] = { "child_xmm1_lo", "child_xmm1_hi", "child_mxcsr", "child_st0_as_double_bits" };

static void child(void) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  __asm__ volatile("fninit\n fld1\n fldpi\n movdqu (%0), %%xmm0\n ldmxcsr (%1)\n int3\n"
                   "movdqu %%xmm1, (%2)\n stmxcsr (%3)\n fstpl (%4)\n"
                   :: "r"(xmm0_in), "r"(&mxcsr_in), "r"(xmm1_out), "r"(&mxcsr_out), "r"(&st0_out) : "memory");
  results[0] = (i64)xmm1_out[0];
  results[1] = (i64)xmm1_out[1];
  results[2] = mxcsr_out;
  results[3] = (i64)st0_out;
  __asm__ volatile("int3");
  sc1(231, 0);
}

void cmain(u64 *sp) {
  (void)sp;
  int st;
  i64 pid = fork_traced(child, &st);
  kv("first_stop_status", st);
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("int3_stop_status", st);
  unsigned char fx[512];
  for (int i = 0; i < 512; i++) fx[i] = 0xee;
  kv("getfpregs", sc6(101, PTRACE_GETFPREGS, pid, 0, (i64)fx, 0, 0));
  kv("fcw", *(unsigned short *)fx);
  kv("fsw", *(unsigned short *)(fx + 2));
  kv("ftw_abridged", fx[4]);
  kv("mxcsr", *(unsigned *)(fx + 24));
  out("st0:");
  for (int i = 0; i < 10; i++) { out(" "); outi(fx[32 + i]); }
  out("\nst1:");
  for (int i = 0; i < 10; i++) { out(" "); outi(fx[48 + i]); }
  out("\n");
  kv("xmm0_lo", *(i64 *)(fx + 160));
  kv("xmm0_hi", *(i64 *)(fx + 168));
  /* reserved MXCSR bits: refused */
  unsigned char bad[512];
  for (int i = 0; i < 512; i++) bad[i] = fx[i];
  *(unsigned *)(bad + 24) = 0xffff0000u;
  kv("setfpregs_bad_mxcsr", sc6(101, PTRACE_SETFPREGS, pid, 0, (i64)bad, 0, 0));
  /* xmm1, MXCSR (round up) and st0 (the pi register becomes -2.5: 0xc000 a000000000000000) written */
  *(i64 *)(fx + 176) = 0x0123456789abcdefLL;
  *(i64 *)(fx + 184) = 0x7edcba9876543210LL;
  *(unsigned *)(fx + 24) = 0x5f80;
  for (int i = 0; i < 8; i++) fx[32 + i] = 0;
  fx[39] = 0xa0;
  fx[40] = 0x00;
  fx[41] = 0xc0;
  kv("setfpregs", sc6(101, PTRACE_SETFPREGS, pid, 0, (i64)fx, 0, 0));
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("second_int3_status", st);
  print_peeked(pid, results, RESULTS, NRESULTS);
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("end_status", st);
  sc1(231, 0);
}
