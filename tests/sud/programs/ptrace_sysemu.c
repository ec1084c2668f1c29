/*
 * PTRACE_SYSEMU next to Syscall User Dispatch: a tracer emulates its
 * child's syscalls (UML's and gVisor's way) and prints every stop. Under
 * SYSEMU a call stops at its entry and never runs: it returns what the
 * tracer left in rax (-ENOSYS unless it wrote one), seccomp does not see
 * it, and there is no exit stop. Whether a call is emulated is decided as
 * it enters: a call entered under SYSEMU and resumed with PTRACE_SYSCALL
 * is still skipped, but has an exit stop; one entered under PTRACE_SYSCALL
 * and resumed with SYSEMU runs, without one. A syscall SUD dispatches has
 * no SYSEMU stop at all (SUD is checked first): the tracer sees only the
 * SIGSYS, as a signal-delivery stop.
 */
#include "sud.h"
#include "ptrace.h"

#define PTRACE_SYSEMU 31

typedef unsigned short u16;
typedef unsigned char u8;
typedef unsigned int u32;
struct sock_filter { u16 code; u8 jt, jf; u32 k; };
struct sock_fprog { u16 len; struct sock_filter *filter; };

static volatile unsigned char sel;
static void on_sigsys(int sig, void *info, void *uc) {
  (void)sig;
  record(info, uc);
  SAVED_RAX(uc) = 55;
}

#define NRESULTS 11
static volatile i64 results[NRESULTS];
static const char *const RESULTS[NRESULTS] = {
  "child_getppid_emulated", "child_getpid_left", "child_write_emulated", "child_marker_skipped", "child_gettid_filtered",
  "child_marker_ran", "child_gettid_unfiltered", "child_dispatched", "child_handler_code", "child_handler_nr",
  "child_int80_getpid_emulated",
};

static void child(void) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  /* SYSEMU: nothing runs; the tracer answers getppid and write, and leaves getpid's -ENOSYS */
  results[0] = osys(110, 0, 0, 0, 0, 0);
  results[1] = osys(39, 0, 0, 0, 0, 0);
  results[2] = osys(1, 1, (i64)"emulated write ran\n", 19, 0, 0);
  /* through int $0x80 (i386 getpid): rax as the tracer wrote it, all 64 bits */
  results[10] = i80(20, 0);
  /* the tracer resumes this one with PTRACE_SYSCALL: skipped still, with an exit stop */
  results[3] = osys(24, 0, 0, 0, 0, 0);
  /* PTRACE_SYSCALL: a seccomp filter (gettid: ERRNO 21) and SUD, the selector at ALLOW */
  struct sock_filter f[] = {
    { 0x20, 0, 0, 0 }, { 0x15, 0, 1, 186 }, { 0x06, 0, 0, 0x00050000 | 21 }, { 0x06, 0, 0, 0x7fff0000 },
  };
  struct sock_fprog p = { 4, f };
  osys(157, 38, 1, 0, 0, 0); /* PR_SET_NO_NEW_PRIVS */
  osys(317, 1, 0, (i64)&p, 0, 0);
  results[4] = osys(186, 0, 0, 0, 0, 0);
  sigact(SIGSYS, on_sigsys, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
  rsud(1, REGION, &sel);
  /* the tracer resumes this one with PTRACE_SYSEMU: it runs, without an exit stop */
  results[5] = osys(24, 0, 0, 0, 0, 0);
  /* SYSEMU again: seccomp does not see an emulated call */
  results[6] = osys(186, 0, 0, 0, 0, 0);
  /* a dispatched getpid: no SYSEMU stop, the SIGSYS (the tracer goes on with PTRACE_SYSCALL) */
  sel = 1;
  results[7] = osys(39, 0, 0, 0, 0, 0);
  sel = 0;
  results[8] = h_code;
  results[9] = h_nr;
  sc1(231, 3);
}

void cmain(u64 *sp) {
  (void)sp;
  int st;
  i64 pid = fork_traced(child, &st);
  kv("first_stop_status", st);
  kv("setoptions", sc6(101, PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD, 0, 0));
  int entry_stops = 0, exit_stops = 0, signal_stops = 0, markers = 0;
  i64 request = PTRACE_SYSEMU, inject = 0;
  for (int n = 0; n < 100; n++) {
    st = resume_wait(pid, request, inject);
    inject = 0;
    if ((st & 0x7f) != 0x7f) break;
    int sig = (st >> 8) & 0xff;
    unsigned char info[88];
    for (int i = 0; i < 88; i++) info[i] = 0xee;
    sc6(101, PTRACE_GET_SYSCALL_INFO, pid, sizeof info, (i64)info, 0, 0);
    u64 regs[27];
    sc6(101, PTRACE_GETREGS, pid, 0, (i64)regs, 0, 0);
    i64 nr = (i64)regs[REG_ORIG_RAX];
    stop("request", request);
    stop("status", st);
    stop("op", info[0]);
    stop("arch", *(u32 *)(info + 4));
    stop("orig_rax", nr);
    if (info[0] == 1) stop("rax", (i64)regs[REG_RAX]);
    if (info[0] == 2) stop("rval", *(i64 *)(info + 24));
    out("\n");
    if (sig != (SIGTRAP | 0x80)) {
      /* a signal-delivery stop: deliver it; the handler's rt_sigreturn must run, so no SYSEMU */
      signal_stops++;
      inject = sig;
      if (sig == SIGSYS) request = PTRACE_SYSCALL;
      continue;
    }
    if (info[0] == 2) {
      exit_stops++;
      continue;
    }
    entry_stops++;
    if (nr == 231) {
      print_peeked(pid, results, RESULTS, NRESULTS);
      request = PTRACE_SYSCALL;
      continue;
    }
    if (request == PTRACE_SYSEMU && (nr == 110 || nr == 1 || nr == 20)) {
      regs[REG_RAX] = nr == 110 ? 4242 : nr == 1 ? 19 : 0x100000005;
      sc6(101, PTRACE_SETREGS, pid, 0, (i64)regs, 0, 0);
    }
    if (nr == 24) {
      markers++;
      if (markers == 1) {
        regs[REG_RAX] = 7;
        sc6(101, PTRACE_SETREGS, pid, 0, (i64)regs, 0, 0);
        request = PTRACE_SYSCALL;
      } else if (markers == 2) {
        request = PTRACE_SYSEMU;
      }
    }
  }
  kv("end_status", st);
  kv("entry_stops", entry_stops);
  kv("exit_stops", exit_stops);
  kv("signal_stops", signal_stops);
  sc1(231, 0);
}
