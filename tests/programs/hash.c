/* Hash functions over a generated buffer: FNV-1a 32 and 64, CRC-32 with a
 * 256-entry table built at run time, murmur3's 64-bit finalizer, and a
 * djb2 string hash; plus a small open-addressing hash table. */
#include "rt.h"

static u32 crc_table[256];

static void crc_init(void) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

static u32 crc32(const u8 *p, size_t n) {
  u32 c = 0xffffffffu;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static u32 fnv1a32(const u8 *p, size_t n) {
  u32 h = 2166136261u;
  while (n--) h = (h ^ *p++) * 16777619u;
  return h;
}

static u64 fnv1a64(const u8 *p, size_t n) {
  u64 h = 14695981039346656037ul;
  while (n--) h = (h ^ *p++) * 1099511628211ul;
  return h;
}

static u64 fmix64(u64 k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdul;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ul;
  k ^= k >> 33;
  return k;
}

static u32 djb2(const char *s) {
  u32 h = 5381;
  while (*s) h = h * 33 + (u8)*s++;
  return h;
}

#define SLOTS 1024
static u64 keys[SLOTS];
static u32 vals[SLOTS];

static u32 probes;
static void put(u64 k, u32 v) {
  for (u64 i = fmix64(k) & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
    probes++;
    if (keys[i] == 0 || keys[i] == k) {
      keys[i] = k;
      vals[i] = v;
      return;
    }
  }
}
static int get(u64 k, u32 *v) {
  for (u64 i = fmix64(k) & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
    if (keys[i] == 0) return 0;
    if (keys[i] == k) return *v = vals[i], 1;
  }
}

static u8 data[8192];

int main(int argc, char **argv) {
  crc_init();
  for (u32 i = 0; i < sizeof data; i++) data[i] = (u8)(i * 7 + (i >> 5) + (i >> 11) * 13);
  printf("crc32(\"123456789\") = %08x\n", crc32((const u8 *)"123456789", 9));
  u32 crc = crc32(data, sizeof data);
  u32 f32 = fnv1a32(data, sizeof data);
  u64 f64 = fnv1a64(data, sizeof data);
  printf("data: crc32 %08x fnv1a32 %08x fnv1a64 %016lx\n", crc, f32, f64);
  u64 m = 0;
  for (u64 i = 1; i <= 1000; i++) m ^= fmix64(i * 0x9e3779b97f4a7c15ul);
  printf("fmix64 xor of 1000 = %016lx, djb2(hello world) = %u\n", m, djb2("hello world"));

  for (u32 i = 1; i <= 700; i++) put(fmix64(i) | 1, i);
  for (u32 i = 1; i <= 700; i += 3) put(fmix64(i) | 1, i * 10); /* overwrite a third */
  u32 found = 0, sum = 0, v;
  for (u32 i = 1; i <= 800; i++)
    if (get(fmix64(i) | 1, &v)) found++, sum += v;
  printf("table: %u found, sum %u, %u probes\n", found, sum, probes);
  (void)argc;
  (void)argv;
  return (int)((crc ^ f32 ^ (u32)f64 ^ sum) & 0xff);
}
