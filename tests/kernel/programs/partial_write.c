/* write() whose buffer runs into an unmapped page: a short count up to the
 * bad page, or EFAULT when nothing could be written (results on stderr). */
#include "sys.h"
static void err(const char *k, i64 v) {
  char b[24]; int i = 23; b[i] = 0;
  int neg = v < 0; u64 u = neg ? -(u64)v : (u64)v;
  do { b[--i] = '0' + u % 10; u /= 10; } while (u);
  if (neg) b[--i] = '-';
  sc3(1, 2, k, slen(k)); sc3(1, 2, "=", 1); sc3(1, 2, b + i, slen(b + i)); sc3(1, 2, "\n", 1);
}
void _start(void) {
  char *p = (char *)sc6(9, 0, 8192, 3, 0x22, -1, 0);
  for (int i = 0; i < 8192; i++) p[i] = 'a' + i % 26;
  sc2(11, p + 4096, 4096);
  err("huge_write", sc3(1, 1, p, 1L << 30));
  err("from_bad_page", sc3(1, 1, p + 4096, 100));
  err("straddling", sc3(1, 1, p + 4000, 200));
  quit(0);
}
