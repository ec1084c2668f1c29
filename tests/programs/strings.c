/* Byte loops over C strings: strlen, strcmp, reverse in place, itoa in
 * any base and atoi back, a naive strstr, and word counting. */
#include "rt.h"

static size_t my_strlen(const char *s) {
  const char *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}

static int my_strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (u8)*a - (u8)*b;
}

static void reverse(char *s) {
  size_t n = my_strlen(s);
  for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
    char t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
}

static char *itoa(i64 v, char *buf, int base) {
  u64 u = v < 0 ? -(u64)v : (u64)v;
  int i = 0;
  do {
    int d = (int)(u % (u64)base);
    buf[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    u /= (u64)base;
  } while (u);
  if (v < 0) buf[i++] = '-';
  buf[i] = 0;
  reverse(buf);
  return buf;
}

static i64 atoi_base(const char *s, int base) {
  int neg = 0;
  if (*s == '-') neg = 1, s++;
  u64 v = 0;
  for (; *s; s++) {
    int d = *s >= 'a' ? *s - 'a' + 10 : *s - '0';
    v = v * (u64)base + (u64)d;
  }
  return neg ? -(i64)v : (i64)v;
}

static const char *my_strstr(const char *h, const char *n) {
  for (; *h; h++) {
    const char *a = h, *b = n;
    while (*b && *a == *b) a++, b++;
    if (!*b) return h;
  }
  return NULL;
}

static int words(const char *s) {
  int n = 0, in = 0;
  for (; *s; s++) {
    int sp = *s == ' ' || *s == '\n' || *s == '\t';
    if (!sp && !in) n++;
    in = !sp;
  }
  return n;
}

int main(int argc, char **argv) {
  static const char *names[] = {"pear", "apple", "fig", "applesauce", "", "zebra", "Apple", "app"};
  int order = 0;
  for (unsigned i = 0; i < COUNT(names); i++)
    for (unsigned j = 0; j < COUNT(names); j++) {
      int c = my_strcmp(names[i], names[j]);
      order = order * 3 + (c < 0 ? 0 : c == 0 ? 1 : 2);
    }
  printf("strcmp order signature %d\n", order);

  char buf[80];
  int roundtrip_fail = 0;
  static const i64 nums[] = {0, 7, -7, 255, -65536, 1234567890123l, -0x7fffffffffffffffl - 1, 0x7fffffffffffffffl};
  for (unsigned i = 0; i < COUNT(nums); i++) {
    for (int base = 2; base <= 36; base += 7) {
      itoa(nums[i], buf, base);
      if (atoi_base(buf, base) != nums[i]) roundtrip_fail++;
    }
    printf("%ld -> %s (b10) %s (b16) ", nums[i], itoa(nums[i], buf, 10), itoa(nums[i], buf + 40, 16));
    printf("%s (b2 len %zu)\n", itoa(nums[i], buf, 36), my_strlen(itoa(nums[i], buf + 40, 2)));
  }

  char text[] = "the quick brown fox jumps over the lazy dog, then the fox sleeps";
  size_t len = my_strlen(text);
  const char *hit = my_strstr(text, "fox");
  const char *hit2 = my_strstr(hit + 1, "fox");
  const char *miss = my_strstr(text, "cat");
  printf("len %zu, words %d, fox at %ld and %ld, cat %s\n", len, words(text), hit - text, hit2 - text,
         miss ? "found" : "absent");
  reverse(text);
  printf("reversed: %s\n", text);
  (void)argc;
  (void)argv;
  return (int)((len + (size_t)(hit2 - text) + (u64)order) % 128) + roundtrip_fail;
}
