/* epoll over pipes, an eventfd, a pidfd and another epoll instance: level-triggered entries
 * reported while ready, edge-triggered ones when something new is there, one-shot ones until
 * EPOLL_CTL_MOD; the data handed back; a wait that sleeps until a child writes, one that times
 * out; a registration that outlives a closed dup but not the last descriptor; and the errors of
 * epoll_ctl and epoll_wait. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include "show.h"

static int ep;

static void wait_and_show(const char *what, int timeout) {
  struct epoll_event ev[8];
  int n = epoll_wait(ep, ev, 8, timeout);
  printf("%s: %d ready", what, n);
  for (int i = 0; i < n; i++) printf(" [data %llu events %#x]", (unsigned long long)ev[i].data.u64, ev[i].events);
  printf("\n");
}

static int add(int fd, uint32_t events, uint64_t data) {
  struct epoll_event e = {.events = events, .data.u64 = data};
  return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  ep = epoll_create1(EPOLL_CLOEXEC);
  SHOW(ep >= 0);
  SHOW(fcntl(ep, F_GETFD));
  int p[2];
  pipe(p);
  SHOW(add(p[0], EPOLLIN, 1));
  SHOW(add(p[1], EPOLLOUT, 2));
  SHOW(add(p[0], EPOLLIN, 1));
  wait_and_show("only the write end", 0);
  write(p[1], "abc", 3);
  wait_and_show("both", 0);
  wait_and_show("level-triggered: again", 0);
  struct epoll_event e = {.events = EPOLLIN | EPOLLET, .data.u64 = 11};
  SHOW(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
  SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
  wait_and_show("edge-triggered", 0);
  wait_and_show("edge-triggered: nothing new", 0);
  char buf[16];
  read(p[0], buf, sizeof buf);
  write(p[1], "d", 1);
  wait_and_show("edge-triggered: drained, then new data", 0);
  e.events = EPOLLIN | EPOLLONESHOT;
  e.data.u64 = 12;
  SHOW(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
  wait_and_show("one-shot", 0);
  wait_and_show("one-shot: off", 0);
  SHOW(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
  wait_and_show("one-shot: armed again", 0);
  read(p[0], buf, sizeof buf);
  e.events = EPOLLIN;
  e.data.u64 = 1;
  SHOW(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));

  /* a child writes while the parent sleeps in epoll_wait */
  pid_t pid = fork();
  if (pid == 0) {
    usleep(20000);
    write(p[1], "x", 1);
    _exit(0);
  }
  wait_and_show("woken by the child", -1);
  read(p[0], buf, sizeof buf);
  int pfd = syscall(SYS_pidfd_open, pid, 0);
  SHOW(add(pfd, EPOLLIN, 3));
  waitpid(pid, NULL, 0);
  wait_and_show("the child's pidfd", 100);
  SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, pfd, NULL));
  wait_and_show("timed out", 30);

  int efd = eventfd(0, EFD_NONBLOCK);
  SHOW(add(efd, EPOLLIN | EPOLLOUT, 4));
  uint64_t one = 1;
  write(efd, &one, 8);
  wait_and_show("eventfd", 0);
  read(efd, &one, 8);

  /* a dup keeps the registration; closing the last descriptor drops it */
  int d = dup(efd);
  close(efd);
  wait_and_show("after closing one of two", 0);
  close(d);
  wait_and_show("after closing both", 0);

  /* another instance watching this one */
  int outer = epoll_create(1);
  struct epoll_event oe = {.events = EPOLLIN, .data.u64 = 99};
  SHOW(epoll_ctl(outer, EPOLL_CTL_ADD, ep, &oe));
  SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, outer, &oe));
  write(p[1], "y", 1);
  struct epoll_event got;
  SHOW(epoll_wait(outer, &got, 1, 0));
  printf("outer data %llu\n", (unsigned long long)got.data.u64);

  /* errors */
  int f = open("/dev/null", O_RDONLY);
  int file = open("/proc/self/exe", O_RDONLY);
  SHOW(add(file, EPOLLIN, 5));
  SHOW(add(ep, EPOLLIN, 5));
  SHOW(epoll_ctl(ep, EPOLL_CTL_MOD, f, &e));
  SHOW(epoll_ctl(ep, EPOLL_CTL_DEL, f, NULL));
  SHOW(epoll_ctl(ep, 9, p[0], &e));
  SHOW(epoll_ctl(f, EPOLL_CTL_ADD, p[0], &e));
  SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &e));
  SHOW(epoll_wait(ep, &got, 0, 0));
  SHOW(epoll_wait(f, &got, 1, 0));
  SHOW(epoll_create(0) >= 0);
  SHOW(epoll_create1(1));
  struct stat st;
  SHOW(fstat(ep, &st));
  printf("mode %o\n", st.st_mode);
  return 0;
}
