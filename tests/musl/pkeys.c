/* Memory protection keys on a CPU without PKU (the engine's has none; run natively, this test
 * assumes the host's has none either): pkey_alloc's first call takes key 0 and fails to program
 * it (EINVAL), later ones find no key left (ENOSPC), a fork's child inherits that, an exec'd
 * image starts afresh; pkey_free refuses every key; pkey_mprotect is mprotect for key -1 (the
 * protection applies: a write faults) and EINVAL for any other key, after mprotect's own checks
 * of the address, length and protection. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

#ifndef PROT_GROWSDOWN
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#endif

static long alloc(unsigned long flags, unsigned long rights) { return syscall(SYS_pkey_alloc, flags, rights); }
static long pfree(long key) { return syscall(SYS_pkey_free, key); }
static long pmprotect(void *addr, unsigned long len, unsigned long prot, long key) {
  return syscall(SYS_pkey_mprotect, addr, len, prot, key);
}

static sigjmp_buf env;
static void on_segv(int sig) { siglongjmp(env, sig); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1) {
    SHOW(alloc(0, 0));
    return 0;
  }
  SHOW(alloc(1, 0));
  SHOW(alloc(0, 4));
  SHOW(pfree(0));
  SHOW(pfree(1));
  SHOW(pfree(-1));
  SHOW(pfree(16));
  char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  SHOW(pmprotect(m, 4096, PROT_READ, 0));
  SHOW(pmprotect(m, 4096, PROT_READ, 1));
  SHOW(pmprotect(m, 4096, PROT_READ, -2));
  SHOW(pmprotect(m + 1, 4096, PROT_READ, 1));
  SHOW(pmprotect(m, 0, PROT_READ, 1));
  SHOW(pmprotect(m, 0, 0xff, 1));
  SHOW(pmprotect(m, -4096UL, PROT_READ, 1));
  SHOW(pmprotect(m, -1UL, PROT_READ, 1));
  SHOW(pmprotect(m, 4096, 0xff, 1));
  SHOW(pmprotect(m, 4096, 0xff, -1));
  SHOW(pmprotect(m, 4096, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP, -1));
  SHOW(pmprotect(m, 4096, PROT_READ, 0x1ffffffffL));
  SHOW(pmprotect((void *)0x1000, 4096, PROT_READ, -1));
  SHOW(pmprotect(m, 4096, PROT_READ | 8, -1));
  SHOW(pmprotect(m, 4096, PROT_READ, -1));
  signal(SIGSEGV, on_segv);
  int sig = sigsetjmp(env, 1);
  if (sig == 0) {
    m[0] = 1;
    printf("the write went through\n");
  } else {
    printf("the write faulted: signal %d\n", sig);
  }
  m[4096] = 1;
  printf("the next page is still writable\n");
  SHOW(alloc(0, 0));
  SHOW(alloc(0, 3));
  pid_t pid = fork();
  if (pid == 0) {
    SHOW(alloc(0, 0));
    execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  return 0;
}
