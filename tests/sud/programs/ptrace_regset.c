/*
 * PTRACE_GETREGSET and PTRACE_SETREGSET, as today's tracers read
 * registers: NT_PRSTATUS (struct user_regs_struct, 27 longs) and
 * NT_PRFPREG (the 512-byte fxsave image), through a struct iovec whose
 * length the kernel cuts to what it copied. A length that is no multiple
 * of the set's unit, or an unknown set, is EINVAL. The tracer reads its
 * child stopped at int3 after a SUD-dispatched getppid (the SIGSYS handler
 * emulated 4242 into rax), writes rbx and xmm2 back changed, and the child
 * reports what it then holds.
 */
#include "sud.h"
#include "ptrace.h"

#define PTRACE_GETREGSET 0x4204
#define PTRACE_SETREGSET 0x4205
#define NT_PRSTATUS 1
#define NT_PRFPREG 2
#define REG_RBX 5

struct iovec { void *base; u64 len; };

static volatile unsigned long long xmm2_out[2];
static volatile i64 rbx_out, rax_seen;
#define NRESULTS 4
static volatile i64 results[NRESULTS];
static const char *const RESULTS[NRESULTS] = { "child_rax_after_dispatch", "child_rbx", "child_xmm2_lo", "child_xmm2_hi" };

static void child(void) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  i64 r = dispatched_getppid(4242);
  __asm__ volatile("xor %%ebx, %%ebx\n int3\n mov %%rbx, (%0)\n movdqu %%xmm2, (%1)\n"
                   :: "r"(&rbx_out), "r"(xmm2_out) : "rbx", "memory");
  results[0] = r;
  results[1] = rbx_out;
  results[2] = (i64)xmm2_out[0];
  results[3] = (i64)xmm2_out[1];
  __asm__ volatile("int3");
  sc1(231, 0);
}

void cmain(u64 *sp) {
  (void)sp;
  int st;
  i64 pid = fork_traced(child, &st);
  kv("first_stop_status", st);
  for (;;) {
    /* the SIGSYS is delivered; the int3 ends the loop */
    st = resume_wait(pid, PTRACE_CONT, ((st >> 8) & 0xff) == SIGSYS ? SIGSYS : 0);
    if (((st >> 8) & 0xff) != SIGSYS) break;
  }
  kv("int3_stop_status", st);
  u64 regs[27], old[27];
  for (int i = 0; i < 27; i++) regs[i] = 0xeeeeeeeeeeeeeeeeULL;
  struct iovec io = { regs, sizeof regs + 16 };
  kv("getregset_prstatus", sc6(101, PTRACE_GETREGSET, pid, NT_PRSTATUS, (i64)&io, 0, 0));
  kv("prstatus_len", (i64)io.len);
  sc6(101, PTRACE_GETREGS, pid, 0, (i64)old, 0, 0);
  int same = 1;
  for (int i = 0; i < 27; i++) same &= regs[i] == old[i];
  kv("prstatus_is_getregs", same);
  /* a short read: the first 8 longs only */
  u64 part[27];
  for (int i = 0; i < 27; i++) part[i] = 0;
  struct iovec io8 = { part, 64 };
  kv("getregset_short", sc6(101, PTRACE_GETREGSET, pid, NT_PRSTATUS, (i64)&io8, 0, 0));
  kv("short_len", (i64)io8.len);
  kv("short_tail_untouched", part[8] == 0 && part[7] == regs[7]);
  struct iovec odd = { part, 12 };
  kv("getregset_odd_len", sc6(101, PTRACE_GETREGSET, pid, NT_PRSTATUS, (i64)&odd, 0, 0));
  struct iovec none = { part, 64 };
  kv("getregset_unknown_set", sc6(101, PTRACE_GETREGSET, pid, 0x7777, (i64)&none, 0, 0));
  unsigned char fx[512];
  struct iovec fio = { fx, sizeof fx };
  kv("getregset_prfpreg", sc6(101, PTRACE_GETREGSET, pid, NT_PRFPREG, (i64)&fio, 0, 0));
  kv("prfpreg_len", (i64)fio.len);
  struct iovec fodd = { fx, 510 };
  kv("getregset_prfpreg_odd_len", sc6(101, PTRACE_GETREGSET, pid, NT_PRFPREG, (i64)&fodd, 0, 0));
  /* rbx and xmm2 written back */
  regs[REG_RBX] = 0x1234567;
  struct iovec wio = { regs, sizeof regs };
  kv("setregset_prstatus", sc6(101, PTRACE_SETREGSET, pid, NT_PRSTATUS, (i64)&wio, 0, 0));
  *(i64 *)(fx + 160 + 32) = 0x0102030405060708LL;
  *(i64 *)(fx + 160 + 40) = 0x1112131415161718LL;
  kv("setregset_prfpreg", sc6(101, PTRACE_SETREGSET, pid, NT_PRFPREG, (i64)&fio, 0, 0));
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("second_int3_status", st);
  print_peeked(pid, results, RESULTS, NRESULTS);
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("end_status", st);
  sc1(231, 0);
}
