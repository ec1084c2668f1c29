/*
 * PTRACE_O_TRACEVFORK and PTRACE_O_TRACEVFORKDONE: the tracee's vfork stops
 * it inside the call (PTRACE_EVENT_VFORK, the child's pid as the message),
 * the child starts traced and stopped for its SIGSTOP, and once the child
 * has exec'd the parent stops again (PTRACE_EVENT_VFORK_DONE) before vfork
 * returns, rax still -ENOSYS at both. The vfork child shares the parent's
 * memory, selector included, but starts with SUD off: its getppid with the
 * selector at BLOCK runs (SEMANTICS.md §7). SIGCHLD stops (the exec'd
 * child's end, whenever it comes) are delivered, not shown.
 */
#include "sud.h"
#include "ptrace.h"

static volatile unsigned char sel;
static volatile i64 child_getppid;

static void tracee(char *self) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  rsud(1, REGION, &sel);
  i64 v = sc0(58);
  if (v == 0) {
    sel = 1;
    child_getppid = osys(110, 0, 0, 0, 0, 0);
    sel = 0;
    char *args[] = { self, "exec_child", 0 };
    char *envp[] = { 0 };
    sc3(59, "/proc/self/exe", args, envp);
    sc1(60, 99);
  }
  int st = 0;
  i64 w = sc6(61, v, (i64)&st, 0, 0, 0, 0);
  sc1(231, w == v && st == (9 << 8) && child_getppid > 0 ? 5 : 6);
}

static int wait_for(const char *what, i64 pid) {
  int st = 0;
  i64 w = sc6(61, pid, (i64)&st, WALL, 0, 0, 0);
  if ((st & 0x7f) == 0x7f && ((st >> 8) & 0xffff) == 17) return st;
  u64 regs[27];
  sc6(101, PTRACE_GETREGS, pid, 0, (i64)regs, 0, 0);
  u64 m = 0;
  sc6(101, PTRACE_GETEVENTMSG, pid, 0, (i64)&m, 0, 0);
  out(what);
  out(": waited=");
  outi(w == pid);
  out(" st=");
  outi(st);
  if ((st & 0x7f) == 0x7f) {
    out(" orig_rax=");
    outi((i64)regs[REG_ORIG_RAX]);
    out(" rax=");
    outi((i64)regs[REG_RAX] < 0 ? (i64)regs[REG_RAX] : 1);
    out(" msg_is_pid=");
    outi(m > 1);
  }
  out("\n");
  return st;
}

void cmain(u64 *sp) {
  char **argv = (char **)(sp + 1);
  if (sp[0] > 1 && streq(argv[1], "exec_child")) sc1(231, 9);
  i64 pid = sc0(57);
  if (pid == 0) tracee(argv[0]);
  wait_for("tracee", pid);
  kv("setoptions", sc6(101, PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE, 0, 0));
  i64 inject = 0;
  for (int i = 0; i < 12; i++) {
    sc6(101, PTRACE_CONT, pid, 0, inject, 0, 0);
    int st = wait_for("tracee", pid);
    if ((st & 0x7f) != 0x7f) break;
    inject = (st >> 16) ? 0 : (st >> 8) & 0xff;
    if ((st >> 16) == 2) {
      u64 v = 0;
      sc6(101, PTRACE_GETEVENTMSG, pid, 0, (i64)&v, 0, 0);
      wait_for("vforked", (i64)v);
      kv("detach", sc6(101, PTRACE_DETACH, (i64)v, 0, 0, 0, 0));
    }
  }
  sc1(231, 0);
}
