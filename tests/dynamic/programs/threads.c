/* libpthread's functions: threads, a mutex, a condition variable, thread-local storage. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static long total;
static int finished;
static __thread long mine;

static void *work(void *arg) {
  long n = (long)arg;
  for (long i = 1; i <= 1000 * n; i++) mine += i;
  pthread_mutex_lock(&lock);
  total += mine;
  finished++;
  pthread_cond_signal(&done);
  pthread_mutex_unlock(&lock);
  return (void *)mine;
}

int main(void) {
  pthread_t t[4];
  for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, work, (void *)(i + 1));
  pthread_mutex_lock(&lock);
  while (finished < 4) pthread_cond_wait(&done, &lock);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < 4; i++) {
    void *r;
    pthread_join(t[i], &r);
    printf("thread %d summed %ld\n", i, (long)r);
  }
  printf("total %ld, main's own %ld\n", total, mine);
  return 0;
}
