/*
 * What a Syscall User Dispatch check costs a syscall, timed as a benchmark
 * would time it: the TSC around a loop of getppid calls made outside the
 * dispatcher region, with dispatch off and then armed with the selector at
 * ALLOW (each call reads the selector), and around the same loop inside the
 * region (no call reads it). Each figure is the difference per call, in
 * TSC ticks (ns in the engine, whose virtual clock charges what the seed
 * measured; on a host they vary from run to run).
 */
#include "sud.h"

#define N 1000
static volatile char sel;

static inline u64 tsc(void) {
  unsigned lo, hi;
  __asm__ volatile("lfence\n rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
  return ((u64)hi << 32) | lo;
}

/* the TSC ticks N getppid calls take through stub (osys outside the region, rsys inside) */
static u64 __attribute__((noinline)) timed(i64 (*stub)(i64, i64, i64, i64, i64, i64)) {
  u64 t = tsc();
  for (int i = 0; i < N; i++) stub(110, 0, 0, 0, 0, 0);
  return tsc() - t;
}

void cmain(void) {
  u64 out_off = timed(osys), in_off = timed(rsys);
  kv("armed", sud(1, REGION, &sel));
  u64 out_armed = timed(osys), in_armed = timed(rsys);
  kv("off", rsud(0, 0, 0, 0));
  kv("selector_read_ns", (i64)(out_armed - out_off) / N);
  kv("region_ns", (i64)(in_armed - in_off) / N);
  quit(0);
}
