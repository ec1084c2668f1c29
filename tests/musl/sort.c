/* qsort and bsearch over integers, strings and structs, with several
 * comparison functions; the sorted results are checked and summarised. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rec {
  int key;
  char name[12];
  long weight;
};

static unsigned seed = 1;
static unsigned rnd(void) { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; }

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_rec(const void *a, const void *b) {
  const struct rec *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return strcmp(x->name, y->name);
}
static int cmp_u8(const void *a, const void *b) { return *(const unsigned char *)a - *(const unsigned char *)b; }

int main(void) {
  static int v[5000];
  int bad = 0;
  for (int n = 0; n <= 5000; n = n ? n * 3 : 1) {
    for (int i = 0; i < n; i++) v[i] = (int)(rnd() * 32768u + rnd()) - (1 << 29);
    if (n > 10) v[n / 2] = v[n / 3]; /* duplicates */
    qsort(v, n, sizeof v[0], cmp_int);
    long sum = 0;
    for (int i = 1; i < n; i++) bad += v[i - 1] > v[i];
    for (int i = 0; i < n; i++) sum += v[i] ^ i;
    int found = 0;
    for (int i = 0; i < n; i += 1 + n / 50) found += bsearch(&v[i], v, n, sizeof v[0], cmp_int) != NULL;
    int missing = -(1 << 30) - 5;
    found += bsearch(&missing, v, n, sizeof v[0], cmp_int) != NULL;
    printf("n %4d: min %d max %d sum %ld found %d\n", n, n ? v[0] : 0, n ? v[n - 1] : 0, sum, found);
    qsort(v, n, sizeof v[0], cmp_int_desc);
    for (int i = 1; i < n; i++) bad += v[i - 1] < v[i];
  }

  static char pool[400][16];
  static char *words[400];
  for (int i = 0; i < 400; i++) {
    int len = 1 + rnd() % 12;
    for (int k = 0; k < len; k++) pool[i][k] = 'a' + rnd() % 6;
    pool[i][len] = 0;
    words[i] = pool[i];
  }
  qsort(words, 400, sizeof words[0], cmp_str);
  for (int i = 1; i < 400; i++) bad += strcmp(words[i - 1], words[i]) > 0;
  for (int i = 0; i < 400; i += 37) printf("%s ", words[i]);
  putchar('\n');
  char *key = pool[123];
  char **hit = bsearch(&key, words, 400, sizeof words[0], cmp_str);
  printf("bsearch '%s': %s\n", key, hit ? *hit : "(none)");

  static struct rec recs[1000];
  for (int i = 0; i < 1000; i++) {
    recs[i].key = rnd() % 50;
    snprintf(recs[i].name, sizeof recs[i].name, "r%05u", rnd());
    recs[i].weight = (long)rnd() * rnd();
  }
  qsort(recs, 1000, sizeof recs[0], cmp_rec);
  long wsum = 0;
  for (int i = 0; i < 1000; i++) wsum += recs[i].weight * (i % 7);
  for (int i = 1; i < 1000; i++) bad += cmp_rec(&recs[i - 1], &recs[i]) > 0;
  printf("recs: first %d %s last %d %s wsum %ld\n", recs[0].key, recs[0].name, recs[999].key, recs[999].name, wsum);

  unsigned char bytes[3000];
  for (int i = 0; i < 3000; i++) bytes[i] = (unsigned char)rnd();
  qsort(bytes, 3000, 1, cmp_u8);
  unsigned hist[8] = { 0 };
  for (int i = 0; i < 3000; i++) hist[bytes[i] >> 5]++;
  for (int i = 0; i < 8; i++) printf("%u ", hist[i]);
  printf("\nbad %d\n", bad);
  return bad;
}
