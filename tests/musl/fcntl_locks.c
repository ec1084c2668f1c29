/* fcntl record locks: F_SETLK ranges split, trimmed, merged, upgraded and downgraded (l_whence
 * SEEK_SET, SEEK_CUR and SEEK_END, l_len 0 to the end and negative), the argument errors, the
 * process's locks dropped when it closes any descriptor of the file and at exit, not inherited
 * by fork, F_GETLK from another process, F_SETLKW woken by the unlock, EDEADLK for two processes
 * waiting on each other, lockf, and the OFD locks of one open file description (two opens
 * conflict, l_pid reported as -1, F_OFD_SETLKW, released at the last close). The locks a
 * process holds are listed through F_OFD_GETLK on another description, which sees them as
 * another owner's. Only the parent prints: the child hands its results back through a pipe. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"
#include "child_report.h"

static char path[64];
static int probe; /* another description of the file, for listing */

static long lk(int fd, int cmd, int type, int whence, long start, long len) {
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = type;
  fl.l_whence = whence;
  fl.l_start = start;
  fl.l_len = len;
  return fcntl(fd, cmd, &fl);
}

/* Every lock held on the file by owners other than probe's description, in order of start. */
static void list(const char *when) {
  printf("  %s:", when);
  long at = 0;
  for (int i = 0; i < 16; i++) {
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_start = at;
    if (fcntl(probe, F_OFD_GETLK, &fl) < 0) {
      printf(" error %d", errno);
      break;
    }
    if (fl.l_type == F_UNLCK) break;
    const char *who = fl.l_pid == getpid() ? "me" : fl.l_pid == -1 ? "ofd" : "other";
    printf(" %s[%ld,%ld]%s", fl.l_type == F_RDLCK ? "r" : "w", (long)fl.l_start, (long)fl.l_len, who);
    if (fl.l_len == 0) break;
    at = fl.l_start + fl.l_len;
  }
  printf("\n");
}

/* F_GETLK's answer, from the child. */
static void tell_getlk(int fd, int type, long start, long len) {
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = type;
  fl.l_start = start;
  fl.l_len = len;
  long r = fcntl(fd, F_GETLK, &fl);
  char line[160];
  int n = snprintf(line, sizeof line, "  child: F_GETLK [%ld,%ld] = %ld: type %d start %ld len %ld pid %s\n", start, len, r,
                   fl.l_type, (long)fl.l_start, (long)fl.l_len, fl.l_pid == getppid() ? "parent" : fl.l_pid == 0 ? "0" : "other");
  write(report[1], line, n);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  snprintf(path, sizeof path, "/dev/shm/sudsim-fcntl-locks-%d", getpid());
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  probe = open(path, O_RDWR);
  int rd = open(path, O_RDONLY);
  int wr = open(path, O_WRONLY);
  write(fd, "0123456789", 10);

  puts("arguments");
  SHOW(lk(fd, F_SETLK, 7, SEEK_SET, 0, 0));
  SHOW(lk(fd, F_SETLK, F_RDLCK, 3, 0, 0));
  SHOW(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, -1, 0));
  SHOW(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 5, -6));
  SHOW(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, LONG_MAX, 2));
  SHOW(lk(fd, F_SETLK, F_RDLCK, SEEK_END, LONG_MAX, 0));
  SHOW(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, LONG_MIN));
  SHOW(lk(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 0));
  SHOW(lk(rd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
  SHOW(lk(wr, F_SETLK, F_RDLCK, SEEK_SET, 0, 0));
  SHOW(lk(rd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
  SHOW(lk(-1, F_SETLK, F_RDLCK, SEEK_SET, 0, 0));
  SHOW(fcntl(fd, F_SETLK, (struct flock *)8));
  SHOW(fcntl(fd, F_GETLK, (struct flock *)0));
  struct flock bad = {.l_type = F_RDLCK, .l_pid = 1};
  SHOW(fcntl(fd, F_OFD_SETLK, &bad));
  SHOW(fcntl(fd, F_OFD_GETLK, &bad));
  bad.l_pid = 12345;
  SHOW(fcntl(fd, F_GETLK, &bad));
  printf("  no conflict: type %d pid kept %d\n", bad.l_type, bad.l_pid == 12345);

  puts("ranges");
  SHOW(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100));
  list("one");
  SHOW(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20));
  list("a hole");
  SHOW(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10));
  list("a read lock inside");
  SHOW(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 40, 20));
  list("the hole filled");
  SHOW(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10));
  list("upgraded");
  SHOW(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 0));
  list("all downgraded, to the end");
  SHOW(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 200, -50));
  list("a negative length");
  lseek(fd, 5, SEEK_SET);
  SHOW(lk(fd, F_SETLK, F_UNLCK, SEEK_CUR, 0, 5));
  SHOW(lk(fd, F_SETLK, F_UNLCK, SEEK_END, -2, 0));
  list("SEEK_CUR and SEEK_END");
  SHOW(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 8, 0));
  SHOW(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, LONG_MAX, 1));
  list("to the end");

  puts("another process sees them and conflicts");
  pid_t pid = child();
  if (pid == 0) {
    tell_getlk(fd, F_RDLCK, 0, 0);
    tell_getlk(fd, F_RDLCK, 0, 5);
    tell_getlk(fd, F_WRLCK, 0, 5);
    tell_getlk(fd, F_RDLCK, 9, 1);
    tell("F_SETLK read [0,5] (fork inherits none)", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 5));
    tell("F_SETLK write [0,5]", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 5));
    /* an offset of its own: fd's is the parent's too */
    int own = open(path, O_RDWR);
    tell("lockf F_TEST 0..4", lockf(own, F_TEST, 5));
    tell("lockf F_TEST 8..", (lseek(own, 8, SEEK_SET), lockf(own, F_TEST, 0)));
    tell("lockf F_TLOCK 8..", lockf(own, F_TLOCK, 0));
    _exit(0);
  }
  relay(pid);

  puts("closing any descriptor of the file drops the process's locks");
  int other = open(path, O_RDONLY);
  list("before");
  SHOW(close(other));
  list("after");

  puts("F_SETLKW waits for the unlock");
  SHOW(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
  pid = child();
  if (pid == 0) {
    ready();
    tell("F_SETLKW read [5,15]", lk(fd, F_SETLKW, F_RDLCK, SEEK_SET, 5, 10));
    char buf[16] = {0};
    pread(fd, buf, 6, 0);
    tell(buf, 0);
    _exit(0);
  }
  wait_ready();
  SHOW(pwrite(fd, "LOCKED", 6, 0));
  SHOW(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 10));
  relay(pid);
  list("the child's lock went at its exit");

  puts("EDEADLK");
  SHOW(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
  pid = child();
  if (pid == 0) {
    tell("F_SETLK byte 1", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1));
    ready();
    tell("F_SETLKW byte 0", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
    tell_getlk(fd, F_WRLCK, 0, 0);
    _exit(0);
  }
  wait_ready();
  SHOW(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1));
  SHOW(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1));
  SHOW(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1));
  relay(pid);

  puts("lockf");
  lseek(fd, 0, SEEK_SET);
  SHOW(lockf(fd, F_LOCK, 4));
  SHOW(lockf(fd, F_TEST, 4));
  list("locked");
  pid = child();
  if (pid == 0) {
    int own = open(path, O_RDWR);
    lseek(own, 2, SEEK_SET);
    tell("lockf F_TEST 2..3", lockf(own, F_TEST, 2));
    tell("lockf F_TLOCK 2..3", lockf(own, F_TLOCK, 2));
    ready();
    tell("lockf F_LOCK 2..3 waits", lockf(own, F_LOCK, 2));
    tell("lockf F_TEST", (lseek(own, 0, SEEK_SET), lockf(own, F_TEST, 0)));
    _exit(0);
  }
  wait_ready();
  SHOW(lockf(fd, F_ULOCK, 4));
  relay(pid);
  list("none");

  puts("OFD locks");
  int o1 = open(path, O_RDWR), o2 = open(path, O_RDWR);
  SHOW(lk(o1, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
  SHOW(lk(o2, F_OFD_SETLK, F_RDLCK, SEEK_SET, 5, 1));
  SHOW(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 5, 1));
  SHOW(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 1));
  list("an OFD lock and mine");
  struct flock q = {.l_type = F_UNLCK, .l_start = 0, .l_len = 0};
  SHOW(fcntl(o1, F_OFD_GETLK, &q));
  printf("  own locks: type %d start %ld len %ld pid %d\n", q.l_type, (long)q.l_start, (long)q.l_len, q.l_pid);
  int o3 = dup(o1);
  SHOW(lk(o3, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 5));
  list("downgraded through a dup");
  pid = child();
  if (pid == 0) {
    tell("F_OFD_SETLK through the inherited description", lk(o1, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
    close(o1);
    close(o3);
    int own = open(path, O_RDWR);
    ready();
    tell("F_OFD_SETLKW through its own, waits", lk(own, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 10));
    _exit(0);
  }
  wait_ready();
  SHOW(close(o1));
  list("o1 closed, o3 still names it");
  SHOW(close(o3));
  relay(pid);
  list("the child's went with its description");
  SHOW(close(o2));

  SHOW(unlink(path));
  return 0;
}
