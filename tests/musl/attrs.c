/* File attributes and names on tmpfs (/dev/shm, tmpfs on the host too): chmod, chown and the
 * set-id bits they clear, utimensat/utimes/futimens with UTIME_NOW and UTIME_OMIT, what a write
 * and a chmod do to the times, hard links and their counts, symbolic links (relative, dangling,
 * looping, created through), O_TMPFILE named by linkat, statx against stat, and statfs's
 * filesystem types. Only what both kernels must agree on is printed: times as they were set or
 * as relations, never the clock itself. Everything it makes it removes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include "show.h"

/* statx and fchmodat2 as the kernel defines them (not every libc here wraps them) */
struct kstatx_ts {
  long long tv_sec;
  unsigned tv_nsec;
  int pad;
};
struct kstatx {
  unsigned stx_mask, stx_blksize;
  unsigned long long stx_attributes;
  unsigned stx_nlink, stx_uid, stx_gid;
  unsigned short stx_mode, pad0;
  unsigned long long stx_ino, stx_size, stx_blocks, stx_attributes_mask;
  struct kstatx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
  unsigned stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
  unsigned long long spare[14];
};
#define NR_statx 332
#define NR_fchmodat2 452
#define KSTATX_BASIC_STATS 0x7ffu
#define KSTATX_BTIME 0x800u
#define KSTATX_ATTR_MOUNT_ROOT 0x2000u
static long kstatx(int dirfd, const char *path, int flags, unsigned mask, struct kstatx *out) {
  return syscall(NR_statx, dirfd, path, flags, mask, out);
}

static char dir[64], a[96], b[96], l[96], t[96];

static struct stat st(const char *p) {
  struct stat s;
  memset(&s, 0, sizeof s);
  if (stat(p, &s) < 0) printf("stat %s errno %d\n", p, errno);
  return s;
}

static struct stat lst(const char *p) {
  struct stat s;
  memset(&s, 0, sizeof s);
  if (lstat(p, &s) < 0) printf("lstat %s errno %d\n", p, errno);
  return s;
}

static long long ns(struct timespec ts) { return ts.tv_sec * 1000000000LL + ts.tv_nsec; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  umask(022);
  snprintf(dir, sizeof dir, "/dev/shm/sudsim-attrs-%d", getpid());
  snprintf(a, sizeof a, "%s/a", dir);
  snprintf(b, sizeof b, "%s/b", dir);
  snprintf(l, sizeof l, "%s/l", dir);
  snprintf(t, sizeof t, "%s/t", dir);
  SHOW(mkdir(dir, 0777));
  printf("dir mode %o\n", st(dir).st_mode & 07777);
  int fd = open(a, O_CREAT | O_RDWR, 0666);
  printf("open %d\n", fd >= 0);
  printf("file mode %o uid %d gid %d nlink %ld size %ld\n", st(a).st_mode & 07777, st(a).st_uid, st(a).st_gid, (long)st(a).st_nlink, (long)st(a).st_size);

  // permission bits, set-id bits and what chown does to them
  SHOW(chmod(a, 0600));
  printf("mode %o\n", st(a).st_mode & 07777);
  SHOW(chmod(a, 06755));
  printf("mode %o\n", st(a).st_mode & 07777);
  SHOW(chown(a, 1000, 1001));
  printf("uid %d gid %d mode %o\n", st(a).st_uid, st(a).st_gid, st(a).st_mode & 07777);
  SHOW(fchmod(fd, 02745));
  SHOW(fchown(fd, -1, -1));
  printf("mode %o (group not executable: set-gid kept)\n", st(a).st_mode & 07777);
  SHOW(fchmod(fd, 02755));
  SHOW(fchown(fd, -1, -1));
  printf("mode %o (group executable: set-gid cleared)\n", st(a).st_mode & 07777);
  SHOW(fchownat(AT_FDCWD, a, 0, 0, 0));
  SHOW(fchownat(AT_FDCWD, a, 0, 0, 0x8000));
  SHOW(chmod(dir, 01777));
  printf("dir mode %o\n", st(dir).st_mode & 07777);
  SHOW(chmod("/proc/self/status", 0600));
  SHOW(chmod("/nonexistent/x", 0600));

  // times as set, UTIME_OMIT keeps one, UTIME_NOW moves it, a write moves mtime and ctime
  struct timespec set[2] = {{1000000000, 500}, {1200000000, 999999999}};
  SHOW(utimensat(AT_FDCWD, a, set, 0));
  printf("atime %lld mtime %lld\n", ns(st(a).st_atim), ns(st(a).st_mtim));
  struct timespec omit_now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
  long long ctime0 = ns(st(a).st_ctim);
  SHOW(utimensat(AT_FDCWD, a, omit_now, 0));
  printf("atime kept %d, mtime moved on %d, ctime not back %d\n", ns(st(a).st_atim) == 1000000000000000500LL, ns(st(a).st_mtim) > 1200000000999999999LL, ns(st(a).st_ctim) >= ctime0);
  struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
  SHOW(utimensat(AT_FDCWD, a, bad, 0));
  struct timespec both_omit[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
  SHOW(utimensat(AT_FDCWD, "/nonexistent/x", both_omit, 0));
  SHOW(utimensat(AT_FDCWD, NULL, set, 0));
  SHOW(futimens(fd, set));
  printf("futimens mtime %lld\n", ns(st(a).st_mtim));
  struct timeval tv[2] = {{300, 7}, {400, 8}};
  SHOW(utimes(a, tv));
  printf("utimes atime %lld mtime %lld\n", ns(st(a).st_atim), ns(st(a).st_mtim));
  SHOW(write(fd, "twelve bytes", 12));
  printf("after write: size %ld, mtime moved on %d, ctime >= mtime %d\n", (long)st(a).st_size, ns(st(a).st_mtim) > 400000008000LL, ns(st(a).st_ctim) >= ns(st(a).st_mtim));
  SHOW(utimes(a, tv));
  SHOW(ftruncate(fd, 3));
  printf("after ftruncate: mtime moved on %d\n", ns(st(a).st_mtim) > 400000008000LL);

  // hard links
  SHOW(link(a, b));
  printf("nlink %ld %ld, same inode %d\n", (long)st(a).st_nlink, (long)st(b).st_nlink, st(a).st_ino == st(b).st_ino);
  SHOW(link(a, b));
  SHOW(link(dir, t));
  SHOW(link(a, "/tmp/sudsim-attrs-cross"));
  SHOW(unlink(a));
  printf("nlink %ld\n", (long)st(b).st_nlink);
  SHOW(rename(b, a));

  // symbolic links: relative to their directory, dangling, looping, created through
  SHOW(symlink("a", l));
  char buf[64] = {0};
  SHOW(readlink(l, buf, sizeof buf));
  printf("target '%s'\n", buf);
  printf("through the link: same inode %d; the link: is link %d, size %ld\n", st(l).st_ino == st(a).st_ino, S_ISLNK(lst(l).st_mode), (long)lst(l).st_size);
  SHOW(lchown(l, 1234, 1234));
  printf("link uid %d, file uid %d\n", lst(l).st_uid, st(a).st_uid);
  SHOW(syscall(NR_fchmodat2, AT_FDCWD, l, 0700, AT_SYMLINK_NOFOLLOW));
  SHOW(symlink("a", l));
  SHOW(symlink("", t));
  SHOW(unlink(l));
  SHOW(symlink("made-through-link", l));
  SHOW(open(l, O_RDONLY));
  int made = open(l, O_CREAT | O_WRONLY, 0640);
  printf("created through a dangling link %d\n", made >= 0);
  close(made);
  snprintf(t, sizeof t, "%s/made-through-link", dir);
  printf("made mode %o\n", st(t).st_mode & 07777);
  SHOW(open(l, O_CREAT | O_EXCL | O_WRONLY, 0640));
  SHOW(open(l, O_RDONLY | O_NOFOLLOW));
  SHOW(unlink(t));
  SHOW(unlink(l));
  SHOW(symlink("l", l));
  SHOW(open(l, O_RDONLY));
  SHOW(unlink(l));
  SHOW(link(l, t));

  // an unnamed file given a name
  int anon = open(dir, O_TMPFILE | O_RDWR, 0600);
  printf("O_TMPFILE %d, nlink %ld\n", anon >= 0, anon >= 0 ? ({ struct stat s; fstat(anon, &s); (long)s.st_nlink; }) : -1L);
  SHOW(write(anon, "anon", 4));
  char name[64];
  snprintf(name, sizeof name, "/proc/self/fd/%d", anon);
  SHOW(linkat(anon, "", AT_FDCWD, t, AT_EMPTY_PATH));
  printf("named: nlink %ld size %ld\n", (long)st(t).st_nlink, (long)st(t).st_size);
  SHOW(unlink(t));
  close(anon);

  // statx says what stat says
  struct kstatx sx;
  SHOW(kstatx(AT_FDCWD, a, 0, KSTATX_BASIC_STATS | KSTATX_BTIME, &sx));
  struct stat s = st(a);
  printf("statx basic %d btime %d: mode %d ino %d nlink %d size %d uid %d mtime %d, mount root %d\n",
         (sx.stx_mask & KSTATX_BASIC_STATS) == KSTATX_BASIC_STATS, (sx.stx_mask & KSTATX_BTIME) != 0, sx.stx_mode == s.st_mode,
         sx.stx_ino == s.st_ino, sx.stx_nlink == s.st_nlink, sx.stx_size == (unsigned long long)s.st_size, sx.stx_uid == s.st_uid,
         sx.stx_mtime.tv_sec == s.st_mtim.tv_sec && sx.stx_mtime.tv_nsec == s.st_mtim.tv_nsec, (sx.stx_attributes & KSTATX_ATTR_MOUNT_ROOT) != 0);
  SHOW(kstatx(AT_FDCWD, "/dev/shm", 0, KSTATX_BASIC_STATS, &sx));
  printf("/dev/shm is a mount root %d\n", (sx.stx_attributes & KSTATX_ATTR_MOUNT_ROOT) != 0);
  SHOW(kstatx(fd, "", AT_EMPTY_PATH, KSTATX_BASIC_STATS, &sx));
  printf("by descriptor: same inode %d\n", sx.stx_ino == s.st_ino);
  SHOW(kstatx(AT_FDCWD, a, 0x6000, KSTATX_BASIC_STATS, &sx));
  SHOW(kstatx(AT_FDCWD, "", 0, KSTATX_BASIC_STATS, &sx));

  // filesystems
  struct statfs f;
  SHOW(statfs(dir, &f));
  printf("tmpfs %d bsize %ld namelen %ld\n", f.f_type == 0x01021994, (long)f.f_bsize, (long)f.f_namelen);
  SHOW(statfs("/proc/self", &f));
  printf("procfs %d\n", f.f_type == 0x9fa0);
  int p[2];
  SHOW(pipe(p));
  SHOW(fstatfs(p[0], &f));
  printf("pipefs %d\n", f.f_type == 0x50495045);
  SHOW(statfs("/nonexistent", &f));

  // empty paths name nothing, and / is always there
  SHOW(creat("", 0644));
  SHOW(mkdir("", 0755));
  SHOW(mkdir("/", 0755));
  SHOW(symlink("x", ""));
  SHOW(link(a, ""));
  SHOW(rename(a, ""));
  SHOW(rmdir(""));
  SHOW(unlink(""));
  printf("/ is a directory %d\n", S_ISDIR(st("/").st_mode));

  close(fd);
  SHOW(unlink(a));
  SHOW(rmdir(dir));
  return 0;
}
