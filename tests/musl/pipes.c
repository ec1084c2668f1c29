/* Pipes and descriptors, compared with the host kernel: a pipe between a parent and a forked
 * child with end of file once every write end is closed, SIGPIPE and EPIPE with no reader,
 * dup, dup2, dup3 and fcntl, close-on-exec flags, a non-blocking pipe's capacity written a byte
 * at a time and in pieces that do not fill pages, poll on both ends, a blocking write larger
 * than the pipe, writev and readv, a thread sharing the descriptor table and a forked child
 * with a copy of it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

static volatile sig_atomic_t got_pipe;
static void on_pipe(int sig) { (void)sig; got_pipe++; }

static void *thread_close(void *arg) { close(*(int *)arg); return NULL; }

static int revents(int fd, short events) {
  struct pollfd pf = {.fd = fd, .events = events};
  int r = poll(&pf, 1, 0);
  return r < 0 ? -1 : pf.revents;
}

static char big[70000];

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char buf[256];
  int p[2], st;
  ssize_t n;
  SHOW(pipe(p));
  printf("fds %d %d\n", p[0], p[1]);
  SHOW(fcntl(p[0], F_GETFL));
  SHOW(fcntl(p[1], F_GETFL));
  SHOW(fcntl(p[0], F_GETFD));
  SHOW(write(p[0], "x", 1));
  SHOW(read(p[1], buf, 1));

  /* a child writes, the parent reads until end of file */
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    for (int i = 0; i < 5; i++) {
      int k = snprintf(buf, sizeof buf, "line %d\n", i);
      write(p[1], buf, k);
    }
    _exit(7);
  }
  close(p[1]);
  size_t total = 0;
  while ((n = read(p[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
  buf[total] = 0;
  waitpid(pid, &st, 0);
  printf("read %zu bytes, last read %zd, child exit %d:\n%s", total, n, WEXITSTATUS(st), buf);
  close(p[0]);

  /* no reader: SIGPIPE (caught) and EPIPE */
  SHOW(pipe(p));
  close(p[0]);
  signal(SIGPIPE, on_pipe);
  SHOW(write(p[1], "abc", 3));
  printf("SIGPIPE caught %d\n", got_pipe);
  close(p[1]);

  /* dup, dup2, dup3, fcntl */
  SHOW(pipe2(p, O_CLOEXEC));
  SHOW(fcntl(p[0], F_GETFD));
  SHOW(fcntl(p[1], F_GETFD));
  int d = dup(p[1]);
  printf("dup -> %d\n", d);
  SHOW(fcntl(d, F_GETFD));
  SHOW(dup2(p[1], 20));
  SHOW(dup2(20, 20));
  SHOW(dup2(99, 21));
  SHOW(dup2(20, 1 << 20));
  SHOW(dup3(20, 20, 0));
  SHOW(dup3(20, 21, O_CLOEXEC));
  SHOW(fcntl(21, F_GETFD));
  SHOW(dup3(20, 22, 1));
  SHOW(fcntl(p[1], F_DUPFD, 30));
  SHOW(fcntl(p[1], F_DUPFD_CLOEXEC, 30));
  SHOW(fcntl(31, F_GETFD));
  SHOW(fcntl(31, F_SETFD, 0));
  SHOW(fcntl(31, F_GETFD));
  SHOW(fcntl(p[1], F_SETFL, O_NONBLOCK | O_APPEND));
  SHOW(fcntl(p[1], F_GETFL));
  SHOW(fcntl(d, F_GETFL));
  SHOW(fcntl(99, F_GETFD));
  SHOW(fcntl(p[0], 12345));
  SHOW(fcntl(p[0], F_GETPIPE_SZ));
  SHOW(fcntl(1, F_DUPFD, 1 << 30));
  /* every write end but one closed: the reader still waits for the last */
  SHOW(write(d, "via dup", 7));
  close(p[1]);
  close(d);
  close(20);
  close(21);
  close(30);
  close(22); /* musl's dup3 without O_CLOEXEC is a dup2 */
  n = read(p[0], buf, sizeof buf);
  printf("read via dup: %zd '%.*s'\n", n, (int)n, buf);
  SHOW(revents(p[0], POLLIN));
  close(31);
  SHOW(revents(p[0], POLLIN));
  SHOW(read(p[0], buf, 1));
  close(p[0]);

  /* a non-blocking pipe's capacity: a byte at a time, then in 3000-byte pieces */
  SHOW(pipe2(p, O_NONBLOCK));
  size_t cap = 0;
  while (write(p[1], "z", 1) == 1) cap++;
  printf("capacity by bytes %zu errno %d\n", cap, errno);
  int avail = 0;
  SHOW(ioctl(p[0], FIONREAD, &avail));
  printf("FIONREAD %d\n", avail);
  SHOW(revents(p[1], POLLOUT));
  while (read(p[0], buf, sizeof buf) > 0) {}
  SHOW(read(p[0], buf, sizeof buf));
  SHOW(revents(p[0], POLLIN));
  memset(big, 'q', sizeof big);
  cap = 0;
  while ((n = write(p[1], big, 3000)) > 0) cap += n;
  printf("capacity by 3000-byte writes %zu errno %d\n", cap, errno);
  SHOW(write(p[1], "small", 5));
  SHOW(revents(p[1], POLLOUT));
  while (read(p[0], buf, sizeof buf) > 0) {}
  SHOW(write(p[1], big, sizeof big));
  close(p[0]);
  SHOW(revents(p[1], POLLOUT));
  close(p[1]);

  /* a blocking write larger than the pipe, read by a child in pieces */
  SHOW(pipe(p));
  pid = fork();
  if (pid == 0) {
    close(p[1]);
    size_t got = 0;
    while ((n = read(p[0], buf, sizeof buf)) > 0) got += n;
    _exit(got == sizeof big ? 0 : 1);
  }
  close(p[0]);
  SHOW(write(p[1], big, sizeof big));
  close(p[1]);
  waitpid(pid, &st, 0);
  printf("the child counted %s\n", WEXITSTATUS(st) == 0 ? "all of it" : "wrong");

  /* writev and readv */
  SHOW(pipe(p));
  struct iovec wv[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
  SHOW(writev(p[1], wv, 3));
  char r1[3] = {0}, r2[8] = {0};
  struct iovec rv[2] = {{r1, 2}, {r2, 7}};
  SHOW(readv(p[0], rv, 2));
  printf("'%s' '%s'\n", r1, r2);

  /* a thread shares the table: its close is the process's; a forked child's is its own */
  int fd = dup(p[1]);
  pthread_t th;
  pthread_create(&th, NULL, thread_close, &fd);
  pthread_join(th, NULL);
  SHOW(fcntl(fd, F_GETFD));
  pid = fork();
  if (pid == 0) {
    close(p[1]);
    _exit(0);
  }
  waitpid(pid, &st, 0);
  SHOW(fcntl(p[1], F_GETFD));
  SHOW(pipe2(p, 1));
  SHOW(pipe((int *)8));
  return 0;
}
