/*
 * Timed waits on futexes and the ends of thread groups: a condition
 * variable's timed wait that times out and one that is signalled first, a
 * semaphore's timed wait, a main thread that leaves with pthread_exit while
 * another thread ends the process with exit, and clone with CLONE_VFORK
 * (the parent waits for the child), as posix_spawn uses it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int flag;

static struct timespec in_ms(long ms) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += (ms % 1000) * 1000000;
  ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
  ts.tv_nsec %= 1000000000;
  return ts;
}

static void *signaller(void *arg) {
  (void)arg;
  pthread_mutex_lock(&mu);
  flag = 1;
  pthread_cond_signal(&cv);
  pthread_mutex_unlock(&mu);
  return 0;
}

static volatile int vfork_done;
static char stack[65536] __attribute__((aligned(16)));
static int vchild(void *arg) {
  (void)arg;
  for (volatile int i = 0; i < 100000; i++);
  vfork_done = 1;
  _exit(3);
}

static void *leaves_with_exit(void *arg) {
  (void)arg;
  for (int i = 0; i < 100; i++) sched_yield();
  printf("the last thread calls exit(7)\n");
  fflush(stdout);
  exit(7);
}

int main(void) {
  struct timespec ts = in_ms(30);
  pthread_mutex_lock(&mu);
  int rc = pthread_cond_timedwait(&cv, &mu, &ts);
  printf("timedwait alone: %s\n", rc == ETIMEDOUT ? "ETIMEDOUT" : "other");
  pthread_t th;
  pthread_create(&th, 0, signaller, 0);
  ts = in_ms(10000);
  rc = 0;
  while (!flag && rc == 0) rc = pthread_cond_timedwait(&cv, &mu, &ts);
  printf("timedwait signalled: rc %d flag %d\n", rc, flag);
  pthread_mutex_unlock(&mu);
  pthread_join(th, 0);

  sem_t sem;
  sem_init(&sem, 0, 0);
  ts = in_ms(20);
  rc = sem_timedwait(&sem, &ts);
  printf("sem_timedwait: %d %s\n", rc, rc ? (errno == ETIMEDOUT ? "ETIMEDOUT" : "other") : "");
  sem_post(&sem);
  printf("sem_timedwait posted: %d\n", sem_timedwait(&sem, &ts));

  int pid = clone(vchild, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, 0);
  int seen = vfork_done;
  int st;
  waitpid(pid, &st, 0);
  printf("clone vfork: done when the parent resumed %d, exit %d\n", seen, WEXITSTATUS(st));
  fflush(stdout);

  pthread_create(&th, 0, leaves_with_exit, 0);
  pthread_exit(0);
}
