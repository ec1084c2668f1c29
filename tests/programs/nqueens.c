/* Backtracking with bitmasks: counts the solutions of the n-queens
 * problem for n = 1..10 and prints the first solution for n = 8 found by
 * an array-based search. */
#include "rt.h"

static u64 nodes;

static u32 solve(u32 n, u32 cols, u32 d1, u32 d2) {
  nodes++;
  u32 full = (1u << n) - 1;
  if (cols == full) return 1;
  u32 count = 0;
  for (u32 avail = full & ~(cols | d1 | d2); avail; avail &= avail - 1) {
    u32 bit = avail & -avail;
    count += solve(n, cols | bit, ((d1 | bit) << 1) & full, (d2 | bit) >> 1);
  }
  return count;
}

static int board[12];

static int safe(int row, int col) {
  for (int r = 0; r < row; r++) {
    int c = board[r];
    if (c == col || c - col == row - r || col - c == row - r) return 0;
  }
  return 1;
}

static int place(int row, int n) {
  if (row == n) return 1;
  for (int col = 0; col < n; col++) {
    if (!safe(row, col)) continue;
    board[row] = col;
    if (place(row + 1, n)) return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  static const u32 known[] = {0, 1, 0, 0, 2, 10, 4, 40, 92, 352, 724};
  int wrong = 0;
  u64 total = 0;
  for (u32 n = 1; n <= 10; n++) {
    u32 c = solve(n, 0, 0, 0);
    printf("%u-queens: %u solutions\n", n, c);
    if (c != known[n]) wrong++;
    total += c;
  }
  printf("search nodes %lu\n", nodes);
  if (place(0, 8)) {
    printf("first 8-queens placement:");
    for (int r = 0; r < 8; r++) printf(" %d", board[r]);
    printf("\n");
    for (int r = 0; r < 8; r++) {
      char line[9];
      for (int c = 0; c < 8; c++) line[c] = board[r] == c ? 'Q' : '.';
      line[8] = 0;
      printf("  %s\n", line);
    }
  }
  (void)argc;
  (void)argv;
  return (int)(total % 256) + wrong;
}
