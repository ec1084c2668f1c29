/* Files under /tmp: mkstemp, write and read back at offsets (pwrite, pread, lseek, O_APPEND),
 * fstat's size, ftruncate growing and shrinking, rename, an unlinked file read through its open
 * descriptor, directories made, listed and removed (ENOTEMPTY first), tmpfile, stdio round
 * trips, and exec of a copy of the program written there. Everything it makes it removes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

static char dir[64], path[128], other[128];

int main(int argc, char **argv) {
  if (argc > 1) {
    printf("the copy runs: %s\n", argv[1]);
    return 6;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  snprintf(dir, sizeof dir, "/tmp/sudsim-tmpfs-%d", getpid());
  SHOW(mkdir(dir, 0755));
  SHOW(mkdir(dir, 0755));
  snprintf(path, sizeof path, "%s/dataXXXXXX", dir);
  int fd = mkstemp(path);
  printf("mkstemp %d\n", fd >= 0);
  SHOW(write(fd, "hello, world", 12));
  SHOW(lseek(fd, 0, SEEK_CUR));
  SHOW(pwrite(fd, "HELLO", 5, 0));
  char buf[64] = {0};
  SHOW(pread(fd, buf, sizeof buf - 1, 0));
  printf("'%s'\n", buf);
  struct stat st;
  fstat(fd, &st);
  printf("regular %d size %ld mode %o\n", S_ISREG(st.st_mode), (long)st.st_size, st.st_mode & 0777);
  SHOW(ftruncate(fd, 5));
  SHOW(ftruncate(fd, 8));
  memset(buf, 'z', sizeof buf);
  SHOW(pread(fd, buf, sizeof buf, 0));
  printf("'%.5s' then %d %d %d\n", buf, buf[5], buf[6], buf[7]);
  SHOW(lseek(fd, 100, SEEK_SET));
  SHOW(write(fd, "!", 1));
  fstat(fd, &st);
  printf("size after a write past the end %ld\n", (long)st.st_size);
  int ap = open(path, O_WRONLY | O_APPEND);
  SHOW(write(ap, "tail", 4));
  fstat(fd, &st);
  printf("size after append %ld\n", (long)st.st_size);
  close(ap);

  snprintf(other, sizeof other, "%s/renamed", dir);
  SHOW(rename(path, other));
  SHOW(access(path, F_OK));
  SHOW(access(other, R_OK | W_OK));
  SHOW(unlink(other));
  SHOW(pread(fd, buf, 5, 0));
  printf("read after unlink '%.5s'\n", buf);
  fstat(fd, &st);
  printf("links %ld\n", (long)st.st_nlink);
  close(fd);

  char sub[160];
  snprintf(sub, sizeof sub, "%s/sub", dir);
  SHOW(mkdir(sub, 0700));
  char inner[200];
  snprintf(inner, sizeof inner, "%s/f", sub);
  int f2 = open(inner, O_CREAT | O_EXCL | O_WRONLY, 0600);
  SHOW(f2 >= 0);
  SHOW(open(inner, O_CREAT | O_EXCL | O_WRONLY, 0600));
  close(f2);
  DIR *d = opendir(dir);
  struct dirent *e;
  int entries = 0;
  while ((e = readdir(d))) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) printf("entry %s type %d\n", e->d_name, e->d_type), entries++;
  closedir(d);
  SHOW(rmdir(sub));
  SHOW(unlink(inner));
  SHOW(rmdir(sub));
  SHOW(unlink(dir));

  FILE *tf = tmpfile();
  printf("tmpfile %d\n", tf != NULL);
  fputs("via stdio\n", tf);
  rewind(tf);
  char line[32] = {0};
  fgets(line, sizeof line, tf);
  printf("read back %s", line);
  fclose(tf);
  FILE *w = fopen(path, "w");
  fprintf(w, "%d %s\n", 42, "numbers");
  fclose(w);
  FILE *r = fopen(path, "r");
  int num;
  char word[16];
  printf("fscanf %d:", fscanf(r, "%d %15s", &num, word));
  printf(" %d %s\n", num, word);
  fclose(r);
  unlink(path);

  /* a copy of the program written under /tmp runs */
  int self = open("/proc/self/exe", O_RDONLY);
  char exe[160];
  snprintf(exe, sizeof exe, "%s/copy", dir);
  int out = open(exe, O_CREAT | O_WRONLY | O_TRUNC, 0755);
  ssize_t n;
  static char chunk[65536];
  while ((n = read(self, chunk, sizeof chunk)) > 0) write(out, chunk, n);
  close(out);
  close(self);
  pid_t pid = fork();
  if (pid == 0) {
    char *args[] = {exe, "copied", NULL};
    execv(exe, args);
    _exit(99);
  }
  int stc;
  waitpid(pid, &stc, 0);
  printf("copy exit %d\n", WEXITSTATUS(stc));
  unlink(exe);
  SHOW(rmdir(dir));
  return 0;
}
