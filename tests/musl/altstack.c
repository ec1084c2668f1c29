/* The alternate signal stack as a handler's ucontext records it (uc_stack holds the flags
 * sigaltstack was given: 0 for a process that never set one, SS_DISABLE in a new thread) and as
 * sigaltstack reports it: on it or not, SS_AUTODISARM (the handler runs with none, sigreturn
 * puts it back), EPERM while on it, EINVAL and ENOMEM for bad requests, kept by fork. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "show.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static char stack1[65536];
static int on_alt(void *p) { return (char *)p >= stack1 && (char *)p < stack1 + sizeof stack1; }

static void handler(int sig, siginfo_t *info, void *ucv) {
  (void)sig;
  (void)info;
  ucontext_t *uc = ucv;
  stack_t cur;
  int local;
  sigaltstack(NULL, &cur);
  printf("  uc_stack flags %#x size %zu; now flags %#x; running on it %d\n", (unsigned)uc->uc_stack.ss_flags, uc->uc_stack.ss_size,
         (unsigned)cur.ss_flags, on_alt(&local));
  if (cur.ss_flags == SS_ONSTACK) {
    stack_t again = {.ss_sp = stack1, .ss_size = sizeof stack1, .ss_flags = 0};
    SHOW(sigaltstack(&again, NULL));
  }
}

static void show_now(const char *when) {
  stack_t cur;
  sigaltstack(NULL, &cur);
  printf("%s: flags %#x size %zu\n", when, (unsigned)cur.ss_flags, cur.ss_size);
}

static void *thread_raise(void *arg) {
  (void)arg;
  printf("in a new thread:\n");
  raise(SIGUSR1);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa = {0};
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  show_now("start");
  printf("no alternate stack:\n");
  raise(SIGUSR1);
  stack_t ss = {.ss_sp = stack1, .ss_size = sizeof stack1, .ss_flags = 0};
  SHOW(sigaltstack(&ss, NULL));
  printf("on it:\n");
  raise(SIGUSR1);
  pthread_t t;
  pthread_create(&t, NULL, thread_raise, NULL);
  pthread_join(t, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    show_now("a forked child");
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  ss.ss_flags = SS_AUTODISARM;
  SHOW(sigaltstack(&ss, NULL));
  show_now("autodisarm");
  printf("on it, autodisarm:\n");
  raise(SIGUSR1);
  show_now("after");
  ss.ss_flags = 5;
  SHOW(sigaltstack(&ss, NULL));
  ss.ss_flags = 0;
  ss.ss_size = 100;
  SHOW(sigaltstack(&ss, NULL));
  ss.ss_flags = SS_DISABLE;
  SHOW(sigaltstack(&ss, NULL));
  show_now("disabled");
  printf("disabled:\n");
  raise(SIGUSR1);
  return 0;
}
