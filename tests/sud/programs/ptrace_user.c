/*
 * PTRACE_PEEKUSER and PTRACE_POKEUSER: words of struct user. The
 * registers (struct user_regs_struct, the first 216 bytes) read as
 * PTRACE_GETREGS shows them and write one at a time; the debug registers
 * (u_debugreg, at 848) read DR0-DR3's addresses, DR6 (its reserved bits
 * set, and BS after a single step) and DR7; every other word reads 0 and
 * cannot be written; an unaligned or out-of-range offset is EIO. The child
 * is stopped at int3, then single-stepped over one instruction.
 */
#include "sud.h"
#include "ptrace.h"

#define PTRACE_PEEKUSER 3
#define PTRACE_POKEUSER 6
#define PTRACE_SINGLESTEP 9
#define DEBUGREG 848
#define REG_RBX 5

static i64 peek(i64 pid, i64 off, i64 *v) { *v = 0x5a5a; return sc6(101, PTRACE_PEEKUSER, pid, off, (i64)v, 0, 0); }

static volatile i64 rbx_seen;
static void child(void) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  __asm__ volatile("xor %%ebx, %%ebx\n int3\n nop\n mov %%rbx, (%0)\n int3\n" :: "r"(&rbx_seen) : "rbx", "memory");
  sc1(231, rbx_seen == 77 ? 0 : 1);
}

void cmain(u64 *sp) {
  (void)sp;
  int st;
  i64 pid = fork_traced(child, &st);
  kv("first_stop_status", st);
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("int3_stop_status", st);
  u64 regs[27];
  sc6(101, PTRACE_GETREGS, pid, 0, (i64)regs, 0, 0);
  int same = 1;
  for (int i = 0; i < 27; i++) {
    i64 v;
    same &= peek(pid, 8 * i, &v) == 0 && (u64)v == regs[i];
  }
  kv("regs_as_getregs", same);
  i64 v;
  kv("peek_unaligned", peek(pid, 3, &v));
  kv("peek_past_end", peek(pid, 4096, &v));
  kv("peek_u_fpvalid", peek(pid, 216, &v));
  kv("u_fpvalid", v);
  kv("peek_last_word", peek(pid, 920, &v));
  kv("peek_struct_end", peek(pid, 928, &v));
  kv("peek_u_comm", peek(pid, 232 + 512 + 64, &v));
  kv("u_comm", v);
  for (int i = 0; i < 8; i++) {
    out("dr");
    outi(i);
    out("=");
    outi(peek(pid, DEBUGREG + 8 * i, &v) == 0 ? v : -1);
    out("\n");
  }
  kv("poke_rbx", sc6(101, PTRACE_POKEUSER, pid, 8 * REG_RBX, 77, 0, 0));
  kv("poke_u_fpvalid", sc6(101, PTRACE_POKEUSER, pid, 216, 1, 0, 0));
  kv("poke_unaligned", sc6(101, PTRACE_POKEUSER, pid, 8 * REG_RBX + 1, 77, 0, 0));
  kv("poke_dr0", sc6(101, PTRACE_POKEUSER, pid, DEBUGREG, 0x401000, 0, 0));
  kv("peek_dr0", peek(pid, DEBUGREG, &v));
  kv("dr0", v);
  kv("poke_dr0_zero", sc6(101, PTRACE_POKEUSER, pid, DEBUGREG, 0, 0, 0));
  kv("poke_dr0_kernel_address", sc6(101, PTRACE_POKEUSER, pid, DEBUGREG, (i64)0xffff800000001000ULL, 0, 0));
  kv("poke_dr4", sc6(101, PTRACE_POKEUSER, pid, DEBUGREG + 32, 0, 0, 0));
  kv("poke_dr6", sc6(101, PTRACE_POKEUSER, pid, DEBUGREG + 48, 0xffff0ff1, 0, 0));
  kv("peek_dr6_written", peek(pid, DEBUGREG + 48, &v));
  kv("dr6_written", v);
  /* DR7's exact-match bits, no breakpoint enabled */
  kv("poke_dr7_no_enable", sc6(101, PTRACE_POKEUSER, pid, DEBUGREG + 56, 0x300, 0, 0));
  kv("peek_dr7", peek(pid, DEBUGREG + 56, &v));
  kv("dr7", v);
  kv("poke_dr7_zero", sc6(101, PTRACE_POKEUSER, pid, DEBUGREG + 56, 0, 0, 0));
  /* one step: DR6 says BS */
  st = resume_wait(pid, PTRACE_SINGLESTEP, 0);
  kv("step_stop_status", st);
  kv("peek_dr6_after_step", peek(pid, DEBUGREG + 48, &v));
  kv("dr6_after_step", v);
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("second_int3_status", st);
  kv("peek_dr6_after_int3", peek(pid, DEBUGREG + 48, &v));
  kv("dr6_after_int3", v);
  st = resume_wait(pid, PTRACE_CONT, 0);
  kv("end_status", st);
  sc1(231, 0);
}
