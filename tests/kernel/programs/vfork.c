/* vfork: the child borrows the parent's memory and the parent sleeps until
 * the child exits, so output order and the shared write are fixed. */
#include "sys.h"
static volatile int shared;
void _start(void) {
  int st;
  i64 pid = sc0(58);
  if (pid == 0) {
    shared = 42;
    out("child runs first\n");
    sc1(60, 9);
  }
  out("parent resumes after the child\n");
  kv("write_seen", shared);
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  kv("child_status", (st >> 8) & 0xff);
  quit(2);
}
