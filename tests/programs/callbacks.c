/* Function pointers: a table of operations called indirectly, callbacks
 * with a context pointer, functions returning functions, and a fold over
 * an array through a pointer passed down two levels. */
#include "rt.h"

typedef i64 (*binop)(i64, i64);

static i64 op_add(i64 a, i64 b) { return a + b; }
static i64 op_sub(i64 a, i64 b) { return a - b; }
static i64 op_mul(i64 a, i64 b) { return (i64)((u64)a * (u64)b); } /* wraps, no UB */
static i64 op_min(i64 a, i64 b) { return a < b ? a : b; }
static i64 op_max(i64 a, i64 b) { return a > b ? a : b; }
static i64 op_xor(i64 a, i64 b) { return a ^ b; }

static const struct {
  const char *name;
  binop fn;
  i64 init;
} ops[] = {
    {"sum", op_add, 0}, {"alt", op_sub, 0},         {"prod", op_mul, 1},
    {"min", op_min, 0x7fffffffffffffffl}, {"max", op_max, -0x7fffffffffffffffl - 1}, {"xor", op_xor, 0},
};

static i64 fold(const i64 *v, int n, binop f, i64 init) {
  for (int i = 0; i < n; i++) init = f(init, v[i]);
  return init;
}

typedef void (*visitor)(void *ctx, int index, i64 value);

static void each(const i64 *v, int n, visitor fn, void *ctx) {
  for (int i = 0; i < n; i++) fn(ctx, i, v[i]);
}

struct stats {
  i64 evens, odds;
  int argmax;
  i64 best;
};

static void collect(void *ctx, int index, i64 value) {
  struct stats *s = ctx;
  if (value & 1) s->odds += value;
  else s->evens += value;
  if (value > s->best) {
    s->best = value;
    s->argmax = index;
  }
}

static binop pick(int k) { return ops[k % (int)COUNT(ops)].fn; }

/* function pointers stored in a struct that is itself passed by pointer */
struct machine {
  binop step;
  i64 (*finish)(i64);
};
static i64 halve(i64 x) { return x / 2; }
static i64 negate(i64 x) { return -x; }

static i64 run(const struct machine *m, i64 x, int rounds) {
  for (int i = 0; i < rounds; i++) x = m->step(x, i + 1);
  return m->finish(x);
}

int main(int argc, char **argv) {
  i64 v[24];
  u64 seed = 12345;
  for (int i = 0; i < 24; i++) {
    seed = seed * 6364136223846793005ul + 1442695040888963407ul;
    v[i] = (i64)(seed >> 40) % 2001 - 1000;
  }
  i64 check = 0;
  for (unsigned k = 0; k < COUNT(ops); k++) {
    i64 r = fold(v, 24, ops[k].fn, ops[k].init);
    printf("%-4s = %ld\n", ops[k].name, r);
    check = check * 17 + r;
  }
  struct stats s = {0, 0, -1, -0x7fffffffffffffffl - 1};
  each(v, 24, collect, &s);
  printf("evens %ld odds %ld max v[%d] = %ld\n", s.evens, s.odds, s.argmax, s.best);

  i64 chain = 7;
  for (int k = 0; k < 40; k++) chain = pick(k * 7 + 3)(chain, k + 2) % 1000003;
  printf("chain = %ld\n", chain);

  struct machine m1 = {op_mul, halve}, m2 = {op_sub, negate};
  i64 a = run(&m1, 1, 15), b = run(&m2, 100, 20);
  printf("machines: %ld %ld\n", a, b);
  (void)argc;
  (void)argv;
  return (int)(((u64)check ^ (u64)chain ^ (u64)a ^ (u64)b) & 0xff);
}
