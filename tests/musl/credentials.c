/* Credentials: root's ids and groups, then in a child each way of changing them: setgroups,
 * setresgid and setresuid to unprivileged ids with root kept as the saved uid (which lets the
 * effective uid return to 0), setreuid and setuid once no id is 0 (the change is for good),
 * setfsuid, and what an unprivileged task may not do (signal a root process among them). A
 * thread's change is its own. */
#define _GNU_SOURCE
#include <grp.h>
#include <pthread.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

static void ids(const char *when) {
  uid_t r, e, s;
  gid_t gr, ge, gs;
  getresuid(&r, &e, &s);
  getresgid(&gr, &ge, &gs);
  printf("%s: uid %u %u %u gid %u %u %u\n", when, r, e, s, gr, ge, gs);
}

static void *thread_setuid(void *arg) {
  (void)arg;
  SHOW(syscall(SYS_setresuid, 7, 7, 7));
  ids("thread");
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  ids("start");
  SHOW(getgroups(0, NULL));
  pid_t pid = fork();
  if (pid == 0) {
    gid_t set[3] = {300, 100, 200}, got[4] = {0};
    SHOW(setgroups(3, set));
    SHOW(getgroups(0, NULL));
    SHOW(getgroups(2, got));
    SHOW(getgroups(4, got));
    printf("groups %u %u %u\n", got[0], got[1], got[2]);
    SHOW(setresgid(100, 100, 100));
    SHOW(setresuid(1000, 1000, 0));
    ids("dropped, saved 0");
    SHOW(setgroups(0, NULL));
    SHOW(setresuid(2000, -1, -1));
    SHOW(seteuid(0));
    ids("effective 0 again");
    SHOW(setreuid(1000, 1001));
    ids("setreuid");
    SHOW(seteuid(0));
    SHOW(setuid(1000));
    ids("setuid 1000");
    /* an unprivileged task may signal only processes of its own uids */
    SHOW(kill(getppid(), 0));
    SHOW(kill(getpid(), 0));
    SHOW(setuid(1001));
    SHOW(setgid(0));
    SHOW(setresgid(100, 100, 100));
    SHOW(setfsuid(5));
    SHOW(setfsuid(1001));
    SHOW(setfsuid(-1));
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  pthread_t t;
  pthread_create(&t, NULL, thread_setuid, NULL);
  pthread_join(t, NULL);
  ids("main after the thread");
  SHOW(setuid(-1));
  return 0;
}
