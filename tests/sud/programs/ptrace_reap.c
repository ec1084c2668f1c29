/*
 * A tracer reaps the tracees that are not its children: a process its
 * tracee forked and a thread its tracee made, both traced through
 * PTRACE_O_TRACEFORK and PTRACE_O_TRACECLONE. The tracer's wait sees each
 * one end first; the forked process then goes on to its own parent (its
 * SIGCHLD, its wait), the thread is gone. The tracer holds the tracee at its
 * fork and clone events while the new tasks run, so each step is in order.
 */
#include "sud.h"
#include "ptrace.h"

static unsigned char stack[16384] __attribute__((aligned(16)));
static volatile int ctid = 1;
/* the new thread's entry: exit(3) */
__asm__(".text\n.globl reap_thread_start\nreap_thread_start:\n mov $60, %eax\n mov $3, %edi\n syscall\n ud2\n");
extern char reap_thread_start[];

static void tracee(void) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  i64 g = sc0(57);
  if (g == 0) sc1(231, 7);
  u64 *sp = (u64 *)(stack + sizeof stack);
  *--sp = (u64)reap_thread_start;
  /* CLONE_VM | FS | FILES | SIGHAND | THREAD | SYSVSEM | CHILD_CLEARTID */
  i64 tid = sc6(56, 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x200000, (i64)sp, 0, (i64)&ctid, 0, 0);
  if (tid == 0) __asm__ volatile("ret");
  while (ctid != 0) sc6(202, (i64)&ctid, 0, 1, 0, 0, 0);
  int st = 0;
  i64 w = sc6(61, g, (i64)&st, 0, 0, 0, 0);
  sc1(231, w == g && st == 0x700 ? 5 : 6);
}

static int wait_for(const char *what, i64 pid) {
  int st = 0;
  i64 w = sc6(61, pid, (i64)&st, WALL, 0, 0, 0);
  out(what);
  out(": waited=");
  outi(w == pid);
  out(" st=");
  outi(st);
  out("\n");
  return st;
}

static u64 event_msg(i64 pid) {
  u64 m = 0;
  sc6(101, PTRACE_GETEVENTMSG, pid, 0, (i64)&m, 0, 0);
  return m;
}

void cmain(u64 *sp) {
  (void)sp;
  i64 pid = sc0(57);
  if (pid == 0) tracee();
  wait_for("tracee", pid);
  kv("setoptions", sc6(101, PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE, 0, 0));
  sc6(101, PTRACE_CONT, pid, 0, 0, 0, 0);
  wait_for("tracee", pid);
  i64 g = (i64)event_msg(pid);
  /* the forked process: its SIGSTOP, then its end, the tracer's to see first */
  wait_for("forked", g);
  sc6(101, PTRACE_CONT, g, 0, 0, 0, 0);
  wait_for("forked", g);
  kv("forked_again", sc6(61, g, 0, WALL | 1, 0, 0, 0));
  i64 inject = 0;
  i64 h = 0;
  for (int i = 0; i < 8; i++) {
    sc6(101, PTRACE_CONT, pid, 0, inject, 0, 0);
    int st = wait_for("tracee", pid);
    if ((st & 0x7f) != 0x7f) break;
    inject = (st >> 16) ? 0 : (st >> 8) & 0xff;
    if ((st >> 16) == 3) {
      h = (i64)event_msg(pid);
      /* the thread: its SIGSTOP, then its end; gone after */
      wait_for("thread", h);
      sc6(101, PTRACE_CONT, h, 0, 0, 0, 0);
      wait_for("thread", h);
      kv("thread_again", sc6(61, h, 0, WALL | 1, 0, 0, 0));
    }
  }
  sc1(231, 0);
}
