/* A string library written with the x86 string instructions (repne scasb
 * strlen, repe cmpsb memcmp, rep stosq/stosb memset, rep movsq/movsb
 * memcpy, std + rep movsb backwards memmove, lodsb checksums), checked
 * against byte loops at many lengths and alignments across page
 * boundaries. */
#include "rt.h"

static size_t s_strlen(const char *s) {
  size_t n = ~(size_t)0;
  __asm__ volatile("repne scasb" : "+D"(s), "+c"(n) : "a"(0) : "memory", "cc");
  return ~n - 1;
}

static int s_memcmp(const void *a, const void *b, size_t n) {
  if (!n) return 0;
  const u8 *x = a, *y = b;
  __asm__ volatile("repe cmpsb" : "+S"(x), "+D"(y), "+c"(n) : : "memory", "cc");
  return x[-1] == y[-1] ? 0 : x[-1] < y[-1] ? -1 : 1;
}

static void s_memset(void *d, u8 c, size_t n) {
  u64 q = 0x0101010101010101ul * c;
  size_t words = n / 8, rest = n % 8;
  __asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(q) : "memory");
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(rest) : "a"(q) : "memory");
}

static void s_memcpy(void *d, const void *s, size_t n) {
  size_t words = n / 8, rest = n % 8;
  __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(rest) : : "memory");
}

static void s_memmove(void *d, const void *s, size_t n) {
  if (d <= s || (const u8 *)d >= (const u8 *)s + n) {
    s_memcpy(d, s, n);
  } else if (n) {
    /* overlapping with the destination above: copy from the end down */
    u8 *de = (u8 *)d + n - 1;
    const u8 *se = (const u8 *)s + n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(de), "+S"(se), "+c"(n) : : "memory");
  }
}

static u32 s_sum(const u8 *p, size_t n) {
  u32 total = 0;
  u64 v;
  for (size_t i = 0; i < n; i++) {
    __asm__ volatile("lodsb" : "+S"(p), "=a"(v) : : "memory");
    total += (u8)v;
  }
  return total;
}

static _Alignas(4096) u8 buf[6 * 4096], ref[6 * 4096];

static void scramble(u32 seed) {
  for (size_t i = 0; i < sizeof buf; i++) seed = seed * 1664525 + 1013904223, buf[i] = ref[i] = (u8)(seed >> 24);
}

static int differ(void) {
  const u64 *a = (const u64 *)buf, *b = (const u64 *)ref;
  for (size_t i = 0; i < sizeof buf / 8; i++)
    if (a[i] != b[i]) return 1;
  return 0;
}

int main(int argc, char **argv) {
  static const size_t lens[] = {0, 1, 7, 8, 9, 63, 64, 100, 4095, 4096, 4097, 5000};
  static const size_t offs[] = {0, 1, 7, 4000, 4090, 4095, 4096 + 3};
  int bad = 0, checks = 0;
  scramble(12345);
  for (unsigned li = 0; li < COUNT(lens); li++)
    for (unsigned oi = 0; oi < COUNT(offs); oi++) {
      size_t n = lens[li], o = offs[oi], far = (o * 7 + 4091) % 4096 + 3 * 4096;
      u32 seed = (u32)(li * 100 + oi);
      for (size_t k = o; k < o + n + 8; k++) seed = seed * 1664525 + 1013904223, buf[k] = ref[k] = (u8)(seed >> 24);
      s_memset(buf + far, (u8)(0xa0 + oi), n);
      memset(ref + far, 0xa0 + (int)oi, n);
      bad += differ();
      s_memcpy(buf + far, buf + o, n);
      memcpy(ref + far, ref + o, n);
      s_memmove(buf + o + 3, buf + o, n); /* overlapping, destination above */
      memmove(ref + o + 3, ref + o, n);
      s_memmove(buf + o, buf + o + 5, n); /* overlapping, destination below */
      memmove(ref + o, ref + o + 5, n);
      bad += differ();
      if (n) buf[o + n - 1] ^= 1;
      int c1 = s_memcmp(buf + o, ref + o, n), c2 = memcmp(buf + o, ref + o, n);
      bad += c1 != c2;
      if (n) buf[o + n - 1] ^= 1;
      buf[o + n] = 0;
      for (size_t k = o; k < o + n; k++) buf[k] |= 1;
      bad += s_strlen((const char *)buf + o) != n;
      bad += s_sum(buf + o, n) != s_sum(buf + o, n / 2) + s_sum(buf + o + n / 2, n - n / 2);
      buf[o + n] = ref[o + n];
      for (size_t k = o; k < o + n; k++) ref[k] |= 1;
      bad += differ();
      checks += 8;
    }
  u32 total = s_sum(buf, sizeof buf);
  printf("%d checks, %d bad, final buffer sum %u\n", checks, bad, total);
  printf("strlen(\"string instructions\") = %zu, memcmp(abc, abd) = %d, memcmp(abd, abc) = %d\n",
         s_strlen("string instructions"), s_memcmp("abc", "abd", 3), s_memcmp("abd", "abc", 3));
  (void)argc;
  (void)argv;
  return bad + (int)(total % 200);
}
