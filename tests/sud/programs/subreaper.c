/*
 * PR_SET_CHILD_SUBREAPER: a process whose child exits gets that child's
 * orphans, not init: the grandchild's getppid names it, its wait reaps
 * them, and an orphan that had already ended comes to it as a zombie. The
 * flag is the process's, reads back with PR_GET_CHILD_SUBREAPER, and a
 * child does not inherit it.
 */
#include "sud.h"

static volatile i64 *page;

void cmain(u64 *sp) {
  (void)sp;
  page = (volatile i64 *)sc6(9, 0, 4096, 3, 0x21, -1, 0);
  int flag = -1;
  kv("get_before", sc6(157, 37, (i64)&flag, 0, 0, 0, 0));
  kv("flag_before", flag);
  kv("set", sc6(157, 36, 1, 0, 0, 0, 0));
  kv("get", sc6(157, 37, (i64)&flag, 0, 0, 0, 0));
  kv("flag", flag);
  kv("get_fault", sc6(157, 37, 8, 0, 0, 0, 0));
  i64 me = sc0(39);
  i64 b = sc0(57);
  if (b == 0) {
    int f = -1;
    sc6(157, 37, (i64)&f, 0, 0, 0, 0);
    page[3] = f;
    /* two grandchildren: one lives on, one ends at once; then this child exits */
    i64 c = sc0(57);
    if (c == 0) {
      /* wait to be orphaned, then say who took it */
      for (int i = 0; i < 5000000 && sc0(110) != me; i++) sc0(24);
      page[1] = sc0(110) == me;
      page[0] = 1;
      sc1(231, 9);
    }
    i64 d = sc0(57);
    if (d == 0) sc1(231, 8);
    /* d's end is not waited for: it is a zombie when this process exits */
    for (int i = 0; i < 1000; i++) sc0(24);
    sc1(231, 2);
  }
  int st = 0;
  i64 w = sc6(61, b, (i64)&st, 0, 0, 0, 0);
  kv("child_reaped", w == b);
  kv("child_status", st);
  kv("child_flag_inherited", page[3]);
  /* the two orphans: each reaped here, the order aside */
  int seen9 = 0, seen8 = 0;
  for (int i = 0; i < 2; i++) {
    st = 0;
    w = sc6(61, -1, (i64)&st, 0, 0, 0, 0);
    if (w > 0 && st == (9 << 8)) seen9++;
    if (w > 0 && st == (8 << 8)) seen8++;
  }
  kv("orphan_9_reaped", seen9);
  kv("orphan_8_reaped", seen8);
  kv("orphan_saw_me", page[1]);
  kv("no_more", sc6(61, -1, (i64)&st, 1, 0, 0, 0));
  sc1(231, 0);
}
