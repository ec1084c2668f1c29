/* Calling conventions at the edges: variadic functions reading ints,
 * longs and pointers through va_arg (register save area, then the stack),
 * functions with more than six integer arguments, and va_copy. */
#include "rt.h"

static i64 sum_ints(int n, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, n);
  i64 s = 0;
  for (int i = 0; i < n; i++) s += __builtin_va_arg(ap, int);
  __builtin_va_end(ap);
  return s;
}

/* a format string of its own: i int, l long, s string, u unsigned char */
static u64 mixed(const char *fmt, ...) {
  __builtin_va_list ap, again;
  __builtin_va_start(ap, fmt);
  __builtin_va_copy(again, ap);
  u64 h = 17;
  for (const char *p = fmt; *p; p++) {
    switch (*p) {
      case 'i': h = h * 31 + (u64)(i64)__builtin_va_arg(ap, int); break;
      case 'l': h = h * 31 + (u64)__builtin_va_arg(ap, long); break;
      case 'u': h = h * 31 + (u8)__builtin_va_arg(ap, int); break;
      case 's': {
        const char *s = __builtin_va_arg(ap, const char *);
        while (*s) h = h * 31 + (u8)*s++;
        break;
      }
    }
  }
  /* the copy walks the same arguments again */
  i64 first = *fmt == 'l' ? __builtin_va_arg(again, long) : __builtin_va_arg(again, int);
  __builtin_va_end(again);
  __builtin_va_end(ap);
  return h ^ (u64)first;
}

__attribute__((noinline)) static i64 many(i64 a, i64 b, i64 c, i64 d, i64 e, i64 f, i64 g, i64 h, i32 i,
                                          i8 j, i16 k, u64 l) {
  return a - b * 2 + c * 3 - d * 4 + e * 5 - f * 6 + g * 7 - h * 8 + i * 9 - j * 10 + k * 11 + (i64)l;
}

struct big_arg { i64 x, y, z; };
__attribute__((noinline)) static i64 by_value(int a, struct big_arg s, int b, struct big_arg t) {
  return a * s.x + s.y - s.z + b * t.x + t.y * t.z;
}

int main(int argc, char **argv) {
  i64 s1 = sum_ints(3, 1, 2, 3);
  i64 s2 = sum_ints(12, -1, -2, -3, -4, -5, -6, 7, 8, 9, 10, 11, 1000000);
  printf("sum_ints: %ld %ld %ld\n", s1, s2, sum_ints(0));
  u64 m1 = mixed("ilsu", -5, 0x123456789abl, "varargs", 300);
  u64 m2 = mixed("lllllllli", 1l, 2l, 3l, 4l, 5l, 6l, 7l, -8l, 9);
  u64 m3 = mixed("sssss", "a", "bb", "ccc", "dddd", "eeeee");
  printf("mixed: %016lx %016lx %016lx\n", m1, m2, m3);
  i64 r = many(1, 2, 3, 4, 5, 6, 7, 8, -9, -10, 30000, 0xffffffffffful);
  printf("many = %ld\n", r);
  struct big_arg p = {3, 4, 5}, q = {-6, 7, 8};
  i64 bv = by_value(10, p, -2, q);
  printf("by_value = %ld\n", bv);
  printf("printf itself: %d %ld %s %x %c %u %lu %d\n", -1, -2l, "three", 4u, '5', 6u, 7ul, 8);
  (void)argc;
  (void)argv;
  return (int)(((u64)s2 + m1 + m2 + m3 + (u64)r + (u64)bv) % 256);
}
