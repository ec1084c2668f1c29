/* Reads argc and argv as _start found them on the initial stack: prints
 * every argument with its length, parses the numeric ones, and exits with
 * a status computed from them. */
#include "rt.h"

static int parse_int(const char *s, i64 *out) {
  int neg = 0;
  if (*s == '-' || *s == '+') neg = *s++ == '-';
  if (!*s) return 0;
  i64 v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    v = v * 10 + (*s - '0');
  }
  *out = neg ? -v : v;
  return 1;
}

static size_t len(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

int main(int argc, char **argv) {
  printf("argc = %d\n", argc);
  /* argv[0] is a path that differs between machines: print its tail only */
  const char *base = argv[0];
  for (const char *p = argv[0]; *p; p++)
    if (*p == '/') base = p + 1;
  printf("program: %s\n", base);
  i64 total = 0;
  int numbers = 0;
  size_t chars = 0;
  for (int i = 1; i < argc; i++) {
    i64 v;
    chars += len(argv[i]);
    if (parse_int(argv[i], &v)) {
      total += v;
      numbers++;
      printf("argv[%d] = %ld (number)\n", i, v);
    } else {
      printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], len(argv[i]));
    }
  }
  printf("argv[argc] is %s\n", argv[argc] ? "not NULL" : "NULL");
  printf("%d numbers summing to %ld, %zu bytes of text\n", numbers, total, chars);
  return (int)((total + (i64)chars * 3 + argc) & 0xff);
}
