/* Loops that gcc's vectoriser turns into SSE2 integer code: element-wise
 * arithmetic, shifts, comparisons and reductions over 8-, 16-, 32- and
 * 64-bit arrays, plus struct copies and zeroing. Results are checksummed. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define N 1000

static uint8_t a8[N], b8[N], c8[N];
static int8_t s8[N];
static uint16_t a16[N], b16[N], c16[N];
static int16_t s16[N], t16[N];
static uint32_t a32[N], b32[N], c32[N];
static int32_t s32[N], t32[N];
static uint64_t a64[N], b64[N], c64[N];
static int64_t s64[N];

static uint64_t st = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  st += 0x9e3779b97f4a7c15ull;
  uint64_t z = st;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t sum_bytes(const void *p, size_t n) {
  const uint8_t *b = p;
  uint64_t h = 0;
  for (size_t i = 0; i < n; i++) h = h * 131 + b[i];
  return h;
}

struct big {
  int id;
  char tag[20];
  uint64_t vals[9];
  short small[7];
};

__attribute__((noinline)) static struct big make(int id) {
  struct big b = { 0 };
  b.id = id;
  snprintf(b.tag, sizeof b.tag, "item-%d", id);
  for (int i = 0; i < 9; i++) b.vals[i] = (uint64_t)id * (i + 1);
  return b;
}

int main(void) {
  for (int i = 0; i < N; i++) {
    uint64_t r = rnd();
    a8[i] = (uint8_t)r, b8[i] = (uint8_t)(r >> 8), s8[i] = (int8_t)(r >> 16);
    a16[i] = (uint16_t)(r >> 3), b16[i] = (uint16_t)(r >> 19), s16[i] = (int16_t)(r >> 24), t16[i] = (int16_t)(r >> 40);
    a32[i] = (uint32_t)r, b32[i] = (uint32_t)(r >> 32), s32[i] = (int32_t)(r >> 13), t32[i] = (int32_t)(r >> 29);
    a64[i] = r, b64[i] = rnd(), s64[i] = (int64_t)rnd();
  }
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < N; i++) c8[i] = a8[i] + b8[i];
    for (int i = 0; i < N; i++) c8[i] ^= a8[i] > b8[i] ? a8[i] : b8[i];
    for (int i = 0; i < N; i++) c8[i] += a8[i] < b8[i] ? a8[i] : b8[i];
    for (int i = 0; i < N; i++) c8[i] += (uint8_t)((a8[i] + b8[i] + 1) >> 1);
    for (int i = 0; i < N; i++) c8[i] -= s8[i] > 3 ? 1 : 7;
    for (int i = 0; i < N; i++) c8[i] = c8[i] == a8[i] ? 0 : c8[i];
    printf("u8: %016llx\n", (unsigned long long)sum_bytes(c8, N));

    for (int i = 0; i < N; i++) c16[i] = a16[i] * b16[i] + (a16[i] >> 3);
    for (int i = 0; i < N; i++) c16[i] += s16[i] > t16[i] ? s16[i] : t16[i];
    for (int i = 0; i < N; i++) c16[i] ^= (uint16_t)((s16[i] * t16[i]) >> 16);
    for (int i = 0; i < N; i++) c16[i] += (uint16_t)((uint32_t)a16[i] * b16[i] >> 16);
    for (int i = 0; i < N; i++) c16[i] -= (uint16_t)(s16[i] >> 2) + (uint16_t)(t16[i] << 3);
    printf("u16: %016llx\n", (unsigned long long)sum_bytes(c16, sizeof c16));

    for (int i = 0; i < N; i++) c32[i] = a32[i] * b32[i] + (a32[i] >> 7) - (b32[i] << 5);
    for (int i = 0; i < N; i++) c32[i] += (uint32_t)(s32[i] >> 3) ^ (uint32_t)(s32[i] < t32[i] ? s32[i] : t32[i]);
    for (int i = 0; i < N; i++) c32[i] += a32[i] > b32[i] ? 1u : 2u;
    for (int i = 0; i < N; i++) c32[i] += a8[i] + (uint32_t)s16[i];
    int64_t dot = 0;
    for (int i = 0; i < N; i++) dot += (int64_t)s32[i] * t32[i];
    int32_t dot16 = 0;
    for (int i = 0; i < N; i++) dot16 += s16[i] * t16[i];
    uint32_t mx = 0, mn = UINT32_MAX;
    for (int i = 0; i < N; i++) mx = a32[i] > mx ? a32[i] : mx, mn = b32[i] < mn ? b32[i] : mn;
    printf("u32: %016llx dot %lld %d max %u min %u\n", (unsigned long long)sum_bytes(c32, sizeof c32), (long long)dot,
           dot16, mx, mn);

    for (int i = 0; i < N; i++) c64[i] = a64[i] + b64[i] * 3 - (a64[i] >> 11) + (b64[i] << 9);
    for (int i = 0; i < N; i++) c64[i] ^= (uint64_t)(s64[i] >> 5) + (uint64_t)a32[i] * b32[i];
    for (int i = 0; i < N; i++) c64[i] += (uint64_t)s32[i];
    uint64_t x = 0;
    for (int i = 0; i < N; i++) x ^= c64[i];
    printf("u64: %016llx xor %016llx\n", (unsigned long long)sum_bytes(c64, sizeof c64), (unsigned long long)x);

    /* narrowing and widening conversions */
    for (int i = 0; i < N; i++) c8[i] = (uint8_t)(a32[i] >> 24) + (uint8_t)s16[i];
    for (int i = 0; i < N; i++) c16[i] = (uint16_t)(a8[i] * 3 + b8[i]);
    for (int i = 0; i < N; i++) s64[i] += s8[i];
    printf("conv: %016llx %016llx %016llx\n", (unsigned long long)sum_bytes(c8, N),
           (unsigned long long)sum_bytes(c16, sizeof c16), (unsigned long long)sum_bytes(s64, sizeof s64));
    for (int i = 0; i < N; i++) a8[i] = (uint8_t)(a8[i] * 5 + 1), a32[i] = a32[i] * 69069 + 1;
  }

  struct big arr[16];
  memset(arr, 0, sizeof arr);
  for (int i = 0; i < 16; i++) arr[i] = make(i * 7);
  struct big copy[16];
  memcpy(copy, arr, sizeof arr);
  for (int i = 0; i < 15; i++) copy[i] = copy[i + 1];
  printf("structs: %016llx %s %s\n", (unsigned long long)sum_bytes(copy, sizeof copy), copy[0].tag, copy[14].tag);
  return 0;
}
