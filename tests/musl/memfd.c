/*
 * memfd_create: an anonymous tmpfs file ("/memfd:NAME (deleted)" in
 * /proc/self/fd), read, written, sought and truncated through its
 * descriptor; MAP_SHARED mappings of it share its pages with each other,
 * with write(2) and read(2) through the descriptor, and with a forked
 * child; a MAP_PRIVATE one is a copy on write; a page past the file's end
 * faults with SIGBUS. Seals (F_ADD_SEALS, F_GET_SEALS) refuse shrinking,
 * growing and writing, and a writable shared mapping; the flag and name
 * errors come in Linux's order.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x8U
#define MFD_EXEC 0x10U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x10
#endif
#define PG 4096L
#define OK(m) ((m) == MAP_FAILED ? -1L : 1L)

static sigjmp_buf jb;
static void caught(int sig) { siglongjmp(jb, sig); }

/* Which signal reading p raises (0: none). */
static int probe(volatile char *p) {
  int sig = sigsetjmp(jb, 1);
  if (sig == 0) (void)*p;
  return sig;
}

static void link_of(int fd) {
  char path[64], target[128];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  printf("link: %s\n", target);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGBUS, caught);

  int fd = memfd_create("buffer", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  printf("created: %d, cloexec %d, flags %#o\n", fd >= 0, fcntl(fd, F_GETFD), fcntl(fd, F_GETFL));
  link_of(fd);
  struct stat st;
  fstat(fd, &st);
  printf("fstat: mode %o nlink %ld size %ld\n", st.st_mode, (long)st.st_nlink, (long)st.st_size);

  SHOW(write(fd, "hello, memfd", 12));
  SHOW(lseek(fd, 0, SEEK_CUR));
  char buf[64] = {0};
  SHOW(pread(fd, buf, sizeof buf, 7));
  printf("pread: %s\n", buf);
  SHOW(ftruncate(fd, 3 * PG));
  fstat(fd, &st);
  printf("size %ld\n", (long)st.st_size);

  // two shared mappings of the file: one page, seen through both and through the descriptor
  char *a = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char *b = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
  printf("mapped: %ld %ld, file bytes in the mapping: %.12s\n", OK(a), OK(b), a);
  a[PG + 5] = 'X';
  printf("a write through one mapping in the other: %c\n", b[5]);
  memset(buf, 0, sizeof buf);
  pread(fd, buf, 1, PG + 5);
  printf("and through read: %c\n", buf[0]);
  pwrite(fd, "WRITTEN", 7, 2 * PG);
  printf("a write through the descriptor in both mappings: %.7s %.7s\n", a + 2 * PG, b + PG);

  // a private mapping: a copy once written, the file unchanged
  char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  printf("private reads the file: %.5s\n", p);
  p[0] = 'J';
  pread(fd, buf, 5, 0);
  printf("private written %.5s, file still %.5s, shared still %.5s\n", p, buf, a);

  // a forked child's writes through the shared mapping
  if (fork() == 0) {
    a[100] = 'C';
    b[PG + 100] = 'D';
    _exit(0);
  }
  wait(NULL);
  pread(fd, buf, 1, 100);
  printf("the child's writes: %c %c (read %c)\n", a[100], a[2 * PG + 100], buf[0]);

  // past the end of the file: SIGBUS; after growing, the page is there
  char *far = mmap(NULL, 5 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  printf("past the end: %d\n", probe(far + 4 * PG));
  ftruncate(fd, 5 * PG);
  printf("after growing: %d, zero %d\n", probe(far + 4 * PG), far[4 * PG]);
  ftruncate(fd, PG + 10);
  printf("after shrinking: the rest of the last page zero %d, then %d\n", a[PG + 10], probe(a + 2 * PG));
  munmap(far, 5 * PG);

  // seals
  SHOW(fcntl(fd, F_GET_SEALS));
  SHOW(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
  munmap(a, 3 * PG);
  munmap(b, 2 * PG);
  SHOW(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
  SHOW(fcntl(fd, F_GET_SEALS));
  SHOW(ftruncate(fd, 10));
  SHOW(ftruncate(fd, 10 * PG));
  SHOW(ftruncate(fd, PG + 10));
  SHOW(pwrite(fd, "abc", 3, PG + 8));
  SHOW(pwrite(fd, "abc", 3, 0));
  SHOW(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
  SHOW(write(fd, "x", 1));
  SHOW(OK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));
  SHOW(OK(mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0)));
  SHOW(OK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)));
  SHOW(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
  SHOW(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
  SHOW(fcntl(fd, F_GET_SEALS));
  SHOW(fcntl(fd, F_ADD_SEALS, 0x1000));

  int plain = memfd_create("plain", 0);
  SHOW(fcntl(plain, F_GET_SEALS));
  SHOW(fcntl(plain, F_ADD_SEALS, F_SEAL_GROW));
  int noexec = memfd_create("noexec", MFD_NOEXEC_SEAL);
  fstat(noexec, &st);
  printf("noexec: mode %o\n", st.st_mode);
  SHOW(fcntl(noexec, F_GET_SEALS));
  int rdonly = open("/proc/self/exe", O_RDONLY);
  SHOW(fcntl(rdonly, F_GET_SEALS));
  SHOW(fcntl(rdonly, F_ADD_SEALS, F_SEAL_GROW));

  // argument errors
  SHOW(memfd_create("x", 0x100));
  SHOW(memfd_create("x", MFD_EXEC | MFD_NOEXEC_SEAL));
  SHOW(memfd_create((char *)8, 0));
  char name[300];
  memset(name, 'n', sizeof name);
  name[249] = 0;
  int longest = memfd_create(name, 0);
  printf("a 249-byte name: %d\n", longest >= 0);
  link_of(longest);
  name[249] = 'n';
  name[250] = 0;
  SHOW(memfd_create(name, 0));
  SHOW(lseek(fd, -1, SEEK_SET));
  close(fd);
  return 0;
}
