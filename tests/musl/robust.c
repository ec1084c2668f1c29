/* Robust mutexes: a thread that exits holding one, and a child process that dies holding one
 * in shared memory, leave it to the next locker with EOWNERDEAD; made consistent it works on,
 * and one left inconsistent is ENOTRECOVERABLE after its unlock. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t *m;

static void *hold_and_exit(void *arg) {
  (void)arg;
  printf("thread lock %d\n", pthread_mutex_lock(m));
  return NULL;
}

static void init(pthread_mutex_t *mu, int pshared) {
  pthread_mutexattr_t at;
  pthread_mutexattr_init(&at);
  pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
  if (pshared) pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(mu, &at);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  static pthread_mutex_t local;
  m = &local;
  init(m, 0);
  pthread_t t;
  pthread_create(&t, NULL, hold_and_exit, NULL);
  pthread_join(t, NULL);
  int r = pthread_mutex_lock(m);
  printf("after the thread died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
  int c = pthread_mutex_consistent(m);
  int u = pthread_mutex_unlock(m);
  int l = pthread_mutex_lock(m);
  int u2 = pthread_mutex_unlock(m);
  printf("consistent %d unlock %d relock %d unlock %d\n", c, u, l, u2);

  m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  init(m, 1);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(m);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  r = pthread_mutex_lock(m);
  printf("after the child died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
  /* left inconsistent: unusable from then on */
  pthread_mutex_unlock(m);
  r = pthread_mutex_lock(m);
  printf("after an unlock without consistent: %s\n", r == ENOTRECOVERABLE ? "ENOTRECOVERABLE" : strerror(r));
  return 0;
}
