/* A word-frequency counter over a built-in text: words are lower-cased into
 * a chained hash table (strdup'd keys), then sorted by count and word. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

static const char *const text[] = {
  "It was the best of times, it was the worst of times, it was the age of wisdom,",
  "it was the age of foolishness, it was the epoch of belief, it was the epoch of",
  "incredulity, it was the season of Light, it was the season of Darkness, it was",
  "the spring of hope, it was the winter of despair, we had everything before us,",
  "we had nothing before us, we were all going direct to Heaven, we were all going",
  "direct the other way -- in short, the period was so far like the present period,",
  "that some of its noisiest authorities insisted on its being received, for good",
  "or for evil, in the superlative degree of comparison only.",
  "There were a king with a large jaw and a queen with a plain face, on the throne",
  "of England; there were a king with a large jaw and a queen with a fair face, on",
  "the throne of France. In both countries it was clearer than crystal to the lords",
  "of the State preserves of loaves and fishes, that things in general were settled",
  "for ever.",
};

struct entry {
  char *word;
  int count;
  int first;
  struct entry *next;
};

#define BUCKETS 64
static struct entry *table[BUCKETS];
static int distinct;

static unsigned hash(const char *s) {
  unsigned h = 5381;
  while (*s) h = h * 33 + (unsigned char)*s++;
  return h;
}

static void add(const char *w, int pos) {
  unsigned b = hash(w) % BUCKETS;
  for (struct entry *e = table[b]; e; e = e->next) {
    if (strcmp(e->word, w) == 0) {
      e->count++;
      return;
    }
  }
  struct entry *e = malloc(sizeof *e);
  e->word = strdup(w);
  e->count = 1;
  e->first = pos;
  e->next = table[b];
  table[b] = e;
  distinct++;
}

static int by_count(const void *a, const void *b) {
  const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
  if (x->count != y->count) return y->count - x->count;
  return strcmp(x->word, y->word);
}

int main(int argc, char **argv) {
  int repeat = argc > 1 ? atoi(argv[1]) : 3;
  int words = 0, letters = 0, lines = 0;
  char w[64];
  for (int r = 0; r < repeat; r++) {
    for (size_t l = 0; l < sizeof text / sizeof text[0]; l++) {
      lines++;
      const char *p = text[l];
      while (*p) {
        while (*p && !isalpha((unsigned char)*p)) p++;
        size_t n = 0;
        while (isalpha((unsigned char)*p) || *p == '\'') {
          if (n < sizeof w - 1) w[n++] = (char)tolower((unsigned char)*p);
          p++;
        }
        if (!n) continue;
        w[n] = 0;
        letters += (int)n;
        add(w, words++);
      }
    }
  }
  struct entry **all = malloc(distinct * sizeof *all);
  int k = 0, longest = 0;
  for (int b = 0; b < BUCKETS; b++) {
    for (struct entry *e = table[b]; e; e = e->next) {
      all[k++] = e;
      if ((int)strlen(e->word) > longest) longest = (int)strlen(e->word);
    }
  }
  qsort(all, distinct, sizeof *all, by_count);
  printf("%d lines, %d words, %d letters, %d distinct\n", lines, words, letters, distinct);
  for (int i = 0; i < distinct; i++) {
    if (i < 20 || (all[i]->count == 1 && i % 9 == 0))
      printf("%4d  %-*s  first at %d\n", all[i]->count, longest, all[i]->word, all[i]->first);
  }
  for (int i = 0; i < distinct; i++) {
    free(all[i]->word);
    free(all[i]);
  }
  free(all);
  return distinct % 256;
}
