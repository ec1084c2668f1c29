/* Named pipes and mknod, compared with the host kernel: a FIFO made by mknod and mkfifo (stat,
 * the umask, EEXIST), opens that wait for the other side and are released by it (a reader
 * waiting in open counts as one: a non-blocking writer gets in), O_NONBLOCK opens (a reader at
 * once, a writer ENXIO), end of file once the writer closes, SIGPIPE and EPIPE once the reader
 * closes, the bytes discarded when every opener is gone, O_RDWR, an open interrupted by a
 * handler, poll, fstat, lseek, F_GETPIPE_SZ and the /proc/self/fd link, link, rename and
 * unlink of an open FIFO, and mknod of the other types (regular, socket, device nodes: /dev's
 * numbers open as that device, others ENXIO) with its errors. Only the parent prints; children
 * report through their exit status. Everything it makes it removes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

static char path[128], other[160], dev[160];

static void on_alarm(int sig) { (void)sig; }

static int revents(int fd) {
  struct pollfd pf = {.fd = fd, .events = POLLIN | POLLOUT};
  int r = poll(&pf, 1, 0);
  return r < 0 ? -1 : pf.revents;
}

/* The status of the child pid, as one line. */
static void reap(pid_t pid) {
  int st;
  waitpid(pid, &st, 0);
  if (WIFEXITED(st)) printf("child exited %d\n", WEXITSTATUS(st));
  else printf("child killed by %d\n", WTERMSIG(st));
}

static void show_stat(const char *p) {
  struct stat st;
  if (stat(p, &st) < 0) {
    printf("stat errno %d\n", errno);
    return;
  }
  printf("mode %o size %ld nlink %ld rdev %u:%u blocks %ld\n", st.st_mode, (long)st.st_size, (long)st.st_nlink,
         major(st.st_rdev), minor(st.st_rdev), (long)st.st_blocks);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  umask(022);
  snprintf(path, sizeof path, "/dev/shm/sudsim-fifo-%d", getpid());
  snprintf(other, sizeof other, "/dev/shm/sudsim-fifo-%d-other", getpid());
  char buf[64];
  pid_t pid;

  /* made, and what stat says of it */
  SHOW(mknod(path, S_IFIFO | 0666, 0));
  SHOW(mknod(path, S_IFIFO | 0666, 0));
  SHOW(mkfifo(path, 0600));
  show_stat(path);

  /* non-blocking opens: a writer needs a reader, a reader opens alone and reads end of file */
  SHOW(open(path, O_WRONLY | O_NONBLOCK));
  int r = open(path, O_RDONLY | O_NONBLOCK);
  SHOW(r >= 0);
  SHOW(read(r, buf, sizeof buf));
  printf("revents before any writer %x\n", revents(r));
  int w = open(path, O_WRONLY | O_NONBLOCK);
  SHOW(w >= 0);
  SHOW(read(r, buf, sizeof buf));
  printf("revents with a writer %x %x\n", revents(r), revents(w));
  SHOW(write(w, "abc", 3));
  printf("revents with bytes %x\n", revents(r));
  SHOW(fcntl(w, F_GETPIPE_SZ));
  SHOW(fcntl(w, F_GETFL) & O_ACCMODE);
  SHOW(lseek(w, 0, SEEK_CUR));
  SHOW(lseek(r, 0, SEEK_SET));
  struct stat fs, ps;
  fstat(w, &fs);
  stat(path, &ps);
  printf("fstat mode %o size %ld same inode %d\n", fs.st_mode, (long)fs.st_size, fs.st_ino == ps.st_ino && fs.st_dev == ps.st_dev);
  char fdlink[64], target[256];
  snprintf(fdlink, sizeof fdlink, "/proc/self/fd/%d", w);
  ssize_t n = readlink(fdlink, target, sizeof target - 1);
  target[n > 0 ? n : 0] = 0;
  printf("fd link is the path %d\n", strcmp(target, path) == 0);
  SHOW(close(w));
  printf("revents after the writer %x\n", revents(r));
  n = read(r, buf, sizeof buf);
  printf("read %ld '%.*s'\n", (long)n, (int)(n > 0 ? n : 0), buf);
  SHOW(read(r, buf, sizeof buf));
  /* the bytes stay while an opener remains */
  w = open(path, O_WRONLY);
  SHOW(write(w, "kept", 4));
  close(w);
  n = read(r, buf, sizeof buf);
  printf("read %ld '%.*s'\n", (long)n, (int)(n > 0 ? n : 0), buf);
  /* and go with the last one */
  w = open(path, O_WRONLY);
  SHOW(write(w, "lost", 4));
  close(w);
  close(r);
  int rw = open(path, O_RDWR | O_NONBLOCK);
  SHOW(rw >= 0);
  SHOW(read(rw, buf, sizeof buf));
  printf("revents O_RDWR %x\n", revents(rw));
  SHOW(write(rw, "self", 4));
  SHOW(read(rw, buf, sizeof buf));
  close(rw);

  /* a reader waiting in open is released by a writer's open, reads, then sees end of file */
  pid = fork();
  if (pid == 0) {
    int fd = open(path, O_RDONLY);
    ssize_t a = read(fd, buf, sizeof buf);
    ssize_t b = read(fd, buf, sizeof buf);
    _exit(fd >= 0 && a == 5 && memcmp(buf, "hello", 5) == 0 && b == 0 ? 10 : 1);
  }
  w = open(path, O_WRONLY);
  SHOW(w >= 0);
  SHOW(write(w, "hello", 5));
  SHOW(close(w));
  reap(pid);

  /* the waiting reader counts: a non-blocking writer gets in once it waits */
  pid = fork();
  if (pid == 0) {
    int fd = open(path, O_RDONLY);
    ssize_t a = read(fd, buf, sizeof buf);
    _exit(a == 2 ? 11 : 1);
  }
  while ((w = open(path, O_WRONLY | O_NONBLOCK)) < 0 && errno == ENXIO) usleep(1000);
  SHOW(w >= 0);
  SHOW(write(w, "hi", 2));
  close(w);
  reap(pid);

  /* a writer waiting in open is released by a reader's; the reader closing makes writes fail */
  int sync[2];
  pipe(sync);
  pid = fork();
  if (pid == 0) {
    close(sync[0]);
    int fd = open(path, O_RDONLY);
    close(fd);
    write(sync[1], "x", 1);
    _exit(fd >= 0 ? 12 : 1);
  }
  close(sync[1]);
  w = open(path, O_WRONLY);
  SHOW(w >= 0);
  SHOW(read(sync[0], buf, 1));
  close(sync[0]);
  reap(pid);
  SHOW(write(w, "nobody", 6));
  printf("revents with no reader %x\n", revents(w));
  /* with SIGPIPE's default action the writer dies */
  pid = fork();
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    write(w, "x", 1);
    _exit(1);
  }
  reap(pid);
  close(w);

  /* O_RDWR never waits; a handler interrupts a waiting open, which then no longer counts */
  rw = open(path, O_RDWR);
  SHOW(rw >= 0);
  close(rw);
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {.it_value = {.tv_usec = 20000}};
  setitimer(ITIMER_REAL, &it, NULL);
  SHOW(open(path, O_RDONLY));
  setitimer(ITIMER_REAL, &it, NULL);
  SHOW(open(path, O_WRONLY));
  SHOW(open(path, O_WRONLY | O_NONBLOCK));
  /* access mode 3 asks for neither end (musl's O_ACCMODE also holds O_PATH) */
  SHOW(open(path, 3));
  SHOW(open(path, O_RDONLY | O_DIRECTORY));
  SHOW(open(path, O_RDONLY | O_CREAT | O_EXCL, 0600));

  /* the pipe belongs to the inode: a second name, a rename and an unlink leave it working */
  rw = open(path, O_RDWR);
  SHOW(write(rw, "inode", 5));
  SHOW(link(path, other));
  show_stat(path);
  SHOW(unlink(other));
  SHOW(rename(path, other));
  SHOW(access(path, F_OK));
  r = open(other, O_RDONLY);
  n = read(r, buf, sizeof buf);
  printf("read through the new name %ld '%.*s'\n", (long)n, (int)(n > 0 ? n : 0), buf);
  SHOW(unlink(other));
  SHOW(write(rw, "gone", 4));
  n = read(r, buf, sizeof buf);
  printf("read after unlink %ld '%.*s'\n", (long)n, (int)(n > 0 ? n : 0), buf);
  fstat(rw, &fs);
  printf("fstat after unlink mode %o nlink %ld\n", fs.st_mode, (long)fs.st_nlink);
  close(r);
  close(rw);

  /* mknod's other types */
  SHOW(mknod(path, S_IFREG | 0777, 0));
  show_stat(path);
  SHOW(unlink(path));
  SHOW(mknod(path, 0640, 0));
  show_stat(path);
  SHOW(unlink(path));
  SHOW(mknod(path, S_IFSOCK | 0777, 0));
  show_stat(path);
  SHOW(open(path, O_RDONLY));
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  strcpy(sun.sun_path, path);
  SHOW(connect(s, (struct sockaddr *)&sun, sizeof sun));
  SHOW(bind(s, (struct sockaddr *)&sun, sizeof sun));
  close(s);
  SHOW(unlink(path));
  SHOW(mknod(path, S_IFIFO | 07777, makedev(1, 3)));
  show_stat(path);
  SHOW(unlink(path));
  SHOW(mknod(path, S_IFDIR | 0777, 0));
  SHOW(mknod(path, S_IFLNK | 0777, 0));
  SHOW(mknod(path, 0170000 | 0777, 0));
  SHOW(mknod(path, 0070000 | 0777, 0));
  SHOW(mknod("/dev/shm", S_IFIFO | 0666, 0));
  SHOW(mknod("/dev/shm/sudsim-no-such-dir/x", S_IFIFO | 0666, 0));
  SHOW(mknod("/proc/self/sudsim-fifo", S_IFIFO | 0666, 0));
  SHOW(mknod("", S_IFIFO | 0666, 0));
  snprintf(dev, sizeof dev, "%s/", path);
  SHOW(mknod(dev, S_IFIFO | 0666, 0));
  SHOW(mknod(dev, S_IFREG | 0666, 0));
  SHOW(mknod(path, S_IFREG | 0666, 0));
  SHOW(mknod(dev, S_IFIFO | 0666, 0));
  SHOW(unlink(path));
  SHOW(mknodat(-1, "x", S_IFIFO | 0666, 0));
  SHOW(mknodat(1, "x", S_IFIFO | 0666, 0));
  int dir = open("/dev/shm", O_RDONLY | O_DIRECTORY);
  SHOW(mknodat(dir, path + 9, S_IFIFO | 0600, 0));
  show_stat(path);

  /* device nodes (under /tmp: /dev/shm is often mounted nodev) */
  snprintf(dev, sizeof dev, "/tmp/sudsim-fifo-%d-dev", getpid());
  SHOW(mknod(dev, S_IFCHR | 0666, makedev(1, 3)));
  show_stat(dev);
  int d = open(dev, O_RDWR);
  SHOW(d >= 0);
  SHOW(write(d, "into null", 9));
  SHOW(read(d, buf, sizeof buf));
  fstat(d, &fs);
  printf("fstat chr %d rdev %u:%u\n", S_ISCHR(fs.st_mode), major(fs.st_rdev), minor(fs.st_rdev));
  close(d);
  SHOW(unlink(dev));
  SHOW(mknod(dev, S_IFCHR | 0600, makedev(1, 5)));
  d = open(dev, O_RDONLY);
  memset(buf, 'z', 4);
  SHOW(read(d, buf, 4));
  printf("zero reads %d %d %d %d\n", buf[0], buf[1], buf[2], buf[3]);
  close(d);
  SHOW(unlink(dev));
  SHOW(mknod(dev, S_IFCHR | 0600, makedev(1, 42)));
  SHOW(open(dev, O_RDWR));
  SHOW(unlink(dev));
  SHOW(mknod(dev, S_IFBLK | 0600, makedev(0, 5)));
  show_stat(dev);
  SHOW(open(dev, O_RDWR));
  SHOW(unlink(dev));

  /* what getdents says of each type (sorted: the host lists tmpfs newest first) */
  char sock[160], chr[160];
  snprintf(sock, sizeof sock, "%s-sock", path);
  snprintf(chr, sizeof chr, "%s-chr", path);
  SHOW(mknod(sock, S_IFSOCK | 0600, 0));
  SHOW(mknod(chr, S_IFCHR | 0600, makedev(1, 3)));
  DIR *dd = opendir("/dev/shm");
  struct dirent *e;
  char seen[3][32];
  int found = 0;
  size_t plen = strlen(path + 9);
  while ((e = readdir(dd)))
    if (found < 3 && strncmp(e->d_name, path + 9, plen) == 0) snprintf(seen[found++], sizeof seen[0], "'%s' %d", e->d_name + plen, e->d_type);
  closedir(dd);
  qsort(seen, found, sizeof seen[0], (int (*)(const void *, const void *))strcmp);
  for (int i = 0; i < found; i++) printf("entry %s\n", seen[i]);
  SHOW(unlink(sock));
  SHOW(unlink(chr));
  SHOW(unlink(path));
  close(dir);
  return 0;
}
