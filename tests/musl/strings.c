/* musl's string and memory functions over many lengths, alignments and
 * contents, checked against simple byte loops; every result is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <stdint.h>

static unsigned rng = 2463534242u;
static unsigned next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* The reference versions: plain loops gcc must not turn back into calls. */
__attribute__((noinline)) static size_t ref_strlen(const char *s) {
  size_t n = 0;
  while (((volatile const char *)s)[n]) n++;
  return n;
}
__attribute__((noinline)) static int ref_cmp(const unsigned char *a, const unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}
static int sign(int x) { return (x > 0) - (x < 0); }

static unsigned long hash(const unsigned char *p, size_t n) {
  unsigned long h = 1469598103934665603ul;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ul;
  return h;
}

static char A[600] __attribute__((aligned(64)));
static char B[600] __attribute__((aligned(64)));

int main(void) {
  unsigned long acc = 0;
  int bad = 0;
  /* strlen, strchr, strrchr, memchr at every alignment for lengths 0..200 */
  for (int align = 0; align < 16; align++) {
    for (size_t len = 0; len < 200; len += 1 + (len > 40) * 7) {
      char *s = A + align;
      for (size_t i = 0; i < len; i++) s[i] = 'a' + (next() % 26);
      s[len] = 0;
      s[len + 1] = 'q';
      size_t n = strlen(s);
      if (n != ref_strlen(s)) bad++;
      char c = len ? s[len / 2] : 'z';
      char *p = strchr(s, c), *r = strrchr(s, c), *m = memchr(s, c, len);
      acc = acc * 31 + n + (p ? p - s : 999) + (r ? r - s : 777) * 3 + (m ? m - s : 555) * 7;
      acc += strchr(s, 0) - s;
      acc += strnlen(s, len / 2 + 1);
    }
  }
  printf("strlen/strchr: acc %lu bad %d\n", acc, bad);

  /* memcpy, memmove (both directions, overlapping), memset, memcmp */
  for (int i = 0; i < 2000; i++) {
    size_t n = next() % 300, so = next() % 32, dof = next() % 32;
    for (size_t k = 0; k < sizeof A; k++) A[k] = (char)next(), B[k] = 0;
    memcpy(B + dof, A + so, n);
    if (ref_cmp((unsigned char *)B + dof, (unsigned char *)A + so, n)) bad++;
    if (memcmp(B + dof, A + so, n) != 0) bad++;
    if (n) {
      size_t at = next() % n;
      B[dof + at] ^= 1 << (next() % 8);
      int x = sign(memcmp(B + dof, A + so, n)), y = ref_cmp((unsigned char *)B + dof, (unsigned char *)A + so, n);
      if (x != y) bad++;
      acc += x + 2;
    }
    memmove(A + dof, A + so, n);
    acc = acc * 7 + hash((unsigned char *)A, sizeof A);
    memset(B + so, (int)(next() & 0xff), n);
    acc ^= hash((unsigned char *)B, sizeof B);
  }
  printf("mem*: acc %lu bad %d\n", acc, bad);

  /* strcmp, strncmp, strcasecmp on strings that differ at every position */
  for (int len = 0; len < 70; len++) {
    for (int at = 0; at <= len; at++) {
      for (int k = 0; k < len; k++) A[3 + k] = B[k] = 'A' + (k * 7) % 26;
      A[3 + len] = B[len] = 0;
      if (at < len) B[at] = (next() & 1) ? B[at] + 1 : B[at] - 1;
      int c1 = sign(strcmp(A + 3, B)), c2 = sign(strncmp(A + 3, B, at)), c3 = sign(strcasecmp(A + 3, B));
      acc = acc * 5 + (c1 + 1) * 9 + (c2 + 1) * 3 + (c3 + 1);
    }
  }
  printf("strcmp: acc %lu\n", acc);

  /* strcpy, strcat, strncpy, strdup, strstr, strspn, strcspn, strtok */
  char buf[256];
  strcpy(buf, "The quick brown fox");
  strcat(buf, " jumps over");
  strncat(buf, " the lazy dog and more", 13);
  printf("%s (%zu)\n", buf, strlen(buf));
  char *dup = strdup(buf);
  printf("strstr: %s | %s | %p\n", strstr(dup, "fox"), strstr(dup, "o"), (void *)strstr(dup, "cat"));
  printf("spn %zu cspn %zu pbrk %s\n", strspn(dup, "The qu"), strcspn(dup, "xyz"), strpbrk(dup, "jz"));
  char padded[16];
  strncpy(padded, "short", sizeof padded);
  for (size_t i = 0; i < sizeof padded; i++) printf("%02x", (unsigned char)padded[i]);
  putchar('\n');
  for (char *t = strtok(dup, " "); t; t = strtok(NULL, " ")) printf("<%s>", t);
  putchar('\n');
  free(dup);

  /* case conversion and classification over all bytes (vectorisable loops) */
  unsigned char all[256], up[256], lo[256];
  for (int i = 0; i < 256; i++) all[i] = (unsigned char)i;
  for (int i = 0; i < 256; i++) up[i] = (unsigned char)toupper(all[i]), lo[i] = (unsigned char)tolower(all[i]);
  int classes = 0;
  for (int i = 0; i < 256; i++)
    classes += !!isalpha(i) + 2 * !!isdigit(i) + 4 * !!isspace(i) + 8 * !!ispunct(i) + 16 * !!isxdigit(i);
  printf("case %lx %lx classes %d\n", hash(up, 256), hash(lo, 256), classes);

  /* numeric conversions */
  const char *nums[] = { "0", "42", "-17", "  +99xyz", "0x1F", "0777", "18446744073709551615", "-9223372036854775808" };
  for (int i = 0; i < 8; i++) {
    char *end;
    long v = strtol(nums[i], &end, 0);
    unsigned long u = strtoul(nums[i], NULL, 10);
    printf("%s -> %ld (rest '%s') %lu %d %lld\n", nums[i], v, end, u, atoi(nums[i]), atoll(nums[i]));
  }
  return bad;
}
