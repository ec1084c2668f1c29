/* timerfd: a one-shot timer read while not yet expired (EAGAIN) and then blocking until it
 * expires, a periodic one's expirations counted, the time left and the old setting reported,
 * an absolute time already past, poll and epoll woken by an expiry, and the errors. */
#define _GNU_SOURCE
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "show.h"

static long ms_left(int fd) {
  struct itimerspec cur;
  timerfd_gettime(fd, &cur);
  return cur.it_value.tv_sec * 1000 + cur.it_value.tv_nsec / 1000000;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  uint64_t n = 0;
  int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  SHOW(t >= 0);
  SHOW(read(t, &n, 8));
  struct itimerspec its = {.it_value = {0, 50 * 1000000}};
  SHOW(timerfd_settime(t, 0, &its, NULL));
  long left = ms_left(t);
  printf("time left in (40, 50] ms: %d\n", left > 40 && left <= 50);
  struct pollfd pf = {.fd = t, .events = POLLIN};
  SHOW(poll(&pf, 1, -1));
  printf("revents %#x\n", pf.revents);
  SHOW(read(t, &n, 8));
  printf("expirations %llu, time left %ld\n", (unsigned long long)n, ms_left(t));

  /* periodic: 10 ms, counted after about 35 ms */
  its.it_value.tv_nsec = 10 * 1000000;
  its.it_interval.tv_nsec = 10 * 1000000;
  SHOW(timerfd_settime(t, 0, &its, NULL));
  usleep(35000);
  SHOW(read(t, &n, 8));
  printf("at least 3 expirations %d\n", n >= 3);
  struct itimerspec old;
  its.it_value.tv_nsec = 0;
  its.it_interval.tv_nsec = 0;
  SHOW(timerfd_settime(t, 0, &its, &old));
  printf("old interval %ld ms\n", old.it_interval.tv_nsec / 1000000);
  SHOW(read(t, &n, 8));

  /* blocking, through epoll */
  int b = timerfd_create(CLOCK_REALTIME, 0);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
  epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev);
  struct itimerspec rel = {.it_value = {0, 20 * 1000000}};
  timerfd_settime(b, 0, &rel, NULL);
  SHOW(epoll_wait(ep, &ev, 1, -1));
  printf("data %llu\n", (unsigned long long)ev.data.u64);
  SHOW(read(b, &n, 8));
  printf("expirations %llu\n", (unsigned long long)n);
  /* an absolute time already past expires at once; a blocking read waits for a relative one */
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  struct itimerspec abs = {.it_value = {now.tv_sec - 5, 0}};
  SHOW(timerfd_settime(b, TFD_TIMER_ABSTIME, &abs, NULL));
  SHOW(read(b, &n, 8));
  printf("expirations %llu\n", (unsigned long long)n);
  timerfd_settime(b, 0, &rel, NULL);
  SHOW(read(b, &n, 8));
  printf("expirations %llu\n", (unsigned long long)n);

  /* errors */
  SHOW(timerfd_create(99, 0));
  SHOW(timerfd_create(CLOCK_MONOTONIC, 1));
  struct itimerspec bad = {.it_value = {0, 1000000000}};
  SHOW(timerfd_settime(t, 0, &bad, NULL));
  SHOW(timerfd_settime(t, 4, &its, NULL));
  SHOW(read(t, &n, 4));
  SHOW(write(t, &n, 8));
  SHOW(timerfd_settime(ep, 0, &its, NULL));
  SHOW(timerfd_gettime(999, &old));
  return 0;
}
