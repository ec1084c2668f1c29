/* Allocator churn: malloc, calloc, realloc and free in a pseudo-random
 * pattern over small and large sizes (the large ones go to mmap), checking
 * that every block keeps its contents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define SLOTS 512

static uint64_t state = 88172645463325252ull;
static uint64_t next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

struct slot {
  unsigned char *p;
  size_t n;
  unsigned char fill;
};

static size_t pick_size(void) {
  uint64_t r = next() % 100;
  if (r < 60) return next() % 64;
  if (r < 90) return 64 + next() % 2048;
  if (r < 99) return 4096 + next() % 30000;
  return 140000 + next() % 200000; /* mmap-sized */
}

static int check(const struct slot *s) {
  for (size_t i = 0; i < s->n; i++) {
    if (s->p[i] != (unsigned char)(s->fill + i)) return 1;
  }
  return 0;
}

static void fill(struct slot *s) {
  for (size_t i = 0; i < s->n; i++) s->p[i] = (unsigned char)(s->fill + i);
}

int main(void) {
  static struct slot slots[SLOTS];
  unsigned long allocs = 0, frees = 0, reallocs = 0, bytes = 0;
  int bad = 0;
  for (int round = 0; round < 8000; round++) {
    struct slot *s = &slots[next() % SLOTS];
    uint64_t op = next() % 10;
    if (s->p && check(s)) bad++;
    if (!s->p || op < 3) {
      free(s->p);
      if (s->p) frees++;
      s->n = pick_size();
      s->fill = (unsigned char)next();
      if (op == 0) {
        s->p = calloc(s->n, 1);
        for (size_t i = 0; i < s->n; i++) bad += s->p[i] != 0;
      } else {
        s->p = malloc(s->n);
      }
      if (!s->p && s->n) { printf("allocation of %zu failed\n", s->n); return 2; }
      fill(s);
      allocs++;
      bytes += s->n;
    } else if (op < 6) {
      size_t n = pick_size();
      unsigned char *q = realloc(s->p, n);
      if (!q && n) { printf("realloc to %zu failed\n", n); return 2; }
      size_t keep = n < s->n ? n : s->n;
      for (size_t i = 0; i < keep; i++) bad += q[i] != (unsigned char)(s->fill + i);
      s->p = q;
      s->n = n;
      fill(s);
      reallocs++;
    } else if (op < 8) {
      free(s->p);
      s->p = NULL;
      s->n = 0;
      frees++;
    }
    if (round % 1000 == 0) {
      size_t live = 0, lbytes = 0;
      for (int i = 0; i < SLOTS; i++) live += slots[i].p != NULL, lbytes += slots[i].n;
      printf("round %5d: live %3zu blocks %8zu bytes, bad %d\n", round, live, lbytes, bad);
    }
  }
  for (int i = 0; i < SLOTS; i++) {
    if (slots[i].p && check(&slots[i])) bad++;
    free(slots[i].p);
  }
  /* blocks must be 16-byte aligned; memalign and posix_memalign honour bigger alignments */
  int misaligned = 0;
  for (size_t a = 16; a <= 4096; a <<= 1) {
    void *p = aligned_alloc(a, a * 3);
    void *q = NULL;
    if (posix_memalign(&q, a, 100) != 0) misaligned += 100;
    misaligned += ((uintptr_t)p % a) != 0;
    misaligned += ((uintptr_t)q % a) != 0;
    memset(p, 0x5a, a * 3);
    free(p);
    free(q);
  }
  for (int i = 1; i < 200; i++) {
    void *p = malloc(i);
    misaligned += ((uintptr_t)p % 16) != 0;
    free(p);
  }
  printf("allocs %lu reallocs %lu frees %lu bytes %lu bad %d misaligned %d\n", allocs, reallocs, frees, bytes, bad,
         misaligned);
  return bad ? 1 : 0;
}
