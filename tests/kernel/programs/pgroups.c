/* Process groups: setpgid/getpgid/getpgrp, kill of a negative pid, wait4 by group. */
#include "sys.h"
static void status_of(const char *what, int st) {
  out(what); out(": ");
  if ((st & 0x7f) == 0) { out("exited "); outi((st >> 8) & 0xff); } else { out("killed by "); outi(st & 0x7f); }
  out("\n");
}
void _start(void) {
  i64 me = sc0(39);
  kv("own_group_at_start", sc1(121, 0) == sc0(111));
  kv("getpgid_self_pid", sc1(121, me) == sc0(111));
  kv("getpgid_nosuch", sc1(121, 999999));
  i64 a = sc0(57);
  if (a == 0) { for (;;) sc0(24); }
  kv("setpgid_child_new_group", sc2(109, a, a));
  i64 b = sc0(57);
  if (b == 0) { for (;;) sc0(24); }
  kv("setpgid_join_group", sc2(109, b, a));
  kv("child_b_group_is_a", sc1(121, b) == a);
  kv("setpgid_bad_group", sc2(109, b, 999999));
  kv("setpgid_negative", sc2(109, 0, -1));
  kv("kill_group", sc2(62, -a, 15));
  int st;
  /* both die at once: the host may reap either first, so only the set is compared */
  int st2;
  i64 w1 = sc6(61, -a, (i64)&st, 0, 0, 0, 0);
  i64 w2 = sc6(61, -a, (i64)&st2, 0, 0, 0, 0);
  kv("wait_group_reaps_both", (w1 == a && w2 == b) || (w1 == b && w2 == a));
  status_of("first reaped", st);
  status_of("second reaped", st2);
  kv("kill_empty_group", sc2(62, -a, 15));
  quit(8);
}
