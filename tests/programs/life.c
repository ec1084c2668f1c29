/* Conway's game of life on a 64x64 torus stored as one 64-bit word per
 * row: neighbour counts by bit-sliced adders, 200 generations from a
 * glider gun and an R-pentomino, printing population along the way. */
#include "rt.h"

#define H 64
static u64 grid[H], next[H];

static u64 rol(u64 v) { return (v << 1) | (v >> 63); }
static u64 ror(u64 v) { return (v >> 1) | (v << 63); }

static void step(void) {
  for (int y = 0; y < H; y++) {
    u64 up = grid[(y + H - 1) % H], mid = grid[y], dn = grid[(y + 1) % H];
    u64 n[8] = {rol(up), up, ror(up), rol(mid), ror(mid), rol(dn), dn, ror(dn)};
    /* three-bit saturating count of neighbours, bit-sliced: s0 + 2 s1 + 4 s2 */
    u64 s0 = 0, s1 = 0, s2 = 0;
    for (int i = 0; i < 8; i++) {
      u64 c0 = s0 & n[i];
      s0 ^= n[i];
      u64 c1 = s1 & c0;
      s1 ^= c0;
      s2 |= c1;
    }
    /* alive next: exactly 3, or exactly 2 and alive now */
    next[y] = ~s2 & s1 & (s0 | mid);
  }
  memcpy(grid, next, sizeof grid);
}

static int population(void) {
  int p = 0;
  for (int y = 0; y < H; y++) p += __builtin_popcountl(grid[y]);
  return p;
}

static void set(int x, int y) { grid[y % H] |= 1ul << (x % 64); }

int main(int argc, char **argv) {
  static const char *gun[] = {
      "........................O...........", "......................O.O...........",
      "............OO......OO............OO", "...........O...O....OO............OO",
      "OO........O.....O...OO..............", "OO........O...O.OO....O.O...........",
      "..........O.....O.......O...........", "...........O...O....................",
      "............OO......................",
  };
  for (int y = 0; y < 9; y++)
    for (int x = 0; gun[y][x]; x++)
      if (gun[y][x] == 'O') set(x + 2, y + 2);
  set(41, 45), set(42, 45), set(40, 46), set(41, 46), set(41, 47); /* R-pentomino */
  u64 h = 0;
  for (int g = 0; g <= 200; g++) {
    if (g % 25 == 0) printf("gen %3d: %d alive\n", g, population());
    for (int y = 0; y < H; y++) h = (h ^ grid[y]) * 0x100000001b3ul;
    step();
  }
  for (int y = 0; y < 16; y++) {
    char row[65];
    for (int x = 0; x < 64; x++) row[x] = (grid[y] >> x) & 1 ? '#' : '.';
    row[64] = 0;
    printf("%s\n", row);
  }
  printf("history hash %016lx\n", h);
  (void)argc;
  (void)argv;
  return population() % 256;
}
