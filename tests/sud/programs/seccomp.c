/*
 * seccomp next to Syscall User Dispatch: SUD decides first (a dispatched
 * syscall never reaches the filters), then strict mode or the filters:
 * their actions and precedence, what a filter sees (number, arch,
 * instruction pointer, 64-bit arguments), SIGSYS with SYS_SECCOMP,
 * inheritance across fork and execve, prctl and the checks of a filter.
 * Each scenario runs in a child (a filter cannot be removed); the parent
 * prints how the child ended.
 */
#include "sud.h"

typedef unsigned short u16;
typedef unsigned char u8;
typedef unsigned int u32;
struct sock_filter { u16 code; u8 jt, jf; u32 k; };
struct sock_fprog { u16 len; struct sock_filter *filter; };

#define RET_KILL_PROCESS 0x80000000U
#define RET_KILL_THREAD 0x00000000U
#define RET_TRAP 0x00030000U
#define RET_ERRNO 0x00050000U
#define RET_TRACE 0x7ff00000U
#define RET_LOG 0x7ffc0000U
#define RET_ALLOW 0x7fff0000U

static i64 seccomp(u64 op, u64 flags, void *args) { return rsys(317, (i64)op, (i64)flags, (i64)args, 0, 0); }
static i64 install(struct sock_filter *f, u16 n) {
  struct sock_fprog p = { n, f };
  return seccomp(1, 0, &p);
}
/* nr == want: ret r; else allow (loads seccomp_data word `word`: 0 nr, 1 arch) */
static i64 when(u32 word, u32 want, u32 r) {
  struct sock_filter f[] = { { 0x20, 0, 0, word * 4 }, { 0x15, 0, 1, want }, { 0x06, 0, 0, r }, { 0x06, 0, 0, RET_ALLOW } };
  return install(f, 4);
}
/* a line that should never print (the call before it ends the process): not a key of its own */
static void never(const char *k, i64 v) { kv(k, v); }
static i64 getpid_out(void) { return osys(39, 0, 0, 0, 0, 0); }
static volatile unsigned char sel;
static u64 pid_like(i64 r) { return r > 0 ? 1 : (u64)r; }

static void emulate_in(int sig, void *info, void *uc) {
  (void)sig;
  record(info, uc);
  SAVED_RAX(uc) = 77;
}

/* the "Seccomp:" style line of /proc/self/status as a number (-1: missing) */
static i64 status_field(const char *name) {
  static char buf[4096];
  i64 fd = rsys(2, (i64)"/proc/self/status", 0, 0, 0, 0);
  if (fd < 0) return -1000 + fd;
  i64 n = rsys(0, fd, (i64)buf, sizeof buf - 1, 0, 0);
  rsys(3, fd, 0, 0, 0, 0);
  if (n < 0) return -2000 + n;
  buf[n] = 0;
  for (i64 i = 0; i < n; i++) {
    if (i && buf[i - 1] != '\n') continue;
    const char *a = name, *b = buf + i;
    while (*a && *a == *b) a++, b++;
    if (*a || *b != ':') continue;
    b++;
    while (*b == '\t' || *b == ' ') b++;
    i64 v = 0;
    while (*b >= '0' && *b <= '9') v = v * 10 + (*b++ - '0');
    return v;
  }
  return -1;
}

static void show_trap(const char *p) {
  char k[64];
  const char *f[] = { "count", "signo", "errno", "code", "call_is_osys_after", "nr", "arch" };
  i64 v[] = { h_count, h_signo, h_errno, h_code, h_call == (i64)osys_after, h_nr, h_arch };
  for (int i = 0; i < 7; i++) {
    int j = 0;
    for (const char *s = p; *s; s++) k[j++] = *s;
    k[j++] = '_';
    for (const char *s = f[i]; *s; s++) k[j++] = *s;
    k[j] = 0;
    kv(k, v[i]);
  }
}

static void scenario(const char *s, char *self) {
  if (streq(s, "nnp")) {
    kv("nnp_get_before", rsys(157, 39, 0, 0, 0, 0));
    kv("nnp_set_bad_arg", rsys(157, 38, 2, 0, 0, 0));
    kv("nnp_set_extra_arg", rsys(157, 38, 1, 1, 0, 0));
    kv("nnp_set", rsys(157, 38, 1, 0, 0, 0));
    kv("nnp_get_bad_arg", rsys(157, 39, 1, 0, 0, 0));
    kv("nnp_get_after", rsys(157, 39, 0, 0, 0, 0));
    kv("nnp_status", status_field("NoNewPrivs"));
    kv("nnp_seccomp_mode", rsys(157, 21, 0, 0, 0, 0));
  } else if (streq(s, "errno")) {
    kv("errno_install", when(0, 39, RET_ERRNO | 7));
    kv("errno_getpid", getpid_out());
    kv("errno_getppid", pid_like(osys(110, 0, 0, 0, 0, 0)));
    kv("errno_mode", rsys(157, 21, 0, 0, 0, 0));
    kv("errno_status_mode", status_field("Seccomp"));
    kv("errno_status_filters", status_field("Seccomp_filters"));
    kv("errno_capped_install", when(0, 110, RET_ERRNO | 5000));
    kv("errno_capped", osys(110, 0, 0, 0, 0, 0));
    kv("errno_status_filters2", status_field("Seccomp_filters"));
  } else if (streq(s, "trap")) {
    sigact(SIGSYS, emulate_in, SA_SIGINFO | SA_RESTORER, restorer_out, 0);
    kv("trap_install", when(0, 39, RET_TRAP | 0x1234));
    kv("trap_getpid", getpid_out());
    show_trap("trap");
    kv("trap_saved_rax", h_rax);
  } else if (streq(s, "sud_first")) {
    /* SUD dispatches getpid before the filter could trap it; at ALLOW, the filter traps it */
    sigact(SIGSYS, emulate_in, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
    kv("sud_first_install", when(0, 39, RET_TRAP | 5));
    kv("sud_first_arm", rsud(1, REGION, &sel));
    sel = 1;
    kv("sud_first_blocked", getpid_out());
    show_trap("sud_first_dispatch");
    sel = 0;
    kv("sud_first_allowed", getpid_out());
    show_trap("sud_first_seccomp");
    /* a filter that kills getpid: a dispatched getpid still goes to the handler */
    kv("sud_first_kill_install", when(0, 39, RET_KILL_PROCESS));
    sel = 1;
    kv("sud_first_dispatched_past_kill", getpid_out());
    kv("sud_first_count", h_count);
    sel = 0;
  } else if (streq(s, "data")) {
    /* ERRNO from the high word of args[0]; ERRNO 11 for i386 calls; ERRNO from the ip's low 12 bits for getppid */
    struct sock_filter f[] = {
      { 0x20, 0, 0, 4 }, { 0x15, 0, 1, 0x40000003 }, { 0x06, 0, 0, RET_ERRNO | 11 },
      { 0x20, 0, 0, 0 }, { 0x15, 0, 4, 39 },
      { 0x20, 0, 0, 20 }, { 0x54, 0, 0, 0xff }, { 0x44, 0, 0, RET_ERRNO }, { 0x16, 0, 0, 0 },
      { 0x15, 0, 4, 110 }, { 0x20, 0, 0, 8 }, { 0x54, 0, 0, 0xfff }, { 0x44, 0, 0, RET_ERRNO },
      { 0x16, 0, 0, 0 }, { 0x06, 0, 0, RET_ALLOW },
    };
    kv("data_install", install(f, sizeof f / sizeof f[0]));
    kv("data_arg_high", osys(39, 0x2a00000000L, 0, 0, 0, 0));
    kv("data_errno_zero", osys(39, 0x2a, 0, 0, 0, 0));
    kv("data_i386", i80(20, 0));
    kv("data_ip", osys(110, 0, 0, 0, 0, 0));
    kv("data_ip_expected", -(i64)((u64)osys_after & 0xfff));
    /* the number is rax's low 32 bits: sched_yield with bit 32 set matches neither 39 nor 110 */
    kv("data_upper_nr", osys(0x100000018L, 0, 0, 0, 0, 0));
  } else if (streq(s, "precedence")) {
    sigact(SIGSYS, emulate_in, SA_SIGINFO | SA_RESTORER, restorer_out, 0);
    kv("prec_install1", when(0, 39, RET_ERRNO | 3));
    kv("prec_install2", when(0, 39, RET_ERRNO | 4));
    kv("prec_same_action_newest", getpid_out());
    kv("prec_install3", when(0, 110, RET_TRAP | 9));
    kv("prec_install4", when(0, 110, RET_LOG));
    kv("prec_trap_over_log", osys(110, 0, 0, 0, 0, 0));
    show_trap("prec");
    kv("prec_install5", when(0, 39, RET_TRACE));
    kv("prec_errno_over_trace", getpid_out());
    kv("prec_install6", when(0, 186, RET_TRACE));
    kv("prec_trace_without_tracer", osys(186, 0, 0, 0, 0, 0));
    kv("prec_filters", status_field("Seccomp_filters"));
    kv("prec_tsync_alone", ({ struct sock_filter f[] = { { 0x06, 0, 0, RET_ALLOW } }; struct sock_fprog p = { 1, f }; seccomp(1, 1, &p); }));
  } else if (streq(s, "kill_process")) {
    kv("kill_install", when(0, 39, RET_KILL_PROCESS));
    getpid_out();
    never("kill_survived", 1);
  } else if (streq(s, "kill_thread")) {
    kv("kill_thread_install", when(0, 39, RET_KILL_THREAD));
    getpid_out();
    never("kill_thread_survived", 1);
  } else if (streq(s, "unknown_action")) {
    kv("unknown_install", when(0, 39, 0x12340000));
    getpid_out();
    never("unknown_survived", 1);
  } else if (streq(s, "trap_blocked")) {
    sigact(SIGSYS, emulate_in, SA_SIGINFO | SA_RESTORER, restorer_out, 0);
    mask_set(0, BIT(SIGSYS));
    kv("trap_blocked_install", when(0, 39, RET_TRAP));
    getpid_out();
    never("trap_blocked_survived", 1);
  } else if (streq(s, "strict")) {
    kv("strict_flags", seccomp(0, 1, 0));
    kv("strict_args", seccomp(0, 0, (void *)8));
    kv("strict_enter", rsys(157, 22, 1, 0, 0, 0));
    kv("strict_write_works", 1);
    getpid_out();
    never("strict_survived", 1);
  } else if (streq(s, "modes")) {
    kv("modes_filter", when(0, 39, RET_ERRNO | 1));
    kv("modes_then_strict", seccomp(0, 0, 0));
    kv("modes_prctl_strict", rsys(157, 22, 1, 0, 0, 0));
    kv("modes_prctl_bad_mode", rsys(157, 22, 3, 0, 0, 0));
    kv("modes_get", rsys(157, 21, 0, 0, 0, 0));
  } else if (streq(s, "checks")) {
    struct sock_filter ok[] = { { 0x06, 0, 0, RET_ALLOW } };
    struct sock_fprog p0 = { 0, ok }, pbig = { 4097, ok }, pfault = { 1, (struct sock_filter *)8 };
    kv("check_len0", seccomp(1, 0, &p0));
    kv("check_len4097", seccomp(1, 0, &pbig));
    kv("check_prog_fault", seccomp(1, 0, &pfault));
    kv("check_args_fault", seccomp(1, 0, (void *)8));
    kv("check_unknown_flag", seccomp(1, 64, &p0));
    kv("check_unknown_op", seccomp(7, 0, 0));
    struct sock_filter jout[] = { { 0x15, 5, 0, 1 }, { 0x06, 0, 0, RET_ALLOW } };
    kv("check_jump_out", install(jout, 2));
    struct sock_filter jaout[] = { { 0x05, 0, 0, 1 }, { 0x06, 0, 0, RET_ALLOW } };
    kv("check_ja_out", install(jaout, 2));
    struct sock_filter noret[] = { { 0x20, 0, 0, 0 } };
    kv("check_no_ret", install(noret, 1));
    struct sock_filter ld64[] = { { 0x20, 0, 0, 64 }, { 0x06, 0, 0, RET_ALLOW } };
    kv("check_load_past_data", install(ld64, 2));
    struct sock_filter ld2[] = { { 0x20, 0, 0, 2 }, { 0x06, 0, 0, RET_ALLOW } };
    kv("check_load_unaligned", install(ld2, 2));
    struct sock_filter ldb[] = { { 0x30, 0, 0, 0 }, { 0x06, 0, 0, RET_ALLOW } };
    kv("check_load_byte", install(ldb, 2));
    struct sock_filter div0[] = { { 0x34, 0, 0, 0 }, { 0x06, 0, 0, RET_ALLOW } };
    kv("check_div_zero", install(div0, 2));
    struct sock_filter memrd[] = { { 0x60, 0, 0, 3 }, { 0x06, 0, 0, RET_ALLOW } };
    kv("check_mem_unset", install(memrd, 2));
    struct sock_filter mem16[] = { { 0x02, 0, 0, 16 }, { 0x06, 0, 0, RET_ALLOW } };
    kv("check_mem_16", install(mem16, 2));
    /* stored on one path only: the read after the join is refused */
    struct sock_filter mempath[] = { { 0x20, 0, 0, 0 }, { 0x15, 0, 1, 39 }, { 0x02, 0, 0, 1 }, { 0x60, 0, 0, 1 }, { 0x16, 0, 0, 0 } };
    kv("check_mem_one_path", install(mempath, 5));
    /* len loads, scratch memory, X and the ALU: ERRNO(64 / 2 * 3 - 1 = 95) for getpid */
    struct sock_filter alu[] = {
      { 0x20, 0, 0, 0 }, { 0x15, 1, 0, 39 }, { 0x06, 0, 0, RET_ALLOW },
      { 0x80, 0, 0, 0 }, { 0x02, 0, 0, 4 }, { 0x01, 0, 0, 2 }, { 0x60, 0, 0, 4 }, { 0x3c, 0, 0, 0 },
      { 0x24, 0, 0, 3 }, { 0x14, 0, 0, 1 }, { 0x44, 0, 0, RET_ERRNO }, { 0x16, 0, 0, 0 },
    };
    kv("check_alu_install", install(alu, sizeof alu / sizeof alu[0]));
    kv("check_alu_getpid", getpid_out());
    u32 a = RET_ALLOW, bad = 0x12340000;
    kv("check_avail_allow", seccomp(2, 0, &a));
    kv("check_avail_unknown", seccomp(2, 0, &bad));
    kv("check_avail_flags", seccomp(2, 1, &a));
    kv("check_avail_fault", seccomp(2, 0, (void *)8));
  } else if (streq(s, "inherit")) {
    kv("inherit_install", when(0, 39, RET_ERRNO | 9));
    i64 pid = sc0(57);
    if (pid == 0) {
      kv("inherit_child_getpid", getpid_out());
      kv("inherit_child_mode", rsys(157, 21, 0, 0, 0, 0));
      sc1(231, 0);
    }
    int st = 0;
    sc6(61, pid, (i64)&st, 0, 0, 0, 0);
    kv("inherit_child_status", st);
    char *argv[] = { self, "after_exec", 0 };
    char *envp[] = { 0 };
    never("inherit_exec", sc3(59, "/proc/self/exe", argv, envp));
  } else if (streq(s, "after_exec")) {
    kv("exec_getpid", getpid_out());
    kv("exec_mode", rsys(157, 21, 0, 0, 0, 0));
    kv("exec_filters", status_field("Seccomp_filters"));
  } else {
    never("unknown_scenario", 1);
  }
  sc1(231, 0);
}

static const char *const SCENARIOS[] = {
  "nnp", "errno", "trap", "sud_first", "data", "precedence", "kill_process", "kill_thread", "unknown_action",
  "trap_blocked", "strict", "modes", "checks", "inherit",
};

void cmain(u64 *sp) {
  char **argv = (char **)(sp + 1);
  if (sp[0] > 1) scenario(argv[1], argv[0]);
  /* no core files from the killed scenarios */
  u64 zero[2] = { 0, 0 };
  sc2(160, 4, zero);
  for (u64 i = 0; i < sizeof SCENARIOS / sizeof SCENARIOS[0]; i++) {
    i64 pid = sc0(57);
    if (pid == 0) scenario(SCENARIOS[i], argv[0]);
    int st = 0;
    sc6(61, pid, (i64)&st, 0, 0, 0, 0);
    out(SCENARIOS[i]);
    out((st & 0x7f) ? "_killed=" : "_exit=");
    outi((st & 0x7f) ? (st & 0x7f) : (st >> 8) & 0xff);
    out("\n");
  }
  sc1(231, 0);
}
