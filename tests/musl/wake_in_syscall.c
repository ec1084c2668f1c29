/* A task that sleeps in a syscall wakes inside it: the call checks its condition again in the
 * kernel and returns, with no second trip through the syscall entry. So a thread armed with
 * Syscall User Dispatch that sleeps in futex while another thread sets its selector to BLOCK
 * gets the futex's own result, and only its next syscall is dispatched (SIGSYS); and a wait
 * whose child is reaped by SA_NOCLDWAIT returns ECHILD, its SIGCHLD handler run after it,
 * rather than EINTR. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#endif
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define SEL_ALLOW 0
#define SEL_BLOCK 1

static volatile unsigned char sel = SEL_ALLOW;
static int word;
static volatile int sigsys_count, sigsys_nr;
static volatile int sleeping;

static void on_sigsys(int sig, siginfo_t *info, void *uc) {
  (void)sig;
  (void)uc;
  sigsys_count++;
  sigsys_nr = info->si_syscall;
  sel = SEL_ALLOW;
}

static void *armed_sleeper(void *arg) {
  (void)arg;
  /* dispatch everything outside an empty region at address 1 */
  long r = prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 1, 1, &sel);
  sleeping = 1;
  long f = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
  int fe = errno;
  int during = sigsys_count;
  /* the selector is BLOCK now: this getppid is dispatched */
  long g = syscall(SYS_getppid);
  int after = sigsys_count;
  int nr = sigsys_nr;
  sel = SEL_ALLOW;
  printf("prctl %ld; futex %ld errno %d, SIGSYS during it %d; next syscall dispatched %d (nr %d, result %ld)\n", r, f, f < 0 ? fe : 0,
         during, after - during, nr, g);
  return NULL;
}

static volatile int chld;
static void on_chld(int sig) {
  (void)sig;
  chld++;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa = {0};
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, NULL);
  pthread_t t;
  pthread_create(&t, NULL, armed_sleeper, NULL);
  while (!sleeping) sched_yield();
  usleep(20000);
  sel = SEL_BLOCK;
  __atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
  syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
  pthread_join(t, NULL);

  struct sigaction ca = {0};
  ca.sa_handler = on_chld;
  for (int restart = 0; restart < 2; restart++) {
    ca.sa_flags = SA_NOCLDWAIT | (restart ? SA_RESTART : 0);
    sigaction(SIGCHLD, &ca, NULL);
    if (fork() == 0) {
      usleep(20000);
      _exit(3);
    }
    int st;
    errno = 0;
    pid_t w = wait(&st);
    printf("SA_NOCLDWAIT%s: wait %d %s, SIGCHLD handled %d\n", restart ? " | SA_RESTART" : "", w, strerror(errno), chld);
  }
  return 0;
}
