/*
 * ITIMER_REAL: alarm's remaining seconds, pause woken by SIGALRM, a busy
 * loop ended by a one-shot timer, a periodic timer, getitimer and
 * disarming, a sleep cut short, and SIGALRM's default action ending the
 * process.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/time.h>
static volatile int fired;
static void h(int s) { fired++; }
int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  signal(SIGALRM, h);
  printf("alarm(5) -> %u\n", alarm(5));
  printf("alarm(0) -> %u\n", alarm(0));
  alarm(1);
  int r = pause();
  printf("pause %d %s fired %d\n", r, strerror(errno), fired);
  /* a busy loop ended by the timer */
  struct itimerval it = {{0, 0}, {0, 20000}};
  setitimer(ITIMER_REAL, &it, 0);
  volatile long n = 0;
  while (fired < 2) n++;
  printf("loop ended by SIGALRM: fired %d\n", fired);
  struct itimerval p = {{0, 10000}, {0, 10000}}, old;
  setitimer(ITIMER_REAL, &p, 0);
  while (fired < 5) pause();
  getitimer(ITIMER_REAL, &old);
  /* a busy host may let two expiries pass between two looks: at least five */
  printf("periodic: fired at least 5 %d, interval %ld us\n", fired >= 5, (long)old.it_interval.tv_usec);
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, &old);
  printf("disarmed: old interval %ld us, value set %d\n", (long)old.it_interval.tv_usec, old.it_value.tv_sec || old.it_value.tv_usec);
  int before = fired;
  alarm(1);
  unsigned left = sleep(3);
  /* about 2 s left: the host's wakeup latency makes it 1.99.., the virtual clock 2.0.. */
  printf("sleep cut short by the alarm: fired %d, seconds left 1 or 2: %d\n", fired - before, left == 1 || left == 2);
  signal(SIGALRM, SIG_DFL);
  alarm(1);
  for (;;) pause();
}
