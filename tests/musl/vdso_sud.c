/* The clocks through the vDSO under Syscall User Dispatch with the selector
 * on BLOCK: clock_gettime of the wall and monotonic clocks, gettimeofday,
 * time, clock_getres and getcpu are served in user space, so no SIGSYS
 * comes; a CPU-time clock and an id that names no clock go to the kernel
 * from inside the vDSO, and are dispatched. Prints how many SIGSYS each call
 * drew and its result (never a time), which the host and the engine must
 * agree on, with musl and with glibc (static and dynamic). */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>

#define PR_SET_SYSCALL_USER_DISPATCH 59
#define SYSCALL_DISPATCH_FILTER_ALLOW 0
#define SYSCALL_DISPATCH_FILTER_BLOCK 1

static volatile char selector;
static volatile int sigsys;

static void on_sigsys(int sig, siginfo_t *si, void *ctx) {
  ucontext_t *uc = ctx;
  (void)sig; (void)si;
  sigsys++;
  uc->uc_mcontext.gregs[REG_RAX] = -38; /* the call, emulated, fails with ENOSYS */
  selector = SYSCALL_DISPATCH_FILTER_ALLOW; /* lets rt_sigreturn through */
}

#define BLOCKED(what, call) do {                               \
    int before = sigsys;                                       \
    selector = SYSCALL_DISPATCH_FILTER_BLOCK;                  \
    long rc = (long)(call);                                    \
    selector = SYSCALL_DISPATCH_FILTER_ALLOW;                  \
    printf("%-32s sigsys %d rc %s\n", what, sigsys - before,   \
           rc == 0 ? "0" : rc > 0 ? "positive" : "negative");  \
  } while (0)

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, 0);
  struct timespec ts;
  struct timeval tv;
  struct timezone tz;
  unsigned cpu = 99, node = 99;
  if (prctl(PR_SET_SYSCALL_USER_DISPATCH, 1, 0, 0, &selector)) { perror("prctl"); return 1; }
  BLOCKED("clock_gettime REALTIME", clock_gettime(CLOCK_REALTIME, &ts));
  BLOCKED("clock_gettime MONOTONIC", clock_gettime(CLOCK_MONOTONIC, &ts));
  BLOCKED("clock_gettime BOOTTIME", clock_gettime(CLOCK_BOOTTIME, &ts));
  BLOCKED("clock_gettime REALTIME_COARSE", clock_gettime(CLOCK_REALTIME_COARSE, &ts));
  BLOCKED("clock_gettime MONOTONIC_COARSE", clock_gettime(CLOCK_MONOTONIC_COARSE, &ts));
  BLOCKED("clock_gettime MONOTONIC_RAW", clock_gettime(CLOCK_MONOTONIC_RAW, &ts));
  BLOCKED("clock_gettime TAI", clock_gettime(CLOCK_TAI, &ts));
  BLOCKED("gettimeofday", gettimeofday(&tv, 0));
  BLOCKED("gettimeofday with tz", gettimeofday(&tv, &tz));
  BLOCKED("time", time(0) > 0 ? 0 : -1);
  BLOCKED("clock_getres MONOTONIC", clock_getres(CLOCK_MONOTONIC, &ts));
  BLOCKED("clock_getres REALTIME_COARSE", clock_getres(CLOCK_REALTIME_COARSE, &ts));
  BLOCKED("clock_getres PROCESS_CPUTIME", clock_getres(CLOCK_PROCESS_CPUTIME_ID, &ts));
  BLOCKED("sched_getcpu", sched_getcpu() >= 0 ? 0 : -1);
#ifdef __GLIBC__
  BLOCKED("getcpu", getcpu(&cpu, &node));
#endif
  BLOCKED("clock_gettime PROCESS_CPUTIME", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts));
  BLOCKED("clock_gettime THREAD_CPUTIME", clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts));
  BLOCKED("clock_gettime id 99", clock_gettime(99, &ts));
  prctl(PR_SET_SYSCALL_USER_DISPATCH, 0, 0, 0, 0);
  printf("total sigsys %d\n", sigsys);
  return 0;
}
