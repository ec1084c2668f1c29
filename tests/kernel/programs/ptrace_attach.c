/* ptrace ATTACH (a SIGSTOP stop), POKEDATA, SETREGS, DETACH; SEIZE (no stop)
 * then a signal-delivery stop, CONT with the signal suppressed; KILL. */
#include "sys.h"
static volatile long cell = 1;
static int forever;
void _start(void) {
  int st;
  u64 regs[27];
  i64 a = sc0(57);
  if (a == 0) {
    while (cell == 1) sc0(24);            /* spin until the tracer pokes cell */
    out("child a saw the poke\n");
    quit((int)cell);
  }
  kv("attach", sc6(101, 16, a, 0, 0, 0, 0));
  kv("attach_again_eperm", sc6(101, 16, a, 0, 0, 0, 0));
  kv("wait_attach_stop", sc6(61, a, (i64)&st, 0, 0, 0, 0) == a);
  kv("stop_sig", (st >> 8) & 0xff);
  kv("poke", sc6(101, 5, a, (i64)&cell, 7, 0, 0));
  kv("getregs", sc6(101, 12, a, 0, (i64)regs, 0, 0));
  kv("setregs", sc6(101, 13, a, 0, (i64)regs, 0, 0));
  i64 detached = sc6(101, 17, a, 0, 0, 0, 0);
  sc6(61, a, (i64)&st, 0, 0, 0, 0);      /* print only once the child is done: no interleaving */
  kv("detach", detached);
  kv("a_exit", (st >> 8) & 0xff);
  i64 b = sc0(57);
  if (b == 0) { for (;;) sc6(202, (i64)&forever, 0, 0, 0, 0, 0); }
  kv("seize", sc6(101, 0x4206, b, 0, 0, 0, 0));
  kv("not_stopped_esrch", sc6(101, 12, b, 0, (i64)regs, 0, 0));
  sc2(62, b, 10);                          /* SIGUSR1: a signal-delivery stop */
  kv("wait_sig_stop", sc6(61, b, (i64)&st, 0, 0, 0, 0) == b);
  kv("sig_stop_sig", (st >> 8) & 0xff);
  kv("cont_suppressed", sc6(101, 7, b, 0, 0, 0, 0));
  kv("wnohang_still_alive", sc6(61, b, (i64)&st, 1, 0, 0, 0));
  kv("kill", sc6(101, 8, b, 0, 0, 0, 0));
  sc6(61, b, (i64)&st, 0, 0, 0, 0);
  kv("b_killed_by", st & 0x7f);
  quit(0);
}
