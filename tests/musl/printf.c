/* Formatted printing of integers, characters, strings and pointers in many
 * widths, precisions and flag combinations, through printf and snprintf. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
#include <string.h>
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

static const long long values[] = {
  0, 1, -1, 7, -7, 9, 10, 99, 100, -100, 255, 256, 4095, 65535, 65536, -32768,
  123456789, -987654321, INT_MAX, INT_MIN, UINT_MAX, 0x7fffffffffffLL,
  LLONG_MAX, LLONG_MIN, 1000000000000LL, -1000000000000000LL,
};

static const char *const fmts_i[] = {
  "%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%8.4d", "%-+8.3d|", "%+05d", "%.0d", "%*d",
};
static const char *const fmts_u[] = {
  "%u", "%x", "%X", "%o", "%#x", "%#X", "%#o", "%08x", "%-10x|", "%#010x", "%.6x", "%#.3o", "%*u",
};
static const char *const fmts_ll[] = {
  "%lld", "%llu", "%llx", "%#llo", "%20lld", "%-22lld|", "%+.15lld", "%lli",
};

int main(void) {
  char buf[256];
  int total = 0;
  for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
    long long x = values[v];
    for (size_t f = 0; f < sizeof fmts_i / sizeof fmts_i[0]; f++) {
      int n = fmts_i[f][1] == '*' ? printf(fmts_i[f], (int)(v % 12), (int)x) : printf(fmts_i[f], (int)x);
      total += n;
      putchar(' ');
    }
    putchar('\n');
    for (size_t f = 0; f < sizeof fmts_u / sizeof fmts_u[0]; f++) {
      int n = fmts_u[f][1] == '*' ? printf(fmts_u[f], (int)(v % 9), (unsigned)x) : printf(fmts_u[f], (unsigned)x);
      total += n;
      putchar(' ');
    }
    putchar('\n');
    for (size_t f = 0; f < sizeof fmts_ll / sizeof fmts_ll[0]; f++) {
      total += printf(fmts_ll[f], x);
      putchar(' ');
    }
    printf("%hd %hu %hhd %hhu %hx %ld %lu %zd %zu %jd %td\n", (short)x, (unsigned short)x, (signed char)x,
           (unsigned char)x, (unsigned short)x, (long)x, (unsigned long)x, (ssize_t)x, (size_t)x, (intmax_t)x,
           (ptrdiff_t)x);
    printf("%" PRId32 " %" PRIu64 " %" PRIx16 " %" PRIo8 "\n", (int32_t)x, (uint64_t)x, (uint16_t)x, (uint8_t)x);
  }
  const char *words[] = { "", "a", "hello", "a somewhat longer string", "tab\there" };
  for (size_t i = 0; i < 5; i++) {
    printf("[%s] [%10s] [%-10s] [%.3s] [%10.2s] [%-*s] [%.*s]\n", words[i], words[i], words[i], words[i],
           words[i], (int)i * 3, words[i], (int)i, words[i]);
  }
  for (int c = 32; c < 127; c += 5) printf("%c%3c%-3c|", c, c, c);
  printf("\n%%literal%% 100%%\n");
  printf("%p %p\n", (void *)0x1234, (void *)0);
  /* snprintf truncation into small buffers: the return is the full length */
  for (size_t cap = 0; cap < 24; cap += 3) {
    memset(buf, '#', sizeof buf);
    int n = snprintf(buf, cap, "%s-%d-%x-%08llu", "snprintf", -42, 0xbeefu, 12345ULL);
    printf("cap %2zu -> %d '%s' after: %c\n", cap, n, cap ? buf : "", buf[cap < sizeof buf ? cap + 1 : 0]);
  }
  int n1 = 0, n2 = 0;
  printf("abc%nxyz%n\n", &n1, &n2);
  printf("n: %d %d\n", n1, n2);
  /* a long line through the stdio buffer */
  int w = 0;
  for (int i = 0; i < 300; i++) w += sprintf(buf, "%d,", i * i), fputs(buf, stdout);
  printf("\nwidth total %d, printed total %d\n", w, total);
  fprintf(stderr, "stderr works\n");
  return total % 200;
}
