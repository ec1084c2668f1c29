/* The freestanding runtime every conformance program links with (rt.c):
 * no libc exists, so this provides the entry point, raw syscalls, the
 * memory functions gcc may call on its own, the libgcc helpers for 128-bit
 * division and popcount, and a small buffered printf. */
#ifndef SUDSIM_RT_H
#define SUDSIM_RT_H

typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef int i32;
typedef unsigned short u16;
typedef short i16;
typedef unsigned char u8;
typedef signed char i8;
typedef unsigned __int128 u128;
typedef __int128 i128;
typedef unsigned long size_t;

#define NULL ((void *)0)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static inline long syscall6(long n, long a, long b, long c, long d, long e, long f) {
  long r;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall"
                   : "=a"(r)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return r;
}
static inline long syscall3(long n, long a, long b, long c) { return syscall6(n, a, b, c, 0, 0, 0); }

enum { SYS_write = 1, SYS_mmap = 9, SYS_munmap = 11, SYS_brk = 12, SYS_exit_group = 231 };

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

long write(int fd, const void *buf, size_t n);
/* Flushes buffered stdout, then exit_group. */
__attribute__((noreturn)) void exit(int status);
void flush(void);

/* %d %i %u %x %X %c %s %p %%, flags - and 0, a width, a precision for %s
 * (.N or .*), lengths hh h l ll z. */
__attribute__((format(printf, 1, 2))) void printf(const char *fmt, ...);
void print_u128(u128 v);
void print_i128(i128 v);
void print_x128(u128 v);

int main(int argc, char **argv);

#endif
