/*
 * Guest for the snapshot/restore tests (tests/api/snapshot.test.ts). argv[1]:
 *   case  touches what a fuzz case touches: globals, an mmap, a signal handler,
 *         SUD armed (a dispatched syscall and a blocked-then-allowed selector),
 *         brk, fork + wait4, stdin, and prints a digest
 *   smc   writes code into an RWX page, runs it, spins (the test snapshots
 *         during the spin), runs it again, rewrites it and runs it a third time
 *   grow  touches argv[2] MiB of fresh memory and prints a checksum
 *   reap  forks A, which sleeps a millisecond, prints "forked" and spins (the
 *         test snapshots during the spin, A alive), forks B, then reaps B and A
 *         and prints their exit statuses
 *   parts touches data, prints the address of its first whole page and
 *         "ready" and spins (the test snapshots during the spin), then writes
 *         parts of that page and the next: a store across a 256-byte
 *         boundary and one at a page's last byte, rep stosb and rep movsb
 *         over several 256-byte parts, read(2) from stdin, a signal
 *         handler's byte, an mprotect; prints a digest
 */
#include "../../sud/programs/sud.h"

static volatile unsigned char sel;
static unsigned char data[3 * 4096];
static volatile i64 dispatched_nr;

static void on_sigsys(int sig, unsigned char *info, void *uc) {
  (void)sig; (void)uc;
  dispatched_nr = *(int *)(info + 24);
  sel = 0; /* SYSCALL_DISPATCH_FILTER_ALLOW: the restorer's rt_sigreturn is in the region anyway */
}

static u64 digest(const unsigned char *p, u64 n) {
  u64 h = 1469598103934665603UL;
  for (u64 i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211UL;
  return h;
}

static int run_case(void) {
  for (u64 i = 0; i < sizeof data; i++) data[i] = (unsigned char)(i * 7 + 1);
  unsigned char *m = (unsigned char *)sc6(9, 0, 3 * 4096, 3, 0x22, -1, 0);
  for (int i = 0; i < 3 * 4096; i += 512) m[i] = (unsigned char)i;
  i64 b0 = rsys(12, 0, 0, 0, 0, 0);
  rsys(12, b0 + 8192, 0, 0, 0, 0);
  ((volatile char *)b0)[100] = 9;
  char in[16];
  i64 n = rsys(0, 0, (i64)in, sizeof in, 0, 0);
  sigact(SIGSYS, (void *)on_sigsys, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
  sel = 1; /* BLOCK */
  kv("prctl", rsud(1, REGION, &sel));
  i64 r = osys(39, 0, 0, 0, 0, 0); /* getpid outside the region: SIGSYS */
  kv("dispatched", dispatched_nr);
  kv("after_handler_rax", r);
  i64 pid = osys(57, 0, 0, 0, 0, 0); /* fork, allowed by the selector now */
  if (pid == 0) {
    data[5] = 77;
    m[1] = 55;
    out("child says hi\n");
    quit(3);
  }
  int status = 0;
  rsys(61, pid, (i64)&status, 0, 0, 0);
  kv("child_status", status);
  kv("stdin_n", n);
  if (n > 0) { in[n < 15 ? n : 15] = 0; out("stdin="); out(in); out("\n"); }
  kv("data", (i64)(digest(data, sizeof data) & 0x7fffffff));
  kv("mmap", (i64)(digest(m, 3 * 4096) & 0x7fffffff));
  kv("mask", mask_get());
  return 5;
}

static int run_smc(void) {
  unsigned char *code = (unsigned char *)sc6(9, 0, 4096, 7, 0x22, -1, 0);
  /* mov $1, %eax ; ret */
  code[0] = 0xb8; code[1] = 1; code[2] = 0; code[3] = 0; code[4] = 0; code[5] = 0xc3;
  int (*f)(void) = (int (*)(void))code;
  kv("r", f());
  for (volatile int i = 0; i < 200000; i++) {}
  kv("r", f());
  code[1] = 2;
  kv("r", f());
  return 0;
}

static int run_grow(u64 mib) {
  u64 len = mib << 20;
  unsigned char *m = (unsigned char *)sc6(9, 0, (i64)len, 3, 0x22, -1, 0);
  u64 sum = 0;
  for (u64 i = 0; i < len; i += 4096) { m[i] = (unsigned char)(i >> 12); sum += m[i]; }
  kv("grow_sum", (i64)sum);
  return 0;
}

static int run_reap(void) {
  i64 a = rsys(57, 0, 0, 0, 0, 0);
  if (a == 0) {
    i64 ts[2] = {0, 1000000};
    rsys(35, (i64)ts, 0, 0, 0, 0); /* nanosleep */
    quit(11);
  }
  out("forked\n");
  for (volatile int i = 0; i < 100000; i++) {}
  i64 b = rsys(57, 0, 0, 0, 0, 0);
  if (b == 0) quit(22);
  int status = 0;
  rsys(61, b, (i64)&status, 0, 0, 0);
  kv("b", status >> 8);
  rsys(61, a, (i64)&status, 0, 0, 0);
  kv("a", status >> 8);
  return 0;
}

static volatile int usr1_seen;
static unsigned char *parts_page; /* the first page-aligned page in data; two whole pages from it */
static void on_usr1(int sig) { (void)sig; usr1_seen = 1; parts_page[4096 + 4000] = 5; }

static int run_parts(void) {
  for (u64 i = 0; i < sizeof data; i += 512) data[i] = 1;
  parts_page = (unsigned char *)(((u64)data + 4095) & ~4095UL);
  kv("page_at", (i64)parts_page);
  out("ready\n");
  for (volatile int i = 0; i < 100000; i++) {}
  unsigned char *p1 = parts_page, *p2 = parts_page + 4096;
  *(volatile u64 *)(p1 + 252) = 0x1122334455667788UL; /* parts 0 and 1 */
  ((volatile unsigned char *)p1)[4095] = 9;           /* part 15 */
  unsigned char *d = p2 + 200;
  u64 n = 700;
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(0x5a) : "memory");
  unsigned char *src = p1 + 250, *dst = p2 + 1500;
  n = 300;
  __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
  i64 got = rsys(0, 0, (i64)(p1 + 1000), 600, 0, 0); /* part 3 for "hello" */
  sigact(SIGUSR1, (void *)on_usr1, SA_RESTORER, restorer_in, 0);
  rsys(62, rsys(39, 0, 0, 0, 0, 0), SIGUSR1, 0, 0, 0);
  rsys(10, (i64)p2, 4096, 1, 0, 0); /* read-only: a page-table entry changes */
  kv("read", got);
  kv("usr1", usr1_seen);
  kv("data", (i64)(digest(data, sizeof data) & 0x7fffffff));
  return 0;
}

static u64 atou(const char *s) { u64 v = 0; while (*s >= '0' && *s <= '9') v = v * 10 + (u64)(*s++ - '0'); return v; }

int cmain(u64 *sp) {
  i64 argc = (i64)sp[0];
  char **argv = (char **)(sp + 1);
  const char *mode = argc > 1 ? argv[1] : "case";
  if (streq(mode, "smc")) quit(run_smc());
  if (streq(mode, "grow")) quit(run_grow(argc > 2 ? atou(argv[2]) : 1));
  if (streq(mode, "reap")) quit(run_reap());
  if (streq(mode, "parts")) quit(run_parts());
  quit(run_case());
}
