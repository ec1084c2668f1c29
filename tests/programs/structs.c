/* Structs by value: small ones returned in rax:rdx, large ones through a
 * hidden pointer, copies by assignment (gcc's inline moves or memcpy),
 * arrays of structs, nested structs and bit-fields. */
#include "rt.h"

struct pair { i64 a, b; };              /* returned in rax:rdx */
struct small { i32 x; i16 y; i8 z; i8 w; }; /* one register, no padding */
struct big { i64 v[9]; char tag[8]; };  /* returned in memory */
struct flags { u32 lo : 5, mid : 11, hi : 16; i32 s : 7; };
struct node { struct pair p; struct small s; struct flags f; };

__attribute__((noinline)) static struct pair divmod(i64 n, i64 d) {
  struct pair r = {n / d, n % d};
  return r;
}

__attribute__((noinline)) static struct small mk_small(int i) {
  struct small s = {i * 1000, (i16)(i * -300), (i8)(i * 50), (i8)-i};
  return s;
}

__attribute__((noinline)) static struct big mk_big(i64 seed) {
  struct big b;
  for (int i = 0; i < 9; i++) b.v[i] = seed * (i + 1) - i;
  for (int i = 0; i < 7; i++) b.tag[i] = (char)('a' + (seed + i) % 26);
  b.tag[7] = 0;
  return b;
}

/* by value in and out: the callee works on its own copy */
__attribute__((noinline)) static struct big twist(struct big b) {
  for (int i = 0; i < 9; i++) b.v[i] = b.v[8 - i] * 2 + b.v[i];
  b.tag[0] = 'Z';
  return b;
}

static u64 hash_bytes(const void *p, size_t n) {
  const u8 *b = p;
  u64 h = 1469598103934665603ul;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ul;
  return h;
}

int main(int argc, char **argv) {
  struct pair p = divmod(-12345, 100);
  printf("divmod(-12345,100) = {%ld, %ld}\n", p.a, p.b);

  i64 acc = 0;
  for (int i = -5; i <= 7; i++) {
    struct small s = mk_small(i);
    acc += s.x + s.y * 3 + s.z * 7 + s.w;
  }
  printf("small acc %ld\n", acc);

  struct big b1 = mk_big(7);
  struct big b2 = twist(b1);
  struct big b3 = b2; /* plain copy */
  b3.v[4] = -1;
  printf("b1 %s v0=%ld v8=%ld | b2 %s v0=%ld v8=%ld | b3.v4=%ld b2.v4=%ld\n", b1.tag, b1.v[0], b1.v[8],
         b2.tag, b2.v[0], b2.v[8], b3.v[4], b2.v[4]);

  struct node nodes[6];
  for (int i = 0; i < 6; i++) {
    struct node n;
    /* bit-field stores read-modify-write: start from zeros so the hash sees no stack garbage */
    memset(&n, 0, sizeof n);
    n.p = divmod(1000 + i * 37, 7 + i);
    n.s = mk_small(i + 1);
    n.f.lo = (u32)(i * 13);
    n.f.mid = (u32)(i * 500 + 3);
    n.f.hi = (u32)(0xffff - i);
    n.f.s = -i * 9;
    nodes[5 - i] = n;
  }
  struct node copy[6];
  memcpy(copy, nodes, sizeof nodes);
  copy[2].f.s = 63; /* the largest a signed 7-bit field holds */
  i64 fsum = 0;
  for (int i = 0; i < 6; i++) fsum += copy[i].f.lo + copy[i].f.mid + copy[i].f.hi + copy[i].f.s;
  printf("bit-fields sum %ld, s[0]=%d s[5]=%d\n", fsum, nodes[0].f.s, nodes[5].f.s);
  u64 h = hash_bytes(nodes, sizeof nodes) ^ hash_bytes(&b3, sizeof b3);
  printf("hash %016lx, sizes %zu %zu %zu %zu\n", h, sizeof(struct small), sizeof(struct big),
         sizeof(struct flags), sizeof(struct node));
  (void)argc;
  (void)argv;
  return (int)(h % 251);
}
