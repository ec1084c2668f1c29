/* Scheduling parameters and sessions: CPU affinity (cpu 0 is online, an empty mask is refused,
 * a length that is not a whole number of longs too), nice values through getpriority and
 * setpriority (clamped to -20..19, inherited by a child), SCHED_OTHER's policy and the policies'
 * priority ranges, getrusage, and a forked child that starts a session of its own. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  unsigned long mask[8] = {0};
  long n = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
  printf("getaffinity: a whole number of longs %d, cpu 0 online %d\n", n >= 8 && n % 8 == 0, (int)(mask[0] & 1));
  SHOW(syscall(SYS_sched_getaffinity, 0, 12, mask));
  SHOW(syscall(SYS_sched_getaffinity, 0x3fffffff, 8, mask));
  SHOW(syscall(SYS_sched_getaffinity, 0, 8, (void *)8));
  unsigned long one = 1, none = 0;
  SHOW(syscall(SYS_sched_setaffinity, 0, 8, &one));
  SHOW(syscall(SYS_sched_setaffinity, 0, 8, &none));
  unsigned cpu = 9, node = 9;
  SHOW(syscall(SYS_getcpu, &cpu, &node, 0));
  printf("cpu %u node %u\n", cpu, node);
  SHOW(syscall(SYS_getpriority, PRIO_PROCESS, 0));
  SHOW(setpriority(PRIO_PROCESS, 0, 5));
  SHOW(getpriority(PRIO_PROCESS, 0));
  SHOW(setpriority(PRIO_PROCESS, 0, 100));
  SHOW(getpriority(PRIO_PROCESS, 0));
  SHOW(syscall(SYS_getpriority, PRIO_PROCESS, 0));
  SHOW(getpriority(7, 0));
  SHOW(getpriority(PRIO_PROCESS, 0x3fffffff));
  /* musl answers these two itself (ENOSYS): asked of the kernel directly */
  SHOW(syscall(SYS_sched_getscheduler, 0));
  struct sched_param sp = {7};
  SHOW(syscall(SYS_sched_getparam, 0, &sp));
  printf("sched_priority %d\n", sp.sched_priority);
  SHOW(sched_get_priority_max(SCHED_OTHER));
  SHOW(sched_get_priority_min(SCHED_OTHER));
  SHOW(sched_get_priority_max(SCHED_FIFO));
  SHOW(sched_get_priority_min(SCHED_RR));
  SHOW(sched_get_priority_max(9));
  struct rusage ru;
  SHOW(getrusage(RUSAGE_SELF, &ru));
  SHOW(getrusage(RUSAGE_CHILDREN, &ru));
  SHOW(getrusage(5, &ru));
  SHOW(getsid(0) == getsid(getpid()));
  SHOW(getsid(0x3fffffff));
  pid_t parent_group = getpgrp();
  pid_t pid = fork();
  if (pid == 0) {
    printf("child nice %d\n", getpriority(PRIO_PROCESS, 0));
    pid_t me = getpid();
    pid_t s = setsid();
    printf("child setsid is its pid %d, getsid %d, getpgrp %d\n", s == me, getsid(0) == me, getpgrp() == me);
    errno = 0;
    int r = setsid();
    printf("setsid again: %d errno %d\n", r, errno);
    errno = 0;
    r = setpgid(0, parent_group);
    printf("join the parent's group from another session: %d errno %d\n", r, errno);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  return 0;
}
