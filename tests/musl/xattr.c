/* Extended attributes of files under /tmp (tmpfs in the engine; on the host tmpfs or a disk
 * filesystem, which answer alike here), a directory, /dev/null, /proc and a pipe: set (with
 * XATTR_CREATE and XATTR_REPLACE), read back (a value too long for the buffer is ERANGE, a zero
 * size asks for the length), listed, removed; the namespaces a tmpfs has (user, trusted,
 * security) and those it lacks (EOPNOTSUPP), bare prefixes (EINVAL), empty and overlong names
 * (ERANGE), user.* outside regular files and directories (ENODATA to read, EPERM to write), the
 * f* forms on descriptors (EBADF), the l* forms on /proc/self/exe, and the order in which a
 * bad name or value and a missing path or descriptor are reported. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "show.h"

#define XATTR_CREATE 1
#define XATTR_REPLACE 2

static long get(const char *p, const char *n, void *v, unsigned long s) { return syscall(SYS_getxattr, p, n, v, s); }
static long lget(const char *p, const char *n, void *v, unsigned long s) { return syscall(SYS_lgetxattr, p, n, v, s); }
static long fget(int fd, const char *n, void *v, unsigned long s) { return syscall(SYS_fgetxattr, fd, n, v, s); }
static long set(const char *p, const char *n, const void *v, unsigned long s, int f) { return syscall(SYS_setxattr, p, n, v, s, f); }
static long lset(const char *p, const char *n, const void *v, unsigned long s, int f) { return syscall(SYS_lsetxattr, p, n, v, s, f); }
static long fset(int fd, const char *n, const void *v, unsigned long s, int f) { return syscall(SYS_fsetxattr, fd, n, v, s, f); }
static long list(const char *p, char *l, unsigned long s) { return syscall(SYS_listxattr, p, l, s); }
static long llist(const char *p, char *l, unsigned long s) { return syscall(SYS_llistxattr, p, l, s); }
static long flist(int fd, char *l, unsigned long s) { return syscall(SYS_flistxattr, fd, l, s); }
static long rm(const char *p, const char *n) { return syscall(SYS_removexattr, p, n); }
static long lrm(const char *p, const char *n) { return syscall(SYS_lremovexattr, p, n); }
static long frm(int fd, const char *n) { return syscall(SYS_fremovexattr, fd, n); }

static char buf[512];

/* the names sorted: tmpfs and disk filesystems list them in different orders */
static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void show_list(long n) {
  char *names[16];
  int count = 0;
  for (long i = 0; i < n && count < 16; i += strlen(buf + i) + 1) names[count++] = buf + i;
  qsort(names, count, sizeof names[0], by_name);
  printf("  list:");
  for (int i = 0; i < count; i++) printf(" %s", names[i]);
  printf("\n");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char f[64], d[64];
  snprintf(f, sizeof f, "/tmp/xattr-%d", getpid());
  snprintf(d, sizeof d, "/tmp/xattr-dir-%d", getpid());
  int fd = open(f, O_CREAT | O_RDWR | O_TRUNC, 0644);
  mkdir(d, 0755);
  SHOW(get(f, "user.x", buf, sizeof buf));
  SHOW(get(f, "user.x", buf, 0));
  SHOW(get(f, "trusted.x", buf, sizeof buf));
  SHOW(get(f, "security.x", buf, sizeof buf));
  SHOW(get(f, "system.x", buf, sizeof buf));
  SHOW(get(f, "system.posix_acl_access", buf, sizeof buf));
  SHOW(get(f, "bogus.x", buf, sizeof buf));
  SHOW(get(f, "x", buf, sizeof buf));
  SHOW(get(f, "", buf, sizeof buf));
  SHOW(get(f, "user.", buf, sizeof buf));
  SHOW(get(f, "trusted.", buf, sizeof buf));
  SHOW(get(f, (char *)8, buf, sizeof buf));
  SHOW(get((char *)8, "user.x", buf, sizeof buf));
  SHOW(get("/nonexistent", "user.x", buf, sizeof buf));
  SHOW(get("/nonexistent", "", buf, sizeof buf));
  SHOW(list(f, buf, sizeof buf));
  SHOW(list(f, buf, 0));
  SHOW(flist(fd, buf, sizeof buf));
  SHOW(flist(99, buf, sizeof buf));
  SHOW(list("/nonexistent", buf, sizeof buf));

  SHOW(set(f, "user.x", "hello", 5, 0));
  memset(buf, 0, sizeof buf);
  SHOW(get(f, "user.x", buf, sizeof buf));
  printf("  value %s\n", buf);
  SHOW(get(f, "user.x", buf, 2));
  SHOW(get(f, "user.x", buf, 0));
  SHOW(get(f, "user.x", (char *)8, sizeof buf));
  SHOW(set(f, "user.x", "hello", 5, XATTR_CREATE));
  SHOW(set(f, "user.y", "hello", 5, XATTR_REPLACE));
  SHOW(set(f, "user.y", "", 0, 0));
  SHOW(set(f, "user.y", "", 0, 4));
  SHOW(set(f, "user.x", "bye", 3, XATTR_REPLACE));
  SHOW(get(f, "user.x", buf, sizeof buf));
  SHOW(get(f, "user.y", buf, sizeof buf));
  show_list(list(f, buf, sizeof buf));
  SHOW(list(f, buf, 0));
  SHOW(list(f, buf, 3));
  SHOW(list(f, (char *)8, sizeof buf));
  SHOW(rm(f, "user.y"));
  SHOW(rm(f, "user.y"));
  SHOW(rm(f, "user."));
  SHOW(rm(f, "bogus.y"));
  SHOW(rm(f, ""));
  SHOW(frm(fd, "user.x"));
  SHOW(frm(99, "user.x"));
  SHOW(list(f, buf, sizeof buf));
  SHOW(set(f, "trusted.t", "v", 1, 0));
  SHOW(set(f, "security.s", "v", 1, 0));
  show_list(list(f, buf, sizeof buf));
  SHOW(rm(f, "trusted.t"));
  SHOW(rm(f, "security.s"));
  SHOW(set(f, "system.x", "v", 1, 0));
  SHOW(set(f, "bogus.x", "v", 1, 0));
  SHOW(set(f, "user.", "v", 1, 0));
  SHOW(set(f, "user.z", "v", 70000, 0));
  SHOW(set(f, "user.z", (char *)8, 4, 0));
  SHOW(set(f, "", "v", 1, 0));
  SHOW(set("/nonexistent", "user.z", "v", 1, 0));
  SHOW(set("/nonexistent", "user.z", "v", 1, 8));
  SHOW(fset(fd, "user.z", "v", 1, 0));
  SHOW(fget(fd, "user.z", buf, sizeof buf));
  SHOW(fset(99, "user.z", "v", 1, 0));
  SHOW(fget(99, "user.z", buf, sizeof buf));
  SHOW(fset(99, "", "v", 1, 0));
  SHOW(fset(99, "user.z", "v", 1, 8));
  SHOW(fget(99, "", buf, sizeof buf));
  SHOW(frm(99, ""));
  SHOW(frm(fd, "user.z"));
  char name[300];
  memset(name, 'a', sizeof name);
  memcpy(name, "user.", 5);
  name[255] = 0;
  SHOW(get(f, name, buf, sizeof buf));
  SHOW(set(f, name, "v", 1, 0));
  SHOW(get(f, name, buf, sizeof buf));
  SHOW(rm(f, name));
  name[255] = 'a';
  name[256] = 0;
  SHOW(get(f, name, buf, sizeof buf));
  SHOW(set(f, name, "v", 1, 0));

  /* a renamed file keeps its attributes; a directory has its own */
  SHOW(set(f, "user.kept", "1", 1, 0));
  char g[80];
  snprintf(g, sizeof g, "%s-renamed", f);
  SHOW(rename(f, g));
  SHOW(get(g, "user.kept", buf, sizeof buf));
  SHOW(set(d, "user.dir", "v", 1, 0));
  show_list(list(d, buf, sizeof buf));
  SHOW(rm(d, "user.dir"));
  SHOW(set("/tmp", "user.x", "v", 1, 0));
  SHOW(rm("/tmp", "user.x"));

  SHOW(get("/dev/null", "user.x", buf, sizeof buf));
  SHOW(set("/dev/null", "user.x", "v", 1, 0));
  SHOW(rm("/dev/null", "user.x"));
  SHOW(list("/dev/null", buf, sizeof buf));
  SHOW(get("/proc/self/status", "user.x", buf, sizeof buf));
  SHOW(get("/proc/self/status", "system.posix_acl_access", buf, sizeof buf));
  SHOW(list("/proc/self/status", buf, sizeof buf));
  SHOW(set("/proc/self/status", "user.x", "v", 1, 0));
  SHOW(rm("/proc/self/status", "user.x"));
  SHOW(lget("/proc/self/exe", "user.x", buf, sizeof buf));
  SHOW(lget("/proc/self/exe", "trusted.x", buf, sizeof buf));
  SHOW(llist("/proc/self/exe", buf, sizeof buf));
  SHOW(lset("/proc/self/exe", "user.x", "v", 1, 0));
  SHOW(lrm("/proc/self/exe", "user.x"));
  SHOW(get("/proc/self/exe", "user.x", buf, sizeof buf));
  int p[2];
  pipe(p);
  SHOW(fget(p[0], "user.x", buf, sizeof buf));
  SHOW(fget(p[0], "trusted.x", buf, sizeof buf));
  SHOW(flist(p[0], buf, sizeof buf));
  SHOW(fset(p[0], "user.x", "v", 1, 0));
  SHOW(fset(p[0], "trusted.x", "v", 1, 0));
  SHOW(frm(p[0], "user.x"));
  unlink(g);
  rmdir(d);
  return 0;
}
