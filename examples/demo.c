/* The built-in demo: a freestanding static program (no libc) that sieves
 * primes, sorts, hashes and asks the kernel who its parent is.
 * Rebuild src/cli/demo_program.ts with scripts/gen-demo.sh. */
typedef unsigned long u64;

static long sys(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
static void puts_(const char *s) { long n = 0; while (s[n]) n++; sys(1, 1, (long)s, n); }
static void putu(u64 v) {
  char b[24]; int i = 23; b[i] = 0;
  do { b[--i] = '0' + v % 10; v /= 10; } while (v);
  puts_(b + i);
}

static unsigned char composite[100000];
static u64 keys[4096];

void _start(void) {
  puts_("sudsim demo: x86-64 code running in WebAssembly under a simulated Linux kernel\n");
  u64 count = 0, last = 0;
  for (u64 i = 2; i < sizeof composite; i++) {
    if (composite[i]) continue;
    count++; last = i;
    for (u64 j = i * i; j < sizeof composite; j += i) composite[j] = 1;
  }
  puts_("  primes below 100000: "); putu(count); puts_(" (largest "); putu(last); puts_(")\n");
  u64 x = 0x9e3779b97f4a7c15ul;
  for (int i = 0; i < 4096; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; keys[i] = x % 1000000; }
  for (int i = 1; i < 4096; i++) {  /* insertion sort */
    u64 k = keys[i]; int j = i - 1;
    while (j >= 0 && keys[j] > k) { keys[j + 1] = keys[j]; j--; }
    keys[j + 1] = k;
  }
  u64 h = 1469598103934665603ul;
  for (int i = 0; i < 4096; i++) { h ^= keys[i]; h *= 1099511628211ul; }
  puts_("  sorted 4096 keys, FNV-1a of the result: "); putu(h); puts_("\n");
  puts_("  getppid() = "); putu(sys(110, 0, 0, 0)); puts_("\n");
  sys(231, 0, 0, 0);
}
