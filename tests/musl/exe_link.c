/* /proc/self/exe of a program run from a file that is then renamed and
 * removed: the link and maps follow the rename, then say "(deleted)", and
 * the link still opens the file. The program copies itself (through
 * /proc/self/exe) to a file of its own and runs that copy with an argument.
 * Paths print relative to the copy's directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static const char *rel(const char *p) {
  size_t n = strlen(dir);
  return strncmp(p, dir, n) == 0 ? p + n : p;
}

static void show_exe(const char *what) {
  char b[512];
  ssize_t n = readlink("/proc/self/exe", b, sizeof b - 1);
  if (n < 0) {
    printf("%s: %s\n", what, strerror(errno));
    return;
  }
  b[n] = 0;
  printf("%s: %s\n", what, rel(b));
  /* the text mapping's name: the first line of maps */
  FILE *f = fopen("/proc/self/maps", "r");
  char line[600];
  if (f && fgets(line, sizeof line, f)) {
    char *name = strchr(line, '/');
    if (name) name[strcspn(name, "\n")] = 0;
    printf("%s, maps: %s\n", what, name ? rel(name) : "(none)");
  }
  if (f) fclose(f);
}

static int copy_self(const char *to) {
  int in = open("/proc/self/exe", O_RDONLY);
  int out = open(to, O_CREAT | O_WRONLY | O_TRUNC, 0755);
  if (in < 0 || out < 0) return -1;
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0) {
    if (write(out, buf, n) != n) return -1;
  }
  close(in);
  close(out);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "copy") == 0) {
    /* the copy: dir is the copy's directory */
    snprintf(dir, sizeof dir, "%s", argv[2]);
    char a[128], b[128];
    snprintf(a, sizeof a, "%s/prog", dir);
    snprintf(b, sizeof b, "%s/prog-renamed", dir);
    show_exe("run as");
    printf("rename: %d\n", rename(a, b));
    show_exe("renamed");
    printf("unlink: %d\n", unlink(b));
    show_exe("removed");
    int fd = open("/proc/self/exe", O_RDONLY);
    char magic[4] = {0};
    ssize_t got = fd >= 0 ? read(fd, magic, 4) : -1;
    printf("open through the link: %s, ELF %d\n", fd >= 0 ? "ok" : strerror(errno), got == 4 && memcmp(magic, "\177ELF", 4) == 0);
    printf("rmdir: %d\n", rmdir(dir));
    return 0;
  }
  snprintf(dir, sizeof dir, "/tmp/exe-link-%d", (int)getpid());
  char prog[128];
  snprintf(prog, sizeof prog, "%s/prog", dir);
  if (mkdir(dir, 0755) != 0 || copy_self(prog) != 0) {
    printf("setup: %s\n", strerror(errno));
    return 1;
  }
  fflush(stdout);
  execl(prog, prog, "copy", dir, (char *)0);
  printf("exec: %s\n", strerror(errno));
  return 1;
}
