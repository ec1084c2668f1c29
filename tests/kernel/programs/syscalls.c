/* Syscall results whose values are the same on any Linux x86-64 kernel. */
#include "sys.h"

struct utsname { char f[6][65]; };
struct ts { i64 s, ns; };

static char *page;

void _start(void) {
  kv("write_badptr", sc3(1, 1, 0x10, 4));
  kv("write_badfd", sc3(1, 99, "x", 1));
  kv("write_zero", sc3(1, 1, 0, 0));
  kv("read_badptr", sc3(0, 0, 0x10, 4));
  kv("unknown_nr", sc0(5000));
  kv("negative_nr", sc0(-1));
  kv("x32_bit", sc0(0x40000000 | 39) < 0 ? sc0(0x40000000 | 39) : 1);
  kv("upper_half_ignored", sc0(0x100000027L) == sc0(39));
  /* mmap family */
  kv("mmap_len0", sc6(9, 0, 0, 3, 0x22, -1, 0));
  kv("mmap_badflags", sc6(9, 0, 4096, 3, 0x20, -1, 0));
  kv("mmap_badoff", sc6(9, 0, 4096, 3, 0x22, -1, 1));
  kv("mmap_fixed_unaligned", sc6(9, 0x10001, 4096, 3, 0x32, -1, 0));
  i64 p = sc6(9, 0, 8192, 3, 0x22, -1, 0);
  kv("mmap_ok_aligned", p > 0 && (p & 4095) == 0);
  page = (char *)p;
  page[0] = 'A'; page[8191] = 'Z';
  kv("mmap_zeroed", page[1] == 0 && page[4096] == 0);
  kv("mprotect_unaligned", sc3(10, p + 1, 4096, 1));
  kv("mprotect_badprot", sc3(10, p, 4096, 0x80));
  kv("mprotect_ro", sc3(10, p, 4096, 1));
  kv("read_into_ro", sc3(0, 0, p, 1));
  kv("mprotect_unmapped", sc3(10, 0x10000, 4096, 1));
  kv("munmap_unaligned", sc2(11, p + 1, 4096));
  kv("munmap_len0", sc2(11, p, 0));
  kv("munmap_ok", sc2(11, p, 4096));
  kv("write_from_unmapped", sc3(1, 1, p, 1));
  kv("munmap_again_ok", sc2(11, p, 4096));
  kv("fixed_noreplace_clash", sc6(9, p + 4096, 4096, 3, 0x100022, -1, 0));
  i64 q = sc6(9, p, 4096, 3, 0x100022, -1, 0);
  kv("fixed_noreplace_free", q == p);
  /* brk */
  i64 b0 = sc1(12, 0);
  kv("brk_query_positive", b0 > 0);
  i64 b1 = sc1(12, b0 + 100000);
  kv("brk_grow", b1 - b0);
  ((char *)b0)[99999] = 1;
  kv("brk_shrink", sc1(12, b0 + 10) - b0);
  kv("brk_below_start", sc1(12, 4096) - b0);
  /* identity and info */
  kv("getpid_eq_gettid", sc0(39) == sc0(186));
  struct utsname u;
  kv("uname", sc1(63, &u));
  out(u.f[0]); out(" "); out(u.f[4]); out("\n");
  kv("uname_badptr", sc1(63, 0x10));
  kv("sysinfo_badptr", sc1(99, 0x10));
  struct ts t1, t2;
  kv("clock_gettime", sc2(228, 1, &t1));
  for (volatile int i = 0; i < 1000; i++) {}
  sc2(228, 1, &t2);
  kv("clock_monotonic_advances", t2.s > t1.s || (t2.s == t1.s && t2.ns > t1.ns));
  kv("clock_badid", sc2(228, 12345, &t1));
  kv("clock_badptr", sc2(228, 1, 0x10));
  /* arch_prctl */
  u64 fs;
  kv("arch_get_fs", sc2(158, 0x1003, &fs));
  static u64 tls[4] = {0x1122334455667788ul};
  kv("arch_set_fs", sc2(158, 0x1002, tls));
  u64 v;
  __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
  kv("fs_load_ok", v == 0x1122334455667788ul);
  kv("arch_set_fs_kernel", sc2(158, 0x1002, 0xffff800000000000ul));
  kv("arch_bad_code", sc2(158, 0x9999, 0));
  kv("set_tid_address_is_tid", sc1(218, 0) == sc0(186));
  quit(3);
}
