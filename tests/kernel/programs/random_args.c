/* Random arguments to the descriptor, file, memory, xattr, socket, signal, credential, scheduling
 * and process-attribute syscalls (times, personality, kcmp, membarrier, pkeys, rseq),
 * sixty at a time in forked children that an alarm ends if one sleeps: whatever the arguments,
 * the kernel answers with a result, an errno or a signal, never a failure of its own. Runs in
 * the engine only (on the host, random credentials and priorities would reach other processes). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t s = 88172645463325252ull;
static uint64_t rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
static char scratch[8192];

static long arg(void) {
  switch (rnd() % 10) {
    case 0: return 0;
    case 1: return (long)(rnd() % 16);
    case 2: return -1;
    case 3: return (long)(scratch + (rnd() % 4096));
    case 4: return 1;
    case 5: return (long)0xffffffffffff0000ull;
    case 6: return (long)(rnd() % 70000);
    case 7: return (long)rnd();
    case 8: return (long)(scratch + 4096);
    default: return (long)(rnd() % 4);
  }
}

static const int nrs[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 18, 76, 77, 82, 83, 84, 85, 87, 258, 133, 259, 263, 264, 316, 19, 20, 21, 22, 23, 26, 32, 33, 44, 45, 46, 47, 48, 51, 52, 53, 55, 72, 73, 74, 75, 79, 80, 81,
  89, 98, 112, 115, 116, 117, 118, 119, 120, 122, 123, 124, 140, 143, 145, 146, 147, 149, 150, 151, 152, 203, 204, 213, 217, 232, 233,
  257, 262, 267, 269, 270, 271, 273, 274, 281, 282, 283, 284, 286, 287, 289, 290, 291, 292, 293, 309, 325, 439, 441,
  86, 88, 90, 91, 92, 93, 94, 132, 137, 138, 235, 260, 261, 265, 266, 268, 280, 332, 452,
  40, 187, 221, 275, 276, 285, 295, 296, 326, 327, 328, 41, 42, 43, 49, 50, 288,
  100, 135, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 312, 324, 329, 330, 331, 334, 436, 9, 25, 27, 319, 54, 36, 38};

int main(int argc, char **argv) {
  if (argc > 1) s ^= (uint64_t)atoll(argv[1]) * 0x9e3779b97f4a7c15ull;
  for (int round = 0; round < 1000; round++) {
    pid_t pid = fork();
    if (pid == 0) {
      alarm(1);
      int nul = open("/dev/null", O_RDWR);
      dup2(nul, 1);
      dup2(nul, 2);
      int p[2], sv[2];
      pipe(p);
      socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
      eventfd(1, 0);
      epoll_create1(0);
      timerfd_create(CLOCK_MONOTONIC, 0);
      for (int i = 0; i < 60; i++) {
        int nr = nrs[rnd() % (sizeof nrs / sizeof nrs[0])];
        syscall(nr, arg(), arg(), arg(), arg(), arg(), arg());
      }
      _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    rnd();
  }
  // whatever the children did to the file tree, its root and devices are still there
  struct stat root;
  if (stat("/", &root) != 0 || !S_ISDIR(root.st_mode) || open("/dev/null", O_RDONLY) < 0) printf("the tree is broken\n");
  printf("done\n");
  return 0;
}
