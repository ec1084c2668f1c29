/* The clock runs while the kernel works, compared with the host kernel: a loop of syscalls
 * timed with CLOCK_MONOTONIC takes time per call (at least 20 ns, and at least ten times an
 * iteration of a loop that makes none), as benchmarks that calibrate their iterations to
 * seconds of syscalls need; and a calibration of that kind (sud_benchmark's: steps of
 * sysinfo calls until a second has passed) ends after a bounded number of steps. */
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#define CALLS 20000

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
  volatile long sink = 0;
  long long t0 = now_ns();
  for (int i = 0; i < CALLS; i++) sink += i;
  long long plain = now_ns() - t0;
  t0 = now_ns();
  for (int i = 0; i < CALLS; i++) sink += syscall(SYS_getppid);
  long long calls = now_ns() - t0;
  printf("a syscall takes at least 20 ns: %d\n", calls >= 20LL * CALLS);
  printf("a syscall takes ten loop iterations or more: %d\n", calls >= 10 * (plain > 0 ? plain : 1));

  /* steps of 10000 sysinfo calls until 0.1 s has passed: a few hundred at most on Linux */
  struct sysinfo info;
  long long elapsed = 0;
  int steps = 0;
  while (elapsed < 100000000LL && steps < 100000) {
    t0 = now_ns();
    for (int i = 0; i < 10000; i++) sysinfo(&info);
    elapsed += now_ns() - t0;
    steps++;
  }
  printf("calibration ends within 1000 steps: %d\n", steps <= 1000);
  return 0;
}
