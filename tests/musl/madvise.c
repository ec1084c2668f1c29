/*
 * madvise: MADV_DONTNEED drops a private anonymous page (it reads as zero
 * again) but not a shared one, which keeps its bytes; advice over a range
 * with a hole is ENOMEM, an unknown advice EINVAL, an unaligned address
 * EINVAL; MADV_FREE and the hints change nothing visible. msync and mlock
 * check their range and flags the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void) {
  char *p = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *s = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  memset(p, 7, 3 * 4096);
  s[0] = 9;
  int r = madvise(p + 4096, 4096, MADV_DONTNEED);
  printf("dontneed private: %d, then %d %d %d\n", r, p[0], p[4096], p[8192]);
  r = madvise(s, 4096, MADV_DONTNEED);
  printf("dontneed shared: %d, then %d\n", r, s[0]);
  r = madvise(p, 4096, MADV_FREE);
  printf("free: %d, then %d\n", r, p[0]);
  printf("willneed: %d\n", madvise(p, 3 * 4096, MADV_WILLNEED));
  munmap(p + 4096, 4096);
  r = madvise(p, 3 * 4096, MADV_DONTNEED);
  printf("hole: %d %s, first page %d\n", r, r ? strerror(errno) : "", p[0]);
  r = madvise(p, 4096, 99);
  printf("unknown advice: %d %s\n", r, r ? strerror(errno) : "");
  r = madvise(p + 1, 4096, MADV_NORMAL);
  printf("unaligned: %d %s\n", r, r ? strerror(errno) : "");
  /* msync and mlock: the range must be mapped (the hole is still there), msync's address aligned */
  printf("msync: %d", msync(p, 4096, MS_SYNC));
  printf(" over the hole: %d", msync(p, 3 * 4096, MS_ASYNC));
  printf(" %s", strerror(errno));
  printf(" unaligned: %d", msync(p + 1, 4096, MS_SYNC));
  printf(" both: %d\n", msync(p, 4096, MS_SYNC | MS_ASYNC));
  printf("mlock: %d", mlock(p + 5, 10));
  printf(" over the hole: %d", mlock(p, 3 * 4096));
  printf(" %s", strerror(errno));
  printf(" munlock: %d", munlock(p, 4096));
  printf(" mlockall: %d", mlockall(MCL_CURRENT));
  printf(" no flags: %d", mlockall(0));
  printf(" munlockall: %d\n", munlockall());
  return 0;
}
