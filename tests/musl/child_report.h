/* A forked child that reports to its parent, so that only the parent prints (the host would
 * interleave two printing processes differently from run to run): child() forks with a report
 * pipe and a go pipe, tell() sends one of the child's results, relay() prints what the child
 * sent and reaps it, and ready()/wait_ready() let the parent go on a while after the child says
 * it is about to block. */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int report[2], go[2];

/* The child's line, sent to the parent to print. */
static void tell(const char *what, long r) {
  int e = errno;
  char line[160];
  int n = r < 0 ? snprintf(line, sizeof line, "  child: %s = %ld errno %d\n", what, r, e)
                : snprintf(line, sizeof line, "  child: %s = %ld\n", what, r);
  write(report[1], line, n);
}

/* Copies the child's lines until it closes its end, then reaps it. */
static void relay(pid_t pid) {
  char buf[512];
  ssize_t n;
  while ((n = read(report[0], buf, sizeof buf)) > 0) fwrite(buf, 1, n, stdout);
  close(report[0]);
  close(go[0]);
  int status;
  waitpid(pid, &status, 0);
  printf("child exited %d\n", WEXITSTATUS(status));
}

static pid_t child(void) {
  pipe(report);
  pipe(go);
  pid_t pid = fork();
  if (pid == 0) {
    close(report[0]);
    close(go[0]);
  } else {
    close(report[1]);
    close(go[1]);
  }
  return pid;
}

/* The child is about to wait: the parent goes on a while after it hears so. */
static void ready(void) {
  write(go[1], "", 1);
}

static void wait_ready(void) {
  char c;
  read(go[0], &c, 1);
  usleep(100000);
}
