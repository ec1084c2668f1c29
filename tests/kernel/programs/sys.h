/*
 * Freestanding helpers for kernel tests: raw syscalls and tiny printing. A
 * header whose programs must print through another syscall path (the SUD
 * tests' stub inside the dispatcher region) defines PRINT_SYSCALL3 first.
 */
#include "syscall.h"
#ifndef PRINT_SYSCALL3
#define PRINT_SYSCALL3(n, a, b, c) sc3(n, a, b, c)
#endif

static u64 slen(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static void out(const char *s) { PRINT_SYSCALL3(1, 1, s, slen(s)); }
static void outi(i64 v) {
  char b[24]; int i = 23; b[i] = 0;
  int neg = v < 0; u64 u = neg ? -(u64)v : (u64)v;
  do { b[--i] = '0' + u % 10; u /= 10; } while (u);
  if (neg) b[--i] = '-';
  out(b + i);
}
static void kv(const char *k, i64 v) { out(k); out("="); outi(v); out("\n"); }
static void __attribute__((noreturn)) quit(int status) { PRINT_SYSCALL3(231, status, 0, 0); for (;;) {} }
