/* CPU time as a process sees it: sleeping uses none (clock, CLOCK_PROCESS_CPUTIME_ID, getrusage
 * and times stay near where they were), a busy loop does; a thread's time is its own and part
 * of its process's; a child's time reaches its parent's children's time (getrusage, times,
 * wait4's rusage) only once waited for. ITIMER_VIRTUAL and ITIMER_PROF count that CPU time
 * (SIGVTALRM and SIGPROF, rearmed by their period, silent while the process sleeps, not inherited
 * by fork). Only relations are printed: the amounts differ from the host's. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "show.h"

static volatile unsigned long sink;
static volatile int vtalrm, prof;

static void burn(unsigned long n) {
  for (unsigned long i = 0; i < n; i++) sink += i * 2654435761u;
}

static long long cpu_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long ru_us(int who) {
  struct rusage ru;
  getrusage(who, &ru);
  return ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
}

static void on_vtalrm(int s) { (void)s; vtalrm++; }
static void on_prof(int s) { (void)s; prof++; }

static long long thread_cpu;
static void *worker(void *arg) {
  (void)arg;
  burn(10000000);
  thread_cpu = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
  return 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  long long p0 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
  struct timespec nap = {0, 200000000};
  nanosleep(&nap, NULL);
  long long p1 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
  printf("a 200 ms sleep used under 20 ms of CPU: %d\n", p1 - p0 < 20000000);
  burn(10000000);
  long long p2 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
  printf("a busy loop used over 5 ms: %d\n", p2 - p1 > 5000000);
  printf("getrusage agrees within 20 ms: %d\n", llabs(ru_us(RUSAGE_SELF) * 1000 - cpu_ns(CLOCK_PROCESS_CPUTIME_ID)) < 20000000);
  printf("clock() counts it too: %d\n", clock() > 5000);

  pthread_t th;
  long long before = cpu_ns(CLOCK_PROCESS_CPUTIME_ID), mine = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
  pthread_create(&th, 0, worker, 0);
  pthread_join(th, 0);
  printf("the thread's time is its own (over 5 ms): %d; the main thread's did not take it: %d; the process's did: %d\n",
         thread_cpu > 5000000, cpu_ns(CLOCK_THREAD_CPUTIME_ID) - mine < thread_cpu, cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - before >= thread_cpu);

  printf("children's time before any: %lld\n", ru_us(RUSAGE_CHILDREN));
  pid_t c = fork();
  if (c == 0) {
    struct itimerval it;
    getitimer(ITIMER_VIRTUAL, &it);
    burn(10000000);
    _exit(it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0 ? 0 : 1);
  }
  int status;
  struct rusage cr;
  SHOW(wait4(c, &status, 0, &cr) == c);
  printf("the child ran its loop with no timer: %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);
  printf("wait4's rusage has the child's time (over 5 ms): %d\n", cr.ru_utime.tv_sec * 1000000LL + cr.ru_utime.tv_usec > 5000);
  printf("children's time now (over 5 ms): %d\n", ru_us(RUSAGE_CHILDREN) > 5000);
  struct tms tm;
  times(&tm);
  printf("times: own and children's ticks over 0: %d %d\n", tm.tms_utime + tm.tms_stime > 0, tm.tms_cutime + tm.tms_cstime > 0);

  // CPU timers: a sleep never fires them, a busy loop does, a period rearms them
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_vtalrm;
  sigaction(SIGVTALRM, &sa, 0);
  sa.sa_handler = on_prof;
  sigaction(SIGPROF, &sa, 0);
  struct itimerval v = {{0, 0}, {0, 20000}}, old;
  SHOW(setitimer(ITIMER_VIRTUAL, &v, &old));
  printf("old one disarmed: %d\n", old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0);
  struct itimerval now;
  SHOW(getitimer(ITIMER_VIRTUAL, &now));
  printf("armed, at most 20 ms left: %d\n", (now.it_value.tv_sec > 0 || now.it_value.tv_usec > 0) && now.it_value.tv_sec == 0 && now.it_value.tv_usec <= 20000);
  struct timespec nap2 = {0, 100000000};
  nanosleep(&nap2, NULL);
  printf("after a 100 ms sleep: %d SIGVTALRM\n", vtalrm);
  while (!vtalrm) burn(100000);
  printf("after burning: %d SIGVTALRM\n", vtalrm);
  SHOW(getitimer(ITIMER_VIRTUAL, &now));
  printf("fired once, now disarmed: %d\n", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);
  struct itimerval per = {{0, 10000}, {0, 10000}};
  SHOW(setitimer(ITIMER_PROF, &per, 0));
  while (prof < 3) burn(100000);
  printf("a period: %d SIGPROF so far, at least 3\n", prof >= 3);
  struct itimerval off = {{0, 0}, {0, 0}};
  SHOW(setitimer(ITIMER_PROF, &off, &old));
  printf("the old one had its period: %d\n", old.it_interval.tv_usec == 10000);
  SHOW(setitimer(3, &off, 0));
  SHOW(getitimer(-1, &now));
  return 0;
}
