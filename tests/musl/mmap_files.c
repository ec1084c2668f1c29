/* mmap of descriptors: the program's own image mapped read-only (its ELF header, and a later page
 * at a file offset, matching what read sees there), a private writable copy that leaves the file
 * alone, a shared writable mapping of a read-only descriptor refused, /dev/zero mapped shared
 * and seen by a forked child's writes, and what cannot be mapped. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int fd = open("/proc/self/exe", O_RDONLY);
  struct stat st;
  fstat(fd, &st);
  unsigned char *m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  printf("mapped %d, ELF magic %d\n", m != MAP_FAILED, m != MAP_FAILED && !memcmp(m, "\177ELF", 4));
  unsigned char page[64];
  pread(fd, page, sizeof page, 4096);
  unsigned char *m2 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
  printf("page at offset 4096 matches pread %d\n", m2 != MAP_FAILED && !memcmp(m2, page, sizeof page));
  unsigned char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  w[0] = 'X';
  unsigned char first;
  pread(fd, &first, 1, 0);
  printf("private copy written %c, file still %#x\n", w[0], first);
  SHOW(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED);
  printf("errno %d\n", errno);
  SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 1) == MAP_FAILED);

  int z = open("/dev/zero", O_RDWR);
  int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
  printf("zero mapping %d, zero %d\n", shared != MAP_FAILED, shared[10]);
  if (fork() == 0) {
    shared[10] = 1234;
    _exit(0);
  }
  wait(NULL);
  printf("the child's write seen %d\n", shared[10]);
  int nul = open("/dev/null", O_RDONLY);
  SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, nul, 0) == MAP_FAILED);
  printf("errno %d\n", errno);
  int p[2];
  pipe(p);
  SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, p[0], 0) == MAP_FAILED);
  printf("errno %d\n", errno);
  return 0;
}
