/*
 * The points where kernel profiles differ (SEMANTICS.md §2-3). With argv[1] = "v5"
 * the range arguments are passed as the seed's [start, end] instead of offset/len.
 */
#include "sud.h"

static volatile unsigned char sel;

static void allow_and_return(int sig, unsigned char *info, unsigned char *uc) {
  (void)sig;
  record(info, uc);
  sel = 0;
}

static void try(const char *name, i64 mode, u64 a, u64 b, const volatile void *s) {
  i64 r = rsud(mode, a, b, s);
  kv(name, r);
  if (r == 0) rsud(0, 0, 0, 0);
}

void cmain(u64 *sp) {
  int v5 = sp[0] > 1 && streq((const char *)sp[2], "v5");
  u64 a = (u64)region_start, b = v5 ? (u64)region_end : (u64)(region_end - region_start);
  try("mode_0x100000001", 0x100000001L, a, b, &sel);
  try("mode_inclusive", 2, a, b, &sel);
  try("mode_3", 3, a, b, &sel);
  try("selector_guard_page", 1, a, b, (void *)0x7ffffffff000L);
  try("selector_0x7fffffffefff", 1, a, b, (void *)0x7fffffffefffL);
  try("selector_0x7ffffffff001", 1, a, b, (void *)0x7ffffffff001L);
  try("selector_0x800000000000", 1, a, b, (void *)0x800000000000L);
  try("selector_0x7fffffffffffffff", 1, a, b, (void *)0x7fffffffffffffffL);
  try("second_below_first", 1, 0x2000, 0x1000, &sel);
  try("offset_wraps", 1, -0x1000UL, 0x2000, &sel);
  try("bad_selector_with_valid_range", 1, a, b, (void *)-1L);
  try("off_nonzero", 0, 1, 0, 0);
  kv("off", rsud(0, 0, 0, 0));

  sigact(SIGSYS, allow_and_return, SA_SIGINFO | SA_RESTORER, restorer_out, 0);
  h_count = 0;
  if (rsud(1, (u64)osys_after, (u64)osys_after, &sel) == 0) {
    sel = 1; osys(39, 0, 0, 0, 0, 0); sel = 0;
    rsys(157, 59, 0, 0, 0, 0);
  }
  kv("ip_equal_to_both_args_dispatched", h_count);
  h_count = 0;
  if (rsud(1, (u64)osys_after - 1, (u64)osys_after - 1, &sel) == 0) {
    sel = 1; osys(39, 0, 0, 0, 0, 0); sel = 0;
    rsys(157, 59, 0, 0, 0, 0);
  }
  kv("ip_one_past_both_args_dispatched", h_count);
  quit(0);
}
