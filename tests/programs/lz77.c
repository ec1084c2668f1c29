/* An LZ77 compressor and decompressor. The decompressor copies matches
 * with `rep movsb`, whose byte-at-a-time semantics make an overlapping
 * copy (distance < length) repeat the pattern, which is how LZ77 encodes
 * runs. Round-trips several kinds of input and prints the ratios. */
#include "rt.h"

#define WINDOW 512
#define MIN_MATCH 3
#define MAX_MATCH 258

/* tokens: 0x00 len8 literals... | 0x01 len16 dist16 */
static size_t compress(const u8 *in, size_t n, u8 *out) {
  size_t o = 0, i = 0, lit_start = 0;
  while (i < n) {
    size_t best_len = 0, best_dist = 0;
    size_t lo = i > WINDOW ? i - WINDOW : 0;
    for (size_t j = lo; j < i; j++) {
      size_t l = 0;
      while (l < MAX_MATCH && i + l < n && in[j + l] == in[i + l]) l++;
      if (l > best_len) best_len = l, best_dist = i - j;
      if (best_len == MAX_MATCH) break;
    }
    if (best_len >= MIN_MATCH || i - lit_start == 255) {
      if (i > lit_start) {
        out[o++] = 0;
        out[o++] = (u8)(i - lit_start);
        for (size_t k = lit_start; k < i; k++) out[o++] = in[k];
      }
      if (best_len >= MIN_MATCH) {
        out[o++] = 1;
        out[o++] = (u8)best_len, out[o++] = (u8)(best_len >> 8);
        out[o++] = (u8)best_dist, out[o++] = (u8)(best_dist >> 8);
        i += best_len;
      }
      lit_start = i;
      if (best_len < MIN_MATCH) i++;
    } else {
      i++;
    }
  }
  if (n > lit_start) {
    out[o++] = 0;
    out[o++] = (u8)(n - lit_start);
    for (size_t k = lit_start; k < n; k++) out[o++] = in[k];
  }
  return o;
}

static void copy_forward(u8 *dst, const u8 *src, size_t n) {
  __asm__ volatile("cld; rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static size_t decompress(const u8 *in, size_t n, u8 *out) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    if (in[i] == 0) {
      size_t len = in[i + 1];
      copy_forward(out + o, in + i + 2, len);
      o += len;
      i += 2 + len;
    } else {
      size_t len = in[i + 1] | (size_t)in[i + 2] << 8;
      size_t dist = in[i + 3] | (size_t)in[i + 4] << 8;
      copy_forward(out + o, out + o - dist, len);
      o += len;
      i += 5;
    }
  }
  return o;
}

static u8 src[6000], packed[8000], back[6000];

static int trial(const char *name, size_t n) {
  size_t c = compress(src, n, packed);
  memset(back, 0xee, sizeof back);
  size_t d = decompress(packed, c, back);
  int ok = d == n && memcmp(src, back, n) == 0;
  u32 h = 2166136261u;
  for (size_t i = 0; i < c; i++) h = (h ^ packed[i]) * 16777619u;
  printf("%-10s %4zu -> %4zu bytes, %s, stream %08x\n", name, n, c, ok ? "round trip ok" : "MISMATCH", h);
  return ok;
}

int main(int argc, char **argv) {
  int ok = 0;
  size_t n = 0;
  for (const char *s = "abracadabra, abracadabra! "; n < 2000; n++) src[n] = (u8)s[n % 26];
  ok += trial("periodic", n);
  memset(src, 'z', 3000);
  ok += trial("run", 3000); /* one literal, then a match at distance 1 */
  for (n = 0; n < 1500; n++) src[n] = (u8)(n % 7 < 4 ? 'a' + n % 3 : 'x');
  ok += trial("short-dist", n);
  u32 x = 1;
  for (n = 0; n < 800; n++) x = x * 1103515245 + 12345, src[n] = (u8)(x >> 16);
  ok += trial("noise", n);
  for (n = 0; n < 2000; n++) src[n] = (u8)((n / 100) % 2 ? n : 'q');
  ok += trial("mixed", n);
  (void)argc;
  (void)argv;
  return ok * 10 + 3;
}
