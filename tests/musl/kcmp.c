/* kcmp(2): 0 when two tasks share the object, else 1 or 2 (an order of the objects' addresses:
 * only printed as "differ", and that kcmp(a, b) and kcmp(b, a) disagree) for open file
 * descriptions (dup and fork share one, a second open does not), descriptor tables, address
 * spaces, filesystem contexts and signal handler tables (a thread shares all of them, a fork's
 * child none), the I/O context and semaphore undo list nobody has; an epoll instance's target;
 * what a zombie has left; ESRCH, EBADF, EINVAL, EFAULT, ENOENT. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

/* linux/kcmp.h (not among musl's headers) */
enum { KCMP_FILE, KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND, KCMP_IO, KCMP_SYSVSEM, KCMP_EPOLL_TFD };
struct kcmp_epoll_slot { uint32_t efd, tfd, toff; };

static long kcmp(pid_t a, pid_t b, int type, unsigned long i1, unsigned long i2) {
  return syscall(SYS_kcmp, (long)a, (long)b, (long)type, i1, i2);
}

/* 0 stays 0; a difference prints as "differ" when the two directions disagree as they must */
static const char *rel(pid_t a, pid_t b, int type, unsigned long i1, unsigned long i2) {
  long x = kcmp(a, b, type, i1, i2), y = kcmp(b, a, type, i2, i1);
  if (x == 0 && y == 0) return "same";
  if ((x == 1 && y == 2) || (x == 2 && y == 1)) return "differ";
  return "inconsistent";
}

static const char *names[] = {"FILE", "VM", "FILES", "FS", "SIGHAND", "IO", "SYSVSEM"};
static pid_t main_tid;
static volatile pid_t thread_tid;
static volatile int done;

static void *thread(void *arg) {
  (void)arg;
  thread_tid = syscall(SYS_gettid);
  while (!done) usleep(1000);
  return NULL;
}

static void compare(const char *what, pid_t a, pid_t b) {
  for (int t = KCMP_VM; t <= KCMP_SYSVSEM; t++) printf("%s %s: %s\n", what, names[t], rel(a, b, t, 0, 0));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t me = getpid();
  main_tid = me;
  int fd = open("/dev/null", O_RDONLY);
  int again = open("/dev/null", O_RDONLY);
  int d = dup(fd);
  printf("a dup: %s\n", rel(me, me, KCMP_FILE, fd, d));
  printf("a second open: %s\n", rel(me, me, KCMP_FILE, fd, again));
  SHOW(kcmp(me, me, KCMP_FILE, fd, 99));
  SHOW(kcmp(me, me, KCMP_FILE, 99, fd));
  SHOW(kcmp(me, me, KCMP_FILE, 0x100000000UL | fd, fd));
  SHOW(kcmp(me, me, 8, 0, 0));
  SHOW(kcmp(me, me, -1, 0, 0));
  SHOW(kcmp(me, 0, KCMP_VM, 0, 0));
  SHOW(kcmp(0, me, KCMP_VM, 0, 0));
  SHOW(kcmp(me, -1, KCMP_VM, 0, 0));
  SHOW(kcmp(me, 0x3fffffff, 99, 0, 0));
  compare("self", me, me);

  int ep = epoll_create1(0);
  int p[2];
  pipe(p);
  struct epoll_event ev = {EPOLLIN, {0}};
  epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
  struct kcmp_epoll_slot slot = {ep, p[0], 0};
  SHOW(kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&slot));
  SHOW(kcmp(me, me, KCMP_EPOLL_TFD, p[1], (unsigned long)&slot) > 0);
  SHOW(kcmp(me, me, KCMP_EPOLL_TFD, 99, (unsigned long)&slot));
  SHOW(kcmp(me, me, KCMP_EPOLL_TFD, p[0], 8));
  slot.toff = 1;
  SHOW(kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&slot));
  slot.toff = 0;
  slot.tfd = p[1];
  SHOW(kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&slot));
  slot.efd = 99;
  SHOW(kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&slot));
  slot.efd = p[0];
  SHOW(kcmp(me, me, KCMP_EPOLL_TFD, p[0], (unsigned long)&slot));

  pthread_t th;
  pthread_create(&th, NULL, thread, NULL);
  while (!thread_tid) usleep(1000);
  compare("thread", me, thread_tid);
  printf("thread FILE: %s\n", rel(me, thread_tid, KCMP_FILE, fd, fd));
  done = 1;
  pthread_join(th, NULL);

  int go[2];
  pipe(go);
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    read(go[0], &c, 1);
    _exit(0);
  }
  compare("fork", me, pid);
  printf("fork FILE: %s\n", rel(me, pid, KCMP_FILE, fd, fd));
  printf("fork FILE vs the second open: %s\n", rel(me, pid, KCMP_FILE, fd, again));
  write(go[1], "x", 1);
  siginfo_t si;
  waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
  printf("zombie VM vs itself: %s\n", rel(pid, pid, KCMP_VM, 0, 0));
  printf("zombie FILES vs itself: %s\n", rel(pid, pid, KCMP_FILES, 0, 0));
  printf("zombie FS vs itself: %s\n", rel(pid, pid, KCMP_FS, 0, 0));
  printf("zombie SIGHAND: %s\n", rel(me, pid, KCMP_SIGHAND, 0, 0));
  printf("zombie VM: %s\n", rel(me, pid, KCMP_VM, 0, 0));
  SHOW(kcmp(pid, pid, KCMP_FILE, 0, 0));
  waitpid(pid, NULL, 0);
  SHOW(kcmp(me, pid, KCMP_VM, 0, 0));
  return 0;
}
