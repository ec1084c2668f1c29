/* SUD is per thread: a thread arms dispatch for itself (its syscalls are
 * dispatched) while the main thread's syscalls run normally; a bad selector
 * value then kills (mainline: the whole group; patch-v5's do_exit: the thread). */
#include "sys.h"
#define CLONE_FLAGS (0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x200000)
struct ksa { u64 handler, flags, restorer, mask; };
extern void restorer(void);
__asm__(".text\nrestorer: mov $15, %eax\nsyscall\n");
i64 spawn(u64 flags, void *stack, int *ptid, int *ctid, void *tls, void (*fn)(void *), void *arg);
__asm__(
  ".text\n.globl spawn\nspawn:\n  mov %rcx, %r10\n  mov 8(%rsp), %rax\n  mov %r9, %r11\n  sub $16, %rsi\n"
  "  mov %r11, 0(%rsi)\n  mov %rax, 8(%rsi)\n  mov $56, %eax\n  syscall\n  test %rax, %rax\n  jnz 1f\n"
  "  pop %rax\n  pop %rdi\n  call *%rax\n  mov $60, %eax\n  xor %edi, %edi\n  syscall\n1: ret\n");
static char stack[16384] __attribute__((aligned(16)));
static volatile int ctid = 1;
static volatile char selector;
static volatile int sigsys_in_thread;
static volatile long step;
static void on_sigsys(int s) { sigsys_in_thread++; selector = 0; }
static void worker(void *arg) {
  sc6(157, 59, 1, 0, 0, (i64)&selector, 0);
  selector = 1;
  sc0(39);                 /* dispatched: the handler sets ALLOW */
  step = 1;
  while (step != 2) {}     /* the main thread checks its syscalls meanwhile */
  selector = 2;            /* a bad value: the next syscall kills */
  sc0(39);
  step = 3;                /* not reached */
}
void _start(void) {
  struct ksa sa = { (u64)on_sigsys, 0x04000000, (u64)restorer, 0 };
  sc6(13, 31, (i64)&sa, 0, 8, 0, 0);
  spawn(CLONE_FLAGS, stack + sizeof stack, 0, (int *)&ctid, 0, worker, 0);
  while (step != 1) {}
  selector = 1;            /* BLOCK, but this thread never armed dispatch */
  kv("main_syscall_runs", sc0(39) > 0);
  kv("thread_dispatched", sigsys_in_thread);
  selector = 0;
  step = 2;
  while (ctid != 0) sc6(202, (i64)&ctid, 0, 1, 0, 0, 0);
  kv("main_survives_thread_kill", 1);
  quit(0);
}
