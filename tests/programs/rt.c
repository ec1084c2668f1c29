/* Implementation of rt.h. Built with each program at the program's own
 * optimisation level, so the runtime is itself part of what is compared. */
#include "rt.h"

/* The kernel starts us with rsp at argc; C code needs that pointer and a
 * 16-byte aligned stack for the call. */
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call rt_start\n"
        "  hlt\n");

__attribute__((used, noreturn)) void rt_start(long *sp) {
  int argc = (int)sp[0];
  char **argv = (char **)(sp + 1);
  exit(main(argc, argv));
}

/* Without this, gcc -O2 recognises the loops below as memcpy/memset and
 * compiles them into calls to themselves. */
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALLS void *memcpy(void *dst, const void *src, size_t n) {
  u8 *d = dst;
  const u8 *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

NO_LIBCALLS void *memmove(void *dst, const void *src, size_t n) {
  u8 *d = dst;
  const u8 *s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

NO_LIBCALLS void *memset(void *dst, int c, size_t n) {
  u8 *d = dst;
  while (n--) *d++ = (u8)c;
  return dst;
}

NO_LIBCALLS int memcmp(const void *a, const void *b, size_t n) {
  const u8 *x = a, *y = b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* ---- libgcc replacements (-nostdlib leaves them out) ---- */

int __popcountdi2(u64 v) {
  v = v - ((v >> 1) & 0x5555555555555555ul);
  v = (v & 0x3333333333333333ul) + ((v >> 2) & 0x3333333333333333ul);
  v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0ful;
  return (int)((v * 0x0101010101010101ul) >> 56);
}

int __popcountsi2(u32 v) { return __popcountdi2(v); }

/* 128-bit division must not use 128-bit '/' or '%' (that would call back
 * in here): 64-bit divides and the 128-by-64 divq do the work. */
static u128 udivmod128(u128 n, u128 d, u128 *rem) {
  u64 nh = (u64)(n >> 64), nl = (u64)n;
  u64 dh = (u64)(d >> 64), dl = (u64)d;
  if (dh == 0) {
    if (dl == 0) {
      volatile u64 zero = 0;
      *rem = 0;
      return nl / zero; /* the CPU's #DE, as libgcc gives */
    }
    u64 qh = nh / dl;
    u64 rh = nh % dl;
    u64 ql, rl;
    /* rh < dl, so the quotient fits 64 bits */
    __asm__("divq %4" : "=a"(ql), "=d"(rl) : "a"(nl), "d"(rh), "rm"(dl));
    if (rem) *rem = rl;
    return ((u128)qh << 64) | ql;
  }
  if (n < d) {
    if (rem) *rem = n;
    return 0;
  }
  int shift = __builtin_clzl(dh) - (nh ? __builtin_clzl(nh) : 64);
  u128 q = 0;
  d <<= shift;
  for (int i = 0; i <= shift; i++) {
    q <<= 1;
    if (n >= d) {
      n -= d;
      q |= 1;
    }
    d >>= 1;
  }
  if (rem) *rem = n;
  return q;
}

u128 __udivti3(u128 a, u128 b) { return udivmod128(a, b, 0); }

/* gcc -O2 fuses a '/' and '%' of the same operands into this one call */
u128 __udivmodti4(u128 a, u128 b, u128 *rem) { return udivmod128(a, b, rem); }

u128 __umodti3(u128 a, u128 b) {
  u128 r;
  udivmod128(a, b, &r);
  return r;
}

i128 __divti3(i128 a, i128 b) {
  int neg = (a < 0) != (b < 0);
  u128 ua = a < 0 ? -(u128)a : (u128)a;
  u128 ub = b < 0 ? -(u128)b : (u128)b;
  u128 q = udivmod128(ua, ub, 0);
  return neg ? -(i128)q : (i128)q;
}

i128 __modti3(i128 a, i128 b) {
  u128 ua = a < 0 ? -(u128)a : (u128)a;
  u128 ub = b < 0 ? -(u128)b : (u128)b;
  u128 r;
  udivmod128(ua, ub, &r);
  return a < 0 ? -(i128)r : (i128)r;
}

i128 __divmodti4(i128 a, i128 b, i128 *rem) {
  *rem = __modti3(a, b);
  return __divti3(a, b);
}

/* ---- output ---- */

long write(int fd, const void *buf, size_t n) { return syscall3(SYS_write, fd, (long)buf, (long)n); }

static char obuf[4096];
static size_t olen;

void flush(void) {
  size_t off = 0;
  while (off < olen) {
    long w = write(1, obuf + off, olen - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  olen = 0;
}

void exit(int status) {
  flush();
  for (;;) syscall3(SYS_exit_group, status, 0, 0);
}

static void outc(char c) {
  if (olen == sizeof obuf) flush();
  obuf[olen++] = c;
}

static void outs(const char *s) {
  while (*s) outc(*s++);
}

static int utoa(char *buf, u64 v, unsigned base, int upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v);
  for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
  return n;
}

static void pad(const char *body, int n, int neg, int width, int left, int zero) {
  int len = n + neg;
  if (!left && !zero)
    for (; len < width; len++) outc(' ');
  if (neg) outc('-');
  if (!left && zero)
    for (; len < width; len++) outc('0');
  for (int i = 0; i < n; i++) outc(body[i]);
  if (left)
    for (; len < width; len++) outc(' ');
}

void printf(const char *fmt, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      outc(*p);
      continue;
    }
    p++;
    int left = 0, zero = 0, width = 0, lng = 0, shrt = 0;
    for (;; p++) {
      if (*p == '-') left = 1;
      else if (*p == '0') zero = 1;
      else break;
    }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    int prec = -1; /* only strings use a precision: at most that many bytes */
    if (*p == '.') {
      p++;
      prec = 0;
      if (*p == '*') prec = __builtin_va_arg(ap, int), p++;
      else
        while (*p >= '0' && *p <= '9') prec = prec * 10 + (*p++ - '0');
    }
    for (;; p++) {
      if (*p == 'l' || *p == 'z') lng = 1;
      else if (*p == 'h') shrt++;
      else break;
    }
    char buf[24];
    int n;
    switch (*p) {
      case 'd':
      case 'i': {
        i64 v = lng ? __builtin_va_arg(ap, long) : __builtin_va_arg(ap, int);
        if (shrt == 1) v = (short)v;
        else if (shrt >= 2) v = (signed char)v;
        n = utoa(buf, v < 0 ? -(u64)v : (u64)v, 10, 0);
        pad(buf, n, v < 0, width, left, zero);
        break;
      }
      case 'u':
      case 'x':
      case 'X': {
        u64 v = lng ? __builtin_va_arg(ap, unsigned long) : __builtin_va_arg(ap, unsigned);
        if (shrt == 1) v = (unsigned short)v;
        else if (shrt >= 2) v = (unsigned char)v;
        n = utoa(buf, v, *p == 'u' ? 10 : 16, *p == 'X');
        pad(buf, n, 0, width, left, zero);
        break;
      }
      case 'p': {
        n = utoa(buf, (u64)__builtin_va_arg(ap, void *), 16, 0);
        outs("0x");
        pad(buf, n, 0, width, left, zero);
        break;
      }
      case 'c':
        buf[0] = (char)__builtin_va_arg(ap, int);
        pad(buf, 1, 0, width, left, 0);
        break;
      case 's': {
        const char *s = __builtin_va_arg(ap, const char *);
        if (!s) s = "(null)";
        int len = 0;
        while ((prec < 0 || len < prec) && s[len]) len++;
        pad(s, len, 0, width, left, 0);
        break;
      }
      case '%':
        outc('%');
        break;
      default: /* unknown: print it back so the mistake shows */
        outc('%');
        outc(*p);
        if (!*p) p--;
        break;
    }
  }
  __builtin_va_end(ap);
}

/* Decimal printing of 128-bit values: 19 digits at a time by 10^19. */
void print_u128(u128 v) {
  const u64 tenp19 = 10000000000000000000ul;
  if (v >> 64 == 0) {
    printf("%lu", (u64)v);
    return;
  }
  u128 hi = v / tenp19;
  u64 lo = (u64)(v % tenp19);
  print_u128(hi);
  printf("%019lu", lo);
}

void print_i128(i128 v) {
  if (v < 0) {
    outc('-');
    print_u128(-(u128)v);
  } else {
    print_u128((u128)v);
  }
}

void print_x128(u128 v) {
  if (v >> 64) printf("%lx%016lx", (u64)(v >> 64), (u64)v);
  else printf("%lx", (u64)v);
}
