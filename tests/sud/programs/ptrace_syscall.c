/*
 * ptrace syscall stops next to Syscall User Dispatch: a tracer follows its
 * child with PTRACE_SYSCALL and prints every stop (what wait4 says and
 * PTRACE_GET_SYSCALL_INFO's view). A syscall SUD dispatches has neither an
 * entry nor an exit stop (SUD is checked first and hides the rolled-back
 * call's exit); the tracer sees the SIGSYS as a signal-delivery stop. The
 * tracer also skips a call (orig_rax -1), renumbers one, sees seccomp's
 * ERRNO after the entry stop, takes seccomp's TRACE as a PTRACE_EVENT_SECCOMP
 * stop (skipping the call once, letting it run once), reads siginfo and
 * event messages, and injects a signal at a syscall stop.
 */
#include "sud.h"
#include "ptrace.h"

typedef unsigned short u16;
typedef unsigned char u8;
typedef unsigned int u32;
struct sock_filter { u16 code; u8 jt, jf; u32 k; };
struct sock_fprog { u16 len; struct sock_filter *filter; };

static volatile unsigned char sel;
static volatile i64 handled;
static void on_sigsys(int sig, void *info, void *uc) {
  (void)sig;
  record(info, uc);
  SAVED_RAX(uc) = 55;
}
static void on_usr1(int sig) { (void)sig; handled++; }

static i64 pid_like(i64 r) { return r > 0 ? 1 : r; }
#define NRESULTS 9
static volatile i64 results[NRESULTS];
static const char *const RESULTS[NRESULTS] = {
  "child_dispatched", "child_handler_code", "child_handler_nr", "child_skipped", "child_renumbered", "child_filtered", "child_usr1_handled",
  "child_seccomp_skipped", "child_seccomp_ran",
};

static void child(void) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  /* 1: plain calls, before and after the tracer sets TRACESYSGOOD */
  pid_like(osys(110, 0, 0, 0, 0, 0));
  pid_like(osys(110, 0, 0, 0, 0, 0));
  /* 2: SUD: getpid dispatched at BLOCK (no syscall stop), the handler's rt_sigreturn through the region */
  sigact(SIGSYS, on_sigsys, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
  rsud(1, REGION, &sel);
  sel = 1;
  i64 r = osys(39, 0, 0, 0, 0, 0);
  sel = 0;
  /* 3: the tracer skips this one (orig_rax -1, rax 1234) and turns the next getppid into sched_yield */
  i64 skipped = osys(102, 0, 0, 0, 0, 0);
  i64 renumbered = osys(110, 0, 0, 0, 0, 0);
  /* 4: seccomp's ERRNO after the entry stop */
  struct sock_filter f[] = {
    { 0x20, 0, 0, 0 }, { 0x15, 0, 1, 186 }, { 0x06, 0, 0, 0x00050000 | 21 },
    { 0x15, 0, 1, 39 }, { 0x06, 0, 0, 0x7ff00000 | 0x42 }, { 0x06, 0, 0, 0x7fff0000 },
  };
  struct sock_fprog p = { 6, f };
  osys(317, 1, 0, (i64)&p, 0, 0);
  i64 filtered = osys(186, 0, 0, 0, 0, 0);
  /* seccomp's TRACE: the tracer skips the first getpid (rax 4321) and lets the second run */
  i64 seccomp_skipped = osys(39, 0, 0, 0, 0, 0);
  i64 seccomp_ran = pid_like(osys(39, 0, 0, 0, 0, 0));
  /* 5: the tracer sends SIGUSR1 at the exit stop of this call */
  sigact(SIGUSR1, on_usr1, SA_RESTORER, restorer_out, 0);
  osys(24, 0, 0, 0, 0, 0);
  /* the tracer reads these at the exit_group's entry stop (PTRACE_PEEKDATA) */
  results[0] = r;
  results[1] = h_code;
  results[2] = h_nr;
  results[3] = skipped;
  results[4] = renumbered;
  results[5] = filtered;
  results[6] = handled;
  results[7] = seccomp_skipped;
  results[8] = seccomp_ran;
  sc1(231, 3);
}

void cmain(u64 *sp) {
  (void)sp;
  int st;
  i64 pid = fork_traced(child, &st);
  kv("first_stop_status", st);
  int n = 0, signal_stops = 0, syscall_stops = 0, skipped = 0, renumbered = 0, seccomp_stops = 0;
  i64 inject = 0;
  for (; n < 200; n++) {
    if (n == 2) kv("setoptions", sc6(101, PTRACE_SETOPTIONS, pid, 0, 0x81, 0, 0));
    st = resume_wait(pid, PTRACE_SYSCALL, inject);
    inject = 0;
    if ((st & 0x7f) != 0x7f) break;
    int sig = (st >> 8) & 0xff;
    unsigned char info[88];
    for (int i = 0; i < 88; i++) info[i] = 0xee;
    i64 size = sc6(101, PTRACE_GET_SYSCALL_INFO, pid, sizeof info, (i64)info, 0, 0);
    u64 regs[27];
    sc6(101, PTRACE_GETREGS, pid, 0, (i64)regs, 0, 0);
    i64 nr = (i64)regs[REG_ORIG_RAX];
    int sinfo[32];
    sc6(101, PTRACE_GETSIGINFO, pid, 0, (i64)sinfo, 0, 0);
    u64 msg = 0xeeee;
    sc6(101, PTRACE_GETEVENTMSG, pid, 0, (i64)&msg, 0, 0);
    stop("status", st);
    stop("si_signo", sinfo[0]);
    stop("si_code", sinfo[2]);
    stop("eventmsg", (i64)msg);
    stop("info_size", size);
    stop("op", info[0]);
    stop("arch", *(u32 *)(info + 4));
    stop("ip_is_rip", *(u64 *)(info + 8) == regs[REG_RIP]);
    stop("orig_rax", nr);
    if (info[0] == 1) {
      stop("nr", *(i64 *)(info + 24));
      stop("arg0_is_rdi", *(u64 *)(info + 32) == regs[14]);
      stop("rax", (i64)regs[REG_RAX]);
    } else if (info[0] == 2) {
      i64 rv = *(i64 *)(info + 24);
      stop("rval", nr == 110 || nr == 39 ? pid_like(rv) : rv);
      stop("is_error", info[32]);
    } else if (info[0] == 3) {
      stop("nr", *(i64 *)(info + 24));
      stop("ret_data", *(u32 *)(info + 80));
      stop("rax", (i64)regs[REG_RAX]);
    }
    if (sig == SIGSYS) {
      stop("si_syscall", sinfo[6]);
      stop("si_arch", (u32)sinfo[7]);
    }
    out("\n");
    if (sig != SIGTRAP && sig != (SIGTRAP | 0x80)) {
      /* a signal-delivery stop: deliver it */
      signal_stops++;
      inject = sig;
      continue;
    }
    syscall_stops++;
    if (info[0] == 3 && seccomp_stops++ == 0) {
      regs[REG_ORIG_RAX] = (u64)-1;
      regs[REG_RAX] = 4321;
      sc6(101, PTRACE_SETREGS, pid, 0, (i64)regs, 0, 0);
    }
    if (info[0] == 1 && nr == 231) {
      print_peeked(pid, results, RESULTS, NRESULTS);
    }
    if (info[0] == 1 && nr == 102 && !skipped) {
      skipped = 1;
      regs[REG_ORIG_RAX] = (u64)-1;
      regs[REG_RAX] = 1234;
      sc6(101, PTRACE_SETREGS, pid, 0, (i64)regs, 0, 0);
    } else if (info[0] == 1 && nr == 110 && skipped && !renumbered) {
      renumbered = 1;
      regs[REG_ORIG_RAX] = 24;
      sc6(101, PTRACE_SETREGS, pid, 0, (i64)regs, 0, 0);
    } else if (info[0] == 2 && nr == 186 && renumbered == 1) {
      renumbered = 2;
    } else if (info[0] == 2 && nr == 24 && renumbered == 2) {
      renumbered = 3;
      sc2(62, pid, 10);
    }
  }
  kv("end_status", st);
  kv("signal_stops", signal_stops);
  kv("syscall_stops", syscall_stops);
  kv("seccomp_stops", seccomp_stops);
  sc1(231, 0);
}
