/* The machine's realtime epoch (tests/kernel/epoch.test.ts): CLOCK_REALTIME
 * and time() read through the vDSO and by the syscall, bracketed by
 * CLOCK_MONOTONIC (the virtual time elapsed) read by the syscall before and
 * after; then the dates of a given file, of a file made now, and /proc/stat's
 * btime. The test checks each against the epoch it gave the machine. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(int argc, char **argv) {
  struct timespec m0, rv, rs, m1;
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &m0);
  clock_gettime(CLOCK_REALTIME, &rv);
  syscall(SYS_clock_gettime, CLOCK_REALTIME, &rs);
  time_t tv = time(0);
  long ts = syscall(SYS_time, 0);
  struct timeval gv;
  gettimeofday(&gv, 0);
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &m1);
  printf("mono0 %lld\nmono1 %lld\n", ns(m0), ns(m1));
  printf("realtime vdso %lld\nrealtime syscall %lld\n", ns(rv), ns(rs));
  printf("time vdso %lld\ntime syscall %ld\n", (long long)tv, ts);
  printf("gettimeofday %lld\n", (long long)gv.tv_sec * 1000000LL + gv.tv_usec);

  struct stat st;
  if (argc > 1 && stat(argv[1], &st) == 0) printf("given mtime %lld\n", (long long)st.st_mtime);
  int fd = open("/tmp/made-now", O_CREAT | O_WRONLY, 0644);
  if (fd >= 0 && write(fd, "x", 1) == 1 && fstat(fd, &st) == 0) printf("new mtime %lld\n", (long long)st.st_mtime);

  char buf[4096];
  int pf = open("/proc/stat", O_RDONLY);
  ssize_t n = pf >= 0 ? read(pf, buf, sizeof buf - 1) : -1;
  if (n > 0) {
    buf[n] = 0;
    char *b = strstr(buf, "\nbtime ");
    if (b) printf("btime %lld\n", atoll(b + 7));
  }
  return 0;
}
