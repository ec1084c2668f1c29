/*
 * The order handlers run in when several signals are pending at once: Linux
 * delivers them all before returning to user mode, each frame on top of the
 * last, so the last one delivered (the highest-numbered of the standard ones)
 * runs first. A handler's sa_mask keeps a signal for after it; real-time
 * signals queue one instance per send; a handler raising a signal sees it
 * delivered on the way out of that syscall.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char order[256];
static int n;

static void note(int sig) {
  n += snprintf(order + n, sizeof order - n, "%d ", sig);
}

static void h(int sig) { note(sig); }

static void raising(int sig) {
  note(sig);
  if (sig == SIGUSR2) raise(SIGHUP);
  note(-sig);
}

static void block(int how, const int *sigs) {
  sigset_t m;
  sigemptyset(&m);
  for (; *sigs; sigs++) sigaddset(&m, *sigs);
  sigprocmask(how, &m, 0);
}

static void set(int sig, void (*fn)(int), const int *mask, int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  for (; mask && *mask; mask++) sigaddset(&sa.sa_mask, *mask);
  sigaction(sig, &sa, 0);
}

static void flush(const char *what) {
  printf("%s: %s\n", what, order);
  n = 0;
  order[0] = 0;
}

int main(void) {
  static const int std3[] = {SIGINT, SIGUSR1, SIGTERM, 0};
  set(SIGINT, h, 0, 0);
  set(SIGUSR1, h, 0, 0);
  set(SIGTERM, h, 0, 0);
  block(SIG_BLOCK, std3);
  raise(SIGTERM);
  raise(SIGINT);
  raise(SIGUSR1);
  block(SIG_UNBLOCK, std3);
  flush("three standard");

  /* SIGINT's handler masks SIGTERM: SIGTERM waits until it returns */
  static const int term[] = {SIGTERM, 0};
  set(SIGINT, h, term, 0);
  block(SIG_BLOCK, std3);
  raise(SIGTERM);
  raise(SIGINT);
  block(SIG_UNBLOCK, std3);
  flush("sa_mask");

  /* real-time signals queue: three sends, three runs, and two numbers in order */
  int rt = SIGRTMIN + 1;
  static int rts[3];
  rts[0] = rt;
  rts[1] = rt + 1;
  set(rt, h, 0, 0);
  set(rt + 1, h, 0, 0);
  block(SIG_BLOCK, rts);
  raise(rt + 1);
  raise(rt);
  raise(rt);
  raise(rt + 1);
  raise(rt);
  block(SIG_UNBLOCK, rts);
  flush("real-time");

  /* a signal raised inside a handler */
  set(SIGUSR2, raising, 0, 0);
  set(SIGHUP, h, 0, 0);
  raise(SIGUSR2);
  flush("nested");

  /* a standard signal sent twice while blocked is delivered once */
  block(SIG_BLOCK, std3);
  raise(SIGUSR1);
  raise(SIGUSR1);
  block(SIG_UNBLOCK, std3);
  flush("coalesced");
  return 0;
}
