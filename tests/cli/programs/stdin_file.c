/* stdin opened by the shell on a regular file (`prog < file`), perhaps part-read already: what
 * fstat says of it, where its offset stands, reads, seeks from each origin, pread, and the
 * /proc/self/fd/0 link compared with the path given as argv[1]. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../musl/show.h"

int main(int argc, char **argv) {
  struct stat st;
  char buf[64], link[4096];
  SHOW(fstat(0, &st));
  SHOW(S_ISREG(st.st_mode));
  SHOW(st.st_size);
  SHOW(lseek(0, 0, SEEK_CUR));
  SHOW(read(0, buf, 5));
  printf("read %.5s\n", buf);
  SHOW(lseek(0, -3, SEEK_CUR));
  SHOW(read(0, buf, 3));
  printf("again %.3s\n", buf);
  SHOW(lseek(0, -4, SEEK_END));
  SHOW(read(0, buf, sizeof buf));
  SHOW(pread(0, buf, 4, 2));
  printf("pread %.4s\n", buf);
  SHOW(lseek(0, 0, SEEK_SET));
  SHOW(fcntl(0, F_GETFL) & O_ACCMODE);
  ssize_t n = readlink("/proc/self/fd/0", link, sizeof link - 1);
  link[n < 0 ? 0 : n] = 0;
  printf("fd 0 names argv[1]: %d\n", argc > 1 && strcmp(link, argv[1]) == 0);
  SHOW(write(0, "x", 1));
  return 0;
}
