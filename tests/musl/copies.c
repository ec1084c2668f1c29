/* Bytes moved between descriptors in the kernel: sendfile from a file at an offset or its
 * position into a file, a pipe or from /dev/zero; copy_file_range with its offsets, overlap and
 * end-of-file rules; splice into and out of pipes (and ESPIPE, EINVAL where neither side is a
 * pipe), tee; preadv/pwritev and their v2 forms at offset -1; fallocate (extend, keep size,
 * punch a hole, tmpfs's EOPNOTSUPP); posix_fadvise and readahead; and a splice that sleeps
 * until a forked writer fills the pipe. Works on /dev/shm (tmpfs on the host too). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "show.h"

/* preadv2 and pwritev2 through syscall(2): not every libc here wraps them */
static long preadv2_(int fd, const struct iovec *v, int n, long off, int flags) { return syscall(SYS_preadv2, fd, v, n, off, 0, flags); }
static long pwritev2_(int fd, const struct iovec *v, int n, long off, int flags) { return syscall(SYS_pwritev2, fd, v, n, off, 0, flags); }
int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int f = open("/dev/shm/cp-src", O_CREAT | O_RDWR | O_TRUNC, 0644);
  SHOW(write(f, "0123456789abcdefghij", 20));
  int g = open("/dev/shm/cp-dst", O_CREAT | O_RDWR | O_TRUNC, 0644);
  int p[2]; pipe(p);
  off_t off = 5;
  SHOW(sendfile(g, f, &off, 6)); printf("off %ld pos %ld\n", (long)off, (long)lseek(f, 0, SEEK_CUR));
  SHOW(lseek(f, 2, SEEK_SET));
  SHOW(sendfile(g, f, NULL, 3)); printf("pos %ld\n", (long)lseek(f, 0, SEEK_CUR));
  SHOW(sendfile(p[1], f, NULL, 4));
  char b[64] = {0}; SHOW(read(p[0], b, 63)); printf("pipe got '%s'\n", b);
  SHOW(write(p[1], "xy", 2));
  SHOW(sendfile(g, p[0], NULL, 2));
  SHOW(sendfile(g, f, NULL, 0));
  SHOW(sendfile(-1, f, NULL, 1));
  SHOW(sendfile(g, 99, NULL, 1));
  int ro = open("/dev/shm/cp-src", O_RDONLY);
  SHOW(sendfile(ro, f, NULL, 1));
  int z = open("/dev/zero", O_RDONLY);
  SHOW(sendfile(g, z, NULL, 3));
  off = -1; SHOW(sendfile(g, f, &off, 1));
  SHOW(lseek(f, 0, SEEK_END)); SHOW(sendfile(g, f, NULL, 10));
  memset(b, 0, 64); SHOW(pread(g, b, 63, 0)); printf("dst '%.*s' size %ld\n", 20, b, (long)lseek(g, 0, SEEK_END));
  loff_t in = 10, out = 0;
  SHOW(copy_file_range(f, &in, g, &out, 5, 0)); printf("in %ld out %ld\n", (long)in, (long)out);
  SHOW(copy_file_range(f, NULL, g, NULL, 5, 0));
  SHOW(copy_file_range(f, &in, g, &out, 5, 1));
  SHOW(copy_file_range(p[0], NULL, g, NULL, 5, 0));
  in = 0; out = 2; SHOW(copy_file_range(f, &in, f, &out, 5, 0));
  in = 0; out = 10; SHOW(copy_file_range(f, &in, f, &out, 5, 0));
  SHOW(copy_file_range(f, &in, g, &out, 0, 0));
  SHOW(copy_file_range(ro, NULL, ro, NULL, 1, 0));
  in = 100; SHOW(copy_file_range(f, &in, g, NULL, 5, 0));
  SHOW(lseek(f, 0, SEEK_SET));
  SHOW(splice(f, NULL, p[1], NULL, 4, 0));
  loff_t so = 3; SHOW(splice(f, &so, p[1], NULL, 2, 0)); printf("so %ld\n", (long)so);
  SHOW(splice(p[0], NULL, g, NULL, 6, 0));
  SHOW(splice(f, NULL, g, NULL, 1, 0));
  SHOW(splice(p[0], &so, g, NULL, 1, 0));
  SHOW(splice(p[0], NULL, g, NULL, 1, SPLICE_F_NONBLOCK));
  int q[2]; pipe(q); SHOW(write(p[1], "tee!", 4)); SHOW(tee(p[0], q[1], 10, 0)); memset(b,0,64); SHOW(read(q[0], b, 63)); printf("tee '%s'\n", b);
  SHOW(splice(p[0], NULL, q[1], NULL, 10, 0)); memset(b,0,64); SHOW(read(q[0], b, 63)); printf("moved '%s'\n", b);
  struct iovec v[2] = {{b, 3}, {b + 10, 4}};
  SHOW(preadv(f, v, 2, 5)); printf("'%.3s' '%.4s'\n", b, b + 10);
  SHOW(pwritev(g, v, 2, 1)); memset(b, 0, 64); SHOW(pread(g, b, 63, 0)); printf("dst '%s'\n", b);
  SHOW(preadv2_(f, v, 2, -1, 0)); SHOW(lseek(f, 0, SEEK_CUR));
  SHOW(preadv2_(f, v, 2, 0, 0x100)); SHOW(pwritev2_(g, v, 1, -1, 0)); SHOW(lseek(g, 0, SEEK_CUR));
  SHOW(preadv(p[0], v, 2, 0)); SHOW(preadv(f, v, 2, -5));
  SHOW(fallocate(g, 0, 100, 50)); SHOW(lseek(g, 0, SEEK_END));
  SHOW(fallocate(g, 1, 1000, 50)); SHOW(lseek(g, 0, SEEK_END));
  SHOW(fallocate(g, 3, 0, 2)); memset(b, 'q', 64); SHOW(pread(g, b, 4, 0)); printf("%d %d %c\n", b[0], b[1], b[2]);
  SHOW(fallocate(g, 2, 0, 2)); SHOW(fallocate(g, 0x10, 0, 4096)); SHOW(fallocate(p[1], 0, 0, 1)); SHOW(fallocate(ro, 0, 0, 1)); SHOW(fallocate(g, 0, -1, 1)); SHOW(fallocate(g, 0, 0, 0));
  SHOW(posix_fadvise(f, 0, 0, POSIX_FADV_SEQUENTIAL)); SHOW(posix_fadvise(f, 0, 0, 9)); SHOW(posix_fadvise(p[0], 0, 0, 0)); SHOW(posix_fadvise(99, 0, 0, 0)); SHOW(posix_fadvise(f, -1, 0, 0));
  SHOW(readahead(f, 0, 100)); SHOW(readahead(p[0], 0, 1)); SHOW(readahead(99, 0, 1)); SHOW(readahead(g, 0, 1));
  // a splice out of an empty pipe sleeps until a writer comes; a sendfile into a full pipe
  // goes on as a reader drains it
  int r[2];
  SHOW(pipe(r));
  pid_t child = fork();
  if (child == 0) {
    usleep(20000);
    write(r[1], "late bytes", 10);
    _exit(0);
  }
  close(r[1]);
  SHOW(lseek(g, 0, SEEK_SET));
  SHOW(splice(r[0], NULL, g, NULL, 64, 0));
  SHOW(splice(r[0], NULL, g, NULL, 64, 0));
  waitpid(child, NULL, 0);
  int big = open("/dev/shm/cp-big", O_CREAT | O_RDWR | O_TRUNC, 0644);
  static char blob[200000];
  for (int i = 0; i < (int)sizeof blob; i++) blob[i] = (char)(i * 7);
  SHOW(write(big, blob, sizeof blob));
  int w[2];
  SHOW(pipe(w));
  child = fork();
  if (child == 0) {
    static char back[200000];
    long got = 0, n;
    while ((n = read(w[0], back + got, sizeof back - got)) > 0) got += n;
    _exit(got == sizeof blob && memcmp(back, blob, sizeof blob) == 0 ? 7 : 1);
  }
  close(w[0]);
  off_t from = 0;
  long sent = 0, n;
  while (sent < (long)sizeof blob && (n = sendfile(w[1], big, &from, sizeof blob - sent)) > 0) sent += n;
  printf("sent %ld, offset %ld\n", sent, (long)from);
  close(w[1]);
  int status;
  waitpid(child, &status, 0);
  printf("the reader got every byte in order: %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 7);
  unlink("/dev/shm/cp-big");
  unlink("/dev/shm/cp-src"); unlink("/dev/shm/cp-dst");
  return 0;
}
