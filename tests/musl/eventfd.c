/* eventfd: a counter a write adds to and a read takes, blocking or not, in counter or semaphore
 * mode, polled for reading and writing, shared with a child across fork and woken by it. */
#define _GNU_SOURCE
#include <poll.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

static int readable(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
  poll(&p, 1, 0);
  return p.revents;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  uint64_t v = 0;
  int e = eventfd(3, EFD_NONBLOCK);
  SHOW(e >= 0);
  SHOW(fcntl(e, F_GETFL) & ~O_LARGEFILE);
  SHOW(readable(e));
  SHOW(read(e, &v, 8));
  printf("value %llu\n", (unsigned long long)v);
  SHOW(read(e, &v, 8));
  SHOW(readable(e));
  SHOW(read(e, &v, 4));
  v = 5;
  SHOW(write(e, &v, 8));
  SHOW(write(e, &v, 8));
  SHOW(read(e, &v, 8));
  printf("value %llu\n", (unsigned long long)v);
  v = 0xfffffffffffffffeULL;
  SHOW(write(e, &v, 8));
  v = 1;
  SHOW(write(e, &v, 8));
  SHOW(readable(e));
  v = ~0ULL;
  SHOW(write(e, &v, 8));
  SHOW(read(e, &v, 8));
  close(e);

  int s = eventfd(2, EFD_SEMAPHORE | EFD_CLOEXEC);
  SHOW(fcntl(s, F_GETFD));
  SHOW(read(s, &v, 8));
  printf("value %llu\n", (unsigned long long)v);
  SHOW(read(s, &v, 8));
  printf("value %llu\n", (unsigned long long)v);
  struct stat st;
  SHOW(fstat(s, &st));
  printf("mode %o\n", st.st_mode);

  /* blocking: the parent sleeps in read until the child writes */
  pid_t pid = fork();
  if (pid == 0) {
    usleep(20000);
    uint64_t one = 7;
    write(s, &one, 8);
    _exit(0);
  }
  SHOW(read(s, &v, 8));
  printf("value %llu\n", (unsigned long long)v);
  waitpid(pid, NULL, 0);
  SHOW(eventfd(0, 0x40));
  return 0;
}
