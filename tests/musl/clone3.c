/* clone3 and CLONE_PIDFD: a fork-like clone3 that hands back a pidfd (close-on-exec, readable
 * once the child exits, waited for through P_PIDFD), clone with CLONE_PIDFD writing it where
 * parent_tid points, a larger struct whose extra bytes are zero, and the arguments refused. */
#define _GNU_SOURCE
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include "show.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

struct args {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
  uint64_t extra;
};

static void reap(int pidfd, const char *what) {
  struct pollfd p = {.fd = pidfd, .events = POLLIN};
  int r = poll(&p, 1, -1);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int w = waitid(P_PIDFD, pidfd, &si, WEXITED);
  printf("%s: poll %d revents %#x, waitid %d, status %d, cloexec %d\n", what, r, p.revents, w, si.si_status, fcntl(pidfd, F_GETFD));
  close(pidfd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int pidfd = -1;
  struct args a;
  memset(&a, 0, sizeof a);
  a.flags = CLONE_PIDFD;
  a.pidfd = (uint64_t)(uintptr_t)&pidfd;
  a.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &a, 88);
  if (pid == 0) _exit(9);
  printf("clone3: child %d, pidfd %d\n", pid > 0, pidfd >= 0);
  reap(pidfd, "clone3");

  pidfd = -1;
  pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pidfd, 0, 0);
  if (pid == 0) _exit(7);
  printf("clone: child %d, pidfd %d\n", pid > 0, pidfd >= 0);
  reap(pidfd, "clone");

  /* a struct larger than the kernel knows, its extra field zero, then not */
  a.flags = 0;
  pid = syscall(SYS_clone3, &a, sizeof a);
  if (pid == 0) _exit(3);
  int st;
  printf("larger struct: child %d, ", pid > 0);
  printf("exit %d\n", waitpid(pid, &st, 0) == pid ? WEXITSTATUS(st) : -1);
  a.extra = 1;
  SHOW(syscall(SYS_clone3, &a, sizeof a));
  a.extra = 0;
  SHOW(syscall(SYS_clone3, &a, 32));
  a.stack = 0x1000;
  SHOW(syscall(SYS_clone3, &a, 88));
  a.stack = 0;
  a.exit_signal = 99;
  SHOW(syscall(SYS_clone3, &a, 88));
  a.exit_signal = SIGCHLD;
  a.flags = CLONE_PIDFD | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
  SHOW(syscall(SYS_clone3, &a, 88));
  SHOW(syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &pidfd, 0, 0));
  return 0;
}
