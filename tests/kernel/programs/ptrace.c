/* ptrace: TRACEME, a stop seen by wait4, the SUD config round trip of an
 * INCLUSIVE task (mode 1, inverted range, SET fails with EINVAL), GETREGS,
 * PEEKDATA, CONT, and ESRCH once the tracee is gone. */
#include "sys.h"
struct cfg { u64 mode, selector, offset, len; };
static volatile char sel;
void _start(void) {
  int st;
  i64 pid = sc0(57);
  if (pid == 0) {
    sc6(101, 0, 0, 0, 0, 0, 0);            /* TRACEME */
    sc6(157, 59, 2, 0x1000, 0x100, 0, 0);    /* INCLUSIVE: syscalls here run normally */
    sc2(62, sc0(39), 19);                    /* SIGSTOP self */
    quit(21);
  }
  kv("wait_stop", sc6(61, pid, (i64)&st, 0, 0, 0, 0) == pid);
  kv("stopped_sig", (st & 0xff) == 0x7f ? (st >> 8) & 0xff : -1);
  struct cfg c = {0};
  kv("get_badsize", sc6(101, 0x4211, pid, 16, (i64)&c, 0, 0));
  kv("get", sc6(101, 0x4211, pid, 32, (i64)&c, 0, 0));
  kv("mode", c.mode); kv("offset", c.offset); kv("len_neg", -(i64)c.len);
  kv("set_same", sc6(101, 0x4210, pid, 32, (i64)&c, 0, 0));
  struct cfg off = {0};
  kv("set_off", sc6(101, 0x4210, pid, 32, (i64)&off, 0, 0));
  u64 regs[27];
  kv("getregs", sc6(101, 12, pid, 0, (i64)regs, 0, 0));
  kv("rax_is_kill_result", regs[10]);
  kv("orig_rax_is_kill", regs[15]);
  u64 word = 0;
  kv("peek", sc6(101, 2, pid, (i64)&sel - 0, (i64)&word, 0, 0));
  kv("cont", sc6(101, 7, pid, 0, 0, 0, 0));
  kv("wait_exit", sc6(61, pid, (i64)&st, 0, 0, 0, 0) == pid);
  kv("exit_status", (st >> 8) & 0xff);
  kv("ptrace_not_traced", sc6(101, 12, pid, 0, (i64)regs, 0, 0));
  quit(0);
}
