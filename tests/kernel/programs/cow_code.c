/*
 * Code that has run, written again through a copy-on-write break: after
 * fork the parent patches a function on a page that is already writable
 * and executable while its child still shares the frame, and then calls it
 * from the same call site as before. The next call runs the new bytes.
 */
#include "sys.h"
/* h returns the immediate at h + 1 (mov $7, %eax; ret) */
__asm__(".text\n.balign 4096\n.globl h\nh: mov $7, %eax\n ret\n.balign 4096\n");
int h(void);

void start_c(void) {
  u64 page = (u64)h & ~4095UL;
  kv("mprotect", sc3(10, page, 4096, 7));
  i64 pid = sc0(57);
  if (pid == 0) {
    for (;;) sc0(34); /* pause until killed: the frame stays shared */
  }
  i64 sum = 0;
  for (int i = 0; i < 6; i++) {
    sum = sum * 100 + h();
    if (i == 2) *(volatile unsigned char *)((char *)h + 1) = 21;
  }
  kv("calls", sum);
  sc2(62, pid, 9);
  int st = 0;
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  kv("child_status", st);
  quit(0);
}
__asm__(".globl _start\n_start: call start_c\n");
