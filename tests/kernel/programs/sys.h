/* Freestanding helpers for kernel tests: raw syscalls and tiny printing. */
typedef unsigned long u64;
typedef long i64;

static inline i64 sc6(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e, i64 f) {
  register i64 r10 __asm__("r10") = d;
  register i64 r8 __asm__("r8") = e;
  register i64 r9 __asm__("r9") = f;
  i64 r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return r;
}
#define sc0(n) sc6(n, 0, 0, 0, 0, 0, 0)
#define sc1(n, a) sc6(n, (i64)(a), 0, 0, 0, 0, 0)
#define sc2(n, a, b) sc6(n, (i64)(a), (i64)(b), 0, 0, 0, 0)
#define sc3(n, a, b, c) sc6(n, (i64)(a), (i64)(b), (i64)(c), 0, 0, 0)

static u64 slen(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static void out(const char *s) { sc3(1, 1, s, slen(s)); }
static void outi(i64 v) {
  char b[24]; int i = 23; b[i] = 0;
  int neg = v < 0; u64 u = neg ? -(u64)v : (u64)v;
  do { b[--i] = '0' + u % 10; u /= 10; } while (u);
  if (neg) b[--i] = '-';
  out(b + i);
}
static void kv(const char *k, i64 v) { out(k); out("="); outi(v); out("\n"); }
static void __attribute__((noreturn)) quit(int status) { sc1(231, status); for (;;) {} }
