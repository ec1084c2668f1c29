/* The file tree a program finds: /dev's null, zero, full and urandom, the program's own image
 * through /proc/self/exe (readlink, open, fstat, lseek, pread), /proc/self/maps (the lines
 * holding main, the heap's end and the stack), directories (fstat, read, getdents64), stat and
 * lstat, access, errors for paths that do not resolve, and stdio on /dev/null. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "show.h"

int main(int argc, char **argv) {
  (void)argc;
  setvbuf(stdout, NULL, _IONBF, 0);
  char buf[4096];
  struct stat st;
  int null = open("/dev/null", O_RDWR);
  printf("/dev/null open %d\n", null >= 0);
  SHOW(write(null, "discarded", 9));
  SHOW(read(null, buf, sizeof buf));
  SHOW(lseek(null, 100, SEEK_SET));
  SHOW(fstat(null, &st));
  printf("null: chr %d major %u minor %u mode %o\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev), st.st_mode & 0777);
  close(null);
  int zero = open("/dev/zero", O_RDONLY);
  memset(buf, 0x55, 16);
  SHOW(read(zero, buf, 16));
  printf("zeros %d\n", buf[0] == 0 && buf[15] == 0);
  close(zero);
  int full = open("/dev/full", O_WRONLY);
  SHOW(write(full, "x", 1));
  close(full);
  int ur = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  SHOW(read(ur, buf, 8));
  SHOW(fcntl(ur, F_GETFD));
  close(ur);

  /* the program's own image */
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  buf[n < 0 ? 0 : n] = 0;
  char *real = realpath(argv[0], NULL);
  printf("readlink /proc/self/exe is the program: %d\n", real && !strcmp(buf, real));
  SHOW(readlink("/proc/self/exe", buf, 0));
  SHOW(readlink("/dev/null", buf, sizeof buf));
  int exe = open("/proc/self/exe", O_RDONLY);
  SHOW(read(exe, buf, 4));
  printf("magic %d\n", !memcmp(buf, "\177ELF", 4));
  SHOW(fstat(exe, &st));
  off_t end = lseek(exe, 0, SEEK_END);
  printf("regular %d, size is the end %d, blksize %ld\n", S_ISREG(st.st_mode), end == st.st_size, (long)st.st_blksize);
  SHOW(lseek(exe, 1, SEEK_SET));
  SHOW(read(exe, buf, 3));
  printf("'%.3s'\n", buf);
  SHOW(lseek(exe, 2, SEEK_CUR));
  SHOW(pread(exe, buf, 3, 1));
  printf("'%.3s'\n", buf);
  SHOW(lseek(exe, 0, SEEK_CUR));
  SHOW(lseek(exe, -10, SEEK_SET));
  SHOW(lseek(exe, end + 5, SEEK_DATA));
  SHOW(lseek(exe, 0, SEEK_HOLE) == end);
  SHOW(lseek(exe, end + 100, SEEK_SET) == end + 100);
  SHOW(read(exe, buf, 10));
  SHOW(pread(exe, buf, 3, -1));
  SHOW(write(exe, "x", 1));
  SHOW(fcntl(exe, F_GETFL) & ~O_LARGEFILE);
  close(exe);
  SHOW(lstat("/proc/self/exe", &st));
  printf("link %d\n", S_ISLNK(st.st_mode));
  SHOW(stat("/proc/self/exe", &st));
  printf("regular %d\n", S_ISREG(st.st_mode));
  SHOW(open("/proc/self/exe", O_RDONLY | O_NOFOLLOW));
  SHOW(open("/proc/self/exe", O_RDONLY | O_DIRECTORY));

  /* /proc/self/maps: the line of each address, by its permissions, offset and name */
  char exe_path[512];
  n = readlink("/proc/self/exe", exe_path, sizeof exe_path - 1);
  exe_path[n < 0 ? 0 : n] = 0;
  FILE *maps = fopen("/proc/self/maps", "r");
  SHOW(fstat(fileno(maps), &st));
  printf("maps: regular %d, size %ld\n", S_ISREG(st.st_mode), (long)st.st_size);
  unsigned long want[3] = {(unsigned long)&main, (unsigned long)sbrk(0) - 1, (unsigned long)&st};
  const char *what[3] = {"main", "heap end", "stack"};
  char line[512];
  while (fgets(line, sizeof line, maps)) {
    unsigned long lo, hi, off;
    char perms[5], name[256] = "";
    if (sscanf(line, "%lx-%lx %4s %lx %*s %*s %255s", &lo, &hi, perms, &off, name) < 4) continue;
    for (int i = 0; i < 3; i++) {
      if (want[i] < lo || want[i] >= hi) continue;
      printf("%s: %s offset %s, %s\n", what[i], perms, off ? "in the file" : "0",
             !strcmp(name, exe_path) ? "the program" : name[0] ? name : "anonymous");
    }
  }
  fclose(maps);

  /* directories */
  int root = open("/", O_RDONLY | O_DIRECTORY);
  SHOW(fstat(root, &st));
  printf("dir %d\n", S_ISDIR(st.st_mode));
  SHOW(read(root, buf, 10));
  SHOW(open("/", O_WRONLY));
  int devfd = openat(root, "dev", O_RDONLY | O_DIRECTORY);
  printf("openat(root, dev) %d\n", devfd >= 0);
  SHOW(faccessat(devfd, "null", W_OK, 0));
  SHOW(fstatat(devfd, "zero", &st, 0));
  printf("zero: chr %d minor %u\n", S_ISCHR(st.st_mode), minor(st.st_rdev));
  DIR *d = fdopendir(devfd);
  int found = 0, dots = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, "null") && e->d_type == DT_CHR) found |= 1;
    if (!strcmp(e->d_name, "zero") && e->d_type == DT_CHR) found |= 2;
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) dots++;
  }
  printf("/dev lists null and zero: %d, . and ..: %d\n", found == 3, dots);
  closedir(d);
  SHOW(fstatat(root, "", &st, AT_EMPTY_PATH));
  printf("empty path is the directory %d\n", S_ISDIR(st.st_mode));
  close(root);

  /* the working directory: relative paths and getcwd follow chdir and fchdir */
  SHOW(chdir("/dev"));
  SHOW(getcwd(buf, sizeof buf) != NULL);
  printf("cwd '%s'\n", buf);
  SHOW(stat("null", &st));
  SHOW(access("./zero", R_OK));
  SHOW(stat("../dev/full", &st));
  SHOW(chdir("null"));
  SHOW(chdir("/no/such"));
  int top = open("/", O_RDONLY | O_DIRECTORY);
  SHOW(fchdir(top));
  SHOW(getcwd(buf, sizeof buf) != NULL);
  printf("cwd '%s'\n", buf);
  SHOW(syscall(SYS_getcwd, buf, 1));
  close(top);

  /* paths that do not resolve, and access */
  SHOW(open("/no/such/file", O_RDONLY));
  SHOW(open("/dev/null/below", O_RDONLY));
  SHOW(open("/dev/null/", O_RDONLY));
  SHOW(open("", O_RDONLY));
  SHOW(stat("/dev/./null", &st));
  SHOW(stat("/dev/../dev/zero", &st));
  SHOW(access("/dev/null", R_OK | W_OK));
  SHOW(access("/proc/self/exe", X_OK));
  SHOW(access("/dev/null", X_OK));
  SHOW(access("/nonexistent", F_OK));
  SHOW(access("/dev/null", 8));
  SHOW(openat(12345, "relative", O_RDONLY));
  SHOW(openat(1, "relative", O_RDONLY));
  FILE *f = fopen("/dev/null", "w");
  int wrote = f ? fprintf(f, "hello %d\n", 42) : -1;
  int closed = f ? fclose(f) : -1;
  printf("fopen /dev/null %d, fprintf %d, fclose %d\n", f != NULL, wrote, closed);
  return 0;
}
