/* Writes to stdout until a write fails, stdout being a pipe whose reader leaves early. With
 * SIGPIPE's default action the process dies of it; ignored, the write fails with EPIPE; caught,
 * the handler runs and the write fails with EPIPE. What it saw goes to stderr. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_pipe(int sig) { caught = sig; }

int main(int argc, char **argv) {
  const char *how = argc > 1 ? argv[1] : "default";
  if (!strcmp(how, "ignore")) signal(SIGPIPE, SIG_IGN);
  if (!strcmp(how, "handle")) signal(SIGPIPE, on_pipe);
  static char chunk[4096];
  memset(chunk, 'x', sizeof chunk);
  for (long total = 0; total < (1L << 30);) {
    ssize_t n = write(1, chunk, sizeof chunk);
    if (n < 0) {
      fprintf(stderr, "write: %s, handler saw signal %d\n", strerror(errno), (int)caught);
      return 3;
    }
    total += n;
  }
  fprintf(stderr, "never refused\n");
  return 0;
}
