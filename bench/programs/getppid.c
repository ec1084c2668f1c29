/* A syscall round-trip loop: getppid (110) n times, four instructions a round
 * (mov, syscall, dec, jnz). */
#include "rt.h"
int bench_main(int argc, char **argv) {
  u64 n = argc > 1 ? parseu(argv[1]) : 1000000;
  long last = 0;
  if (n == 0) return 0;
  __asm__ volatile("1:\n"
                   "  mov $110, %%eax\n"
                   "  syscall\n"
                   "  dec %1\n"
                   "  jnz 1b\n"
                   : "=a"(last), "+r"(n)
                   :
                   : "rcx", "r11", "memory");
  return last > 0 ? 0 : 1;
}
