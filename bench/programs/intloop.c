/* A tight integer loop: xorshift64, a multiply and an add per round, all in
 * registers (about a dozen instructions per round, no memory traffic). */
#include "rt.h"
int bench_main(int argc, char **argv) {
  u64 n = argc > 1 ? parseu(argv[1]) : 16000000;
  u64 x = 0x9e3779b97f4a7c15ul, acc = 0;
  for (u64 i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    acc += x * 0x2545f4914f6cdd1dul + i;
  }
  putu(acc);
  put("\n");
  return 0;
}
