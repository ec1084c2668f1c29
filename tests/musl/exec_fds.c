/* Descriptors across execve: a plain pipe end stays open in the new image and a close-on-exec
 * one closes (its reader then sees end of file), and a child that puts a pipe on its stdout
 * with dup2 before it execs hands the new image's output to its parent, as popen does. The
 * program re-executes itself through /proc/self/exe. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int exec_self(const char *mode, int a, int b) {
  char sa[16], sb[16];
  snprintf(sa, sizeof sa, "%d", a);
  snprintf(sb, sizeof sb, "%d", b);
  char *argv[] = {"exec_fds", (char *)mode, sa, sb, NULL};
  char *envp[] = {NULL};
  execve("/proc/self/exe", argv, envp);
  return errno;
}

static void drain(const char *what, int fd) {
  char buf[256];
  size_t total = 0;
  ssize_t n;
  while ((n = read(fd, buf + total, sizeof buf - 1 - total)) > 0) total += n;
  buf[total] = 0;
  printf("%s: %zu bytes, last read %zd: '%s'\n", what, total, n, buf);
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "kept")) {
    int kept = atoi(argv[2]), gone = atoi(argv[3]);
    errno = 0;
    int fk = fcntl(kept, F_GETFD);
    int ek = errno;
    errno = 0;
    int fg = fcntl(gone, F_GETFD);
    int eg = errno;
    char msg[96];
    int n = snprintf(msg, sizeof msg, "new image: kept fd F_GETFD %d errno %d, cloexec fd F_GETFD %d errno %d", fk, ek, fg, eg);
    write(kept, msg, n);
    return 3;
  }
  if (argc == 4 && !strcmp(argv[1], "print")) {
    printf("printed by the new image to its stdout\n");
    return 4;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  int p[2], q[2], st;
  pipe(p);
  pipe2(q, O_CLOEXEC);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    close(q[0]);
    _exit(100 + exec_self("kept", p[1], q[1]));
  }
  close(p[1]);
  close(q[1]);
  drain("close-on-exec pipe", q[0]);
  drain("inherited pipe", p[0]);
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));

  pipe(p);
  pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    close(p[0]);
    close(p[1]);
    _exit(100 + exec_self("print", 0, 0));
  }
  close(p[1]);
  drain("the new image's stdout", p[0]);
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  return 0;
}
