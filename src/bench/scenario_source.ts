/**
 * The C source of every benchmark scenario, shipped as a string so that the
 * installed package can build it with the machine's cc at run time (the
 * native column and the engine run the same bytes).
 *
 * One source, built once per (syscall, mode) with -DSYSNO and -DMODE, so the
 * loop whose cost is measured is the same instructions in every scenario.
 */

/** How the scenario arms Syscall User Dispatch (the program's -DMODE). */
export const MODE = { off: 0, region: 1, selector: 2, dispatch: 3, intloop: 4 } as const;
export type ModeName = keyof typeof MODE;

/** The result the SIGSYS handler writes into the saved rax (the program checks it). */
export const EMULATED_RESULT = 4242;

export const SCENARIO_C = String.raw`/* One scenario of the seed's "sysinfo benchmark" (SEMANTICS.md, issue 5):
 * SYSNO (99 sysinfo, 110 getppid) issued n times under MODE:
 *   0 off       no Syscall User Dispatch
 *   1 region    armed, the loop's syscall inside the dispatcher region
 *               (selector at BLOCK: were it read, the loop would be dispatched)
 *   2 selector  armed, the loop outside the region, selector at ALLOW
 *   3 dispatch  armed, selector at BLOCK: each call is a SIGSYS whose handler
 *               writes the result into the saved rax and returns through an
 *               rt_sigreturn issued from inside the region
 *   4 intloop   no syscall: a tight integer loop (xorshift, multiply, add),
 *               the throughput workload of "sudsim bench peers"
 * Usage: scenario N [REPS]. Prints "ns T1 T2 ..." (CLOCK_MONOTONIC per rep).
 * Freestanding: every other syscall goes through region_syscall, inside the
 * region, so only the measured loop meets the dispatch check. */
typedef unsigned long u64;
#define STR1(x) #x
#define STR(x) STR1(x)
#define EMULATED 4242

extern char sud_region_start[], sud_region_end[], sigreturn_in_region[];
long region_syscall(long n, long a, long b, long c, long d, long e);
long loop_in_region(u64 n, void *arg);
long loop_outside(u64 n, void *arg);

/* The region: the syscall stub, the sigreturn restorer and one copy of the loop. */
__asm__(".text\n.globl sud_region_start\nsud_region_start:\n"
        "region_syscall:\n"
        "  mov %rdi, %rax\n  mov %rsi, %rdi\n  mov %rdx, %rsi\n"
        "  mov %rcx, %rdx\n  mov %r8, %r10\n  mov %r9, %r8\n"
        "  syscall\n  ret\n"
        ".globl sigreturn_in_region\nsigreturn_in_region:\n"
        "  mov $15, %eax\n  syscall\n  hlt\n"
        "loop_in_region:\n"
        "  mov %rdi, %r8\n  mov %rsi, %rdi\n  xor %eax, %eax\n"
        "  test %r8, %r8\n  jz 2f\n"
        "1:\n  mov $" STR(SYSNO) ", %eax\n  syscall\n  dec %r8\n  jnz 1b\n"
        "2:\n  ret\n"
        ".globl sud_region_end\nsud_region_end:\n"
        "  nop\n");

/* The same loop, byte for byte, outside the region. */
__asm__(".text\nloop_outside:\n"
        "  mov %rdi, %r8\n  mov %rsi, %rdi\n  xor %eax, %eax\n"
        "  test %r8, %r8\n  jz 2f\n"
        "1:\n  mov $" STR(SYSNO) ", %eax\n  syscall\n  dec %r8\n  jnz 1b\n"
        "2:\n  ret\n");

static volatile char selector;
static volatile u64 dispatched;
static u64 sysinfo_buf[16]; /* struct sysinfo is 112 bytes */

/* ucontext: uc_mcontext at +40, rax at mcontext +104 (SEMANTICS.md section 6) */
static void on_sigsys(int sig, void *info, void *uc) {
  (void)sig; (void)info;
  *(long *)((char *)uc + 40 + 104) = EMULATED;
  dispatched++;
}

static void put(const char *s) {
  long n = 0;
  while (s[n]) n++;
  region_syscall(1, 1, (long)s, n, 0, 0);
}

static void putu(u64 v) {
  char b[24];
  int i = 23;
  b[i] = 0;
  do { b[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  put(b + i);
}

static u64 parseu(const char *s) {
  u64 v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (u64)(*s++ - '0');
  return v;
}

static u64 now_ns(void) {
  long ts[2];
  region_syscall(228, 1 /* CLOCK_MONOTONIC */, (long)ts, 0, 0, 0);
  return (u64)ts[0] * 1000000000ul + (u64)ts[1];
}

static u64 intloop(u64 n) {
  u64 x = 0x9e3779b97f4a7c15ul, acc = 0;
  for (u64 i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    acc += x * 0x2545f4914f6cdd1dul + i;
  }
  return acc;
}

int bench_main(int argc, char **argv) {
  u64 n = argc > 1 ? parseu(argv[1]) : 1000;
  u64 reps = argc > 2 ? parseu(argv[2]) : 1;
  if (MODE == 3) {
    /* struct sigaction as the kernel reads it: handler, flags, restorer, mask */
    u64 act[4] = { (u64)on_sigsys, 0x4 | 0x04000000 /* SA_SIGINFO|SA_RESTORER */, (u64)sigreturn_in_region, 0 };
    if (region_syscall(13, 31, (long)act, 0, 8, 0) != 0) { put("rt_sigaction failed\n"); return 2; }
  }
  if (MODE >= 1 && MODE <= 3) {
    selector = MODE == 2 ? 0 /* ALLOW */ : 1 /* BLOCK */;
    long r = region_syscall(157, 59, 1 /* PR_SYS_DISPATCH_ON */, (long)sud_region_start,
                            (long)(sud_region_end - sud_region_start), (long)&selector);
    if (r != 0) { put("prctl(PR_SET_SYSCALL_USER_DISPATCH) failed: "); putu((u64)-r); put("\n"); return 3; }
  }
  put("ns");
  long last = 0;
  for (u64 i = 0; i < reps; i++) {
    u64 t0 = now_ns();
    if (MODE == 4) last = (long)intloop(n);
    else last = MODE == 1 ? loop_in_region(n, sysinfo_buf) : loop_outside(n, sysinfo_buf);
    u64 t1 = now_ns();
    put(" ");
    putu(t1 - t0);
  }
  put("\n");
  if (MODE == 4) { put("acc "); putu((u64)last); put("\n"); }
  /* each scenario checks it did what it claims */
  if (MODE == 3 && dispatched != n * reps) { put("dispatch count wrong\n"); return 4; }
  if (n > 0 && MODE != 4) {
    if (MODE == 3 ? last != EMULATED : SYSNO == 99 ? last != 0 : last <= 0) { put("wrong result\n"); return 5; }
  }
  return 0;
}

__asm__(".text\n.globl _start\n_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov (%rsp), %rdi\n"
        "  lea 8(%rsp), %rsi\n"
        "  and $-16, %rsp\n"
        "  call bench_main\n"
        "  mov %eax, %esi\n"
        "  mov $231, %edi\n"
        "  call region_syscall\n"
        "  hlt\n");
`;
