/* close_range(2): the open descriptors in [first, last] close as close(2) closes them (the last
 * write end of a pipe gives its reader end of file, an epoll instance forgets a description once
 * no descriptor names it), CLOSE_RANGE_CLOEXEC marks them close-on-exec instead (an exec'd image
 * finds them gone), CLOSE_RANGE_UNSHARE closes them in a copy of a table the caller shared with
 * a thread (which still has them); EINVAL for first > last and unknown flags. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)

static long cr(unsigned first, unsigned last, unsigned flags) { return syscall(SYS_close_range, first, last, flags); }

static int probe_fd;
static volatile int unshared, checked;

static void *thread(void *arg) {
  (void)arg;
  while (!unshared) usleep(1000);
  printf("the thread still has the descriptor: %d\n", fcntl(probe_fd, F_GETFD) >= 0);
  checked = 1;
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1) {
    int fd = atoi(argv[1]);
    printf("after exec: %d open %d, %d open %d\n", fd, fcntl(fd, F_GETFD) >= 0, fd + 1, fcntl(fd + 1, F_GETFD) >= 0);
    return 0;
  }
  SHOW(cr(10, 5, 0));
  SHOW(cr(0, 5, 8));
  SHOW(cr(0, 5, 1));
  SHOW(cr(200, ~0U, 0));
  SHOW(cr(~0U, ~0U, 0));
  int p[2];
  pipe(p);
  int r2 = dup(p[0]);
  int w2 = dup(p[1]);
  int ep = epoll_create1(0);
  struct epoll_event ev = {EPOLLIN, {.u64 = 7}};
  SHOW(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
  /* p[0] and r2 name one description: closing both takes it out of the epoll set */
  SHOW(cr(p[0] < r2 ? p[0] : r2, p[0] < r2 ? r2 : p[0], CLOSE_RANGE_CLOEXEC));
  SHOW(fcntl(p[0], F_GETFD));
  SHOW(fcntl(r2, F_GETFD));
  SHOW(fcntl(p[1], F_GETFD));
  SHOW(cr(p[1], p[1], 0));
  SHOW(fcntl(p[1], F_GETFD));
  SHOW(write(w2, "x", 1));
  char c;
  SHOW(read(p[0], &c, 1));
  SHOW(cr(w2, w2, 0));
  SHOW(read(p[0], &c, 1));
  struct epoll_event out;
  SHOW(epoll_wait(ep, &out, 1, 0));
  SHOW(cr(p[0], p[0], 0));
  SHOW(cr(r2, r2, 0));
  SHOW(epoll_wait(ep, &out, 1, 0));
  /* close-on-exec through exec */
  int a = open("/dev/null", O_RDONLY);
  int b = open("/dev/null", O_RDONLY);
  SHOW(b == a + 1);
  SHOW(cr(a, a, CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE));
  pid_t pid = fork();
  if (pid == 0) {
    char arg[16];
    snprintf(arg, sizeof arg, "%d", a);
    execl("/proc/self/exe", argv[0], arg, (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  /* a table shared with a thread: UNSHARE closes in the caller's copy only */
  probe_fd = a;
  pthread_t th;
  pthread_create(&th, NULL, thread, NULL);
  SHOW(cr(a, b, CLOSE_RANGE_UNSHARE));
  SHOW(fcntl(a, F_GETFD));
  unshared = 1;
  pthread_join(th, NULL);
  SHOW(open("/dev/null", O_RDONLY) == a);
  /* everything from 3 up */
  SHOW(cr(3, ~0U, 0));
  SHOW(fcntl(ep, F_GETFD));
  SHOW(fcntl(1, F_GETFD));
  return 0;
}
