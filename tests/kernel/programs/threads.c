/* Threads through raw clone: shared memory, thread ids, CLONE_CHILD_CLEARTID
 * join with futex, fs base from CLONE_SETTLS, and a spin-wait on a flag
 * another thread sets, which needs preemption. */
#include "sys.h"

#define CLONE_FLAGS (0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000)

/* clone(flags, stack, ptid, ctid, tls); the child calls fn(arg) then exit(0) */
i64 spawn(u64 flags, void *stack, int *ptid, int *ctid, void *tls, void (*fn)(void *), void *arg);
__asm__(
  ".text\n.globl spawn\nspawn:\n"
  "  mov %rcx, %r10\n"          /* ctid */
  "  mov 8(%rsp), %rax\n"       /* arg (7th) */
  "  mov %r9, %r11\n"           /* fn */
  "  sub $16, %rsi\n"
  "  mov %r11, 0(%rsi)\n"
  "  mov %rax, 8(%rsi)\n"
  "  mov %r8, %r8\n"            /* tls already in r8 */
  "  mov $56, %eax\n"
  "  syscall\n"
  "  test %rax, %rax\n"
  "  jnz 1f\n"
  "  pop %rax\n"                /* fn */
  "  pop %rdi\n"                /* arg */
  "  call *%rax\n"
  "  mov $60, %eax\n"
  "  xor %edi, %edi\n"
  "  syscall\n"
  "1: ret\n");

static char stacks[4][16384] __attribute__((aligned(16)));
static volatile int ctids[4];
static volatile long counter;
static volatile int flag;
static u64 tls_blocks[4][4];

static void worker(void *arg) {
  long id = (long)arg;
  for (int i = 0; i < 1000; i++) __atomic_fetch_add(&counter, id, __ATOMIC_SEQ_CST);
  u64 fsv; __asm__ volatile("mov %%fs:0, %0" : "=r"(fsv));
  if (fsv != (u64)id * 1111) counter = -1000000;
}

static void spinner(void *arg) {
  if (sc0(39) <= 0) counter = -5;
  while (!flag) {}
  counter += 7;
}

static void join(volatile int *ctid) {
  int v;
  while ((v = *ctid) != 0) sc6(202, (i64)ctid, 0, v, 0, 0, 0);
}

void _start(void) {
  i64 tgid = sc0(39);
  for (long i = 1; i <= 3; i++) {
    tls_blocks[i][0] = i * 1111;
    int ptid = 0;
    ctids[i] = 1;  /* set before clone: the thread may exit (and clear it) before clone returns */
    i64 tid = spawn(CLONE_FLAGS, stacks[i] + sizeof stacks[i], &ptid, (int *)&ctids[i], tls_blocks[i], worker, (void *)i);
    if (tid <= 0 || ptid != tid || tid == tgid) quit(90);
  }
  for (int i = 1; i <= 3; i++) join(&ctids[i]);
  kv("counter_after_join", counter);
  kv("getpid_same_in_group", sc0(39) == tgid);
  counter = 0;
  ctids[0] = 1;
  spawn(CLONE_FLAGS, stacks[0] + sizeof stacks[0], 0, (int *)&ctids[0], tls_blocks[0], spinner, 0);
  for (volatile int i = 0; i < 3000000; i++) {}
  flag = 1;
  join(&ctids[0]);
  kv("spinner_done", counter);
  kv("wait_no_children_threads_not_waited", sc6(61, -1, 0, 1, 0, 0, 0));
  quit(6);
}
