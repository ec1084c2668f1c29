/*
 * A tracer that exits without detaching: Linux detaches its tracees, which
 * go on (one stopped at a syscall's entry runs the call; one stopped for a
 * signal gets that signal), unless the tracer asked for PTRACE_O_EXITKILL,
 * which kills them. Each tracee reports through a shared page to the
 * program's first process, which is neither tracer nor parent of it.
 */
#include "sud.h"
#include "ptrace.h"

static volatile i64 *page;
static volatile i64 got_usr1;
static void on_usr1(int sig) { (void)sig; got_usr1++; }

/* the tracee: stops for its tracer, then makes the call its tracer stops it in */
static void tracee(int slot, int how) {
  sigact(SIGUSR1, on_usr1, SA_RESTORER, restorer_out, 0);
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), 19);
  i64 r = how == 1 ? sc2(62, sc0(39), SIGUSR1) : sc0(24);
  page[slot + 1] = r;
  page[slot + 2] = got_usr1;
  page[slot] = 1;
  sc1(231, 0);
}

/* the tracer: forks the tracee, takes it to a stop, exits with it stopped there */
static void tracer(int slot, int how, u64 options) {
  i64 pid = sc0(57);
  if (pid == 0) tracee(slot, how);
  int st = 0;
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  if (options) sc6(101, PTRACE_SETOPTIONS, pid, 0, (i64)options, 0, 0);
  if (how == 1) {
    /* to the SIGUSR1 it sends itself: a signal-delivery stop */
    sc6(101, PTRACE_CONT, pid, 0, 0, 0, 0);
  } else {
    /* to sched_yield's entry: a syscall-enter-stop */
    sc6(101, PTRACE_SYSCALL, pid, 0, 0, 0, 0);
  }
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  page[slot + 3] = st;
  sc1(231, 0);
}

/* `spins`: how long to wait for the tracee's report (long where it comes, short where a kill stops it) */
static void run(const char *name, int slot, int how, u64 options, int spins) {
  i64 pid = sc0(57);
  if (pid == 0) tracer(slot, how, options);
  int st = 0;
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  /* the tracee, detached (or killed) when its tracer died, is not this process's child: wait on the page */
  for (int i = 0; i < spins && !page[slot]; i++) sc0(24);
  out(name);
  out(": stop=");
  outi(page[slot + 3]);
  out(" done=");
  outi(page[slot]);
  out(" result=");
  outi(page[slot + 1]);
  out(" usr1_handled=");
  outi(page[slot + 2]);
  out("\n");
}

void cmain(u64 *sp) {
  (void)sp;
  page = (volatile i64 *)sc6(9, 0, 4096, 3, 0x21, -1, 0);
  run("syscall_stop", 0, 0, 0, 5000000);
  run("signal_stop", 8, 1, 0, 5000000);
  run("syscall_stop_exitkill", 16, 0, PTRACE_O_EXITKILL, 20000);
  kv("tracees_done", page[0] + page[8] + page[16]);
  sc1(231, 0);
}
