/* Switch statements dense enough for gcc to emit jump tables (an indirect
 * jmp through a table of rip-relative offsets), a sparse one that becomes
 * a compare tree, and a character classifier. */
#include "rt.h"

__attribute__((noinline)) static int dense(int x) {
  switch (x) {
    case 0: return 17;
    case 1: return 4;
    case 2: return x * 9;
    case 3: return -3;
    case 4: return 1000;
    case 5: return x << 4;
    case 6: return 6 * 6;
    case 7: return 99;
    case 8: return -8000;
    case 9: return 12;
    case 10: return 1;
    case 11: return 2;
    case 12: return 77;
    case 13: return x ^ 0x55;
    case 14: return 140;
    case 15: return -1;
    case 16: return 31337;
    case 17: return 5;
    case 18: return 18 * 18;
    case 19: return 123456;
    default: return x < 0 ? -100 : 100;
  }
}

/* cases that start far from zero: the table is indexed by x - 1000 */
__attribute__((noinline)) static const char *month(int x) {
  switch (x) {
    case 1001: return "jan";
    case 1002: return "feb";
    case 1003: return "mar";
    case 1004: return "apr";
    case 1005: return "may";
    case 1006: return "jun";
    case 1007: return "jul";
    case 1008: return "aug";
    case 1009: return "sep";
    case 1010: return "oct";
    case 1011: return "nov";
    case 1012: return "dec";
    default: return "???";
  }
}

__attribute__((noinline)) static int sparse(u64 x) {
  switch (x) {
    case 3: return 1;
    case 1000: return 2;
    case 65536: return 3;
    case 0xdeadbeef: return 4;
    case 0x8000000000000000ul: return 5;
    case 77777: return 6;
    default: return 0;
  }
}

enum cls { DIGIT, UPPER, LOWER, SPACE, PUNCT, OTHER };

static enum cls classify(u8 c) {
  switch (c) {
    case '0' ... '9': return DIGIT;
    case 'A' ... 'Z': return UPPER;
    case 'a' ... 'z': return LOWER;
    case ' ': case '\t': case '\n': return SPACE;
    case '!' ... '/': case ':' ... '@': case '[' ... '`': case '{' ... '~': return PUNCT;
    default: return OTHER;
  }
}

int main(int argc, char **argv) {
  i64 sum = 0;
  for (int x = -3; x < 25; x++) {
    int d = dense(x);
    sum = sum * 3 + d;
    printf("%d:%d ", x, d);
  }
  printf("\ndense hash %ld\n", sum);
  for (int m = 1000; m <= 1013; m++) printf("%s%c", month(m), m == 1013 ? '\n' : ' ');
  u64 keys[] = {3, 4, 1000, 65536, 65537, 0xdeadbeef, 0x8000000000000000ul, 77777, 0};
  int s = 0;
  for (unsigned i = 0; i < COUNT(keys); i++) s = s * 7 + sparse(keys[i]);
  printf("sparse %d\n", s);
  const char *text = "Hello, World! 42 times\tand {more} ~stuff~ \x7f\x80\xff.";
  int counts[6] = {0};
  for (const char *p = text; *p; p++) counts[classify((u8)*p)]++;
  printf("digits %d upper %d lower %d space %d punct %d other %d\n", counts[0], counts[1], counts[2],
         counts[3], counts[4], counts[5]);
  (void)argc;
  (void)argv;
  return (int)((u64)sum % 200) + counts[OTHER];
}
