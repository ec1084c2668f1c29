/* Thread-local storage without a libc: finds the PT_TLS segment through
 * the auxiliary vector (AT_PHDR, AT_PHNUM), builds two TLS blocks the way
 * the x86-64 ABI lays them out (the block below a self-pointing thread
 * control block), and switches %fs between them with arch_prctl, so that
 * gcc's __thread accesses (%fs-relative loads and stores) see per-"thread"
 * copies. %gs gets the same treatment through inline assembly. */
#include "rt.h"

enum { SYS_arch_prctl = 158, ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004 };
enum { AT_NULL = 0, AT_PHDR = 3, AT_PHNUM = 5, AT_PAGESZ = 6, AT_ENTRY = 9, PT_TLS = 7 };

struct phdr { u32 type, flags; u64 offset, vaddr, paddr, filesz, memsz, align; };

static __thread int counter = 5;
static __thread char name[16] = "initial";
static __thread u64 zeroed[4];

static _Alignas(64) u8 area[2][512];

/* the TCB address for block i: the TLS image sits just below it */
static u64 *make_block(int i, const struct phdr *tls) {
  u64 size = (tls->memsz + tls->align - 1) & ~(tls->align - 1);
  u64 *tcb = (u64 *)(area[i] + 256);
  u8 *block = (u8 *)tcb - size;
  memcpy(block, (const void *)tls->vaddr, tls->filesz);
  memset(block + tls->filesz, 0, tls->memsz - tls->filesz);
  tcb[0] = (u64)tcb; /* %fs:0 holds the TCB's own address */
  return tcb;
}

static long arch_prctl(int code, u64 addr) { return syscall3(SYS_arch_prctl, code, (long)addr, 0); }

static void work(int id) {
  counter += id * 10;
  for (int k = 0; k < 3; k++) zeroed[k] += (u64)(id + k);
  name[0] = (char)('A' + id);
}

int main(int argc, char **argv) {
  char **envp = argv + argc + 1;
  while (*envp) envp++; /* the environment differs between machines: skip it */
  u64 *auxv = (u64 *)(envp + 1);
  const struct phdr *ph = NULL;
  u64 phnum = 0, pagesz = 0, entry = 0;
  for (u64 *a = auxv; a[0] != AT_NULL; a += 2) {
    if (a[0] == AT_PHDR) ph = (const struct phdr *)a[1];
    else if (a[0] == AT_PHNUM) phnum = a[1];
    else if (a[0] == AT_PAGESZ) pagesz = a[1];
    else if (a[0] == AT_ENTRY) entry = a[1];
  }
  extern char _start[];
  printf("auxv: page size %lu, %lu program headers, entry is _start %d\n", pagesz, phnum, entry == (u64)_start);
  const struct phdr *tls = NULL;
  for (u64 i = 0; ph && i < phnum; i++)
    if (ph[i].type == PT_TLS) tls = &ph[i];
  if (!tls) return 90;
  printf("PT_TLS: %lu bytes initialised, %lu in all, aligned to %lu\n", tls->filesz, tls->memsz, tls->align);

  u64 *t0 = make_block(0, tls), *t1 = make_block(1, tls);
  u64 got = 0;
  long r = arch_prctl(ARCH_SET_FS, (u64)t0);
  arch_prctl(ARCH_GET_FS, (u64)&got);
  printf("set fs %ld, reads back %d; counter %d, name %s\n", r, got == (u64)t0, counter, name);
  work(1);
  arch_prctl(ARCH_SET_FS, (u64)t1);
  work(2);
  work(2);
  int c1 = counter;
  u64 z1 = zeroed[0] + zeroed[1] + zeroed[2];
  char n1 = name[0];
  arch_prctl(ARCH_SET_FS, (u64)t0);
  printf("thread 0: counter %d zeroed sum %lu name %s | thread 1: counter %d zeroed sum %lu name %c...\n", counter,
         zeroed[0] + zeroed[1] + zeroed[2], name, c1, z1, n1);

  /* %gs: no compiler support, so address it by hand */
  static u64 gsdata[4] = {11, 22, 33, 44};
  long rg = arch_prctl(ARCH_SET_GS, (u64)gsdata);
  u64 v, gsbase = 0;
  __asm__ volatile("movq %%gs:16, %0" : "=r"(v));
  __asm__ volatile("addq $100, %%gs:8" ::: "memory");
  arch_prctl(ARCH_GET_GS, (u64)&gsbase);
  printf("gs: set %ld, gs:16 = %lu, gs:8 now %lu, base ok %d\n", rg, v, gsdata[1], gsbase == (u64)gsdata);
  long bad = arch_prctl(0x9999, 0);
  long kernel_addr = arch_prctl(ARCH_SET_FS, 0xffff800000000000ul);
  printf("bad code %ld, kernel address %ld\n", bad, kernel_addr);
  return counter + c1 + (int)z1;
}
