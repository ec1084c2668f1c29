/* Coroutines on their own stacks: a context switch in assembly saves the
 * callee-saved registers, swaps rsp and returns into the other context.
 * Two generators (Fibonacci, primes) and a consumer interleave; then a
 * non-local exit out of deep recursion with __builtin_setjmp/longjmp. */
#include "rt.h"

struct ctx { void *sp; };

/* switch_to(from, to): push callee-saved, save rsp in from, load to's rsp, pop, ret */
void switch_to(struct ctx *from, struct ctx *to);
__asm__(".text\n"
        "switch_to:\n"
        "  push %rbp\n  push %rbx\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  mov %rsp, (%rdi)\n"
        "  mov (%rsi), %rsp\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbx\n  pop %rbp\n"
        "  ret\n");

struct gen {
  struct ctx self, caller;
  u64 value;
  int done;
  void (*body)(struct gen *);
  _Alignas(16) u8 stack[16384];
};

static void yield(struct gen *g, u64 v) {
  g->value = v;
  switch_to(&g->self, &g->caller);
}

static struct gen *starting;
static void trampoline(void) {
  struct gen *g = starting;
  g->body(g);
  g->done = 1;
  for (;;) switch_to(&g->self, &g->caller);
}

static void gen_init(struct gen *g, void (*body)(struct gen *)) {
  u64 *sp = (u64 *)(g->stack + sizeof g->stack);
  *--sp = 0;                  /* keeps rsp % 16 == 8 at trampoline entry, as after a call */
  *--sp = (u64)trampoline;    /* ret target */
  for (int i = 0; i < 6; i++) *--sp = 0; /* r15 r14 r13 r12 rbx rbp */
  g->self.sp = sp;
  g->done = 0;
  g->body = body;
}

static u64 next(struct gen *g) {
  starting = g;
  switch_to(&g->caller, &g->self);
  return g->value;
}

static void fib_body(struct gen *g) {
  u64 a = 0, b = 1;
  for (int i = 0; i < 60; i++) {
    yield(g, a);
    u64 t = a + b;
    a = b, b = t;
  }
}

static void prime_body(struct gen *g) {
  for (u64 n = 2; n < 400; n++) {
    int p = 1;
    for (u64 d = 2; d * d <= n; d++)
      if (n % d == 0) { p = 0; break; }
    if (p) yield(g, n);
  }
}

static struct gen g1, g2;
static void *jb[5];
static int depth_reached;

static void dive(int depth) {
  char pad[64];
  pad[depth % 64] = (char)depth;
  if (depth == 500) {
    depth_reached = depth + pad[depth % 64] - (char)depth;
    __builtin_longjmp(jb, 1);
  }
  dive(depth + 1);
  pad[0]++; /* not reached */
}

int main(int argc, char **argv) {
  gen_init(&g1, fib_body);
  gen_init(&g2, prime_body);
  u64 h = 0;
  int nf = 0, np = 0;
  while (!g1.done || !g2.done) {
    if (!g1.done) {
      u64 v = next(&g1);
      if (!g1.done) h = h * 31 + v, nf++;
    }
    if (!g2.done) {
      u64 v = next(&g2);
      if (!g2.done) h = h * 37 + v, np++;
      if (np % 20 == 0 && !g2.done) printf("prime #%d = %lu\n", np, v);
    }
  }
  printf("fibonacci values %d (last %lu), primes %d (last %lu), hash %016lx\n", nf, g1.value, np, g2.value, h);
  if (__builtin_setjmp(jb) == 0) {
    dive(0);
    printf("not reached\n");
  } else {
    printf("longjmp back from depth %d\n", depth_reached);
  }
  (void)argc;
  (void)argv;
  return (int)(h & 0x7f) + np;
}
