/*
 * Waiting for signals: sigsuspend with a mask that lets one signal through
 * (the mask from before comes back), pause, sigpending, and the other
 * calls programs make on the way: getrandom, umask, getcwd, clock_nanosleep.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>

static volatile int got;
static void h(int sig) { got = sig; }

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sigaction(SIGUSR1, &sa, 0);
  sigaction(SIGUSR2, &sa, 0);
  sigset_t block, old, wait, pend;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGUSR2);
  sigprocmask(SIG_BLOCK, &block, &old);
  raise(SIGUSR2);
  sigpending(&pend);
  printf("pending: usr1 %d usr2 %d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, SIGUSR2));

  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, 0);
    kill(parent, SIGUSR1);
    _exit(0);
  }
  /* everything blocked but SIGUSR1 */
  sigfillset(&wait);
  sigdelset(&wait, SIGUSR1);
  int r = sigsuspend(&wait);
  printf("sigsuspend %d %s, got %d\n", r, strerror(errno), got);
  sigset_t now;
  sigprocmask(SIG_SETMASK, 0, &now);
  printf("mask restored: usr1 %d usr2 %d\n", sigismember(&now, SIGUSR1), sigismember(&now, SIGUSR2));
  waitpid(c, 0, 0);

  sigprocmask(SIG_SETMASK, &old, 0); /* SIGUSR2, pending since the raise, arrives now */
  printf("after unblock got %d\n", got);

  c = fork();
  if (c == 0) {
    struct timespec ts = {0, 1000000};
    /* again and again: one sent before the parent reaches pause would leave it waiting */
    for (int i = 0; i < 20; i++) {
      clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, 0);
      kill(parent, SIGUSR1);
    }
    _exit(0);
  }
  got = 0;
  r = pause();
  printf("pause %d %s, got %d\n", r, strerror(errno), got);
  waitpid(c, 0, 0);

  struct timespec t0, t1, until;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  until = t0;
  until.tv_nsec += 5000000;
  if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  printf("slept at least 5 ms: %d\n", ms >= 5);
  printf("sleep(1) returns %u\n", sleep(1));

  unsigned char buf[64];
  printf("getrandom %zd\n", getrandom(buf, sizeof buf, 0));
  ssize_t g = getrandom(buf, 8, 0x40);
  printf("getrandom bad flags %zd %s\n", g, strerror(errno));
  mode_t m = umask(027);
  printf("umask was %03o, now %03o\n", m, umask(m));
  char cwd[64];
  printf("getcwd absolute: %d\n", getcwd(cwd, sizeof cwd) && cwd[0] == '/');
  return 0;
}
