/* A tiny stack-machine bytecode interpreter, run twice over the same
 * programs: once dispatching through a switch (a jump table) and once
 * through gcc's computed goto (an indirect jmp per instruction). */
#include "rt.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, DIVM, LT, JZ, JMP, DUP, DROP, PRINT, HALT };

/* acc = sum of (i*i mod 7) for i < n */
static const i32 prog_sum[] = {
    PUSH, 0, STORE, 0,        /* acc = 0 */
    PUSH, 0, STORE, 1,        /* i = 0 */
    LOAD, 1, LOAD, 2, LT, JZ, 37, /* 8: while i < n */
    LOAD, 1, LOAD, 1, MUL, PUSH, 7, DIVM, LOAD, 0, ADD, STORE, 0,
    LOAD, 1, PUSH, 1, ADD, STORE, 1, JMP, 8,
    LOAD, 0, PRINT, HALT, /* 37 */
};

static i64 out[16];
static int nout;

static i64 run_switch(const i32 *code, i64 n) {
  i64 stack[32], mem[4] = {0, 0, n, 0};
  int sp = 0, pc = 0;
  i64 steps = 0;
  for (;;) {
    steps++;
    switch (code[pc++]) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case LOAD: stack[sp++] = mem[code[pc++]]; break;
      case STORE: mem[code[pc++]] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case DIVM: sp--; stack[sp - 1] %= stack[sp]; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case JZ: if (stack[--sp] == 0) pc = code[pc]; else pc++; break;
      case JMP: pc = code[pc]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case DROP: sp--; break;
      case PRINT: out[nout++] = stack[--sp]; break;
      case HALT: return steps;
      default: return -1;
    }
  }
}

static i64 run_goto(const i32 *code, i64 n) {
  static void *const table[] = {&&push, &&load, &&store, &&add, &&sub, &&mul, &&divm,
                                &&lt, &&jz, &&jmp, &&dup, &&drop, &&print, &&halt};
  i64 stack[32], mem[4] = {0, 0, n, 0};
  int sp = 0, pc = 0;
  i64 steps = 0;
#define NEXT do { steps++; goto *table[code[pc++]]; } while (0)
  NEXT;
push: stack[sp++] = code[pc++]; NEXT;
load: stack[sp++] = mem[code[pc++]]; NEXT;
store: mem[code[pc++]] = stack[--sp]; NEXT;
add: sp--; stack[sp - 1] += stack[sp]; NEXT;
sub: sp--; stack[sp - 1] -= stack[sp]; NEXT;
mul: sp--; stack[sp - 1] *= stack[sp]; NEXT;
divm: sp--; stack[sp - 1] %= stack[sp]; NEXT;
lt: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; NEXT;
jz: if (stack[--sp] == 0) pc = code[pc]; else pc++; NEXT;
jmp: pc = code[pc]; NEXT;
dup: stack[sp] = stack[sp - 1]; sp++; NEXT;
drop: sp--; NEXT;
print: out[nout++] = stack[--sp]; NEXT;
halt: return steps;
#undef NEXT
}

/* countdown: prints n, n-3, n-6, ... while positive, using DUP and DROP */
static const i32 prog_count[] = {
    LOAD, 2,                       /* 0: push n */
    DUP, PUSH, 0, LT, JZ, 10, DROP, HALT, /* 2: stop once n < 0 */
    DUP, PRINT, PUSH, 3, SUB, JMP, 2,     /* 10 */
};

int main(int argc, char **argv) {
  i64 s1 = run_switch(prog_sum, 5000);
  i64 r1 = out[nout - 1];
  i64 s2 = run_goto(prog_sum, 5000);
  i64 r2 = out[nout - 1];
  printf("sum program: result %ld/%ld in %ld/%ld steps\n", r1, r2, s1, s2);
  nout = 0;
  i64 s3 = run_switch(prog_count, 10);
  int n3 = nout;
  i64 s4 = run_goto(prog_count, 10);
  printf("countdown: %ld/%ld steps, printed", s3, s4);
  for (int i = 0; i < nout; i++) printf(" %ld", out[i]);
  printf(" (%d then %d values)\n", n3, nout - n3);
  (void)argc;
  (void)argv;
  return (int)((r1 + s1 + s4) % 256) + (r1 != r2) + (s1 != s2);
}
