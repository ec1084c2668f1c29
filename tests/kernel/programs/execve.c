/* execve from the in-memory filesystem: errors, and what the new image inherits. */
#include "sys.h"
struct ksa { u64 handler, flags, restorer, mask; };
static volatile char sel = 1;
static void h(int s) {}
void start_c(long *sp) {
  long argc = sp[0]; char **argv = (char **)(sp + 1);
  if (argc > 1) { out("child: "); out(argv[1]); out("\n");
    struct ksa old; sc6(13, 10, 0, (i64)&old, 8, 0, 0); kv("child_usr1_handler_reset", old.handler == 0);
    kv("child_getpid_ok", sc0(39) > 0); quit(5); }
  struct ksa sa = { (u64)h, 0x04000000, 0, 0 };
  sc6(13, 10, (i64)&sa, 0, 8, 0, 0);
  kv("enoent", sc3(59, "/nope", 0, 0));
  kv("efault", sc3(59, 0x10, 0, 0));
  sc6(157, 59, 1, 0, 0, (i64)&sel, 0);   /* armed with selector BLOCK... */
  sel = 0;
  char *args[] = { "/bin/ex", "again", 0 };
  sel = 0;
  kv("execve", sc3(59, "/bin/ex", args, 0));
  quit(9);
}
__asm__(".globl _start\n_start: mov %rsp, %rdi\n call start_c\n");
