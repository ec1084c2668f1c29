/* select, pselect6, ppoll and epoll_pwait: readiness of a pipe's ends, a timeout (the kernel
 * writes back the time left, which glibc's select copies to its timeval), EBADF and EINVAL; and the waits that take a signal mask: a signal the
 * mask lets through interrupts them (EINTR, the handler run) while the old mask comes back
 * after, and one that arrives after a normal return stays pending. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>
#include "show.h"

static volatile int handled;
static void on_usr1(int sig) {
  (void)sig;
  handled++;
}

static int still_blocked(void) {
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  return sigismember(&cur, SIGUSR1);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int p[2];
  pipe(p);
  fd_set r, w;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_SET(p[0], &r);
  FD_SET(p[1], &w);
  struct timeval tv = {0, 0};
  SHOW(select(p[1] + 1, &r, &w, NULL, &tv));
  printf("read end %d write end %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
  write(p[1], "x", 1);
  FD_SET(p[0], &r);
  SHOW(select(p[0] + 1, &r, NULL, NULL, NULL));
  printf("read end %d\n", FD_ISSET(p[0], &r));
  char c;
  read(p[0], &c, 1);
  tv.tv_sec = 0;
  tv.tv_usec = 30000;
  FD_SET(p[0], &r);
  SHOW(select(p[0] + 1, &r, NULL, NULL, &tv));
  printf("time left %ld.%06ld, read end %d\n", (long)tv.tv_sec, (long)tv.tv_usec, FD_ISSET(p[0], &r));
  tv.tv_sec = 2;
  tv.tv_usec = 0;
  FD_SET(p[1], &w);
  SHOW(select(p[1] + 1, NULL, &w, NULL, &tv));
  /* ready at once: nearly all of it left (or all: musl passes pselect6 a copy) */
  long left_us = tv.tv_sec * 1000000L + tv.tv_usec;
  printf("time left near 2 s %d\n", left_us > 1900000 && left_us <= 2000000);
  FD_ZERO(&r);
  FD_SET(40, &r);
  SHOW(select(41, &r, NULL, NULL, &tv));
  SHOW(select(-1, NULL, NULL, NULL, &tv));
  tv.tv_sec = -1;
  SHOW(select(1, NULL, NULL, NULL, &tv));

  /* the masked waits: SIGUSR1 blocked and pending, each wait's mask lets it through */
  signal(SIGUSR1, on_usr1);
  sigset_t block, open;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, NULL);
  sigemptyset(&open);
  struct timespec ts = {1, 0};
  raise(SIGUSR1);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  SHOW(pselect(p[0] + 1, &r, NULL, NULL, &ts, &open));
  printf("handled %d, blocked again %d\n", handled, still_blocked());
  raise(SIGUSR1);
  struct pollfd pf = {.fd = p[0], .events = POLLIN};
  SHOW(ppoll(&pf, 1, &ts, &open));
  printf("handled %d, blocked again %d\n", handled, still_blocked());
  raise(SIGUSR1);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1};
  epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
  SHOW(epoll_pwait(ep, &ev, 1, 1000, &open));
  printf("handled %d, blocked again %d\n", handled, still_blocked());
  /* a normal return: the signal sent meanwhile waits under the old mask */
  write(p[1], "y", 1);
  SHOW(ppoll(&pf, 1, &ts, &block));
  raise(SIGUSR1);
  sigset_t pend;
  sigpending(&pend);
  printf("handled %d, pending %d\n", handled, sigismember(&pend, SIGUSR1));
  return 0;
}
