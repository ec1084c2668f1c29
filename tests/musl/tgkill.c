/*
 * Signals aimed at one thread (pthread_kill, tgkill, tkill): the handler
 * runs in that thread, a thread sleeping in nanosleep is woken,
 * and the errors: ESRCH for a thread that is not there or not in the group
 * named, EINVAL for a bad signal number, 0 for signal 0 as a probe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static volatile pid_t handled_in;
static volatile int ready, stop;
static volatile pid_t worker_tid;
static volatile int woken, woken_errno, in_worker;

static void h(int sig) { (void)sig; handled_in = (pid_t)syscall(SYS_gettid); }

static void *worker(void *arg) {
  (void)arg;
  worker_tid = (pid_t)syscall(SYS_gettid);
  ready = 1;
  struct timespec ts = {5, 0};
  /* the signal may come before the sleep begins: sleep until the handler has run */
  int r = 0, e = 0;
  while (!handled_in) {
    r = nanosleep(&ts, &ts);
    e = errno;
  }
  /* told by main after the join: a line printed here would race main's on the host */
  woken = r == 0 || e == EINTR;
  woken_errno = e;
  in_worker = handled_in == worker_tid;
  while (!stop) sched_yield();
  return 0;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sigaction(SIGUSR1, &sa, 0);
  pthread_t th;
  pthread_create(&th, 0, worker, 0);
  while (!ready) sched_yield();
  /* let the worker reach its sleep */
  for (int i = 0; i < 1000; i++) sched_yield();
  printf("probe: %ld\n", syscall(SYS_tgkill, getpid(), worker_tid, 0));
  printf("pthread_kill: %d\n", pthread_kill(th, SIGUSR1));
  long r = syscall(SYS_tgkill, getpid() + 1000, worker_tid, SIGUSR1);
  printf("wrong group: %ld %s\n", r, r ? strerror(errno) : "");
  r = syscall(SYS_tgkill, getpid(), worker_tid, 99);
  printf("bad signal: %ld %s\n", r, r ? strerror(errno) : "");
  r = syscall(SYS_tkill, 0x3fffffff, SIGUSR1);
  printf("no such thread: %ld %s\n", r, r ? strerror(errno) : "");
  stop = 1;
  pthread_join(th, 0);
  printf("worker: woken (%s), handler ran in %s\n", woken ? "yes" : strerror(woken_errno), in_worker ? "the worker" : "another thread");
  /* tkill to itself */
  handled_in = 0;
  syscall(SYS_tkill, (pid_t)syscall(SYS_gettid), SIGUSR1);
  printf("self: %s\n", handled_in == (pid_t)syscall(SYS_gettid) ? "main" : "other");
  return 0;
}
