/*
 * PTRACE_SINGLESTEP next to Syscall User Dispatch: a tracer steps its
 * child through a few instructions and prints every stop (what wait4 and
 * PTRACE_GETSIGINFO say, where rip is, and EFLAGS.TF as PTRACE_GETREGS
 * shows it: the TF the tracer forced is hidden). After each instruction
 * the child stops with SIGTRAP (TRAP_TRACE); after a stepped syscall with
 * SIGTRAP TRAP_BRKPT, in place of the lost trap; the stepped code's own
 * pushf sees TF. A syscall SUD dispatches has no such stop: the SIGSYS
 * comes, and when the tracer delivers it stepping, the child stops again
 * at the handler's first instruction (ptrace_notify(SIGTRAP): si_code 5),
 * its frame without the forced TF. The tracer writes the registers back
 * as it read them at each step (the forced TF stays). Stepped onto a popf
 * that sets TF, the TF is the program's: PTRACE_GETREGS shows it, and
 * PTRACE_CONT leaves it, so the program traps on until it clears it.
 * PTRACE_SYSEMU_SINGLESTEP steps and emulates: a syscall stops at its
 * entry, is skipped, and has no TRAP_BRKPT after it. A child forked in a
 * step does not inherit the tracer's TF (it would die of SIGTRAP).
 */
#include "sud.h"
#include "ptrace.h"

#define PTRACE_SINGLESTEP 9
#define PTRACE_SYSEMU_SINGLESTEP 32
#define REG_EFLAGS 18

static volatile unsigned char sel;
static volatile i64 frame_tf = -1, pushed_tf = -1;
void on_sigsys(int sig, void *info, void *uc) {
  (void)sig;
  record(info, uc);
  frame_tf = (*(u64 *)((unsigned char *)uc + 40 + 136) >> 8) & 1;
  SAVED_RAX(uc) = 66;
}

/* int3, then the stepped code (getppid allowed, getpid dispatched), then int3 */
extern char s0[], s_end[];
extern i64 stepped(void);
__asm__(".text\n.globl stepped\nstepped:\n"
        " int3\n"
        ".globl s0\ns0: nop\n mov $110, %eax\n syscall\n nop\n"
        " pushfq\n pop %rax\n shr $8, %rax\n and $1, %rax\n mov %rax, pushed_tf(%rip)\n"
        " movb $1, sel(%rip)\n mov $39, %eax\n syscall\n movb $0, sel(%rip)\n nop\n"
        ".globl s_end\ns_end: int3\n ret\n");

/* int3, then code that sets TF itself, runs two nops, clears it, then int3 */
extern char t0[], t_end[];
extern void own_tf(void);
__asm__(".text\n.globl own_tf\nown_tf:\n"
        " int3\n"
        ".globl t0\nt0: pushfq\n orq $0x100, (%rsp)\n popfq\n nop\n nop\n"
        " pushfq\n andq $-257, (%rsp)\n popfq\n nop\n"
        ".globl t_end\nt_end: int3\n ret\n");

/* int3, then stepped and emulated code: getppid, which the tracer answers, then int3 */
extern char u0[], u_end[];
extern i64 emulated(void);
__asm__(".text\n.globl emulated\nemulated:\n"
        " int3\n"
        ".globl u0\nu0: nop\n mov $110, %eax\n syscall\n nop\n nop\n"
        ".globl u_end\nu_end: int3\n ret\n");

/* int3, then a stepped fork: the child exits 7 at once, the parent goes on to int3 */
extern char v0[], v_end[];
extern i64 stepped_fork(void);
__asm__(".text\n.globl stepped_fork\nstepped_fork:\n"
        " int3\n"
        ".globl v0\nv0: mov $57, %eax\n syscall\n test %eax, %eax\n jnz 1f\n"
        " mov $7, %edi\n mov $60, %eax\n syscall\n"
        "1: nop\n"
        ".globl v_end\nv_end: int3\n ret\n");

static void child(void) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  sigact(SIGSYS, on_sigsys, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
  rsud(1, REGION, &sel);
  i64 r = stepped();
  own_tf();
  i64 e = emulated();
  /* SIGCHLD blocked: the forked child's exit makes no signal-delivery stop, whenever it comes */
  mask_set(0, BIT(17));
  i64 forked = stepped_fork();
  int fst = 0;
  sc6(61, forked, (i64)&fst, 0, 0, 0, 0);
  if (fst != 7 << 8) rsys(231, 2, 0, 0, 0, 0);
  rsys(231, e == 4321 && r == 66 && frame_tf == 0 && pushed_tf == 1 && h_nr == 39 ? 0 : 1, 0, 0, 0, 0);
}

void cmain(u64 *sp) {
  (void)sp;
  int st;
  i64 pid = fork_traced(child, &st);
  kv("first_stop_status", st);
  i64 request = PTRACE_CONT, inject = 0;
  int steps = 0, handler_stops = 0, own_traps = 0;
  for (int n = 0; n < 100; n++) {
    st = resume_wait(pid, request, inject);
    inject = 0;
    if ((st & 0x7f) != 0x7f) break;
    int sig = (st >> 8) & 0xff;
    int si[32];
    sc6(101, PTRACE_GETSIGINFO, pid, 0, (i64)si, 0, 0);
    u64 regs[27];
    sc6(101, PTRACE_GETREGS, pid, 0, (i64)regs, 0, 0);
    u64 rip = regs[REG_RIP];
    stop("status", st);
    stop("si_code", si[2]);
    if (rip >= (u64)s0 && rip <= (u64)s_end + 1) stop("rip_minus_s0", (i64)(rip - (u64)s0));
    else if (rip >= (u64)t0 && rip <= (u64)t_end + 1) stop("rip_minus_t0", (i64)(rip - (u64)t0));
    else if (rip >= (u64)u0 && rip <= (u64)u_end + 1) stop("rip_minus_u0", (i64)(rip - (u64)u0));
    else if (rip >= (u64)v0 && rip <= (u64)v_end + 1) stop("rip_minus_v0", (i64)(rip - (u64)v0));
    else if (rip == (u64)on_sigsys) stop("rip_at_handler", 1);
    else stop("rip_elsewhere", 1);
    stop("orig_rax", (i64)regs[REG_ORIG_RAX]);
    stop("tf", (i64)(regs[REG_EFLAGS] >> 8) & 1);
    out("\n");
    if (sig == SIGTRAP && (rip == (u64)s0 || rip == (u64)t0 || rip == (u64)v0)) {
      request = PTRACE_SINGLESTEP;
    } else if (sig == SIGTRAP && rip == (u64)u0) {
      request = PTRACE_SYSEMU_SINGLESTEP;
    } else if (sig == SIGTRAP && rip > (u64)u0 && rip <= (u64)u_end) {
      /* an emulated getppid's entry stop: the tracer answers it */
      if ((i64)regs[REG_ORIG_RAX] == 110 && regs[REG_RAX] == (u64)-38) {
        regs[REG_RAX] = 4321;
        sc6(101, PTRACE_SETREGS, pid, 0, (i64)regs, 0, 0);
      }
      steps++;
    } else if (sig == SIGTRAP && (rip == (u64)u_end + 1 || rip == (u64)v_end + 1)) {
      request = PTRACE_CONT;
    } else if (sig == SIGTRAP && rip > (u64)t0 && rip <= (u64)t_end) {
      /* the program's TF: after its popf set it, go on without stepping; its traps keep coming */
      if (request == PTRACE_SINGLESTEP && ((regs[REG_EFLAGS] >> 8) & 1)) request = PTRACE_CONT;
      own_traps++;
    } else if (sig == SIGTRAP && rip == (u64)t_end + 1) {
      request = PTRACE_CONT;
    } else if (sig == SIGTRAP && rip == (u64)on_sigsys) {
      handler_stops++;
      request = PTRACE_CONT;
    } else if (sig == SIGTRAP && rip == (u64)s_end + 1) {
      request = PTRACE_CONT;
    } else if (sig == SIGTRAP) {
      steps++;
      /* the registers written back as read: the forced TF, hidden, stays */
      sc6(101, PTRACE_SETREGS, pid, 0, (i64)regs, 0, 0);
    } else {
      inject = sig;
    }
  }
  kv("end_status", st);
  kv("steps", steps);
  kv("handler_stops", handler_stops);
  kv("own_tf_traps", own_traps);
  sc1(231, 0);
}
