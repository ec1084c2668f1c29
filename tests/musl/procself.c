/* /proc/self: the status lines a program reads about itself (its name, ids, tracer, credentials,
 * threads, blocked, ignored and caught signals), its command line as it lies in its memory
 * (an argument changed in place shows), and the /proc/self/fd links of the descriptors it
 * opened (a pipe's inode matching fstat's, /dev/null, an eventfd), listed in /proc/self/fd. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include "show.h"

static char *status_line(const char *key) {
  static char line[256];
  FILE *f = fopen("/proc/self/status", "r");
  size_t n = strlen(key);
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, key, n) && line[n] == ':') {
      fclose(f);
      line[strcspn(line, "\n")] = 0;
      return line + n + 1 + strspn(line + n + 1, "\t ");
    }
  }
  fclose(f);
  return "(none)";
}

static void on_usr2(int s) { (void)s; }
static void *idle(void *arg) {
  (void)arg;
  pause();
  return NULL;
}

int main(int argc, char **argv) {
  (void)argc;
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("Name %s\n", status_line("Name"));
  printf("Tgid is getpid %d, Pid too %d, PPid is getppid %d\n", atoi(status_line("Tgid")) == getpid(), atoi(status_line("Pid")) == getpid(),
         atoi(status_line("PPid")) == getppid());
  printf("TracerPid %s\n", status_line("TracerPid"));
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigprocmask(SIG_BLOCK, &s, NULL);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGUSR2, on_usr2);
  printf("SigBlk %s\n", status_line("SigBlk"));
  printf("SigIgn %s\n", status_line("SigIgn"));
  printf("SigCgt %s\n", status_line("SigCgt"));
  pthread_t t;
  pthread_create(&t, NULL, idle, NULL);
  printf("Threads %s\n", status_line("Threads"));
  printf("Uid %s\n", status_line("Uid"));

  /* the command line, with the first argument changed in place */
  argv[0][0] = 'X';
  int fd = open("/proc/self/cmdline", O_RDONLY);
  char cmd[512];
  ssize_t n = read(fd, cmd, sizeof cmd);
  close(fd);
  printf("cmdline is argv %d, starts with X %d\n", n == (ssize_t)strlen(argv[0]) + 1 && !memcmp(cmd, argv[0], n), cmd[0] == 'X');

  /* links of descriptors the program opened */
  int p[2];
  pipe(p);
  int nul = open("/dev/null", O_RDONLY);
  int e = eventfd(0, 0);
  char path[64], target[64];
  struct stat st;
  fstat(p[0], &st);
  snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
  n = readlink(path, target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  char want[64];
  snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)st.st_ino);
  printf("pipe link matches its inode %d\n", !strcmp(target, want));
  snprintf(path, sizeof path, "/proc/self/fd/%d", nul);
  n = readlink(path, target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  printf("null link %s\n", target);
  snprintf(path, sizeof path, "/proc/self/fd/%d", e);
  n = readlink(path, target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  printf("eventfd link %s\n", target);
  DIR *d = opendir("/proc/self/fd");
  int seen = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    int v = atoi(de->d_name);
    if (de->d_name[0] >= '0' && de->d_name[0] <= '9' && (v == p[0] || v == p[1] || v == nul || v == e)) seen++;
  }
  closedir(d);
  printf("listed %d of 4\n", seen);
  snprintf(path, sizeof path, "/proc/self/fd/%d", 999);
  SHOW(readlink(path, target, sizeof target));
  return 0;
}
