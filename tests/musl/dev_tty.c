/* /dev/tty for a process without a controlling terminal: the child of a fork
 * calls setsid (a new session has none), then the device is there (stat,
 * access, readdir, an O_PATH open) but opening it is ENXIO, as is a node of
 * its numbers made with mknod. The parent waits, so the output's order is
 * fixed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static void show_open(const char *what, const char *path, int flags) {
  errno = 0;
  int fd = open(path, flags);
  printf("%s: %d errno %s\n", what, fd >= 0 ? 0 : -1, fd >= 0 ? "-" : strerror(errno));
  if (fd >= 0) close(fd);
}

static void in_new_session(void) {
  if (setsid() < 0) {
    printf("setsid failed: %s\n", strerror(errno));
    return;
  }
  struct stat st;
  if (stat("/dev/tty", &st) == 0)
    printf("stat: chr %d mode %o rdev %u,%u\n", S_ISCHR(st.st_mode), st.st_mode & 07777, major(st.st_rdev), minor(st.st_rdev));
  else
    printf("stat: %s\n", strerror(errno));
  printf("access rw: %d\n", access("/dev/tty", R_OK | W_OK));
  show_open("open rdwr", "/dev/tty", O_RDWR);
  show_open("open rdonly", "/dev/tty", O_RDONLY);
  show_open("open wronly noctty", "/dev/tty", O_WRONLY | O_NOCTTY);
  show_open("open path", "/dev/tty", O_PATH);
  int listed = 0;
  DIR *d = opendir("/dev");
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, "tty") == 0) listed = 1;
  }
  if (d) closedir(d);
  printf("listed in /dev: %d\n", listed);
  /* a node of the same numbers, where mknod is allowed (a tmpfs) */
  char node[64];
  snprintf(node, sizeof node, "/tmp/dev_tty_test.%d", (int)getpid());
  if (mknod(node, S_IFCHR | 0666, makedev(5, 0)) == 0) {
    show_open("mknod'ed 5,0 rdwr", node, O_RDWR);
    unlink(node);
  } else {
    printf("mknod: %s\n", strerror(errno));
  }
}

int main(void) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    in_new_session();
    fflush(stdout);
    _exit(0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  printf("child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
