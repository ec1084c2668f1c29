/* The vDSO's clocks against the syscalls' (tests/kernel/vdso.test.ts): each
 * clock read through the vDSO, then by the syscall, then through the vDSO
 * again must come out in that order, close together; clock_getres answers
 * the same both ways; the TSC, which the vDSO's clocks are made from, moves
 * on across syscalls and across a sleep as the clock does, and stands a
 * fixed distance from what a syscall right after it reads. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static unsigned long long rdtsc(void) {
  unsigned lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (unsigned long long)hi << 32 | lo;
}

int main(void) {
  int clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
                   CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_TAI };
  for (unsigned i = 0; i < sizeof clocks / sizeof *clocks; i++) {
    struct timespec a, b, c, ra, rb;
    clock_gettime(clocks[i], &a);
    syscall(SYS_clock_gettime, clocks[i], &b);
    clock_gettime(clocks[i], &c);
    long ga = clock_getres(clocks[i], &ra), gb = syscall(SYS_clock_getres, clocks[i], &rb);
    printf("clock %d: ordered %d spread %lld getres same %d\n", clocks[i], ns(a) <= ns(b) && ns(b) <= ns(c),
           ns(c) - ns(a), ga == gb && ns(ra) == ns(rb));
  }
  struct timeval ta, tc;
  struct timespec tb;
  gettimeofday(&ta, 0);
  syscall(SYS_clock_gettime, CLOCK_REALTIME, &tb);
  gettimeofday(&tc, 0);
  long long ua = ta.tv_sec * 1000000LL + ta.tv_usec, uc = tc.tv_sec * 1000000LL + tc.tv_usec;
  printf("gettimeofday: ordered %d\n", ua <= ns(tb) / 1000 && ns(tb) / 1000 <= uc);
  time_t s1 = time(0);
  long s2 = syscall(SYS_time, 0);
  time_t s3 = time(0);
  printf("time: ordered %d\n", s1 <= s2 && s2 <= s3);

  /* rdtsc, then clock_gettime(CLOCK_MONOTONIC) by syscall six instructions later */
  unsigned long long t0, m0;
  struct timespec mt;
  __asm__ volatile("rdtsc\n\tshl $32, %%rdx\n\tor %%rdx, %%rax\n\tmov %%rax, %%r12\n\t"
                   "mov $228, %%eax\n\tmov $1, %%edi\n\tsyscall\n\tmov %%r12, %0"
                   : "=r"(t0) : "S"(&mt) : "rax", "rcx", "rdx", "rdi", "r11", "r12", "memory");
  m0 = ns(mt);
  printf("syscall after rdtsc: %lld ns later\n", (long long)(m0 - t0));

  unsigned long long before = rdtsc();
  for (int i = 0; i < 1000; i++) syscall(SYS_getppid);
  printf("1000 getppid: tsc +%lld\n", (long long)(rdtsc() - before));
  struct timespec nap = { 0, 1000000 }, m1, m2;
  clock_gettime(CLOCK_MONOTONIC, &m1);
  before = rdtsc();
  nanosleep(&nap, 0);
  unsigned long long after = rdtsc();
  clock_gettime(CLOCK_MONOTONIC, &m2);
  printf("nanosleep 1 ms: tsc +%lld, clock +%lld\n", (long long)(after - before), ns(m2) - ns(m1));

  fflush(stdout);
  struct timespec pf, cf;
  clock_gettime(CLOCK_MONOTONIC, &pf);
  pid_t pid = fork();
  if (pid == 0) {
    clock_gettime(CLOCK_MONOTONIC, &cf);
    printf("child: clock after the fork's %d\n", ns(cf) > ns(pf));
    return 0;
  }
  waitpid(pid, 0, 0);
  return 0;
}
