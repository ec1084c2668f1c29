/*
 * A futex without FUTEX_PRIVATE_FLAG in a shared mapping is the word's
 * place in what is mapped: a child sleeping on it through one mapping is
 * woken by its parent through another, at another address, as a
 * process-shared semaphore between processes needs. A private wake from
 * another process reaches no one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | 128)

static long futex(int *w, int op, int val, const struct timespec *ts) {
  return syscall(SYS_futex, w, op, val, ts, 0, 0);
}

/* A child that sleeps on *w while it is 0 (5 s at most): exits 0 once woken with *w set. */
static pid_t sleeper(int *w) {
  pid_t p = fork();
  if (p == 0) {
    struct timespec ts = {5, 0};
    while (__atomic_load_n(w, __ATOMIC_SEQ_CST) == 0) {
      if (futex(w, FUTEX_WAIT, 0, &ts) < 0 && errno == ETIMEDOUT) _exit(1);
    }
    _exit(0);
  }
  return p;
}

static void wake(const char *what, int *sleep_on, int *wake_by) {
  pid_t p = sleeper(sleep_on);
  usleep(100000);
  printf("%s: private wake woke %ld\n", what, futex(wake_by, FUTEX_WAKE_PRIVATE, 1, 0));
  __atomic_store_n(wake_by, 1, __ATOMIC_SEQ_CST);
  printf("%s: shared wake woke %ld\n", what, futex(wake_by, FUTEX_WAKE, 1, 0));
  int st;
  waitpid(p, &st, 0);
  printf("%s: child %s\n", what, WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "woken" : "timed out");
}

int main(void) {
  int *anon = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  wake("shared anonymous", anon + 3, anon + 3);

  int fd = memfd_create("futex", 0);
  if (fd < 0 || ftruncate(fd, 8192) < 0) return 1;
  char *a = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  char *b = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
  wake("file, two mappings", (int *)(a + 4096 + 8), (int *)(b + 8));
  return 0;
}
