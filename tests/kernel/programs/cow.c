/*
 * Private memory after fork and exec: each process writes only its own copy
 * of data and of code (made writable and patched, after the code has run),
 * a new image of the program starts from the file's bytes whatever an
 * earlier image wrote over its text, and the tail of the last text page
 * shows what the file holds there.
 */
#include "sys.h"
static volatile int g = 1;
extern char etext[];
/* f returns the immediate at f + 1 (mov $7, %eax; ret): a patch target */
__asm__(".text\n.balign 64\n.globl f\nf: mov $7, %eax\n ret\n");
int f(void);

static void patch(int v) {
  u64 page = (u64)f & ~4095UL;
  kv("mprotect", sc3(10, page, 8192, 7));
  *(volatile unsigned char *)((char *)f + 1) = (unsigned char)v;
}

static void wait_child(i64 pid) {
  int st = 0;
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  kv("child_status", st);
}

void start_c(long *sp) {
  long argc = sp[0]; char **argv = (char **)(sp + 1);
  if (argc > 1) {
    /* the new image: text and data as in the file */
    kv("exec_f", f());
    kv("exec_g", g);
    quit(0);
  }
  u64 sum = 0;
  for (char *p = etext; ((u64)p & 4095) != 0; p++) sum = sum * 31 + (unsigned char)*p;
  kv("text_tail_sum", (i64)(sum & 0xffffffff));
  kv("f_before", f());
  i64 pid = sc0(57);
  if (pid == 0) {
    g = 2;
    kv("child_g", g);
    patch(9);
    kv("child_f", f());
    quit(3);
  }
  wait_child(pid);
  kv("parent_g", g);
  kv("parent_f", f());
  /* a child of a child: two levels share the frames */
  pid = sc0(57);
  if (pid == 0) {
    i64 pid2 = sc0(57);
    if (pid2 == 0) { g = 5; patch(11); kv("grandchild_f", f()); quit(4); }
    wait_child(pid2);
    kv("child2_f", f());
    kv("child2_g", g);
    quit(3);
  }
  wait_child(pid);
  patch(13);
  g = 6;
  kv("parent_patched_f", f());
  char *args[] = { "/proc/self/exe", "again", 0 };
  kv("execve", sc3(59, "/proc/self/exe", args, 0));
  quit(9);
}
__asm__(".globl _start\n_start: mov %rsp, %rdi\n call start_c\n");
