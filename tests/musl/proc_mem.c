/* /proc/<pid>/mem as debuggers use it: pread and pwrite at an address of the process's own
 * memory and of a stopped child's; a write to a read-only page lands (as a breakpoint does); a
 * transfer stops at the first page it cannot reach (a partial count, or EIO with nothing); the
 * offset is an address (lseek to a high one; SEEK_END refused); a child that exec'd is not
 * reached through a file opened before. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

static volatile long value = 0x1122334455667788;
static const char rodata[16] = "read only bytes";

int main(void) {
  int fd = open("/proc/self/mem", O_RDWR);
  SHOW(fd >= 0);
  long got = 0;
  SHOW(pread(fd, &got, sizeof got, (off_t)(uintptr_t)&value));
  printf("read value %s\n", got == value ? "same" : "differs");
  long put = 0x0123456789abcdef;
  SHOW(pwrite(fd, &put, sizeof put, (off_t)(uintptr_t)&value));
  printf("value now %lx\n", value);
  SHOW(pwrite(fd, "R", 1, (off_t)(uintptr_t)rodata));
  printf("rodata now %s\n", rodata);

  /* a page, then an unmapped one: the first page's bytes, then nothing at all */
  char *two = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(two, 'x', 8192);
  munmap(two + 4096, 4096);
  static char buf[8192];
  SHOW(pread(fd, buf, 8192, (off_t)(uintptr_t)(two + 4000)));
  SHOW(pread(fd, buf, 16, (off_t)(uintptr_t)(two + 4096)));
  SHOW(pwrite(fd, buf, 200, (off_t)(uintptr_t)(two + 4000)));
  /* a PROT_NONE page is read and written all the same (FOLL_FORCE) */
  mprotect(two, 4096, PROT_NONE);
  SHOW(pread(fd, buf, 8, (off_t)(uintptr_t)two));
  printf("prot_none bytes %.8s\n", buf);

  /* the offset is an address */
  SHOW(lseek(fd, (off_t)(uintptr_t)&value, SEEK_SET) == (off_t)(uintptr_t)&value);
  SHOW(read(fd, &got, sizeof got));
  printf("read at the offset %s\n", got == value ? "same" : "differs");
  SHOW(lseek(fd, 8, SEEK_CUR) == (off_t)(uintptr_t)&value + 16);
  SHOW(lseek(fd, 0, SEEK_END));
  SHOW(lseek(fd, (off_t)0x7ffffffff000, SEEK_SET) == (off_t)0x7ffffffff000);
  close(fd);

  /* a stopped child's memory, read and written by its parent */
  pid_t c = fork();
  if (c == 0) {
    raise(SIGSTOP);
    _exit(value == 42 ? 0 : 1);
  }
  int st;
  waitpid(c, &st, WUNTRACED);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", c);
  int cfd = open(path, O_RDWR);
  SHOW(cfd >= 0);
  SHOW(pread(cfd, &got, sizeof got, (off_t)(uintptr_t)&value));
  printf("child's value %lx\n", got);
  long answer = 42;
  SHOW(pwrite(cfd, &answer, sizeof answer, (off_t)(uintptr_t)&value));
  kill(c, SIGCONT);
  waitpid(c, &st, 0);
  printf("child exited %d\n", WEXITSTATUS(st));
  SHOW(pread(cfd, &got, sizeof got, (off_t)(uintptr_t)&value));
  close(cfd);
  return 0;
}
