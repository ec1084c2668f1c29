/* Address-space bookkeeping through raw syscalls: mmap placement with
 * and without MAP_FIXED, replacing pages in place, punching a hole with
 * munmap, mprotect round trips, brk shrinking and regrowing, and the
 * errno a kernel gives for the common mistakes. Only relative addresses
 * are printed: absolute ones differ between kernels. */
#include "rt.h"

enum { SYS_mprotect = 10, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANON = 0x20, MAP_FIXED_NOREPLACE = 0x100000 };
enum { PROT_NONE = 0, PROT_R = 1, PROT_RW = 3 };
#define PAGE 4096l

static long mmap_(void *addr, long len, int prot, int flags, int fd) {
  return syscall6(SYS_mmap, (long)addr, len, prot, flags, fd, 0);
}
static long munmap_(void *addr, long len) { return syscall3(SYS_munmap, (long)addr, len, 0); }
static long mprotect_(void *addr, long len, int prot) { return syscall3(SYS_mprotect, (long)addr, len, prot); }
static long brk_(void *p) { return syscall3(SYS_brk, (long)p, 0, 0); }

static u64 fill(u8 *p, long len, u8 seed) {
  u64 h = 0;
  for (long i = 0; i < len; i++) p[i] = (u8)(seed + i * 13), h += p[i];
  return h;
}
static u64 sum(const u8 *p, long len) {
  u64 h = 0;
  for (long i = 0; i < len; i++) h += p[i];
  return h;
}

int main(int argc, char **argv) {
  long a = mmap_(NULL, 8 * PAGE, PROT_RW, MAP_PRIVATE | MAP_ANON, -1);
  u8 *base = (u8 *)a;
  printf("mmap 8 pages: ok %d aligned %d\n", a > 0, (a & (PAGE - 1)) == 0);
  u64 h = fill(base, 8 * PAGE, 1);
  u64 h23 = sum(base + 2 * PAGE, 2 * PAGE);

  /* MAP_FIXED over pages 2-3 gives fresh zero pages and keeps the rest */
  long f = mmap_(base + 2 * PAGE, 2 * PAGE, PROT_RW, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1);
  int intact = sum(base, 2 * PAGE) + sum(base + 4 * PAGE, 4 * PAGE) == h - h23;
  printf("fixed remap at +2 pages: same address %d, zeroed sum %lu, others intact %d\n",
         f == (long)(base + 2 * PAGE), sum(base + 2 * PAGE, 2 * PAGE), intact);

  long nr = mmap_(base + 5 * PAGE, PAGE, PROT_RW, MAP_PRIVATE | MAP_ANON | MAP_FIXED_NOREPLACE, -1);
  printf("fixed_noreplace over a mapping: %ld\n", nr);
  long um = munmap_(base + 6 * PAGE, PAGE);
  printf("munmap page 6: %ld, page 7 still readable, sum %lu\n", um, sum(base + 7 * PAGE, PAGE));
  long again = mmap_(base + 6 * PAGE, PAGE, PROT_RW, MAP_PRIVATE | MAP_ANON | MAP_FIXED_NOREPLACE, -1);
  printf("fixed_noreplace into the hole: same address %d, zero %d\n", again == (long)(base + 6 * PAGE),
         sum(base + 6 * PAGE, PAGE) == 0);

  long ro = mprotect_(base, 2 * PAGE, PROT_R);
  u64 seen = sum(base, PAGE); /* still readable */
  long rw = mprotect_(base, 2 * PAGE, PROT_RW);
  base[0] = 42; /* and writable again */
  printf("mprotect read-only: %ld, back to rw: %ld, contents kept %d\n", ro, rw, seen == sum(base, PAGE) - 42 + 1);
  long none = mprotect_(base + PAGE, PAGE, PROT_NONE);
  long rw2 = mprotect_(base + PAGE, PAGE, PROT_RW);
  printf("mprotect none then rw on page 1: %ld %ld, byte %u\n", none, rw2, base[PAGE + 5]);

  /* mistakes and their errno (-EINVAL 22, -ENOMEM 12, -EBADF 9, -EEXIST 17) */
  long e[9];
  e[0] = mmap_(NULL, 0, PROT_RW, MAP_PRIVATE | MAP_ANON, -1);
  e[1] = munmap_(base + 1, PAGE);
  e[2] = mprotect_(base + 1, PAGE, PROT_R);
  e[3] = mmap_(NULL, PAGE, PROT_RW, MAP_PRIVATE, -1);
  e[4] = mmap_(NULL, PAGE, PROT_RW, MAP_ANON, -1);
  e[5] = mprotect_(base, PAGE, 0x40);
  u8 *gone = (u8 *)mmap_(NULL, PAGE, PROT_RW, MAP_PRIVATE | MAP_ANON, -1);
  munmap_(gone, PAGE); /* a page known to be unmapped, wherever the kernel put it */
  e[6] = mprotect_(gone, PAGE, PROT_R);
  e[7] = munmap_(base, 0);
  e[8] = mmap_(base + 1, PAGE, PROT_RW, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1);
  printf("errors: len0 %ld, unaligned munmap %ld, unaligned mprotect %ld, no fd %ld, bad type %ld,\n"
         "        bad prot %ld, mprotect unmapped %ld, munmap len0 %ld, fixed unaligned %ld\n",
         e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8]);
  long u1 = munmap_(base, 8 * PAGE);
  long u2 = munmap_(base, 8 * PAGE);
  printf("munmap all: %ld, munmap again (already gone): %ld\n", u1, u2);

  /* brk: grow, write, shrink to mid-page (that page stays), regrow: the pages given back come back zeroed */
  u8 *b0 = (u8 *)brk_(NULL);
  u8 *b1 = (u8 *)brk_(b0 + 3 * PAGE + 100);
  fill(b0, 3 * PAGE + 100, 9);
  u8 *b2 = (u8 *)brk_(b0 + PAGE + 50);
  u64 kept = sum(b0, PAGE + 50);
  u8 *b3 = (u8 *)brk_(b0 + 4 * PAGE);
  u64 above = sum(b0 + 2 * PAGE, 2 * PAGE);
  u64 tail = sum(b0 + PAGE + 50, PAGE - 50);
  printf("brk: grow %ld shrink %ld regrow %ld, kept sum %lu, regrown pages sum %lu, same-page tail %lu\n", b1 - b0,
         b2 - b0, b3 - b0, kept, above, tail);
  printf("brk below start: unchanged %d\n", (u8 *)brk_(b0 - PAGE) == b3);
  (void)argc;
  (void)argv;
  long errs = 0;
  for (int i = 0; i < 9; i++) errs += e[i];
  return (int)((kept + above + tail + (u64)-errs) % 256);
}
