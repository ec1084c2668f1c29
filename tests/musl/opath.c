/* O_PATH descriptors: a location, not an open file. What names a location takes them (fstat,
 * fstatat and fchdir on a directory's, readlinkat of a link's with an empty path, linkat and
 * fchmodat2 with AT_EMPTY_PATH, fstatfs, dup, the descriptor fcntls, /proc/self/fd links); what
 * uses a file refuses them with EBADF (read, write, lseek, fsync, ftruncate, fchmod, fchown,
 * futimens, mmap, ioctl, getdents, fgetxattr). A FIFO opened O_PATH waits for nobody. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/mman.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "show.h"
static char dir[64], fp[96], lp[96], pp2[96], f2[96], none[96];

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  snprintf(dir, sizeof dir, "/dev/shm/sudsim-opath-%d", getpid());
  snprintf(fp, sizeof fp, "%s/f", dir);
  snprintf(lp, sizeof lp, "%s/l", dir);
  snprintf(pp2, sizeof pp2, "%s/p", dir);
  snprintf(f2, sizeof f2, "%s/f2", dir);
  snprintf(none, sizeof none, "%s/nonexist", dir);
  mkdir(dir, 0755); close(open(fp, O_CREAT|O_WRONLY, 0644)); symlink("f", lp); mkfifo(pp2, 0644);
  int d = open(dir, O_PATH | O_DIRECTORY);
  int f = open(fp, O_PATH);
  int l = open(lp, O_PATH | O_NOFOLLOW);
  /* a FIFO opened O_PATH does not wait for a writer */
  int p = open(pp2, O_PATH);
  printf("opened %d %d %d %d\n", d >= 0, f >= 0, l >= 0, p >= 0);
  SHOW(fcntl(f, F_GETFL)); SHOW(fcntl(f, F_GETFD)); SHOW(fcntl(f, F_SETFL, O_NONBLOCK)); SHOW(fcntl(f, F_SETFD, FD_CLOEXEC));
  char b[16]; SHOW(read(f, b, 1)); SHOW(write(f, "x", 1)); SHOW(lseek(f, 0, SEEK_SET)); SHOW(fsync(f)); SHOW(ftruncate(f, 0));
  struct stat st; SHOW(fstat(f, &st)); printf("reg %d\n", S_ISREG(st.st_mode)); SHOW(fstat(l, &st)); printf("lnk %d\n", S_ISLNK(st.st_mode));
  SHOW(fstatat(d, "f", &st, 0)); SHOW(fchmod(f, 0600)); SHOW(fchown(f, 0, 0)); SHOW(fchdir(d)); SHOW(access("f", F_OK));
  SHOW(fchmodat(f, "", 0600, AT_EMPTY_PATH)); SHOW(syscall(452, f, "", 0600, AT_EMPTY_PATH));
  SHOW(readlinkat(l, "", b, sizeof b)); SHOW(dup(f) >= 0); SHOW(mmap(0, 4096, PROT_READ, MAP_PRIVATE, f, 0) == MAP_FAILED ? -1 : 0);
  struct statfs sf; SHOW(fstatfs(f, &sf)); SHOW(ioctl(f, 0x541b, b)); SHOW(getdents64(d, b, sizeof b));
  SHOW(linkat(f, "", AT_FDCWD, f2, AT_EMPTY_PATH)); SHOW(unlink(f2));
  SHOW(openat(d, "f", O_RDONLY) >= 0); SHOW(open(none, O_PATH)); SHOW(open(pp2, O_PATH | O_RDWR | O_CREAT | O_TRUNC, 0) >= 0);
  SHOW(fgetxattr(f, "user.x", b, sizeof b)); SHOW(futimens(f, NULL));
  char lk[128] = {0}; char pp[32]; snprintf(pp, 32, "/proc/self/fd/%d", f); SHOW(readlink(pp, lk, 127) > 0); printf("the link names the file %d\n", strcmp(lk, fp) == 0);
  SHOW(faccessat(f, "", R_OK, AT_EMPTY_PATH));
  unlink(fp); unlink(lp); unlink(pp2); rmdir(dir);
  return 0;
}
