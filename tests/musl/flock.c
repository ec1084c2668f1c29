/* flock(2): shared and exclusive locks owned by the open file description (dup and fork share
 * them, a second open is another owner), conversion (not atomic: a conversion that fails
 * leaves the file unlocked), LOCK_NB's EWOULDBLOCK, a blocking wait woken by the unlock, EINTR
 * and SA_RESTART while waiting, release with the description's last descriptor and at exit,
 * pipes (one inode for both ends), and the argument errors. Only the parent prints: the child
 * hands its results back through a pipe. The file is made under /dev/shm and removed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"
#include "child_report.h"

static char path[64];
static volatile int alarms;

static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  snprintf(path, sizeof path, "/dev/shm/sudsim-flock-%d", getpid());
  int a = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  int b = open(path, O_RDWR);

  puts("arguments");
  SHOW(flock(-1, LOCK_SH));
  SHOW(flock(a, 0));
  SHOW(flock(a, LOCK_NB));
  SHOW(flock(a, LOCK_SH | LOCK_EX));
  SHOW(flock(a, LOCK_UN | 16));
  SHOW(flock(-1, 3));
  SHOW(flock(-1, 32 | LOCK_EX)); /* LOCK_MAND: ignored, whatever the descriptor */
  SHOW(flock(a, LOCK_UN | LOCK_NB));

  puts("two opens are two owners");
  SHOW(flock(a, LOCK_SH));
  SHOW(flock(b, LOCK_SH | LOCK_NB));
  SHOW(flock(b, LOCK_EX | LOCK_NB));
  SHOW(flock(a, LOCK_SH)); /* already held: nothing changes */
  SHOW(flock(b, LOCK_UN));
  int d = dup(a);
  SHOW(flock(d, LOCK_EX | LOCK_NB)); /* converts a's lock: one description */
  SHOW(flock(b, LOCK_SH | LOCK_NB));
  SHOW(flock(a, LOCK_SH));
  SHOW(flock(b, LOCK_SH | LOCK_NB));

  puts("a conversion that fails drops the lock");
  SHOW(flock(a, LOCK_EX | LOCK_NB));
  SHOW(flock(b, LOCK_EX | LOCK_NB));
  SHOW(flock(a, LOCK_SH | LOCK_NB));
  SHOW(flock(b, LOCK_UN));

  puts("the last descriptor's close releases");
  SHOW(flock(a, LOCK_EX));
  SHOW(close(a));
  SHOW(flock(b, LOCK_EX | LOCK_NB));
  SHOW(close(d));
  SHOW(flock(b, LOCK_EX | LOCK_NB));
  SHOW(flock(b, LOCK_UN));
  a = open(path, O_RDWR);

  puts("fork shares the description's lock");
  SHOW(flock(a, LOCK_EX));
  pid_t pid = child();
  if (pid == 0) {
    int own = open(path, O_RDONLY);
    tell("flock(own, LOCK_SH | LOCK_NB)", flock(own, LOCK_SH | LOCK_NB));
    tell("flock(a, LOCK_EX | LOCK_NB)", flock(a, LOCK_EX | LOCK_NB));
    tell("flock(a, LOCK_UN)", flock(a, LOCK_UN));
    tell("flock(own, LOCK_SH | LOCK_NB)", flock(own, LOCK_SH | LOCK_NB));
    _exit(0);
  }
  relay(pid);
  puts("the child's own open was released at its exit");
  SHOW(flock(a, LOCK_EX | LOCK_NB));

  puts("a blocking wait ends with the unlock");
  pid = child();
  if (pid == 0) {
    int own = open(path, O_RDONLY);
    ready();
    tell("flock(own, LOCK_SH) waits", flock(own, LOCK_SH));
    char buf[16] = {0};
    pread(own, buf, sizeof buf - 1, 0);
    tell(buf, 0);
    _exit(0);
  }
  wait_ready();
  SHOW(pwrite(a, "written first", 13, 0));
  SHOW(flock(a, LOCK_UN));
  relay(pid);

  puts("a signal interrupts the wait");
  SHOW(flock(a, LOCK_EX));
  pid = child();
  if (pid == 0) {
    int own = open(path, O_RDONLY);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 20000}};
    ready();
    setitimer(ITIMER_REAL, &it, NULL);
    tell("flock(own, LOCK_SH) without SA_RESTART", flock(own, LOCK_SH));
    tell("alarms", alarms);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    tell("flock(own, LOCK_SH) with SA_RESTART", flock(own, LOCK_SH));
    tell("alarms", alarms);
    _exit(0);
  }
  wait_ready();
  usleep(200000);
  SHOW(flock(a, LOCK_UN));
  relay(pid);

  puts("pipes: both ends are one inode");
  int p[2];
  pipe(p);
  SHOW(flock(p[0], LOCK_EX | LOCK_NB));
  SHOW(flock(p[1], LOCK_SH | LOCK_NB));
  SHOW(close(p[0]));
  SHOW(flock(p[1], LOCK_SH | LOCK_NB));

  SHOW(unlink(path));
  return 0;
}
