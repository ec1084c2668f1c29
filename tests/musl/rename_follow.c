/* What follows a rename because the kernel holds a dentry: the working
 * directory (getcwd, relative opens and unlinks), a directory descriptor as
 * openat's base, the /proc/self/fd links of files, of a directory, of an
 * O_PATH descriptor and of a FIFO (the file itself renamed, or a directory
 * above it), a mapped file's name in /proc/self/maps, and a file renamed
 * over one that is open (that one reads "(deleted)"). Paths print relative
 * to the test's own directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64];

static const char *rel(const char *p) {
  size_t n = strlen(base);
  return strncmp(p, base, n) == 0 ? p + n : p;
}

static void link_of(const char *what, int fd) {
  char p[64], b[512];
  snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(p, b, sizeof b - 1);
  if (n < 0) {
    printf("%s: %s\n", what, strerror(errno));
    return;
  }
  b[n] = 0;
  printf("%s: %s\n", what, rel(b));
}

static void mapped_as(const char *what, void *addr) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[600];
  unsigned long a = (unsigned long)addr;
  while (f && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo <= a && a < hi) {
      char *name = strchr(line, '/');
      if (name) name[strcspn(name, "\n")] = 0;
      printf("%s: %s\n", what, name ? rel(name) : "(none)");
    }
  }
  if (f) fclose(f);
}

static void at(char *out, const char *name) { snprintf(out, 256, "%s%s", base, name); }

int main(void) {
  snprintf(base, sizeof base, "/tmp/rename-follow-%d", (int)getpid());
  char p[256], q[256];
  mkdir(base, 0755);

  /* a file renamed, then its directory renamed */
  at(p, "/d1");
  mkdir(p, 0755);
  at(p, "/d1/a");
  int fa = open(p, O_CREAT | O_RDWR, 0644);
  link_of("file", fa);
  at(q, "/d1/b");
  printf("rename a b: %d\n", rename(p, q));
  link_of("file after rename", fa);
  int dir = open(base, O_RDONLY | O_DIRECTORY);
  at(p, "/d1");
  int d1 = open(p, O_RDONLY | O_DIRECTORY);
  int opath = open(p, O_PATH);
  at(q, "/d2");
  printf("rename d1 d2: %d\n", rename(p, q));
  link_of("file after its directory's rename", fa);
  link_of("directory", d1);
  link_of("O_PATH", opath);
  int again = openat(d1, "b", O_RDONLY);
  printf("openat the renamed directory: %s\n", again >= 0 ? "ok" : strerror(errno));
  if (again >= 0) close(again);

  /* the working directory renamed under the process */
  at(p, "/d2");
  printf("chdir: %d\n", chdir(p));
  at(q, "/d3");
  printf("rename d2 d3: %d\n", rename(p, q));
  char cwd[512];
  printf("getcwd: %s\n", getcwd(cwd, sizeof cwd) ? rel(cwd) : strerror(errno));
  int rf = open("b", O_RDONLY);
  printf("relative open: %s\n", rf >= 0 ? "ok" : strerror(errno));
  if (rf >= 0) close(rf);
  int mk = open("c", O_CREAT | O_WRONLY, 0644);
  printf("relative create: %s\n", mk >= 0 ? "ok" : strerror(errno));
  if (mk >= 0) close(mk);
  at(p, "/d3/c");
  printf("it is in the new place: %d\n", access(p, F_OK));
  printf("chdir back: %d\n", chdir("/"));

  /* a mapped file renamed */
  at(p, "/m");
  int fm = open(p, O_CREAT | O_RDWR, 0644);
  ftruncate(fm, 4096);
  void *m = mmap(0, 4096, PROT_READ, MAP_SHARED, fm, 0);
  mapped_as("mapped", m);
  at(q, "/m2");
  printf("rename m m2: %d\n", rename(p, q));
  mapped_as("mapped after rename", m);

  /* renamed over a file that is open */
  at(p, "/x");
  int fx = open(p, O_CREAT | O_RDWR, 0644);
  at(q, "/y");
  int fy = open(q, O_CREAT | O_RDWR, 0644);
  printf("rename y x: %d\n", rename(q, p));
  link_of("the file replaced", fx);
  link_of("the file moved over it", fy);

  /* a FIFO renamed while open */
  at(p, "/fifo");
  mkfifo(p, 0644);
  int ff = open(p, O_RDWR);
  at(q, "/fifo2");
  printf("rename fifo fifo2: %d\n", rename(p, q));
  link_of("fifo", ff);

  /* a file whose name was reused: only what moved follows */
  at(p, "/r");
  int old = open(p, O_CREAT | O_RDWR, 0644);
  unlink(p);
  int reused = open(p, O_CREAT | O_RDWR, 0644);
  at(q, "/r2");
  printf("rename r r2: %d\n", rename(p, q));
  link_of("the unlinked one", old);
  link_of("the one that moved", reused);

  /* cleanup */
  munmap(m, 4096);
  const char *names[] = {"/d3/b", "/d3/c", "/m2", "/x", "/fifo2", "/r2"};
  for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
    at(p, names[i]);
    unlink(p);
  }
  at(p, "/d3");
  rmdir(p);
  rmdir(base);
  (void)dir;
  return 0;
}
