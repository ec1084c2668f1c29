/* Freestanding helpers for kernel tests: raw syscalls and tiny printing. */
#include "syscall.h"

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
