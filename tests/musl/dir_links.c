/* A directory's link count, compared with the host kernel: its name, its own `.` and each
 * subdirectory's `..` (mkdir, rmdir, a rename of a subdirectory to another parent and over an
 * empty one; files, links and FIFOs add none), `ls -l`'s second column; and 0 for a directory
 * removed while a descriptor holds it. Everything it makes it removes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "show.h"

static char top[64];

static long links(const char *name) {
  char p[128];
  struct stat st;
  snprintf(p, sizeof p, "%s%s%s", top, *name ? "/" : "", name);
  return stat(p, &st) < 0 ? -errno : (long)st.st_nlink;
}

static int at(const char *name, char *p) { return snprintf(p, 128, "%s/%s", top, name); }

int main(void) {
  char p[128], q[128];
  snprintf(top, sizeof top, "/tmp/dirlinksXXXXXX");
  if (!mkdtemp(top)) return 1;
  SHOW(links(""));
  at("a", p); SHOW(mkdir(p, 0755));
  SHOW(links(""));
  at("b", p); SHOW(mkdir(p, 0755));
  at("a/c", p); SHOW(mkdir(p, 0755));
  SHOW(links(""));
  SHOW(links("a"));
  SHOW(links("a/c"));
  at("f", p); SHOW(close(open(p, O_CREAT | O_WRONLY, 0644)));
  at("l", q); SHOW(symlink("a", q));
  at("p", q); SHOW(mkfifo(q, 0644));
  at("h", q); SHOW(link(p, q));
  SHOW(links(""));
  at("b", p); at("a/b", q); SHOW(rename(p, q));
  SHOW(links(""));
  SHOW(links("a"));
  at("a/c", p); at("a/b", q); SHOW(rename(p, q));
  SHOW(links("a"));
  at("a/b", p);
  int fd = open(p, O_RDONLY | O_DIRECTORY);
  SHOW(fd >= 0);
  SHOW(rmdir(p));
  struct stat st;
  SHOW(fstat(fd, &st));
  SHOW(st.st_nlink);
  SHOW(close(fd));
  SHOW(links("a"));
  at("a", p); SHOW(rmdir(p));
  SHOW(links(""));
  const char *rest[] = {"f", "l", "p", "h"};
  for (int i = 0; i < 4; i++) { at(rest[i], p); SHOW(unlink(p)); }
  SHOW(rmdir(top));
  return 0;
}
