/* A program that works on files in its working directory, as test and build tools do: it
 * reads, appends to, truncates, renames and removes files it was given (data/given.txt and
 * data/sub/inner.txt), makes and lists new files and directories, renames a whole directory,
 * and reads its environment. Run natively in a fresh directory and through `sudsim run`
 * with the same files, both must print the same. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../../musl/show.h"

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The names in a directory, sorted (the host's order depends on its filesystem's hashing). */
static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    printf("list %s: errno %d\n", dir, errno);
    return;
  }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 64) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  printf("list %s:", dir);
  for (int i = 0; i < n; i++) {
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    stat(path, &st);
    printf(" %s%s", names[i], S_ISDIR(st.st_mode) ? "/" : "");
    free(names[i]);
  }
  printf("\n");
}

static void cat(const char *path) {
  char buf[256];
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("cat %s: errno %d\n", path, errno);
    return;
  }
  long n = read(fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  close(fd);
  printf("cat %s: [%s]\n", path, buf);
}

/* Reads the whole of fd from offset 0 and prints it. */
static void show_from_start(const char *what, int fd) {
  char buf[64];
  long n = pread(fd, buf, sizeof buf - 1, 0);
  buf[n > 0 ? n : 0] = 0;
  printf("%s: %ld [%s]\n", what, n, buf);
}

/* Descriptors of one file see one file: a reader opened before the file's first change reads
 * what a writer puts there later, its size, its truncation, and maps the bytes written. */
static void one_file_for_every_descriptor(const char *path) {
  char buf[64];
  int r = open(path, O_RDONLY);
  SHOW(r >= 0);
  SHOW(read(r, buf, 2));
  char *early = mmap(NULL, 4096, PROT_READ, MAP_SHARED, r, 0);
  SHOW(early != MAP_FAILED);
  int w = open(path, O_WRONLY);
  SHOW(w >= 0);
  SHOW(pwrite(w, "INNER, AND MORE", 15, 0));
  show_from_start("reader after the write", r);
  long n = read(r, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("reader goes on from where it was: %ld [%s]\n", n, buf);
  struct stat st;
  SHOW(fstat(r, &st));
  printf("reader's fstat size %ld\n", (long)st.st_size);
  SHOW(lseek(r, 0, SEEK_END));
  SHOW(ftruncate(w, 3));
  show_from_start("reader after the truncation", r);
  char *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, r, 0);
  SHOW(m != MAP_FAILED);
  if (m != MAP_FAILED) printf("mapped through the reader: [%.3s]\n", m);
  SHOW(pwrite(w, "X", 1, 1));
  if (m != MAP_FAILED) printf("the mapping sees a later write: [%.3s]\n", m);
  if (early != MAP_FAILED) printf("so does one made before the first write: [%.3s]\n", early);
  SHOW(close(w));
  SHOW(close(r));
}

int main(int argc, char **argv) {
  const char *v = getenv("DISK_TEST_VAR");
  printf("env DISK_TEST_VAR=%s HOME set=%d\n", v ? v : "(unset)", getenv("HOME") != NULL);
  char cwd[512];
  const char *expect = argc > 1 ? argv[1] : "";
  printf("cwd is the directory given: %d\n", getcwd(cwd, sizeof cwd) && strcmp(cwd, expect) == 0);

  one_file_for_every_descriptor("data/sub/inner.txt");
  cat("data/sub/inner.txt");

  cat("data/given.txt");
  struct stat before, after;
  SHOW(stat("data/given.txt", &before));
  // an append to a given file: read back, same inode, new size
  int fd = open("data/given.txt", O_WRONLY | O_APPEND);
  SHOW(fd >= 0);
  SHOW(write(fd, " and more", 9));
  SHOW(close(fd));
  SHOW(stat("data/given.txt", &after));
  printf("same inode %d, size %ld -> %ld\n", before.st_ino == after.st_ino, (long)before.st_size, (long)after.st_size);
  cat("data/given.txt");

  // new files and directories beside the given ones
  FILE *f = fopen("notes.txt", "w");
  SHOW(f != NULL);
  fprintf(f, "line one\nline two\n");
  SHOW(fclose(f));
  cat("notes.txt");
  SHOW(mkdir("out", 0755));
  SHOW(mkdir("out", 0755));
  SHOW(mkdir("out/deeper", 0700));
  SHOW(open("data/given.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
  SHOW(open("missing/x", O_CREAT | O_WRONLY, 0644));
  list(".");
  list("data");

  // a rename of a given file, and one over an existing file
  SHOW(rename("data/given.txt", "data/moved.txt"));
  cat("data/given.txt");
  cat("data/moved.txt");
  SHOW(rename("notes.txt", "data/moved.txt"));
  cat("data/moved.txt");
  SHOW(access("notes.txt", F_OK));

  // removals: a directory must be empty
  SHOW(rmdir("data/sub"));
  SHOW(unlink("data/sub/inner.txt"));
  SHOW(rmdir("data/sub"));
  SHOW(rmdir("data"));
  SHOW(rmdir("."));
  SHOW(unlink("out"));
  list("data");

  // a whole directory moved, its given contents with it, then a truncation inside it
  SHOW(rename("data", "moved-data"));
  list(".");
  cat("moved-data/moved.txt");
  SHOW(truncate("moved-data/moved.txt", 4));
  cat("moved-data/moved.txt");
  SHOW(rename("out", "out/deeper/inside"));
  SHOW(rename("out/deeper", "out"));

  // what stays out of reach: the running image and /proc
  SHOW(open("/proc/self/exe", O_WRONLY));
  SHOW(access("/proc/self/exe", W_OK));
  SHOW(open("/proc/newfile", O_CREAT | O_WRONLY, 0644));
  SHOW(mkdir("/proc/newdir", 0755));
  SHOW(access("moved-data", W_OK));
  return 0;
}
