/*
 * PTRACE_SEIZE's own stops, as strace drives them: a child that stopped
 * itself with SIGSTOP is seized and interrupted (its group-stop becomes a
 * PTRACE_EVENT_STOP with SIGSTOP), SIGCONT ends the group-stop while it is
 * traced, PTRACE_LISTEN lets the tracee wait for that and re-trap (an
 * EVENT_STOP with SIGTRAP), and the tracee then sees SIGCONT delivered and
 * makes its syscalls under PTRACE_SYSCALL. Then: PTRACE_INTERRUPT of a
 * running tracee (an EVENT_STOP with SIGTRAP, its siginfo; again when it
 * listens), the requests' errors (INTERRUPT and LISTEN of a tracee not
 * seized, LISTEN outside an event stop, of no tracee), a seized tracee's
 * own group-stop (the tracer lets the SIGSTOP through, listens, sends
 * SIGCONT), an interrupt of a tracee asleep in read (the call interrupted,
 * then made again), and a seized tracee's fork under PTRACE_O_TRACEFORK:
 * the new child starts in an EVENT_STOP, not with a SIGSTOP.
 */
#include "sud.h"
#include "ptrace.h"

#define PTRACE_ATTACH 16
#define PTRACE_SEIZE 0x4206
#define PTRACE_INTERRUPT 0x4207
#define PTRACE_LISTEN 0x4208
#define PTRACE_KILL 8
#define WUNTRACED 2
#define SIGCONT 18
#define SIGKILL 9

static i64 ptrace(i64 req, i64 pid, i64 addr, i64 data) { return sc6(101, req, pid, addr, data, 0, 0); }
/* A wait status as a tracer reads it: signal and event, or how it ended. */
static void show(const char *what, int st) {
  out(what);
  out(": ");
  if ((st & 0xff) == 0x7f) { stop("stopsig", (st >> 8) & 0xff); stop("event", (st >> 16) & 0xff); }
  else if ((st & 0x7f) == 0) stop("exit", (st >> 8) & 0xff);
  else stop("killed", st & 0x7f);
  out("\n");
}

static void self_stopping(void) {
  sc2(62, sc0(39), SIGSTOP);
  sc0(39);
  sc0(110);
  quit(7);
}

static volatile int spin = 1;
static void spinning(void) {
  while (spin) {}
  quit(3);
}

static void forking(void) {
  sc2(62, sc0(39), SIGSTOP);
  i64 c = sc0(57);
  if (c == 0) quit(5);
  int st = 0;
  sc6(61, c, (i64)&st, 0, 0, 0, 0);
  quit(((st >> 8) & 0xff) + 1);
}

static int go[2];
static void stopping_later(void) {
  char c;
  sc3(0, go[0], &c, 1);
  sc2(62, sc0(39), SIGSTOP);
  sc0(39);
  quit(9);
}

static int in[2];
static void reading(void) {
  char c = 0;
  i64 r = sc3(0, in[0], &c, 1);
  quit(r == 1 && c == 'x' ? 5 : 6);
}

/* Waits until task pid sleeps: its /proc/<pid>/stat state is S. */
static void until_sleeping(i64 pid) {
  char path[32] = "/proc/", *q = path + 6, digits[12];
  int nd = 0;
  for (i64 v = pid; v; v /= 10) digits[nd++] = '0' + v % 10;
  while (nd) *q++ = digits[--nd];
  for (const char *tail = "/stat"; *tail;) *q++ = *tail++;
  *q = 0;
  for (int i = 0; i < 1000000; i++) {
    char buf[64];
    i64 fd = sc3(2, path, 0, 0);
    i64 n = sc3(0, fd, buf, 63);
    sc1(3, fd);
    int j = 0;
    while (j < n && buf[j] != ')') j++;
    if (j + 2 < n && buf[j + 2] == 'S') return;
    sc0(24);
  }
}

static void traceme_stop(void) {
  ptrace(PTRACE_TRACEME, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  quit(0);
}

void cmain(void) {
  /* strace's start: the child stops itself, the tracer waits for that, seizes, interrupts and continues it */
  i64 pid = sc0(57);
  if (pid == 0) self_stopping();
  show("self_stop", wait_status(pid, WUNTRACED));
  kv("seize", ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD));
  kv("interrupt", ptrace(PTRACE_INTERRUPT, pid, 0, 0));
  kv("sigcont", sc2(62, pid, SIGCONT));
  int st = wait_status(pid, 0);
  show("first", st);
  kv("listen", ptrace(PTRACE_LISTEN, pid, 0, 0));
  show("after_listen", wait_status(pid, 0));
  st = resume_wait(pid, PTRACE_SYSCALL, 0);
  show("next", st);
  /* the SIGCONT's delivery, then the child's syscalls */
  int sig = (st >> 8) & 0xff;
  for (int i = 0; i < 8 && (st & 0xff) == 0x7f; i++) {
    st = resume_wait(pid, PTRACE_SYSCALL, sig == (SIGTRAP | 0x80) ? 0 : sig);
    sig = (st >> 8) & 0xff;
    show("then", st);
    if ((st & 0xff) == 0x7f && sig == (SIGTRAP | 0x80)) {
      i64 regs[27];
      ptrace(PTRACE_GETREGS, pid, 0, (i64)regs);
      kv("  orig_rax", regs[REG_ORIG_RAX]);
    }
  }

  /* PTRACE_INTERRUPT of a running tracee */
  pid = sc0(57);
  if (pid == 0) spinning();
  kv("seize_running", ptrace(PTRACE_SEIZE, pid, 0, 0));
  kv("listen_running", ptrace(PTRACE_LISTEN, pid, 0, 0));
  kv("interrupt_running", ptrace(PTRACE_INTERRUPT, pid, 0, 0));
  show("interrupted", wait_status(pid, 0));
  unsigned char si[128];
  kv("getsiginfo", ptrace(PTRACE_GETSIGINFO, pid, 0, (i64)si));
  kv("si_signo", *(int *)si);
  kv("si_code", *(int *)(si + 8));
  kv("listen_interrupted", ptrace(PTRACE_LISTEN, pid, 0, 0));
  kv("interrupt_listening", ptrace(PTRACE_INTERRUPT, pid, 0, 0));
  show("retrap", wait_status(pid, 0));
  kv("poke_spin", sc6(101, 5, pid, (i64)&spin, 0, 0, 0));
  show("cont_end", resume_wait(pid, PTRACE_CONT, 0));

  /* the requests of a tracee not seized, and of no tracee */
  pid = fork_traced(traceme_stop, &st);
  show("traceme", st);
  kv("interrupt_traceme", ptrace(PTRACE_INTERRUPT, pid, 0, 0));
  kv("listen_traceme", ptrace(PTRACE_LISTEN, pid, 0, 0));
  show("traceme_end", resume_wait(pid, PTRACE_CONT, 0));
  kv("interrupt_nobody", ptrace(PTRACE_INTERRUPT, pid, 0, 0));

  /* a seized tracee that stops itself: the tracer lets the group-stop happen, listens, continues it */
  sc1(22, go);
  pid = sc0(57);
  if (pid == 0) stopping_later();
  kv("seize_sleeping", ptrace(PTRACE_SEIZE, pid, 0, 0));
  sc3(1, go[1], "g", 1);
  show("stop_signal", wait_status(pid, 0));
  show("group_stop", resume_wait(pid, PTRACE_CONT, SIGSTOP));
  kv("listen_group", ptrace(PTRACE_LISTEN, pid, 0, 0));
  kv("cont_group", sc2(62, pid, SIGCONT));
  show("group_end", wait_status(pid, 0));
  show("sigcont", resume_wait(pid, PTRACE_CONT, 0));
  show("group_exit", resume_wait(pid, PTRACE_CONT, SIGCONT));

  /* PTRACE_INTERRUPT of a tracee asleep in read: the call is interrupted (-ERESTARTSYS at the
   * stop) and made again when the tracer resumes it (a syscall-enter-stop of read) */
  sc1(22, in);
  pid = sc0(57);
  if (pid == 0) reading();
  kv("seize_reading", ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD));
  until_sleeping(pid);
  kv("interrupt_reading", ptrace(PTRACE_INTERRUPT, pid, 0, 0));
  show("read_interrupted", wait_status(pid, 0));
  i64 regs[27];
  ptrace(PTRACE_GETREGS, pid, 0, (i64)regs);
  kv("interrupted_orig_rax", regs[REG_ORIG_RAX]);
  kv("interrupted_rax", regs[REG_RAX]);
  show("read_again", resume_wait(pid, PTRACE_SYSCALL, 0));
  ptrace(PTRACE_GETREGS, pid, 0, (i64)regs);
  kv("again_orig_rax", regs[REG_ORIG_RAX]);
  sc3(1, in[1], "x", 1);
  show("read_exit", resume_wait(pid, PTRACE_SYSCALL, 0));
  ptrace(PTRACE_GETREGS, pid, 0, (i64)regs);
  kv("read_result", regs[REG_RAX]);
  show("reader_end", resume_wait(pid, PTRACE_CONT, 0));

  /* a seized tracee's fork under PTRACE_O_TRACEFORK */
  pid = sc0(57);
  if (pid == 0) forking();
  show("fork_self_stop", wait_status(pid, WUNTRACED));
  kv("seize_fork", ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACEFORK));
  sc2(62, pid, SIGCONT);
  st = wait_status(pid, 0);
  show("fork_first", st);
  for (int i = 0; i < 6 && (st & 0xff) == 0x7f; i++) {
    if (((st >> 16) & 0xff) == 1) {
      i64 child = 0;
      ptrace(PTRACE_GETEVENTMSG, pid, 0, (i64)&child);
      show("new_child", wait_status(child, 0));
      kv("new_child_cont", ptrace(PTRACE_CONT, child, 0, 0));
      show("new_child_end", wait_status(child, 0));
    }
    sig = (st >> 8) & 0xff;
    st = resume_wait(pid, PTRACE_CONT, sig == SIGTRAP || ((st >> 16) & 0xff) ? 0 : sig);
    show("fork_then", st);
  }
  quit(0);
}
