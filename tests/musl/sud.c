/* Syscall User Dispatch through musl: sigaction with SA_SIGINFO, prctl,
 * a handler that emulates a syscall and flips the selector, fork and
 * waitpid, raise() and abort()-style masks, all with printf. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static volatile char selector;
static volatile int dispatched;
static volatile long seen_nr, seen_arch;

static void on_sigsys(int sig, siginfo_t *si, void *ctx) {
  ucontext_t *uc = ctx;
  dispatched++;
  seen_nr = si->si_syscall;
  seen_arch = si->si_arch;
  uc->uc_mcontext.gregs[REG_RAX] = 4242;  /* the emulated result */
  selector = 0;                            /* let rt_sigreturn through */
}

static volatile int usr1;
static void on_usr1(int sig) { usr1++; }

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, 0);
  printf("prctl bad mode: %d\n", prctl(59, 9, 0, 0, 0) == -1);
  if (prctl(59, 1, 0, 0, &selector) != 0) { printf("no SUD\n"); return 1; }
  selector = 1;
  long r = syscall(SYS_getppid);
  printf("dispatched=%d nr=%ld arch=%#lx emulated=%ld\n", dispatched, seen_nr, seen_arch, r);
  prctl(59, 0, 0, 0, 0);

  pid_t pid = fork();
  if (pid == 0) {
    printf("child: SUD is off here: %d\n", getpid() > 0);
    fflush(stdout);
    _exit(12);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exited=%d status=%d\n", WIFEXITED(st), WEXITSTATUS(st));

  signal(SIGUSR1, on_usr1);
  raise(SIGUSR1);
  printf("usr1 handled %d time(s)\n", usr1);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, 0);
  raise(SIGUSR1);
  printf("blocked: still %d\n", usr1);
  sigprocmask(SIG_UNBLOCK, &set, 0);
  printf("unblocked: %d\n", usr1);
  fflush(stdout);
  abort();
}
