/* Three sorts over the same pseudo-random data: a generic qsort-style
 * quicksort with a comparator and byte swaps, a top-down merge sort with
 * a scratch buffer, and an in-place heap sort. All three must agree. */
#include "rt.h"

#define N 3000

typedef int (*cmp_fn)(const void *, const void *);

static void swap_bytes(u8 *a, u8 *b, size_t size) {
  while (size--) {
    u8 t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

static void gqsort(void *base, size_t n, size_t size, cmp_fn cmp) {
  u8 *b = base;
  while (n > 1) {
    /* median of three into slot 0 as the pivot */
    size_t mid = n / 2;
    if (cmp(b + mid * size, b) < 0) swap_bytes(b + mid * size, b, size);
    if (cmp(b + (n - 1) * size, b) < 0) swap_bytes(b + (n - 1) * size, b, size);
    if (cmp(b + (n - 1) * size, b + mid * size) < 0) swap_bytes(b + (n - 1) * size, b + mid * size, size);
    swap_bytes(b, b + mid * size, size);
    size_t i = 1, j = n - 1;
    for (;;) {
      while (i <= j && cmp(b + i * size, b) < 0) i++;
      while (j >= i && cmp(b + j * size, b) > 0) j--;
      if (i >= j) break;
      swap_bytes(b + i * size, b + j * size, size);
      i++, j--;
    }
    swap_bytes(b, b + j * size, size);
    /* recurse into the smaller side, loop on the larger */
    if (j < n - j - 1) {
      gqsort(b, j, size, cmp);
      b += (j + 1) * size;
      n -= j + 1;
    } else {
      gqsort(b + (j + 1) * size, n - j - 1, size, cmp);
      n = j;
    }
  }
}

static int cmp_i32(const void *a, const void *b) {
  i32 x = *(const i32 *)a, y = *(const i32 *)b;
  return (x > y) - (x < y);
}

struct rec { i64 key; u32 id; u32 pad; };
static int cmp_rec_desc(const void *a, const void *b) {
  const struct rec *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? 1 : -1;
  return (x->id > y->id) - (x->id < y->id);
}

static void merge_sort(i32 *v, i32 *tmp, size_t n) {
  if (n < 2) return;
  size_t h = n / 2;
  merge_sort(v, tmp, h);
  merge_sort(v + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = v[j] < v[i] ? v[j++] : v[i++];
  while (i < h) tmp[k++] = v[i++];
  while (j < n) tmp[k++] = v[j++];
  memcpy(v, tmp, n * sizeof *v);
}

static void sift(i32 *v, size_t root, size_t n) {
  for (;;) {
    size_t c = 2 * root + 1;
    if (c >= n) return;
    if (c + 1 < n && v[c + 1] > v[c]) c++;
    if (v[root] >= v[c]) return;
    i32 t = v[root];
    v[root] = v[c];
    v[c] = t;
    root = c;
  }
}

static void heap_sort(i32 *v, size_t n) {
  for (size_t i = n / 2; i-- > 0;) sift(v, i, n);
  for (size_t end = n; end-- > 1;) {
    i32 t = v[0];
    v[0] = v[end];
    v[end] = t;
    sift(v, 0, end);
  }
}

static i32 a[N], b[N], c[N], tmp[N];
static struct rec recs[500];

int main(int argc, char **argv) {
  u32 s = 2463534242u;
  for (int i = 0; i < N; i++) {
    s ^= s << 13, s ^= s >> 17, s ^= s << 5;
    a[i] = b[i] = c[i] = (i32)(s % 20001) - 10000;
  }
  gqsort(a, N, sizeof a[0], cmp_i32);
  merge_sort(b, tmp, N);
  heap_sort(c, N);
  int sorted = 1, agree = 1;
  u64 h = 0;
  for (int i = 0; i < N; i++) {
    if (i && a[i - 1] > a[i]) sorted = 0;
    if (a[i] != b[i] || b[i] != c[i]) agree = 0;
    h = h * 1000003 + (u64)(i64)a[i];
  }
  printf("sorted %d, agree %d, min %d, median %d, max %d, hash %016lx\n", sorted, agree, a[0], a[N / 2],
         a[N - 1], h);

  for (u32 i = 0; i < COUNT(recs); i++) {
    s ^= s << 13, s ^= s >> 17, s ^= s << 5;
    recs[i].key = (i64)(s % 50) - 25;
    recs[i].id = i;
    recs[i].pad = 0;
  }
  gqsort(recs, COUNT(recs), sizeof recs[0], cmp_rec_desc);
  int ok = 1;
  for (u32 i = 1; i < COUNT(recs); i++)
    if (cmp_rec_desc(&recs[i - 1], &recs[i]) >= 0) ok = 0;
  printf("records desc %d: first {%ld,%u} last {%ld,%u}\n", ok, recs[0].key, recs[0].id, recs[499].key,
         recs[499].id);
  (void)argc;
  (void)argv;
  return sorted + agree * 2 + ok * 4 + (int)(h & 0x70);
}
