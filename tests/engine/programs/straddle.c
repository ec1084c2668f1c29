/*
 * An instruction whose bytes straddle two pages (mov $imm32, %eax, two bytes
 * before a page boundary, then ret), called many times, then after each
 * change to either page: a write to its first page, a write to its second,
 * the second made non-executable (the fetch faults there), executable again,
 * and replaced by a new mapping with other bytes.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

static sigjmp_buf env;
static void *volatile fault_addr;

static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  fault_addr = si->si_addr;
  siglongjmp(env, 1);
}

typedef int (*fn_t)(void);

int main(int argc, char **argv) {
  long calls = argc > 1 ? atol(argv[1]) : 100000;
  const long pg = 4096;
  unsigned char *code = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) return 1;
  /* b8 imm32 (the opcode and the immediate's low byte on the first page), c3 */
  unsigned char *at = code + pg - 2;
  at[0] = 0xb8, at[1] = 1, at[2] = 0, at[3] = 0, at[4] = 0, at[5] = 0xc3;
  fn_t f = (fn_t)at;
  long sum = 0;
  for (long i = 0; i < calls; i++) sum += f();
  printf("sum=%ld\n", sum);
  at[2] = 2;
  printf("second_page_written=%d\n", f());
  at[1] = 5;
  printf("first_page_written=%d\n", f());
  struct sigaction sa = {0};
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);
  mprotect(code + pg, pg, PROT_READ | PROT_WRITE);
  if (sigsetjmp(env, 1) == 0) printf("second_page_noexec=%d\n", f());
  else printf("second_page_noexec_fault_at=%+ld\n", (long)((unsigned char *)fault_addr - (code + pg)));
  mprotect(code + pg, pg, PROT_READ | PROT_WRITE | PROT_EXEC);
  printf("second_page_exec_again=%d\n", f());
  unsigned char *p2 = mmap(code + pg, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (p2 != code + pg) return 2;
  p2[0] = 7, p2[1] = 0, p2[2] = 0, p2[3] = 0xc3;
  printf("second_page_remapped=%d\n", f());
  return 0;
}
