/* A binary search tree whose nodes come from a bump allocator over a
 * static arena: inserts, lookups, deletions, in-order walk, height, and
 * a rebuild into a perfectly balanced tree in a second arena region. */
#include "rt.h"

struct node { i64 key; u64 count; struct node *l, *r; };

static _Alignas(16) u8 arena[1 << 17];
static size_t arena_used;

static void *bump(size_t n) {
  n = (n + 15) & ~(size_t)15;
  if (arena_used + n > sizeof arena) return NULL;
  void *p = arena + arena_used;
  arena_used += n;
  return p;
}

static struct node *insert(struct node *t, i64 key) {
  struct node **link = &t, *root = t;
  while (*link) {
    if (key == (*link)->key) {
      (*link)->count++;
      return root;
    }
    link = key < (*link)->key ? &(*link)->l : &(*link)->r;
  }
  struct node *n = bump(sizeof *n);
  n->key = key;
  n->count = 1;
  n->l = n->r = NULL;
  *link = n;
  return root ? root : n;
}

static struct node *erase(struct node *t, i64 key) {
  if (!t) return NULL;
  if (key < t->key) t->l = erase(t->l, key);
  else if (key > t->key) t->r = erase(t->r, key);
  else {
    if (!t->l) return t->r;
    if (!t->r) return t->l;
    struct node *m = t->r;
    while (m->l) m = m->l;
    t->key = m->key;
    t->count = m->count;
    t->r = erase(t->r, m->key);
  }
  return t;
}

static int height(const struct node *t) {
  if (!t) return 0;
  int a = height(t->l), b = height(t->r);
  return 1 + (a > b ? a : b);
}

static int flatten(const struct node *t, i64 *out, int n) {
  if (!t) return n;
  n = flatten(t->l, out, n);
  out[n++] = t->key;
  return flatten(t->r, out, n);
}

static struct node *build(const i64 *keys, int lo, int hi) {
  if (lo >= hi) return NULL;
  int mid = lo + (hi - lo) / 2;
  struct node *n = bump(sizeof *n);
  n->key = keys[mid];
  n->count = 1;
  n->l = build(keys, lo, mid);
  n->r = build(keys, mid + 1, hi);
  return n;
}

static const struct node *find(const struct node *t, i64 key) {
  while (t && t->key != key) t = key < t->key ? t->l : t->r;
  return t;
}

static i64 keys[4096];

int main(int argc, char **argv) {
  struct node *root = NULL;
  u64 x = 88172645463325252ul;
  for (int i = 0; i < 3000; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    root = insert(root, (i64)(x % 5000) - 2500);
  }
  int n1 = flatten(root, keys, 0), h1 = height(root);
  u64 dups = 0;
  for (int i = 0; i < n1; i++) dups += find(root, keys[i])->count - 1;
  printf("after inserts: %d distinct, %lu duplicates, height %d, arena %zu bytes\n", n1, dups, h1, arena_used);
  for (i64 k = -2500; k < 2500; k += 3) root = erase(root, k);
  int n2 = flatten(root, keys, 0), ordered = 1;
  for (int i = 1; i < n2; i++)
    if (keys[i - 1] >= keys[i]) ordered = 0;
  printf("after erasing every third key: %d left, ordered %d, height %d\n", n2, ordered, height(root));
  struct node *bal = build(keys, 0, n2);
  int n3 = flatten(bal, keys + n2, 0);
  int same = n3 == n2 && memcmp(keys, keys + n2, (size_t)n2 * sizeof keys[0]) == 0;
  printf("balanced rebuild: %d nodes, height %d, same order %d, min %ld max %ld\n", n3, height(bal), same,
         keys[0], keys[n2 - 1]);
  printf("find(17) %s, find(18) %s\n", find(bal, 17) ? "yes" : "no", find(bal, 18) ? "yes" : "no");
  (void)argc;
  (void)argv;
  return (n1 + n2 + h1) % 256 + !ordered + !same;
}
