/* What a test harness that forks each test needs: pidfd_open + poll with a
 * timeout, waitpid WNOHANG, MAP_SHARED memory shared across fork, abort-style tkill. */
#include "sys.h"
struct pollfd { int fd; short events, revents; };
static int forever;
void _start(void) {
  int st;
  volatile long *shared = (long *)sc6(9, 0, 4096, 3, 0x21, -1, 0); /* MAP_SHARED|MAP_ANONYMOUS */
  volatile long *private_ = (long *)sc6(9, 0, 4096, 3, 0x22, -1, 0);
  i64 pid = sc0(57);
  if (pid == 0) {
    shared[0] = 1234; private_[0] = 99;
    /* sleep forever on a futex nobody wakes */
    for (;;) sc6(202, (i64)&forever, 0, 0, 0, 0, 0);
  }
  i64 fd = sc2(434, pid, 0);
  kv("pidfd_open_ok", fd >= 3);
  kv("pidfd_open_bad", sc2(434, 999999, 0));
  struct pollfd p = { (int)fd, 1, 0 };
  kv("poll_timeout_50ms", sc3(7, &p, 1, 50));
  kv("revents_while_running", p.revents);
  kv("wnohang_running", sc6(61, pid, (i64)&st, 1, 0, 0, 0));
  kv("shared_seen_by_parent", shared[0]);
  kv("private_not_seen", private_[0]);
  kv("kill_child", sc2(62, pid, 9));
  kv("poll_after_kill", sc3(7, &p, 1, -1));
  kv("revents_after_kill", p.revents);
  kv("wait", sc6(61, pid, (i64)&st, 0, 0, 0, 0) == pid);
  kv("status_sigkill", st & 0x7f);
  /* abort(): SIGABRT through tkill to ourselves, unblocked */
  u64 all = ~0ul, none = 0;
  sc6(14, 2, (i64)&all, 0, 8, 0, 0);
  sc2(200, sc0(186), 6);
  out("blocked abort did not kill\n");
  sc6(14, 2, (i64)&none, 0, 8, 0, 0);
  out("not reached\n");
  quit(1);
}
