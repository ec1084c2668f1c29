/*
 * Reads the host's files the way ordinary programs do: the user and group
 * databases through NSS, the local time zone, a directory listing, stat of
 * a file and of a symbolic link, realpath, and a configuration file.
 * argv[1] is a directory to list, argv[2] a path that may be a symbolic
 * link. Prints what it found, no inode or device numbers (the machine
 * numbers its own).
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show_stat(const char *what, const char *path, int follow) {
  struct stat st;
  int r = follow ? stat(path, &st) : lstat(path, &st);
  if (r != 0) {
    printf("%s %s: errno %d\n", what, path, errno);
    return;
  }
  printf("%s %s: mode %o uid %u gid %u size %lld nlink %lu blocks %lld mtime %lld.%09ld\n", what, path,
         (unsigned)st.st_mode, (unsigned)st.st_uid, (unsigned)st.st_gid, (long long)st.st_size,
         (unsigned long)st.st_nlink, (long long)st.st_blocks, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "/etc";
  const char *link = argc > 2 ? argv[2] : "/bin";

  struct passwd *pw = getpwuid(0);
  printf("getpwuid(0): %s\n", pw ? pw->pw_name : "(none)");
  if (pw) printf("  dir %s shell %s\n", pw->pw_dir, pw->pw_shell);
  struct group *gr = getgrgid(0);
  printf("getgrgid(0): %s\n", gr ? gr->gr_name : "(none)");
  pw = getpwnam("nobody");
  printf("getpwnam(nobody): %s %d\n", pw ? pw->pw_name : "(none)", pw ? (int)pw->pw_uid : -1);

  time_t t = 1700000000;
  struct tm tm;
  char when[128];
  localtime_r(&t, &tm);
  strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z %z", &tm);
  printf("localtime: %s\n", when);
  t = 1720000000;
  localtime_r(&t, &tm);
  strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z %z", &tm);
  printf("localtime: %s\n", when);

  DIR *d = opendir(dir);
  if (!d) {
    printf("opendir %s: errno %d\n", dir, errno);
  } else {
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      char *line = malloc(strlen(e->d_name) + 8);
      sprintf(line, "%s %d", e->d_name, e->d_type);
      names = realloc(names, (n + 1) * sizeof *names);
      names[n++] = line;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    printf("readdir %s: %zu entries\n", dir, n);
    for (size_t i = 0; i < n; i++) printf("  %s\n", names[i]);
  }

  show_stat("stat", "/etc/passwd", 1);
  show_stat("lstat", link, 0);
  show_stat("stat", link, 1);
  show_stat("stat", dir, 1);
  char target[PATH_MAX];
  ssize_t len = readlink(link, target, sizeof target - 1);
  if (len >= 0) target[len] = 0;
  printf("readlink %s: %s\n", link, len >= 0 ? target : strerror(errno));
  char real[PATH_MAX];
  printf("realpath %s/sh: %s\n", link, realpath("/bin/sh", real) ? real : strerror(errno));
  printf("realpath /etc/os-release: %s\n", realpath("/etc/os-release", real) ? real : strerror(errno));
  printf("access /usr/bin/env X_OK: %d\n", access("/usr/bin/env", X_OK));

  FILE *f = fopen("/etc/os-release", "r");
  if (!f) {
    printf("fopen /etc/os-release: errno %d\n", errno);
  } else {
    char line[512];
    while (fgets(line, sizeof line, f)) printf("os-release: %s", line);
    fclose(f);
  }
  return 0;
}
