/* Signals sent to the process rather than a thread: pending for the whole process until a thread
 * that does not block them takes them. A dedicated thread takes kill()'s signals with sigwait
 * while every thread blocks them; a signal every thread blocks stays pending (sigpending shows
 * it in every thread) until the first thread to unblock it runs its handler; SIGCHLD, ignored
 * by default but blocked, reaches a reaper thread's sigwait; setting SIG_IGN discards a
 * pending one. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static sigset_t waited;
static volatile int handled;
static volatile pid_t handled_in;

static void on_usr2(int sig) {
  (void)sig;
  handled++;
  handled_in = syscall(SYS_gettid);
}

static void *waiter(void *arg) {
  (void)arg;
  for (int i = 0; i < 2; i++) {
    int sig = 0;
    sigwait(&waited, &sig);
    printf("waiter took %d\n", sig);
  }
  return NULL;
}

static void *unblocker(void *arg) {
  (void)arg;
  sigset_t p;
  sigpending(&p);
  printf("pending in another thread: %d\n", sigismember(&p, SIGUSR2));
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  pthread_sigmask(SIG_UNBLOCK, &s, NULL);
  printf("handled %d times, by the unblocking thread %d\n", handled, handled_in == syscall(SYS_gettid));
  return NULL;
}

static void *reaper(void *arg) {
  (void)arg;
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGCHLD);
  int sig = 0;
  sigwait(&s, &sig);
  int st;
  pid_t p = waitpid(-1, &st, 0);
  printf("reaper: signal %d, child exit %d\n", sig, p > 0 ? WEXITSTATUS(st) : -1);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  sigset_t all;
  sigemptyset(&all);
  sigaddset(&all, SIGUSR1);
  sigaddset(&all, SIGUSR2);
  sigaddset(&all, SIGCHLD);
  sigaddset(&all, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  sigemptyset(&waited);
  sigaddset(&waited, SIGUSR1);
  sigaddset(&waited, SIGTERM);
  signal(SIGUSR2, on_usr2);

  pthread_t t;
  pthread_create(&t, NULL, waiter, NULL);
  kill(getpid(), SIGUSR1);
  kill(getpid(), SIGTERM);
  pthread_join(t, NULL);

  kill(getpid(), SIGUSR2);
  sigset_t p;
  sigpending(&p);
  printf("pending in main: %d\n", sigismember(&p, SIGUSR2));
  pthread_create(&t, NULL, unblocker, NULL);
  pthread_join(t, NULL);
  sigpending(&p);
  printf("pending after: %d\n", sigismember(&p, SIGUSR2));

  pthread_create(&t, NULL, reaper, NULL);
  if (fork() == 0) _exit(42);
  pthread_join(t, NULL);

  kill(getpid(), SIGUSR1);
  signal(SIGUSR1, SIG_IGN);
  sigpending(&p);
  printf("SIGUSR1 pending after SIG_IGN: %d\n", sigismember(&p, SIGUSR1));
  return 0;
}
