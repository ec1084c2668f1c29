/* A tiny JIT: compiles postfix expressions over x (in rdi) to x86-64
 * machine code in an mmap'd page, calls it, then overwrites the same bytes
 * with other code and calls again. Also patches one immediate in place and
 * flips the page between writable and executable with mprotect. The
 * engine must notice every rewrite of code it has already run. */
#include "rt.h"

enum { SYS_mprotect = 10 };

typedef i64 (*jitfn)(i64);

static u8 *code;
static size_t pos;

static void emit(const u8 *b, size_t n) { memcpy(code + pos, b, n), pos += n; }
static void emit1(u8 a) { code[pos++] = a; }
static void emit_imm64(i64 v) { memcpy(code + pos, &v, 8), pos += 8; }

/* the stack machine: every value lives on the native stack between operations */
static void compile(const char *expr) {
  pos = 0;
  for (const char *p = expr; *p; p++) {
    if (*p == ' ') continue;
    if (*p == 'x') {
      emit1(0x57); /* push rdi */
    } else if (*p >= '0' && *p <= '9') {
      i64 v = 0;
      while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
      p--;
      emit((const u8[]){0x48, 0xb8}, 2), emit_imm64(v); /* movabs rax, v */
      emit1(0x50);                                       /* push rax */
    } else {
      emit((const u8[]){0x59, 0x58}, 2); /* pop rcx; pop rax */
      switch (*p) {
        case '+': emit((const u8[]){0x48, 0x01, 0xc8}, 3); break;       /* add rax, rcx */
        case '-': emit((const u8[]){0x48, 0x29, 0xc8}, 3); break;       /* sub rax, rcx */
        case '*': emit((const u8[]){0x48, 0x0f, 0xaf, 0xc1}, 4); break; /* imul rax, rcx */
        case '/': emit((const u8[]){0x48, 0x99, 0x48, 0xf7, 0xf9}, 5); break; /* cqo; idiv rcx */
        case '%': emit((const u8[]){0x48, 0x99, 0x48, 0xf7, 0xf9, 0x48, 0x89, 0xd0}, 8); break;
        case '^': emit((const u8[]){0x48, 0x31, 0xc8}, 3); break;       /* xor rax, rcx */
      }
      emit1(0x50); /* push rax */
    }
  }
  emit((const u8[]){0x58, 0xc3}, 2); /* pop rax; ret */
}

static i64 interpret(const char *expr, i64 x) {
  i64 st[32];
  int sp = 0;
  for (const char *p = expr; *p; p++) {
    if (*p == ' ') continue;
    if (*p == 'x') st[sp++] = x;
    else if (*p >= '0' && *p <= '9') {
      i64 v = 0;
      while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
      p--;
      st[sp++] = v;
    } else {
      i64 b = st[--sp], a = st[--sp];
      switch (*p) {
        case '+': st[sp++] = a + b; break;
        case '-': st[sp++] = a - b; break;
        case '*': st[sp++] = a * b; break;
        case '/': st[sp++] = a / b; break;
        case '%': st[sp++] = a % b; break;
        default: st[sp++] = a ^ b; break;
      }
    }
  }
  return st[0];
}

int main(int argc, char **argv) {
  code = (u8 *)syscall6(SYS_mmap, 0, 4096, 7, 0x22, -1, 0); /* rwx, private anonymous */
  if ((long)code < 0) return 99;
  static const char *exprs[] = {"x 1 +", "x x * 3 -", "x 7 / x 7 % +", "1000000007 x * x 12345 ^ -", "x x x * * 99 %"};
  int wrong = 0;
  u64 h = 0;
  for (int round = 0; round < 3; round++)
    for (unsigned e = 0; e < COUNT(exprs); e++) {
      compile(exprs[e]); /* same page, new bytes over old ones */
      jitfn f = (jitfn)code;
      for (i64 x = -20; x <= 20; x += 3 + round) {
        i64 got = f(x), want = interpret(exprs[e], x);
        wrong += got != want;
        h = h * 31 + (u64)got;
      }
    }
  printf("jit: 3 rounds of %u expressions, %d wrong, hash %016lx\n", (unsigned)COUNT(exprs), wrong, h);

  /* patch the immediate of "x 5 +" in place, between calls */
  compile("x 5 +");
  jitfn f = (jitfn)code;
  i64 before = f(10);
  for (i64 k = 1; k <= 5; k++) {
    i64 v = k * 100;
    memcpy(code + 3, &v, 8); /* push rdi; movabs rax, imm64 */
    h = h * 7 + (u64)f(10);
  }
  printf("patched: %ld then %ld\n", before, f(10));

  /* W^X: make it read-only and executable, run, make it writable, rewrite, run */
  long r1 = syscall3(SYS_mprotect, (long)code, 4096, 5);
  i64 a = f(1);
  long r2 = syscall3(SYS_mprotect, (long)code, 4096, 3);
  compile("x 2 * 1 +");
  long r3 = syscall3(SYS_mprotect, (long)code, 4096, 5);
  i64 b = f(20);
  printf("w^x: %ld %ld %ld, results %ld %ld\n", r1, r2, r3, a, b);
  (void)argc;
  (void)argv;
  return wrong + (int)(h % 200) + (int)b;
}
