/*
 * PTRACE_GETSIGMASK, PTRACE_SETSIGMASK and PTRACE_GET_RSEQ_CONFIGURATION,
 * as checkpoint/restore tools read and write a stopped task: the blocked
 * mask (its size must be 8; SIGKILL and SIGSTOP cannot be blocked), and
 * the registered struct rseq's address, length and signature (cut to the
 * size asked for; the whole size returned).
 */
#include "sud.h"
#include "ptrace.h"

#define PTRACE_GETSIGMASK 0x420a
#define PTRACE_SETSIGMASK 0x420b
#define PTRACE_GET_RSEQ_CONFIGURATION 0x420f
#define SIGUSR2 12

static volatile u64 mask_after;
static struct { unsigned cpu_id_start, cpu_id; u64 cs; unsigned flags, pad[3]; } __attribute__((aligned(32))) rs;

static void child(void) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  mask_set(0, BIT(SIGUSR1));
  /* rseq(&rs, 32, 0, RSEQ_SIG) */
  i64 r = sc6(334, (i64)&rs, 32, 0, 0x53053053, 0, 0);
  __asm__ volatile("int3");
  mask_after = (u64)mask_get();
  __asm__ volatile("int3");
  sc1(231, r == 0 ? 0 : 1);
}

void cmain(u64 *sp) {
  (void)sp;
  int st;
  i64 pid = fork_traced(child, &st);
  kv("first_stop_status", st);
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("int3_stop_status", st);
  u64 m = 0xeeee;
  kv("getsigmask", sc6(101, PTRACE_GETSIGMASK, pid, 8, (i64)&m, 0, 0));
  kv("mask", (i64)m);
  kv("getsigmask_size_4", sc6(101, PTRACE_GETSIGMASK, pid, 4, (i64)&m, 0, 0));
  u64 want = BIT(SIGUSR2) | BIT(9) | BIT(19) | BIT(SIGSYS);
  kv("setsigmask", sc6(101, PTRACE_SETSIGMASK, pid, 8, (i64)&want, 0, 0));
  kv("setsigmask_size_16", sc6(101, PTRACE_SETSIGMASK, pid, 16, (i64)&want, 0, 0));
  u64 conf[3] = { 0xeeee, 0xeeee, 0xeeee };
  kv("get_rseq_configuration", sc6(101, PTRACE_GET_RSEQ_CONFIGURATION, pid, sizeof conf, (i64)conf, 0, 0));
  kv("rseq_abi_pointer_is_rs", conf[0] == (u64)&rs);
  kv("rseq_abi_size", (i64)(conf[1] & 0xffffffff));
  kv("rseq_signature", (i64)(conf[1] >> 32));
  kv("rseq_flags", (i64)(conf[2] & 0xffffffff));
  u64 part[3] = { 0xeeee, 0xeeee, 0xeeee };
  kv("get_rseq_configuration_8", sc6(101, PTRACE_GET_RSEQ_CONFIGURATION, pid, 8, (i64)part, 0, 0));
  kv("rseq_part_tail_untouched", part[1] == 0xeeee);
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("second_int3_status", st);
  i64 v = 0;
  sc6(101, PTRACE_PEEKDATA, pid, (i64)&mask_after, (i64)&v, 0, 0);
  kv("child_mask_after_set", v);
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("end_status", st);
  sc1(231, 0);
}
