/* prctl(PR_SET_SYSCALL_USER_DISPATCH) validation: errno for each rejected request, 0 for accepted ones. */
#include "sud.h"

static volatile unsigned char sel;

/* an accepted request is undone at once so the next one starts disarmed */
static void try(const char *name, i64 mode, u64 off, u64 len, const volatile void *s) {
  i64 r = rsud(mode, off, len, s);
  kv(name, r);
  if (r == 0) rsud(0, 0, 0, 0);
}

void cmain(u64 *sp) {
  (void)sp;
  try("mode_3", 3, 0, 0, &sel);
  try("mode_negative", -1, 0, 0, &sel);
  try("mode_0x100000001", 0x100000001L, REGION, &sel);
  try("mode_0x100000000", 0x100000000L, 0, 0, 0);
  try("off_all_zero", 0, 0, 0, 0);
  try("off_with_offset", 0, 1, 0, 0);
  try("off_with_len", 0, 0, 1, 0);
  try("off_with_selector", 0, 0, 0, &sel);
  try("off_with_bad_selector", 0, 0, 0, (void *)-1L);
  try("excl_wrap", 1, -2UL, 5, &sel);
  try("excl_end_wraps_to_zero", 1, 1, -1UL, &sel);
  try("excl_len0_offset_nonzero", 1, 0x1000, 0, &sel);
  try("excl_offset0_len0", 1, 0, 0, &sel);
  try("excl_offset0_len_max", 1, 0, -1UL, &sel);
  try("excl_offset0_len_5", 1, 0, 5, &sel);
  try("excl_ok", 1, REGION, &sel);
  try("excl_null_selector", 1, REGION, 0);
  try("incl_ok", 2, REGION, &sel);
  try("incl_len0", 2, 0x1000, 0, &sel);
  try("incl_offset0_len0", 2, 0, 0, &sel);
  try("incl_wrap", 2, -2UL, 5, &sel);
  try("incl_offset0_len_max", 2, 0, -1UL, &sel);
  try("sel_0x7ffffffff001", 1, REGION, (void *)0x7ffffffff001L);
  try("sel_minus1", 1, REGION, (void *)-1L);
  try("sel_kernel_half", 1, REGION, (void *)0xffff800000000000L);
  try("incl_sel_minus1", 2, REGION, (void *)-1L);
  try("bad_mode_beats_efault", 7, REGION, (void *)-1L);
  try("wrap_beats_efault", 1, -2UL, 5, (void *)-1L);
  kv("unknown_option", sc6(157, 0x7fff0001, 0, 0, 0, 0, 0));
  quit(0);
}
