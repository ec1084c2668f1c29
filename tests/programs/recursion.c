/* Deep and branchy recursion: Ackermann, towers of Hanoi, naive
 * Fibonacci and mutual recursion. Exercises call/ret, frame setup and the
 * stack many thousands of frames deep. */
#include "rt.h"

static u64 calls;

static u64 ackermann(u64 m, u64 n) {
  calls++;
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static u64 moves;
static u64 trace_hash;
static int pegs[3][24];
static int height[3];

static void move_disk(int from, int to) {
  int d = pegs[from][--height[from]];
  if (height[to] && pegs[to][height[to] - 1] < d) trace_hash |= 1ul << 63; /* illegal move */
  pegs[to][height[to]++] = d;
  moves++;
  trace_hash = trace_hash * 3 + (u64)(from * 3 + to);
}

static void hanoi(int n, int from, int to, int via) {
  if (n == 0) return;
  hanoi(n - 1, from, via, to);
  move_disk(from, to);
  hanoi(n - 1, via, to, from);
}

static u64 fib(int n) { return n < 2 ? (u64)n : fib(n - 1) + fib(n - 2); }

static int is_odd(u32 n);
static int is_even(u32 n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(u32 n) { return n == 0 ? 0 : is_even(n - 1); }

/* sum of digits through recursion on the quotient */
static u64 digit_sum(u64 n) { return n < 10 ? n : n % 10 + digit_sum(n / 10); }

int main(int argc, char **argv) {
  u64 a = ackermann(2, 3);
  u64 b = ackermann(3, 5);
  printf("ackermann(2,3) = %lu, ackermann(3,5) = %lu, %lu calls\n", a, b, calls);

  const int n = 16;
  for (int i = 0; i < n; i++) pegs[0][i] = n - i;
  height[0] = n;
  hanoi(n, 0, 2, 1);
  printf("hanoi(%d): %lu moves, trace %016lx, peg sizes %d %d %d\n", n, moves, trace_hash, height[0],
         height[1], height[2]);

  u64 f = fib(25);
  printf("fib(25) = %lu\n", f);
  printf("is_even(10001) = %d, is_odd(7777) = %d\n", is_even(10001), is_odd(7777));
  printf("digit_sum(18446744073709551615) = %lu\n", digit_sum(~0ul));
  (void)argc;
  (void)argv;
  return (int)((a + b + moves + f) % 256);
}
