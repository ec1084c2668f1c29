/*
 * prctl's everyday options and CLOCK_TAI: the task's name as execve set it
 * (the path's last component) and as PR_SET_NAME changes it (15 bytes at
 * most), kept by a forked child; dumpability, the parent-death signal, the
 * seccomp mode; an unknown option is EINVAL; CLOCK_TAI reads.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int main(void) {
  char name[17] = {0};
  prctl(PR_GET_NAME, name);
  printf("name at start has no slash: %d\n", strchr(name, '/') == 0);
  printf("set: %d\n", prctl(PR_SET_NAME, "a-rather-long-task-name"));
  prctl(PR_GET_NAME, name);
  printf("name %s (%zu)\n", name, strlen(name));
  pid_t c = fork();
  if (c == 0) {
    char n2[17] = {0};
    prctl(PR_GET_NAME, n2);
    _exit(strcmp(n2, name) == 0 ? 3 : 4);
  }
  int st;
  waitpid(c, &st, 0);
  printf("the child keeps it: %d\n", WEXITSTATUS(st) == 3);
  printf("dumpable %d\n", prctl(PR_GET_DUMPABLE));
  int sig = -1;
  printf("pdeathsig set %d", prctl(PR_SET_PDEATHSIG, 9));
  prctl(PR_GET_PDEATHSIG, &sig);
  printf(", get %d\n", sig);
  printf("seccomp mode %d\n", prctl(PR_GET_SECCOMP));
  int r = prctl(12345);
  printf("unknown option: %d %s\n", r, strerror(errno));
  struct timespec ts;
  printf("CLOCK_TAI: %d\n", clock_gettime(CLOCK_TAI, &ts));
  return 0;
}
