/*
 * What a parent hears of its children: SIGCHLD's siginfo (code, pid and
 * status for an exit and for a kill), and a parent that ignores SIGCHLD or
 * sets SA_NOCLDWAIT leaves no zombie (wait finds no child: ECHILD). A
 * signal for the process reaches a thread that does not block it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static volatile int code, status;
/* si_pid, compared after fork has returned: the signal may come before fork's result is stored */
static volatile pid_t sender;
static pid_t child;
static void h(int s, siginfo_t *si, void *u) { (void)s; (void)u; code = si->si_code; status = si->si_status; sender = si->si_pid; }

static volatile int thread_hit, thread_ready;
static void usr1(int s) { (void)s; thread_hit = 1; }
static void *unblocked(void *a) {
  (void)a;
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  pthread_sigmask(SIG_UNBLOCK, &m, 0);
  thread_ready = 1;
  while (!thread_hit) sched_yield();
  return 0;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGCHLD, &sa, 0);
  child = fork();
  if (child == 0) _exit(42);
  while (waitpid(child, 0, 0) != child);
  printf("exited: code %d status %d from the child %d\n", code, status, sender == child);
  child = fork();
  if (child == 0) { raise(SIGTERM); _exit(1); }
  while (waitpid(child, 0, 0) != child);
  printf("killed: code %d status %d\n", code, status);

  signal(SIGCHLD, SIG_IGN);
  pid_t p = fork();
  if (p == 0) _exit(5);
  int r = waitpid(p, 0, 0);
  printf("ignored: %s errno %d\n", r == p ? "reaped by wait" : "-1", r == p ? 0 : errno);
  sa.sa_handler = SIG_DFL;
  sa.sa_flags = SA_NOCLDWAIT;
  sigaction(SIGCHLD, &sa, 0);
  p = fork();
  if (p == 0) _exit(6);
  r = waitpid(p, 0, 0);
  printf("SA_NOCLDWAIT: %s errno %d\n", r == p ? "reaped by wait" : "-1", r == p ? 0 : errno);

  signal(SIGUSR1, usr1);
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &m, 0);
  pthread_t th;
  pthread_create(&th, 0, unblocked, 0);
  while (!thread_ready) sched_yield();
  kill(getpid(), SIGUSR1);
  pthread_join(th, 0);
  printf("a thread took the process's signal: %d\n", thread_hit);
  return 0;
}
