/* A handler interrupts a sleeping wait4: -EINTR without SA_RESTART, the wait
 * goes on with SA_RESTART; poll with a timeout returns -EINTR either way. */
#include "sys.h"
struct ksa { u64 handler, flags, restorer, mask; };
extern void restorer(void);
__asm__(".text\nrestorer: mov $15, %eax\nsyscall\n");
static volatile int hits;
static void h(int s) { hits++; }
static void arm(u64 flags) {
  struct ksa sa = { (u64)h, 0x04000000 | flags, (u64)restorer, 0 };
  sc6(13, 10, (i64)&sa, 0, 8, 0, 0);
}
void _start(void) {
  i64 parent = sc0(39);
  int st;
  struct { int fd; short ev, rev; } p = { 0, 0, 0 };
  for (int round = 0; round < 3; round++) {
    arm(round == 1 ? 0x10000000 : 0);
    i64 pid = sc0(57);
    if (pid == 0) {
      struct { i64 s, ns; } ts = { 0, 20000000 };
      sc2(35, &ts, 0);                   /* let the parent fall asleep first */
      sc2(62, parent, 10);               /* SIGUSR1 to the sleeping parent */
      sc2(35, &ts, 0);
      quit(3);
    }
    i64 r;
    if (round < 2) r = sc6(61, pid, (i64)&st, 0, 0, 0, 0);
    else r = sc3(7, &p, 0, 100000);      /* poll(NULL-ish, 0 fds, 100 s) */
    out(round == 0 ? "wait4 no SA_RESTART: " : round == 1 ? "wait4 SA_RESTART: " : "poll: ");
    outi(r == pid ? 1 : r); out("\n");
    if (r != pid) sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  }
  kv("hits", hits);
  quit(0);
}
