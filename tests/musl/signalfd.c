/* signalfd: blocked signals read as records instead of delivered (kill's sender, sigqueue's
 * value, SIGCHLD's child and status), several at once, polled, a read that sleeps until a child
 * sends one, EAGAIN when non-blocking, a mask changed through the same descriptor, and the
 * errors. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

static void show_records(int fd, int max) {
  struct signalfd_siginfo si[4];
  ssize_t n = read(fd, si, sizeof si[0] * (max > 4 ? 4 : max));
  printf("read %zd bytes:", n);
  for (int i = 0; n > 0 && i < n / (ssize_t)sizeof si[0]; i++) {
    printf(" [signo %u code %d from self %d", si[i].ssi_signo, si[i].ssi_code, si[i].ssi_pid == (uint32_t)getpid());
    if (si[i].ssi_code == SI_QUEUE) printf(" int %d", si[i].ssi_int);
    if (si[i].ssi_signo == SIGCHLD) printf(" status %d", si[i].ssi_status);
    printf("]");
  }
  printf("\n");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  sigaddset(&m, SIGUSR2);
  sigaddset(&m, SIGCHLD);
  sigaddset(&m, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &m, NULL);
  int fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
  SHOW(fd >= 0);
  SHOW(fcntl(fd, F_GETFD));
  struct signalfd_siginfo si;
  SHOW(read(fd, &si, sizeof si));
  struct pollfd pf = {.fd = fd, .events = POLLIN};
  SHOW(poll(&pf, 1, 0));
  kill(getpid(), SIGUSR2);
  union sigval v = {.sival_int = 42};
  sigqueue(getpid(), SIGRTMIN, v);
  raise(SIGUSR1);
  SHOW(poll(&pf, 1, 0));
  show_records(fd, 1);
  show_records(fd, 4);
  SHOW(read(fd, &si, 10));

  /* a child's exit, then a blocking read woken by a child's kill */
  pid_t pid = fork();
  if (pid == 0) _exit(5);
  waitpid(pid, NULL, 0);
  show_records(fd, 4);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, SIGUSR1);
  SHOW(signalfd(fd, &only, 0));
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  pid = fork();
  if (pid == 0) {
    usleep(20000);
    kill(getppid(), SIGUSR1);
    _exit(0);
  }
  show_records(fd, 4);
  waitpid(pid, NULL, 0);

  SHOW(signalfd(1, &m, 0));
  SHOW(signalfd(-1, &m, 0x1));
  SHOW(syscall(SYS_signalfd4, -1, &m, 4, 0));
  return 0;
}
