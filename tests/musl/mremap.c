/*
 * mremap and mincore: a mapping shrinks in place, grows in place when the
 * pages after it are free (ENOMEM when they are not and it may not move),
 * and moves with MREMAP_MAYMOVE, its bytes, protection and sharing going
 * along (a shared mapping moved in a forked child still shares its pages
 * with the parent); MREMAP_FIXED replaces what is at the new address,
 * MREMAP_DONTUNMAP leaves the old range mapped and empty; a shared
 * anonymous mapping grown past its size faults with SIGBUS there. realloc
 * of big blocks (mmapped by malloc) keeps the data as they grow. The
 * argument errors come in Linux's order. mincore shows which pages were
 * touched.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

#define PG 4096L
/* A mapping's address is no output: 1 for success, -1 (with errno) for failure. */
#define OK(m) ((m) == MAP_FAILED ? -1L : 1L)

static sigjmp_buf jb;
static void caught(int sig) { siglongjmp(jb, sig); }

/* Which signal touching p raises (0: none). */
static int touch(volatile char *p) {
  int sig = sigsetjmp(jb, 1);
  if (sig == 0) *p = 1;
  return sig;
}

static void cores(const char *what, void *p, long len) {
  unsigned char v[16];
  memset(v, 7, sizeof v);
  int r = mincore(p, len, v);
  printf("mincore %s = %d:", what, r);
  for (long i = 0; i < (len + PG - 1) / PG; i++) printf(" %d", v[i]);
  printf("\n");
}

static int filled(const char *p, long n, int c) {
  for (long i = 0; i < n; i++)
    if (p[i] != (char)c) return 0;
  return 1;
}

static void reallocs(void) {
  // a big block grows through sizes that mremap serves, its bytes checked at each step
  size_t n = 200 * 1024;
  unsigned char *b = malloc(n);
  for (size_t i = 0; i < n; i++) b[i] = (unsigned char)(i * 7 + i / 4096);
  int ok = 1;
  for (size_t grow = n * 2; grow <= 8 * 1024 * 1024; grow *= 2) {
    b = realloc(b, grow);
    for (size_t i = 0; i < n; i++)
      if (b[i] != (unsigned char)(i * 7 + i / 4096)) ok = 0;
    for (size_t i = n; i < grow; i++) b[i] = (unsigned char)(i * 7 + i / 4096);
    n = grow;
  }
  b = realloc(b, 300 * 1024);
  for (size_t i = 0; i < 300 * 1024; i++)
    if (b[i] != (unsigned char)(i * 7 + i / 4096)) ok = 0;
  printf("realloc up to 8 MiB and back down keeps the bytes: %d\n", ok);
  free(b);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGBUS, caught);
  signal(SIGSEGV, caught);

  // a free area of 16 pages to work in, then unmapped but for the first 4
  char *base = mmap(0, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(base + 4 * PG, 12 * PG);
  memset(base, 'a', 4 * PG);
  cores("after writing 4 pages", base, 4 * PG);

  SHOW(mremap(base, 4 * PG, 2 * PG, 0) == base);
  printf("shrunk: %d, tail unmapped: %d\n", filled(base, 2 * PG, 'a'), touch(base + 2 * PG));
  SHOW(mremap(base, 2 * PG, 6 * PG, 0) == base);
  printf("grown in place: old bytes %d, new pages zero %d\n", filled(base, 2 * PG, 'a'), filled(base + 2 * PG, 4 * PG, 0));
  cores("grown, untouched tail", base, 6 * PG);

  // something in the way: ENOMEM without MREMAP_MAYMOVE, a move with it
  char *wall = mmap(base + 6 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  SHOW(mremap(base, 6 * PG, 8 * PG, 0));
  mprotect(base, 6 * PG, PROT_READ);
  char *moved = mremap(base, 6 * PG, 8 * PG, MREMAP_MAYMOVE);
  printf("moved: %d, bytes %d, old range gone %d\n", moved != MAP_FAILED && moved != base, filled(moved, 2 * PG, 'a'), touch(base));
  printf("protection travels: write faults with %d\n", touch(moved));
  mprotect(moved, 8 * PG, PROT_READ | PROT_WRITE);
  printf("after mprotect the grown part takes writes: %d\n", touch(moved + 7 * PG));

  // MREMAP_FIXED onto an existing mapping replaces it
  char *dst = mmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(dst, 'z', 3 * PG);
  char *src = mmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(src, 's', 2 * PG);
  SHOW(mremap(src, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst) == dst);
  printf("fixed: new bytes %d, third page kept %d, source gone %d\n", filled(dst, 2 * PG, 's'), filled(dst + 2 * PG, PG, 'z'), touch(src));

  // a mapping split by mprotect and joined again moves as one
  char *split = mmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(split, 'q', 3 * PG);
  mprotect(split + PG, PG, PROT_READ);
  mprotect(split + PG, PG, PROT_READ | PROT_WRITE);
  char *joined = mremap(split, 3 * PG, 5 * PG, MREMAP_MAYMOVE);
  printf("rejoined mapping moved: %d\n", joined != MAP_FAILED && filled(joined, 3 * PG, 'q'));

  // MREMAP_DONTUNMAP: the old range stays, empty (glibc's wrapper reads a new address for it: given as 0)
  char *keep = mmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(keep, 'k', 2 * PG);
  char *took = mremap(keep, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
  printf("dontunmap: moved bytes %d, old range zero %d\n", took != MAP_FAILED && filled(took, 2 * PG, 'k'), filled(keep, 2 * PG, 0));

  // shared memory stays shared with a forked process after either side moves it
  int *sh = mmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sh[0] = 1;
  int pfd[2], qfd[2];
  pipe(pfd);
  pipe(qfd);
  pid_t child = fork();
  if (child == 0) {
    int *m = mremap(sh, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, (char *)sh + 64 * PG);
    m[1] = 42;
    write(pfd[1], "x", 1);
    char c;
    read(qfd[0], &c, 1);
    _exit(m[2] == 43 ? 0 : 1);
  }
  char c;
  read(pfd[0], &c, 1);
  int *sm = mremap(sh, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, (char *)sh + 128 * PG);
  printf("shared after both moved: the child's write seen %d\n", sm[1]);
  sm[2] = 43;
  write(qfd[1], "y", 1);
  int st;
  waitpid(child, &st, 0);
  printf("the child saw the parent's write: %d\n", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  int *big = mremap(sm, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
  printf("shared grown past its size: old page %d, new page faults with %d\n", big[1], touch((char *)big + 3 * PG));
  cores("shared, one page touched", big, 2 * PG);
  // a shared mapping moved and left mapped: both ranges show the same pages
  int *both = mremap(big, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
  printf("shared dontunmap: %ld, old range still shows %d, new %d\n", OK(both), big[1], both == MAP_FAILED ? -1 : both[1]);

  // argument errors
  char *e = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  SHOW(mremap(e + 1, PG, PG, 0));
  SHOW(mremap(e, PG, PG, 8));
  SHOW(mremap(e, PG, PG, MREMAP_FIXED, e + 8 * PG));
  SHOW(mremap(e, PG, 0, MREMAP_MAYMOVE));
  SHOW(mremap(e, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, e + PG));
  SHOW(mremap(e, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0));
  SHOW(mremap(e, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, e + 8 * PG + 1));
  SHOW(mremap(e, 8 * PG, 9 * PG, MREMAP_MAYMOVE));
  SHOW(mremap(e, 0, PG, MREMAP_MAYMOVE));
  SHOW(mremap((void *)PG, PG, PG, MREMAP_MAYMOVE));
  SHOW(mremap(e, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)0x7ffffffff000));
  SHOW(mremap(e, -2 * PG, PG, 0));
  SHOW(mremap(e, PG, 1L << 47, MREMAP_MAYMOVE));
  SHOW(mremap(e, PG, -2 * PG, MREMAP_MAYMOVE));

  // mincore's own errors: an unaligned start, a hole, a bad vector, a range past user space
  unsigned char v[4];
  SHOW(mincore(e + 1, PG, v));
  munmap(e + 2 * PG, PG);
  memset(v, 9, sizeof v);
  e[0] = 1;
  SHOW(mincore(e, 4 * PG, v));
  printf("answers before the hole: %d %d %d\n", v[0], v[1], v[2]);
  SHOW(mincore(e, PG, (void *)8));
  SHOW(mincore(e, 0, (void *)8));
  SHOW(mincore(e, -PG, v));
  SHOW(mincore((void *)0x7ffffffff000, PG, v));

  reallocs();
  return 0;
}
