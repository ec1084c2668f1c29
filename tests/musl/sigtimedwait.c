/*
 * Taking signals synchronously: sigwait and sigtimedwait on blocked
 * signals, one already pending (with its siginfo), one sent later by another
 * process, a timeout (EAGAIN), a zero timeout;
 * then a nanosleep interrupted by a handler, and called again, sleeps its
 * full time anew. (musl's sigwaitinfo retries after EINTR, so a handled
 * signal outside the set does not end it.)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static void h(int s) { (void)s; }

static long elapsed_ms(struct timespec a, struct timespec b) {
  return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  sigprocmask(SIG_BLOCK, &set, 0);
  raise(SIGUSR2);
  int sig = 0;
  int r = sigwait(&set, &sig);
  printf("sigwait pending: %d, sig %d\n", r, sig);

  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    struct timespec ts = {0, 3000000};
    nanosleep(&ts, 0);
    kill(parent, SIGUSR1);
    _exit(0);
  }
  siginfo_t info;
  memset(&info, 0, sizeof info);
  r = sigwaitinfo(&set, &info);
  printf("sigwaitinfo: %d, si_signo %d si_code %d from the child %d\n", r, info.si_signo, info.si_code, info.si_pid == c);
  waitpid(c, 0, 0);

  struct timespec t = {0, 5000000}, t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  r = sigtimedwait(&set, 0, &t);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("sigtimedwait timeout: %d %s, waited at least 5 ms %d\n", r, strerror(errno), elapsed_ms(t0, t1) >= 5);
  struct timespec zero = {0, 0};
  r = sigtimedwait(&set, 0, &zero);
  printf("zero timeout: %d %s\n", r, strerror(errno));

  signal(SIGTERM, h);

  c = fork();
  if (c == 0) {
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, 0);
    kill(parent, SIGTERM);
    _exit(0);
  }
  struct timespec long_sleep = {0, 50000000}, rem = {0, 0};
  r = nanosleep(&long_sleep, &rem);
  printf("nanosleep interrupted: %d %s, time left reported: %d\n", r, strerror(errno),
         rem.tv_sec == 0 && rem.tv_nsec > 0 && rem.tv_nsec < 50000000);
  waitpid(c, 0, 0);
  struct timespec again = {0, 20000000};
  clock_gettime(CLOCK_MONOTONIC, &t0);
  nanosleep(&again, 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("the next nanosleep sleeps its own 20 ms: %d\n", elapsed_ms(t0, t1) >= 20);
  return 0;
}
