/* times(2): clock ticks since boot (jiffies, which start five minutes before their low 32 bits
 * wrap, so far above the seconds since boot in ticks), growing as the program runs; the struct
 * tms of the process with its children's parts, a NULL buffer (only the result) and a bad one
 * (EFAULT); user time in ticks never above the getrusage time it is counted from. */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "show.h"

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct tms t;
  struct timespec boot;
  clock_gettime(CLOCK_BOOTTIME, &boot);
  long first = syscall(SYS_times, &t);
  printf("ticks above the uptime in ticks: %d\n", first > boot.tv_sec * 100);
  printf("ticks past INITIAL_JIFFIES at HZ 1000 or below: %d\n", first >= 429466729L);
  printf("sysconf(_SC_CLK_TCK) %ld\n", sysconf(_SC_CLK_TCK));
  printf("times non-negative: %d %d %d %d\n", t.tms_utime >= 0, t.tms_stime >= 0, t.tms_cutime >= 0, t.tms_cstime >= 0);
  volatile unsigned long spin = 0;
  for (unsigned long i = 0; i < 50000000UL; i++) spin += i;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  long later = syscall(SYS_times, &t);
  printf("ticks grow: %d\n", later >= first);
  long ru_ticks = ru.ru_utime.tv_sec * 100 + ru.ru_utime.tv_usec / 10000 + ru.ru_stime.tv_sec * 100 + ru.ru_stime.tv_usec / 10000;
  printf("user and system ticks within getrusage's, plus a tick: %d\n", t.tms_utime + t.tms_stime <= ru_ticks + 2);
  SHOW(syscall(SYS_times, 0) >= later);
  SHOW(syscall(SYS_times, 8));
  SHOW(times(&t) >= later);
  pid_t pid = fork();
  if (pid == 0) _exit(3);
  int st;
  waitpid(pid, &st, 0);
  SHOW(times(&t) > 0);
  printf("children's ticks non-negative: %d %d\n", t.tms_cutime >= 0, t.tms_cstime >= 0);
  return 0;
}
