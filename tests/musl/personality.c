/* personality(2): 0xffffffff queries, any other value is stored and the old one returned (the
 * argument is an unsigned int: a 64-bit value is cut to it, so 0x1ffffffff queries too); a thread
 * has its own, fork's child starts with its parent's, and exec clears READ_IMPLIES_EXEC only.
 * UNAME26 makes uname's release a 2.6 one. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

static void *thread(void *arg) {
  (void)arg;
  printf("thread starts with 0x%lx\n", syscall(SYS_personality, 0xffffffffL));
  SHOW(syscall(SYS_personality, (long)ADDR_NO_RANDOMIZE));
  return NULL;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1) {
    printf("after exec 0x%lx\n", syscall(SYS_personality, 0xffffffffL));
    return 0;
  }
  SHOW(syscall(SYS_personality, 0xffffffffL));
  SHOW(syscall(SYS_personality, (long)(PER_LINUX | ADDR_NO_RANDOMIZE)));
  SHOW(syscall(SYS_personality, 0xffffffffL));
  SHOW(syscall(SYS_personality, 0x1ffffffffL));
  SHOW(syscall(SYS_personality, -1L));
  SHOW(syscall(SYS_personality, 0x7fffffffL));
  SHOW(syscall(SYS_personality, 0xfffffffeL));
  SHOW(syscall(SYS_personality, 0xffffffffL));
  SHOW(syscall(SYS_personality, (long)PER_LINUX32));
  SHOW(personality(0xffffffff));
  SHOW(syscall(SYS_personality, (long)(READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE | ADDR_COMPAT_LAYOUT | UNAME26)));
  struct utsname u;
  uname(&u);
  printf("UNAME26: the release reads 2.6.6x or 2.6.7x: %d\n", strncmp(u.release, "2.6.6", 5) == 0 || strncmp(u.release, "2.6.7", 5) == 0);
  pthread_t th;
  pthread_create(&th, NULL, thread, NULL);
  pthread_join(th, NULL);
  printf("the thread's change is its own: 0x%lx\n", syscall(SYS_personality, 0xffffffffL));
  pid_t pid = fork();
  if (pid == 0) {
    printf("child starts with 0x%lx\n", syscall(SYS_personality, 0xffffffffL));
    execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  SHOW(syscall(SYS_personality, (long)PER_LINUX));
  return 0;
}
