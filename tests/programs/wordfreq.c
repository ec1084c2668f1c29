/* A wc(1) and word-frequency counter over standard input: reads fd 0 in
 * chunks until end of file, counts lines, words and bytes, finds the
 * longest line, and lists the most frequent words from a hash table. */
#include "rt.h"

static long read_fd(int fd, void *buf, size_t n) { return syscall3(0, fd, (long)buf, (long)n); }

static char text[1 << 17];

#define SLOTS 4096
static struct { const char *word; u32 len, count; } table[SLOTS];
static u32 distinct;

static u32 hash(const char *w, u32 len) {
  u32 h = 2166136261u;
  for (u32 i = 0; i < len; i++) h = (h ^ (u8)w[i]) * 16777619u;
  return h;
}

static void add_word(const char *w, u32 len) {
  for (u32 i = hash(w, len) & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
    if (!table[i].word) {
      table[i].word = w, table[i].len = len, table[i].count = 1;
      distinct++;
      return;
    }
    if (table[i].len == len && memcmp(table[i].word, w, len) == 0) {
      table[i].count++;
      return;
    }
  }
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int is_letter(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\''; }

/* more frequent first, then alphabetical */
static int before(u32 a, u32 b) {
  if (table[a].count != table[b].count) return table[a].count > table[b].count;
  u32 n = table[a].len < table[b].len ? table[a].len : table[b].len;
  int c = memcmp(table[a].word, table[b].word, n);
  return c ? c < 0 : table[a].len < table[b].len;
}

int main(int argc, char **argv) {
  size_t len = 0;
  for (;;) {
    long n = read_fd(0, text + len, sizeof text - 1 - len);
    if (n < 0) return 100;
    if (n == 0) break;
    len += (size_t)n;
  }
  u32 lines = 0, words = 0, longest = 0, longest_at = 0, line_start = 0;
  for (size_t i = 0; i < len;) {
    if (text[i] == '\n') {
      if (i - line_start > longest) longest = (u32)(i - line_start), longest_at = lines + 1;
      lines++;
      line_start = (u32)i + 1;
    }
    if (is_letter(text[i])) {
      size_t j = i;
      while (j < len && is_letter(text[j])) text[j] = (char)lower(text[j]), j++;
      add_word(text + i, (u32)(j - i));
      words++;
      i = j;
    } else {
      i++;
    }
  }
  printf("%u lines, %u words, %zu bytes; %u distinct words; longest line %u bytes (line %u)\n", lines, words, len,
         distinct, longest, longest_at);
  u32 top[10];
  u32 ntop = 0;
  for (u32 i = 0; i < SLOTS; i++) {
    if (!table[i].word) continue;
    u32 k = ntop < 10 ? ntop++ : 10;
    if (k == 10 && !before(i, top[9])) continue;
    if (k == 10) k = 9;
    while (k > 0 && before(i, top[k - 1])) top[k] = top[k - 1], k--;
    top[k] = i;
  }
  for (u32 i = 0; i < ntop; i++) printf("%6u %.*s\n", table[top[i]].count, (int)table[top[i]].len, table[top[i]].word);
  (void)argc;
  (void)argv;
  return (int)(words + lines * 7); /* the kernel keeps the low 8 bits */
}
