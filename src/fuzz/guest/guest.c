/*
 * The fuzz guest: one static x86-64 program that carries out any fuzz case.
 * docs/fuzz-case.md is its specification: fixed addresses, the case layout,
 * the steps, the SIGSYS handler and the log. The same ELF runs in the engine
 * (the case written at CASE with the direct flag) and on the host kernel
 * (standalone, or as a fork server), so both are judged on the same code.
 *
 * Every syscall after setup goes through a slot in the SITES page, so where
 * a syscall is issued is part of the case, housekeeping included (slot H).
 * Built by scripts/gen-fuzz-guest.sh; freestanding, no libc.
 */
typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef unsigned char u8;

#define SITES 0x10000000UL
#define SEL_RW 0x10010000UL
#define SEL_RO 0x10020000UL
#define CASE 0x10030000UL
#define LOG 0x10040000UL
#define LOG_BYTES 8192UL
#define SCRATCH (LOG + 4096UL)
#define UNMAPPED 0x10050000UL
#define TOP 0x7ffffffff000UL
#define KERNEL 0xffff800000000000UL
#define CAPACITY 255
#define SLOT_H 7
#define MAX_STEPS 32

#define REC_RET 1
#define REC_SIGSYS 2
#define REC_NESTED 3
#define REC_CHILD 4
#define REC_PTRACE1 5
#define REC_PTRACE2 6
#define REC_PTRACE3 7

#define SIGKILL 9
#define SIGSYS 31
#define SA_SIGINFO 4UL

/* ------------------------------------------------------------ the site page */
__asm__(".section .sites,\"ax\",@progbits\n"
        ".globl sites\n"
        "sites:\n"
        ".rept 8\n"
        "  syscall\n"
        "  ret\n"
        "  .fill 5, 1, 0xcc\n"
        "  int $0x80\n"
        "  ret\n"
        "  .fill 5, 1, 0xcc\n"
        "  mov $15, %eax\n"
        "  syscall\n"
        "  ud2\n"
        "  .fill 7, 1, 0xcc\n"
        ".endr\n"
        ".fill 4096 - 256, 1, 0xcc\n"
        ".text\n");

__attribute__((section(".selrw"), aligned(4096))) volatile u8 sel_rw[4096];
/* read-only from the start: defined in assembly so that the section is not writable */
__asm__(".section .selro,\"a\",@progbits\n"
        ".balign 4096\n"
        ".globl sel_ro\n"
        "sel_ro:\n"
        ".fill 4096, 1, 0\n"
        ".text\n");
extern const volatile u8 sel_ro[4096];

/* The case: a zero-step default until a runner writes or patches one. */
__attribute__((section(".fuzzcase"), aligned(4096))) volatile u64 fuzz_case[512] = {
    0x3145534143445553UL, 0, 0, 0, 0, 0, (u64)-1, (u64)-1, 0, 8,
};

/* ------------------------------------------------------------ raw syscalls (setup only, SUD is off) */
static inline i64 raw6(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e, i64 f) {
  register i64 r10 __asm__("r10") = d;
  register i64 r8 __asm__("r8") = e;
  register i64 r9 __asm__("r9") = f;
  i64 r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return r;
}
#define raw(n, a, b, c) raw6(n, (i64)(a), (i64)(b), (i64)(c), 0, 0, 0)

/* ------------------------------------------------------------ syscalls through a slot */
static i64 slot_call(int slot, u64 nr, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5) {
  register u64 r10 __asm__("r10") = a4;
  register u64 r8 __asm__("r8") = a5;
  u64 fn = SITES + 32UL * (u64)slot;
  __asm__ volatile("call *%[fn]"
                   : "+a"(nr), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                   : [fn] "b"(fn)
                   : "rcx", "r9", "r11", "memory");
  return (i64)nr;
}
#define H(nr, a, b, c, d, e) slot_call(SLOT_H, (u64)(nr), (u64)(a), (u64)(b), (u64)(c), (u64)(d), (u64)(e))

static const struct { u64 nr, rdi; int pid_like; } harmless[9] = {
    {110, 0, 1}, {39, 0, 1}, {186, 0, 1}, {24, 0, 0}, {3, (u64)-1, 0},
    {1000, 0, 0}, {0x100000018UL, 0, 0}, {(u64)-1, 0, 0}, {99, 0, 0},
};

static u64 normalize(u64 idx, i64 r) {
  if (idx < 9 && harmless[idx].pid_like && r > 0) return 1;
  return (u64)r;
}

/* The slot's i386 entry (`int $0x80; ret` at +8): number in eax, first argument in ebx. */
static i64 slot_call80(int slot, u64 nr, u64 ebx) {
  register u64 fn __asm__("r12") = SITES + 32UL * (u64)slot + 8;
  __asm__ volatile("call *%[fn]"
                   : "+a"(nr), "+b"(ebx)
                   : [fn] "r"(fn)
                   : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
  return (i64)nr;
}

static const u64 harmless32[9] = {64, 20, 224, 158, 6, 1000, 0x10000009eUL, (u64)-1, 0x7fffffff};

static u64 issue(u64 slot, u64 idx) {
  if (idx >= 9 || slot >= 8) return (u64)-1;
  return normalize(idx, slot_call((int)slot, harmless[idx].nr, harmless[idx].rdi, 0, 0, 0, 0));
}

static u64 issue80(u64 slot, u64 idx) {
  if (idx >= 9 || slot >= 8) return (u64)-1;
  return normalize(idx, slot_call80((int)slot, harmless32[idx], harmless[idx].rdi));
}

/* ------------------------------------------------------------ process state */
static volatile u64 *const logw = (volatile u64 *)LOG;
static volatile u64 *const scratch = (volatile u64 *)SCRATCH;

/*
 * What the steps and the handler update as a case runs. It lives in guest_main's stack frame,
 * not in globals: the stack page under it is written by every case anyway, while globals would
 * dirty a .data and a .bss page more per case, each a frame the engine copies back on restore.
 * The semantics are those of globals: a forked child gets its own copy with the rest of the
 * stack, a thread shares it (same memory; it runs on thread_stack, so it writes nothing of the
 * parent's stack), an exec'd image starts over from a fresh guest_main. guest_main's frame is
 * above every frame called later, the handler's and a SIGSYS frame included, so none overwrites
 * it. Reached through `ps`, written once before the engine's hold, so its page stays clean.
 */
struct proc_state {
  u64 depth;           /* SIGSYS deliveries in this process */
  u64 cur_sel;         /* the selector of the last arm that returned 0 */
  u64 rw_prot;         /* what the guest believes of SEL_RW */
  u64 rw_mapped;
  u64 installed_flags; /* the flags of the last sigaction that installed a handler */
  u64 thread_args[3];  /* a thread step's slot, idx and selval, for the new thread */
  int ctid;            /* cleared by the kernel when a thread step's thread exits */
};
static volatile struct proc_state *ps;

static void rec(u64 head, u64 a, u64 b, u64 c) {
  u64 n = logw[0];
  if (n >= CAPACITY) {
    logw[1] = 1;
    return;
  }
  volatile u64 *r = logw + 4 + 4 * n;
  r[0] = head;
  r[1] = a;
  r[2] = b;
  r[3] = c;
  logw[0] = n + 1;
}

static int sel_write(u64 value) {
  u64 s = ps->cur_sel;
  if (s < SEL_RW || s >= SEL_RW + 4096 || !ps->rw_mapped || !(ps->rw_prot & 2)) return 0;
  *(volatile u8 *)s = (u8)value;
  return 1;
}

static u64 addr(u64 base, u64 delta) {
  static const u64 bases[7] = {0, SITES, SEL_RW, SEL_RO, TOP, UNMAPPED, KERNEL};
  return (base < 7 ? bases[base] : 0) + delta;
}

/* ------------------------------------------------------------ the SIGSYS handler */
struct ksigaction { u64 handler, flags, restorer, mask; };

static void handler(int sig, void *info, void *ucv) {
  (void)sig;
  volatile u64 *c = fuzz_case;
  u64 *uc = (u64 *)ucv;
  /* uc_mcontext starts 40 bytes into the ucontext; rax is its 14th word */
  u64 *rax = uc + 5 + 13;
  ps->depth = ps->depth + 1;
  if (ps->depth > c[9]) __asm__ volatile("ud2");
  u64 head = REC_SIGSYS, a = 0, b = 0;
  if (ps->installed_flags & SA_SIGINFO) {
    int *si = (int *)info;
    head |= ((u64)(si[0] & 0xff) << 8) | ((u64)(si[2] & 0xff) << 16) | ((u64)(si[1] & 0xff) << 24);
    a = *(u64 *)((char *)info + 16);
    b = (u64)(u32)si[6] | ((u64)(u32)si[7] << 32);
  }
  rec(head, a, b, *rax);
  if (c[6] != (u64)-1) sel_write(c[6]);
  if (c[7] != (u64)-1) rec(REC_NESTED, issue(c[7], c[8]), 0, 0);
  if (c[4]) *rax = c[5];
}

/* ------------------------------------------------------------ threads */
static u8 thread_stack[65536] __attribute__((aligned(16)));

void thread_main(void) {
  if (ps->thread_args[2] != (u64)-1) sel_write(ps->thread_args[2]);
  scratch[0] = issue(ps->thread_args[0], ps->thread_args[1]);
  H(60, 0, 0, 0, 0, 0);
  __asm__ volatile("ud2");
}

/* the new thread leaves slot H's syscall and its `ret` pops this entry */
__asm__(".text\n.globl thread_entry\nthread_entry:\n"
        "  and $-16, %rsp\n"
        "  call thread_main\n"
        "  ud2\n");
extern char thread_entry[];

/* ------------------------------------------------------------ the steps */
static void step_fork(u64 i, volatile u64 *s) {
  u64 before = ps->depth;
  scratch[0] = 0;
  scratch[1] = 0;
  i64 r = H(57, 0, 0, 0, 0, 0);
  if (ps->depth != before) {
    rec(REC_RET, i, normalize(1, r), 0xd15);
    return;
  }
  if (r == 0) {
    if (s[3] != (u64)-1) sel_write(s[3]);
    scratch[0] = issue(s[1], s[2]);
    scratch[1] = 1;
    H(231, 0, 0, 0, 0, 0);
    __asm__ volatile("ud2");
  }
  if (r > 0) {
    int status = 0;
    i64 w = H(61, r, (u64)&status, 0, 0, 0);
    while (!scratch[1]) __asm__ volatile("pause");
    rec(REC_CHILD, i, scratch[0], 0);
    rec(REC_RET, i, 1, w == r ? (u64)(u32)status : 0x10000 | ((u64)w & 0xffff));
    return;
  }
  rec(REC_RET, i, (u64)r, 0);
}

static void step_thread(u64 i, volatile u64 *s) {
  u64 before = ps->depth;
  ps->thread_args[0] = s[1];
  ps->thread_args[1] = s[2];
  ps->thread_args[2] = s[3];
  scratch[0] = 0;
  ps->ctid = -1;
  u64 *sp = (u64 *)(thread_stack + sizeof thread_stack - 64);
  *sp = (u64)thread_entry;
  u64 flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x200000;
  i64 r = H(56, flags, (u64)sp, 0, (u64)&ps->ctid, 0);
  if (ps->depth != before) {
    rec(REC_RET, i, normalize(2, r), 0xd15);
    return;
  }
  if (r > 0) {
    while (ps->ctid != 0) __asm__ volatile("pause");
    rec(REC_CHILD, i, scratch[0], 0);
    rec(REC_RET, i, 1, 0);
    return;
  }
  rec(REC_RET, i, (u64)r, 0);
}

static void step_ptrace(u64 i, volatile u64 *s) {
  u64 before = ps->depth;
  i64 r = H(57, 0, 0, 0, 0, 0);
  if (ps->depth != before) {
    rec(REC_RET, i, normalize(1, r), 0xd15);
    return;
  }
  if (r == 0) {
    H(101, 0, 0, 0, 0, 0); /* PTRACE_TRACEME */
    H(157, 59, s[1], addr(s[2], s[3]), addr(s[4], s[5]), addr(s[6], s[7]));
    __asm__ volatile("int3");
    for (;;) __asm__ volatile("pause");
  }
  if (r < 0) {
    rec(REC_RET, i, (u64)r, 0);
    return;
  }
  int st = 0;
  i64 w = H(61, r, (u64)&st, 0, 0, 0);
  if (w == r && (st & 0xff) == 0x7f) {
    u64 cfg[4] = {0, 0, 0, 0}, cfg2[4] = {0, 0, 0, 0};
    i64 g = H(101, 0x4211, r, 32, (u64)cfg, 0);
    i64 sset = H(101, 0x4210, r, 32, (u64)cfg, 0);
    i64 g2 = H(101, 0x4211, r, 32, (u64)cfg2, 0);
    int same = cfg[0] == cfg2[0] && cfg[1] == cfg2[1] && cfg[2] == cfg2[2] && cfg[3] == cfg2[3];
    rec(REC_PTRACE1, cfg[0], cfg[1], cfg[2]);
    rec(REC_PTRACE2, cfg[3], (u64)g, (u64)sset);
    rec(REC_PTRACE3, (u64)same, (u64)g2, (u64)(u32)st);
    u64 kd = ps->depth;
    H(62, r, SIGKILL, 0, 0, 0);
    if (ps->depth != kd) {
      rec(REC_RET, i, 1, 0xd15);
      return;
    }
    w = H(61, r, (u64)&st, 0, 0, 0);
  }
  rec(REC_RET, i, 1, w == r ? (u64)(u32)st : 0x10000 | ((u64)w & 0xffff));
}

static void step_exec(u64 i);

static void run_case_from(u64 start) {
  volatile u64 *c = fuzz_case;
  u64 n = c[3];
  if (n > MAX_STEPS) n = MAX_STEPS;
  for (u64 i = start; i < n; i++) {
    volatile u64 *s = c + 16 + 8 * i;
    i64 r;
    switch (s[0]) {
    case 1: /* arm */ {
      u64 sel = addr(s[6], s[7]);
      r = H(157, 59, s[1], addr(s[2], s[3]), addr(s[4], s[5]), sel);
      if (r == 0) ps->cur_sel = sel;
      rec(REC_RET, i, (u64)r, 0);
      break;
    }
    case 2: /* sel */
      rec(REC_RET, i, (u64)sel_write(s[1]), 0);
      break;
    case 3: /* sys */
      rec(REC_RET, i, s[3] == 1 ? issue80(s[1], s[2]) : issue(s[1], s[2]), 0);
      break;
    case 4: /* sigaction */ {
      struct ksigaction act;
      act.handler = s[1] == 2 ? (u64)handler : s[1] == 1 ? 1 : 0;
      act.flags = s[2];
      act.restorer = s[3] < 8 ? SITES + 32 * s[3] + 16 : 0;
      act.mask = s[4] ? 1UL << (SIGSYS - 1) : 0;
      u64 before = ps->depth;
      r = H(13, SIGSYS, (u64)&act, 0, 8, 0);
      /* an intercepted rt_sigaction installed nothing, whatever its handler returned */
      if (r == 0 && ps->depth == before) ps->installed_flags = s[2];
      rec(REC_RET, i, (u64)r, 0);
      break;
    }
    case 5: /* mask */ {
      u64 set = s[2];
      r = H(14, s[1], (u64)&set, 0, 8, 0);
      rec(REC_RET, i, (u64)r, 0);
      break;
    }
    case 6: /* prot */
      r = H(10, SEL_RW, 4096, s[1], 0, 0);
      if (r == 0) ps->rw_prot = s[1];
      rec(REC_RET, i, (u64)r, 0);
      break;
    case 7: /* unmap */
      r = H(11, SEL_RW, 4096, 0, 0, 0);
      if (r == 0) ps->rw_mapped = 0;
      rec(REC_RET, i, (u64)r, 0);
      break;
    case 8:
      step_fork(i, s);
      break;
    case 9:
      step_thread(i, s);
      break;
    case 10:
      step_ptrace(i, s);
      break;
    case 11:
      step_exec(i);
      break;
    default:
      rec(REC_RET, i, (u64)-22, 0);
      break;
    }
  }
  H(231, 0, 0, 0, 0, 0);
  __asm__ volatile("hlt");
}

static void run_case(void) { run_case_from(0); }

/* ------------------------------------------------------------ setup and runners */
static void setup_case(void) {
  volatile u64 *c = fuzz_case;
  u8 ro = (u8)c[2];
  if (sel_ro[0] != ro) {
    raw(10, SEL_RO, 4096, 3);
    *(volatile u8 *)SEL_RO = ro;
    raw(10, SEL_RO, 4096, 1);
  }
}

/* The runners keep the log in a memfd at this descriptor, so that it survives an exec step. */
#define LOG_FD 100

static void map_log_anon(void) {
  /* MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED: forked children write here too */
  raw6(9, LOG, LOG_BYTES, 3, 0x01 | 0x20 | 0x10, -1, 0);
}

/* The state an exec step's new image resumes from (see step_exec): a page of the guest's own
 * data, which no address base reaches, over which map_log maps the log memfd's page after the
 * log, so that the new image finds it as it finds the log. */
static volatile u64 exec_state[512] __attribute__((aligned(4096)));

/* The memfd's page after the log over exec_state (MAP_SHARED | MAP_FIXED); 0 where it fails. */
static int map_state(void) {
  return raw6(9, (i64)exec_state, 4096, 3, 0x01 | 0x10, LOG_FD, LOG_BYTES) == (i64)exec_state;
}

static void map_log(void) {
  /* over the runner's memfd when there is one (an exec'd image maps the same pages again) */
  if (raw6(9, LOG, LOG_BYTES, 3, 0x01 | 0x10, LOG_FD, 0) != (i64)LOG) map_log_anon();
  else map_state();
}

/* The runner's log and exec state: a memfd at LOG_FD (natively; where memfd_create fails,
 * anonymous memory, and an exec step's new image exits 125). */
static void make_log_fd(void) {
  i64 fd = raw(319, "sudsim-log", 0, 0); /* memfd_create */
  if (fd < 0) return;
  if (raw(77, fd, LOG_BYTES + 4096, 0) == 0) raw(33, fd, LOG_FD, 0); /* ftruncate, dup2 */
  raw(3, fd, 0, 0);
}

static void clear_log(void) {
  for (u64 i = 0; i < LOG_BYTES / 8; i++) ((volatile u64 *)LOG)[i] = 0;
}

static void put(const char *s, u64 n) { raw(1, 1, s, n); }

static void puthex(u64 v) {
  char b[19];
  int i = 18;
  b[i] = ' ';
  do { b[--i] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  b[--i] = 'x';
  b[--i] = '0';
  put(b + i, 19 - i);
}

static i64 read_full(u8 *p, u64 n) {
  u64 got = 0;
  while (got < n) {
    i64 r = raw(0, 0, p + got, n - got);
    if (r <= 0) return got ? -1 : 0;
    got += (u64)r;
  }
  return 1;
}

static void write_full(const u8 *p, u64 n) {
  while (n) {
    i64 r = raw(1, 1, p, n);
    if (r <= 0) raw(231, 3, 0, 0);
    p += r;
    n -= (u64)r;
  }
}

/* Runs the current case in a child of its own process group; returns its wait status. */
static int run_child(void) {
  clear_log();
  i64 pid = raw(57, 0, 0, 0);
  if (pid == 0) {
    raw(109, 0, 0, 0); /* setpgid(0, 0) */
    setup_case();
    run_case();
  }
  int st = 0;
  raw6(61, pid, (i64)&st, 0x40000000, 0, 0, 0); /* __WALL */
  raw(62, -pid, SIGKILL, 0);
  /* reap the rest: children of the case, and orphans handed to this subreaper */
  while (raw6(61, -1, 0, 0x40000000, 0, 0, 0) > 0) {}
  return st;
}

/*
 * Takes every free memory protection key (pkey_alloc until it fails). On a
 * CPU with PKU, Linux makes a PROT_EXEC-only page unreadable, even to the
 * kernel's selector load, by giving it a key of its own (the mm's
 * execute-only key), but only while a key is free; without a free key, as on
 * a CPU without PKU, such a page stays readable. The engine's CPU has no PKU
 * (docs/cpuid.md), so natively the guest holds every key, in each image it
 * runs: a case that protects the selector's page PROT_EXEC then sees what
 * the engine models on either side. In the engine the first call fails.
 */
static void hold_pkeys(void) {
  for (int i = 0; i < 16 && raw(330, 0, 0, 0) >= 0; i++) {}
}

static void runner_init(void) {
  u64 zero[2] = {0, 0};
  hold_pkeys();
  raw(160, 4, zero, 0);     /* setrlimit(RLIMIT_CORE, 0): no core files from killed cases */
  raw6(157, 36, 1, 0, 0, 0, 0); /* PR_SET_CHILD_SUBREAPER */
  make_log_fd();
  map_log();
}

static int streq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

/*
 * Natively, run with address-space randomization off, as the engine always
 * is: the stack then ends at TASK_SIZE_MAX in both, so a selector placed
 * just below the top of user space reads the same memory on both sides.
 */
static void no_aslr(u64 argc, char **argv) {
  i64 p = raw(135, 0xffffffffUL, 0, 0); /* personality(0xffffffff) reads it */
  if (p >= 0 && !(p & 0x0040000)) {   /* ADDR_NO_RANDOMIZE */
    raw(135, (u64)p | 0x0040000, 0, 0);
    raw(59, "/proc/self/exe", argv, argv + argc + 1);
  }
}

/* ------------------------------------------------------------ exec */
/* exec_state: a magic word, the step index, the case header and the case's steps, as words (an
 * argv string could carry them only packed, which cost the engine thousands of instructions). */
#define STATE_MAGIC 0x4554415453445553UL /* "SUDSTATE" */

static void step_exec(u64 i) {
  volatile u64 *c = fuzz_case;
  u64 n = c[3] > MAX_STEPS ? MAX_STEPS : c[3];
  exec_state[0] = STATE_MAGIC;
  exec_state[1] = i;
  for (u64 k = 0; k < 16 + 8 * n; k++) exec_state[2 + k] = c[k];
  static char *argv[3] = {"guest", "--resume", 0};
  static char *envp[1] = {0};
  i64 r = H(59, "/proc/self/exe", argv, envp, 0, 0);
  rec(REC_RET, i, (u64)r, 0);
}

/* The new image after an exec step: the case, the log so far, then the steps after it. */
static void resume(void) {
  hold_pkeys();
  /* the log so far and the state are the memfd's: mapped again, not rebuilt */
  if (raw6(9, LOG, LOG_BYTES, 3, 0x01 | 0x10, LOG_FD, 0) != (i64)LOG) raw(231, 125, 0, 0);
  if (!map_state() || exec_state[0] != STATE_MAGIC) raw(231, 125, 0, 0);
  u64 idx = exec_state[1];
  for (u64 k = 0; k < 16; k++) fuzz_case[k] = exec_state[2 + k];
  u64 n = fuzz_case[3] > MAX_STEPS ? MAX_STEPS : fuzz_case[3];
  for (u64 k = 16; k < 16 + 8 * n; k++) fuzz_case[k] = exec_state[2 + k];
  setup_case();
  rec(REC_RET, idx, 0, 0);
  run_case_from(idx + 1);
}

/* The stack a case runs on and the guest's bss (its globals, the thread's stack, the exec
 * state), present before the engine's snapshot, else every case faults the same pages in
 * again: the steps, the handler's frames and a SIGSYS frame fit in what is touched here. */
extern char __bss_start[], _end[];
static void __attribute__((noinline)) prefault(void) {
  volatile u8 below[24576];
  for (u64 i = 0; i < sizeof below; i += 4096) below[i] = 0;
  for (u64 a = (u64)__bss_start & ~4095UL; a < (u64)_end; a += 4096) *(volatile u8 *)a = *(volatile u8 *)a;
}

int guest_main(u64 argc, char **argv) {
  /* the process state a case starts from (see struct proc_state) */
  struct proc_state state = {.rw_prot = 3, .rw_mapped = 1};
  ps = &state;
  /* the store to ps before the hold below (no per-case write to its page), whatever is inlined */
  __asm__ volatile("" ::: "memory");
  if (argc > 1 && streq(argv[1], "--resume")) resume();
  if (fuzz_case[1] & 1) {
    /* direct: the engine runs the case in this very process, the log in a memfd at LOG_FD as
     * the runner's is natively (an exec step's new image maps it again) */
    make_log_fd();
    map_log();
    /* both log pages present now, SEL_RW a page of this process's own (the file's page is
     * shared copy-on-write until written), the stack and bss present, so that a snapshot
     * taken at the hold below has them as a case finds them */
    ((volatile u64 *)LOG)[0] = 0;
    ((volatile u64 *)SCRATCH)[0] = 0;
    sel_rw[0] = sel_rw[0];
    prefault();
    /* hold (bit 1): the engine snapshots the guest in this loop once, then each case's
     * bytes clear the bit, so no case repeats the setup above */
    while (fuzz_case[1] & 2) __asm__ volatile("pause");
    setup_case();
    run_case();
  }
  no_aslr(argc, argv);
  runner_init();
  if (argc > 1 && streq(argv[1], "--server")) {
    static u8 buf[4096];
    for (;;) {
      i64 r = read_full(buf, sizeof buf);
      if (r == 0) return 0;
      if (r < 0) return 2;
      for (u64 i = 0; i < 512; i++) fuzz_case[i] = ((u64 *)buf)[i];
      fuzz_case[1] = 0;
      u64 st = (u64)(u32)run_child();
      write_full((const u8 *)LOG, LOG_BYTES);
      write_full((const u8 *)&st, 8);
    }
  }
  int st = run_child();
  u64 n = logw[0] > CAPACITY ? CAPACITY : logw[0];
  for (u64 i = 0; i < n; i++) {
    volatile u64 *r = logw + 4 + 4 * i;
    put("rec ", 4);
    puthex(r[0] & 0xff);
    puthex(r[0] >> 8);
    puthex(r[1]);
    puthex(r[2]);
    puthex(r[3]);
    put("\n", 1);
  }
  if (logw[1]) put("overflow\n", 9);
  if ((st & 0x7f) == 0) {
    put("exit ", 5);
    puthex((u64)((st >> 8) & 0xff));
  } else {
    put("killed ", 7);
    puthex((u64)(st & 0x7f));
  }
  put("\n", 1);
  return 0;
}

__asm__(".text\n.globl _start\n_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov (%rsp), %rdi\n"
        "  lea 8(%rsp), %rsi\n"
        "  and $-16, %rsp\n"
        "  call guest_main\n"
        "  mov %eax, %edi\n"
        "  mov $231, %eax\n"
        "  syscall\n"
        "  hlt\n");
