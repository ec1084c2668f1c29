/*
 * PTRACE_O_TRACEFORK and PTRACE_O_TRACECLONE: the tracee's fork and clone
 * stop it inside the call (PTRACE_EVENT_FORK or _CLONE, the new pid as the
 * event message), and the new process starts traced, stopped for the
 * SIGSTOP it was born with. The tracer detaches each new process; each arms
 * SUD with a handler, so its dispatched syscall shows nobody a stop. A
 * signal the tracer gives at an event stop is dropped. Without the options,
 * a fork stays untraced.
 */
#include "sud.h"
#include "ptrace.h"

/* a new process: getppid dispatched, its exit status what the handler made of it */
static void grandchild(void) {
  sc1(231, dispatched_getppid(21));
}

/* the tracee: fork, clone with SIGCHLD (a fork to ptrace), clone with exit signal 0 (a clone) */
static void tracee(void) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), 19);
  i64 a = sc0(57);
  if (a == 0) grandchild();
  i64 b = sc6(56, 17, 0, 0, 0, 0, 0);
  if (b == 0) grandchild();
  i64 c = sc6(56, 0, 0, 0, 0, 0, 0);
  if (c == 0) grandchild();
  int sa = 0, sb = 0, scl = 0;
  sc6(61, a, (i64)&sa, 0, 0, 0, 0);
  sc6(61, b, (i64)&sb, 0, 0, 0, 0);
  sc6(61, c, (i64)&scl, WALL, 0, 0, 0);
  sc1(231, sa == (21 << 8) && sb == (21 << 8) && scl == (21 << 8) ? 5 : 6);
}

static void show(const char *what, i64 v) { out(what); out("="); outi(v); out(" "); }

static void run(i64 options) {
  i64 pid = sc0(57);
  if (pid == 0) tracee();
  int st = 0;
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  kv("first_stop", st);
  kv("setoptions", sc6(101, PTRACE_SETOPTIONS, pid, 0, options, 0, 0));
  /* signal-delivery stops (a SIGCHLD from a grandchild that ended) come when they come: delivered, not shown */
  int events = 0;
  i64 inject = 0;
  for (int n = 0; n < 100; n++) {
    sc6(101, PTRACE_CONT, pid, 0, inject, 0, 0);
    inject = 0;
    sc6(61, pid, (i64)&st, 0, 0, 0, 0);
    if ((st & 0x7f) != 0x7f) break;
    if ((st >> 16) == 0) {
      inject = (st >> 8) & 0xff;
      continue;
    }
    events++;
    u64 msg = 0;
    sc6(101, PTRACE_GETEVENTMSG, pid, 0, (i64)&msg, 0, 0);
    u64 regs[27];
    sc6(101, PTRACE_GETREGS, pid, 0, (i64)regs, 0, 0);
    show("event_stop", st);
    show("orig_rax", (i64)regs[15]);
    show("rax", (i64)regs[10]);
    /* the new process, traced now: its SIGSTOP stop */
    int cst = 0;
    i64 w = sc6(61, (i64)msg, (i64)&cst, WALL, 0, 0, 0);
    int info[32];
    sc6(101, PTRACE_GETSIGINFO, (i64)msg, 0, (i64)info, 0, 0);
    show("new_waited", w == (i64)msg);
    show("new_stop", cst);
    show("si_signo", info[0]);
    show("si_code", info[2]);
    show("si_pid", info[4]);
    show("detach", sc6(101, PTRACE_DETACH, (i64)msg, 0, 0, 0, 0));
    out("\n");
    /* a signal given at an event stop is dropped (a SIGUSR1 delivered would kill the tracee) */
    inject = SIGUSR1;
  }
  kv("events", events);
  kv("end", st);
}

void cmain(u64 *sp) {
  (void)sp;
  /* PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE */
  run(0x2 | 0x8);
  /* neither: the new processes are nobody's tracees */
  run(0);
  sc1(231, 0);
}
