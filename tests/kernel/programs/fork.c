/* fork and wait4: statuses, WNOHANG, ECHILD, signals between processes, SUD not inherited. */
#include "sys.h"
static volatile char selector = 1;
static void status_of(const char *what, int st) {
  out(what); out(": ");
  if ((st & 0x7f) == 0) { out("exited "); outi((st >> 8) & 0xff); }
  else { out("killed by "); outi(st & 0x7f); }
  out("\n");
}
void _start(void) {
  int st = 0;
  kv("wait_no_children", sc6(61, -1, (i64)&st, 0, 0, 0, 0));
  i64 me = sc0(39);
  i64 pid = sc0(57);
  if (pid == 0) {
    kv("child_ppid_is_parent", sc0(110) == me);
    kv("child_pid_differs", sc0(39) != me);
    quit(3);
  }
  kv("wait_pid_matches", sc6(61, pid, (i64)&st, 0, 0, 0, 0) == pid);
  status_of("first child", st);
  /* a child that dies of a fault */
  pid = sc0(57);
  if (pid == 0) { *(volatile int *)0x10 = 1; quit(0); }
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  status_of("faulting child", st);
  /* SUD armed in the parent does not cross fork */
  sc6(157, 59, 1, 0, 0, (i64)&selector, 0);
  selector = 0;
  pid = sc0(57);
  if (pid == 0) { selector = 1; kv("child_syscalls_run_with_selector_block", sc0(39) > 0); quit(4); }
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  status_of("sud child", st);
  sc6(157, 59, 0, 0, 0, 0, 0);
  /* WNOHANG on a child that is still running, then kill it */
  pid = sc0(57);
  if (pid == 0) { for (;;) sc0(24); }
  kv("wnohang", sc6(61, pid, (i64)&st, 1, 0, 0, 0));
  kv("kill", sc2(62, pid, 15));
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  status_of("killed child", st);
  kv("kill_reaped", sc2(62, pid, 0));
  quit(7);
}
