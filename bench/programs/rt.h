/* A tiny freestanding runtime for the benchmark programs: no libc, so the
 * same static binary runs on the host and in sudsim with only write and
 * exit_group, and the native timing has no loader or libc start-up in it. */
typedef unsigned long u64;

static inline long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}

static void put(const char *s) {
  long n = 0;
  while (s[n]) n++;
  sys3(1, 1, (long)s, n);
}

static void putu(u64 v) {
  char b[24];
  int i = 23;
  b[i] = 0;
  do { b[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  put(b + i);
}

static u64 parseu(const char *s) {
  u64 v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (u64)(*s++ - '0');
  return v;
}

int bench_main(int argc, char **argv);

/* _start: argc at (%rsp), argv after it; the stack is realigned for the call */
__asm__(".text\n.globl _start\n_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov (%rsp), %rdi\n"
        "  lea 8(%rsp), %rsi\n"
        "  and $-16, %rsp\n"
        "  call bench_main\n"
        "  mov %eax, %edi\n"
        "  mov $231, %eax\n"
        "  syscall\n"
        "  hlt\n");
