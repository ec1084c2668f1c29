/*
 * The SIGCHLD a stop or a continue sends (do_notify_parent_cldstop): a
 * child's job-control stop (CLD_STOPPED) and its SIGCONT (CLD_CONTINUED)
 * to its parent, a tracee's ptrace stops (CLD_TRAPPED, si_status the
 * stop's signal) and a seized tracee's PTRACE_EVENT_STOP to its tracer,
 * none under SA_NOCLDSTOP. SIGCHLD is blocked throughout and each one
 * taken with sigtimedwait after the wait that saw the event (after a
 * continued child said it runs: the continue's SIGCHLD is sent on its way
 * back to user mode), so the order of things does not depend on
 * scheduling.
 */
#include "sud.h"
#include "ptrace.h"

#define PTRACE_SEIZE 0x4206
#define PTRACE_INTERRUPT 0x4207
#define WUNTRACED 2
#define WCONTINUED 8
#define SIGCONT 18
#define SIGCHLD 17
#define SA_NOCLDSTOP 1

/* The SIGCHLD pending now, if any: its code and status (and whether it names child), printed as key=value. */
static void sigchld(const char *what, i64 child) {
  u64 set = BIT(SIGCHLD);
  unsigned char si[128];
  i64 ts[2] = {0, 0};
  i64 r = sc6(128, (i64)&set, (i64)si, (i64)ts, 8, 0, 0);
  out(what);
  out(": ");
  if (r != SIGCHLD) {
    stop("none", r);
  } else {
    stop("code", *(int *)(si + 8));
    stop("status", *(int *)(si + 24));
    stop("pid_is_child", *(int *)(si + 16) == child);
  }
  out("\n");
}

/*
 * Stops itself; once continued, says so (a byte on `back`: its parent's
 * SIGCHLD is sent on its way back to user mode, before that) and ends when
 * the parent says (a byte on `go`), after the parent's check.
 */
static int go[2], back[2];
static void self_stop(void) {
  char c;
  sc2(62, sc0(39), SIGSTOP);
  sc3(1, back[1], "r", 1);
  sc3(0, go[0], &c, 1);
  quit(7);
}

/* The child continued and running again: its byte on `back`. */
static void running(void) {
  char c;
  sc3(0, back[0], &c, 1);
}

static void traced_self_stop(void) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  sc0(39);
  quit(8);
}

static volatile int spin = 1;
static void spinning(void) {
  while (spin) {}
  quit(9);
}

void cmain(void) {
  mask_set(0, BIT(SIGCHLD));
  sc1(22, go);
  sc1(22, back);

  i64 pid = sc0(57);
  if (pid == 0) self_stop();
  kv("stopped", wait_status(pid, WUNTRACED));
  sigchld("job_stop", pid);
  sc2(62, pid, SIGCONT);
  kv("continued", wait_status(pid, WCONTINUED));
  running();
  sigchld("job_continue", pid);
  sc3(1, go[1], "g", 1);
  kv("exited", wait_status(pid, 0));
  sigchld("exit", pid);

  pid = sc0(57);
  if (pid == 0) traced_self_stop();
  kv("trace_stop", wait_status(pid, 0));
  sigchld("signal_delivery_stop", pid);
  sc6(101, PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD, 0, 0);
  kv("syscall_stop", resume_wait(pid, PTRACE_SYSCALL, 0));
  sigchld("syscall_stop", pid);
  kv("tracee_exit", resume_wait(pid, PTRACE_CONT, 0));
  sigchld("tracee_exit", pid);

  pid = sc0(57);
  if (pid == 0) spinning();
  sc6(101, PTRACE_SEIZE, pid, 0, 0, 0, 0);
  sc6(101, PTRACE_INTERRUPT, pid, 0, 0, 0, 0);
  kv("event_stop", wait_status(pid, 0));
  sigchld("event_stop", pid);
  sc6(101, 5, pid, (i64)&spin, 0, 0, 0);
  kv("seized_exit", resume_wait(pid, PTRACE_CONT, 0));
  sigchld("seized_exit", pid);

  /* SA_NOCLDSTOP: stops and continues send nothing, the end still does */
  sigact(SIGCHLD, restorer_in, SA_NOCLDSTOP | SA_RESTORER, restorer_in, 0);
  pid = sc0(57);
  if (pid == 0) self_stop();
  kv("nocldstop_stopped", wait_status(pid, WUNTRACED));
  sigchld("nocldstop_stop", pid);
  sc2(62, pid, SIGCONT);
  kv("nocldstop_continued", wait_status(pid, WCONTINUED));
  running();
  sigchld("nocldstop_continue", pid);
  sc3(1, go[1], "g", 1);
  kv("nocldstop_exited", wait_status(pid, 0));
  sigchld("nocldstop_exit", pid);
  quit(0);
}
