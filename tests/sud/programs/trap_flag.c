/*
 * The trap flag (EFLAGS.TF) next to syscalls and Syscall User Dispatch:
 * a program sets TF with popf and takes a SIGTRAP (si_code TRAP_TRACE,
 * trapno 1) after each instruction that began with TF set, until a popf
 * clears it (that popf still traps). popf setting TF does not trap; a
 * syscall instruction's own trap is lost (the kernel returns with TF set,
 * so the trap comes after the next instruction), through `syscall` and
 * `int $0x80` alike. A dispatched syscall: the SIGSYS handler runs with TF
 * clear, its frame holds TF, and rt_sigreturn brings it back. An
 * instruction that faults, or int3, does not trap either: the handler's
 * rt_sigreturn brings TF back, and the instruction after traps. With
 * SIGTRAP at its default, TF kills. A rep-prefixed string instruction
 * traps after each iteration, at itself until the last. Each trap's ip is
 * printed as an offset from the start of the stepped code.
 */
#include "sud.h"

#define SIGTRAP 5
#define MAX_TRAPS 32
static volatile i64 ntraps, codes, trapnos, errs, addr_is_ip = 1;
static volatile u64 ips[MAX_TRAPS];
static void on_trap(int sig, void *info, void *ucv) {
  unsigned char *uc = ucv;
  (void)sig;
  u64 ip = *(u64 *)(uc + 40 + 128);
  if (ntraps < MAX_TRAPS) ips[ntraps] = ip;
  ntraps++;
  codes |= 1L << (*(int *)((char *)info + 8) & 31);
  trapnos |= 1L << (*(i64 *)(uc + 40 + 8 * 20) & 31);
  errs |= *(i64 *)(uc + 40 + 8 * 19);
  if (*(u64 *)((char *)info + 16) != ip) addr_is_ip = 0;
}

static volatile unsigned char sel;
static volatile i64 sigsys_tf = -1, sigsys_handler_tf = -1;
static void on_sigsys(int sig, void *info, void *uc) {
  (void)sig;
  record(info, uc);
  sigsys_tf = (*(u64 *)((unsigned char *)uc + 40 + 136) >> 8) & 1;
  u64 fl;
  __asm__ volatile("pushfq; pop %0" : "=r"(fl));
  sigsys_handler_tf = (fl >> 8) & 1;
  SAVED_RAX(uc) = 77;
}

/* stepped code: TF on, a nop, getppid through syscall, a nop, getpid through int $0x80, a nop, TF off */
extern char step1[];
extern i64 step1_run(void);
__asm__(".text\n.globl step1_run\nstep1_run:\n"
        " push %rbx\n pushfq\n orq $0x100, (%rsp)\n"
        ".globl step1\nstep1: popfq\n"
        " nop\n mov $110, %eax\n syscall\n nop\n"
        " mov $20, %eax\n int $0x80\n nop\n"
        " pushfq\n andq $-257, (%rsp)\n popfq\n"
        " nop\n pop %rbx\n ret\n");

/* stepped code around a syscall outside the dispatcher region (getpid) */
extern char step2[];
extern i64 step2_run(void);
__asm__(".text\n.globl step2_run\nstep2_run:\n"
        " pushfq\n orq $0x100, (%rsp)\n"
        ".globl step2\nstep2: popfq\n"
        " mov $39, %eax\n syscall\n nop\n nop\n"
        " pushfq\n andq $-257, (%rsp)\n popfq\n"
        " ret\n");

/* stepped code: int3, and a load from address 0 (7 bytes), which the SIGSEGV handler steps over */
extern char step3[];
extern void step3_run(void);
__asm__(".text\n.globl step3_run\nstep3_run:\n"
        " pushfq\n orq $0x100, (%rsp)\n"
        ".globl step3\nstep3: popfq\n"
        " nop\n int3\n nop\n mov 0, %eax\n nop\n nop\n"
        " pushfq\n andq $-257, (%rsp)\n popfq\n"
        " ret\n");

/* stepped code: rep movsb and repe cmpsb over 3 bytes (rdi, rsi: the buffers) */
extern char step4[];
extern void step4_run(char *d, const char *s);
__asm__(".text\n.globl step4_run\nstep4_run:\n"
        " pushfq\n orq $0x100, (%rsp)\n"
        ".globl step4\nstep4: popfq\n"
        " push %rdi\n push %rsi\n mov $3, %ecx\n rep movsb\n"
        " pop %rsi\n pop %rdi\n mov $3, %ecx\n repe cmpsb\n"
        " pushfq\n andq $-257, (%rsp)\n popfq\n"
        " ret\n");
static char buf_src[8] = "abc", buf_dst[8];

static volatile i64 segvs;
static void on_segv(int sig, void *info, void *uc) {
  (void)sig;
  (void)info;
  segvs++;
  *(u64 *)((unsigned char *)uc + 40 + 128) += 7;
}

static void report(const char *name, const char *base) {
  out(name);
  out(":");
  for (i64 i = 0; i < ntraps && i < MAX_TRAPS; i++) {
    out(" ");
    outi((i64)ips[i] - (i64)base);
  }
  out("\n");
}

void cmain(u64 *sp) {
  (void)sp;
  sigact(SIGTRAP, on_trap, SA_SIGINFO | SA_RESTORER, restorer_out, 0);
  i64 r = step1_run();
  kv("step1_traps", ntraps);
  kv("step1_result_pid_like", r > 0);
  report("step1_trap_offsets", step1);
  kv("si_codes", codes);
  kv("trapnos", trapnos);
  kv("errs", errs);
  kv("si_addr_is_ip", addr_is_ip);
  ntraps = 0;
  /* both handlers return through the region: the selector is at BLOCK while they run */
  sigact(SIGTRAP, on_trap, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
  sigact(SIGSYS, on_sigsys, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
  rsud(1, REGION, &sel);
  sel = 1;
  r = step2_run();
  sel = 0;
  kv("step2_traps", ntraps);
  kv("step2_result", r);
  report("step2_trap_offsets", step2);
  kv("sigsys_count", h_count);
  kv("sigsys_saved_tf", sigsys_tf);
  kv("sigsys_handler_tf", sigsys_handler_tf);
  kv("sigsys_ip_minus_step2", h_rip - (i64)step2);
  rsud(0, 0, 0, 0);
  ntraps = 0;
  codes = 0;
  trapnos = 0;
  sigact(SIGSEGV, on_segv, SA_SIGINFO | SA_RESTORER, restorer_out, 0);
  step3_run();
  kv("step3_traps", ntraps);
  kv("step3_segvs", segvs);
  kv("step3_si_codes", codes);
  kv("step3_trapnos", trapnos);
  report("step3_trap_offsets", step3);
  ntraps = 0;
  step4_run(buf_dst, buf_src);
  kv("step4_traps", ntraps);
  report("step4_trap_offsets", step4);
  /* TF with SIGTRAP at its default: killed (no core file: RLIMIT_CORE 0) */
  i64 pid = sc0(57);
  if (pid == 0) {
    u64 zero[2] = {0, 0};
    sc2(160, 4, (i64)zero);
    sigact(SIGTRAP, 0, SA_RESTORER, restorer_out, 0);
    step1_run();
    sc1(231, 9);
  }
  int st = 0;
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  kv("default_sigtrap_status", st);
  rsys(231, 0, 0, 0, 0, 0);
}
