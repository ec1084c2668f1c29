/* SHOW(expr): one call per line, printed with its result and, when it failed, errno; so that
 * each call runs in order (a printf with several calls among its arguments runs them in an
 * order the compiler chooses). */
#include <errno.h>
#include <stdio.h>

#define SHOW(expr)                                                              \
  do {                                                                          \
    errno = 0;                                                                  \
    long r_ = (long)(expr);                                                     \
    printf("%s = %ld", #expr, r_);                                              \
    if (r_ < 0) printf(" errno %d", errno);                                     \
    printf("\n");                                                               \
  } while (0)
