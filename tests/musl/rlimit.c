/*
 * Resource limits as a program sets and reads them (the values a machine
 * starts with are its own, so only what follows from the calls is printed):
 * setrlimit then getrlimit, prlimit on the caller, a child inheriting a
 * limit, soft above hard (EINVAL), an unknown resource (EINVAL), another
 * process that is not there (ESRCH).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

int main(void) {
  struct rlimit r;
  printf("stack soft limit set: %d\n", getrlimit(RLIMIT_STACK, &r) == 0 && r.rlim_cur > 0);
  struct rlimit core = {0, 0};
  printf("setrlimit core: %d\n", setrlimit(RLIMIT_CORE, &core));
  getrlimit(RLIMIT_CORE, &r);
  printf("core %llu %llu\n", (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max);
  struct rlimit files = {64, 128}, old;
  printf("prlimit nofile: %d\n", prlimit(0, RLIMIT_NOFILE, &files, &old));
  getrlimit(RLIMIT_NOFILE, &r);
  printf("nofile %llu %llu, old soft above 0: %d\n", (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max, old.rlim_cur > 0);
  pid_t c = fork();
  if (c == 0) {
    struct rlimit x;
    getrlimit(RLIMIT_NOFILE, &x);
    _exit(x.rlim_cur == 64 && x.rlim_max == 128 ? 3 : 4);
  }
  int st;
  waitpid(c, &st, 0);
  printf("the child inherits: %d\n", WEXITSTATUS(st) == 3);
  struct rlimit bad = {10, 5};
  int e = setrlimit(RLIMIT_NOFILE, &bad);
  printf("soft above hard: %d %s\n", e, strerror(errno));
  e = getrlimit(99, &r);
  printf("unknown resource: %d %s\n", e, strerror(errno));
  e = prlimit(0x3fffffff, RLIMIT_CORE, 0, &r);
  printf("no such process: %d %s\n", e, strerror(errno));
  return 0;
}
