/* The atomic builtins a lock-free data structure uses: fetch-and-add
 * (lock xadd), compare-and-swap (lock cmpxchg) at every width, exchange
 * (xchg) as a spinlock, fetch-or/and/xor, and a double-width CAS with
 * cmpxchg16b for an ABA-tagged stack head. */
#include "rt.h"

static u8 b8;
static u16 b16;
static u32 b32;
static u64 b64;

struct node { struct node *next; int value; };
static struct node pool[64];

/* {pointer, tag}: the tag changes on every pop so a stale head never matches */
static _Alignas(16) struct { struct node *ptr; u64 tag; } head;

static int cas16(void *addr, u64 *old_lo, u64 *old_hi, u64 new_lo, u64 new_hi) {
  u8 ok;
  __asm__ volatile("lock cmpxchg16b %1; sete %0"
                   : "=q"(ok), "+m"(*(u128 *)addr), "+a"(*old_lo), "+d"(*old_hi)
                   : "b"(new_lo), "c"(new_hi)
                   : "memory", "cc");
  return ok;
}

static void push(struct node *n) {
  u64 lo = (u64)head.ptr, hi = head.tag;
  do n->next = (struct node *)lo;
  while (!cas16(&head, &lo, &hi, (u64)n, hi + 1));
}

static struct node *pop(void) {
  u64 lo = (u64)head.ptr, hi = head.tag;
  while (lo && !cas16(&head, &lo, &hi, (u64)((struct node *)lo)->next, hi + 1)) {
  }
  return (struct node *)lo;
}

static volatile int lock;
static _Bool flag;
static void acquire(void) { while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE)) {} }
static void release(void) { __atomic_store_n(&lock, 0, __ATOMIC_RELEASE); }

int main(int argc, char **argv) {
  u64 h = 0;
  for (int i = 0; i < 300; i++) {
    h += __atomic_fetch_add(&b8, 7, __ATOMIC_SEQ_CST);
    h += __atomic_fetch_sub(&b16, 1001, __ATOMIC_SEQ_CST);
    h += __atomic_add_fetch(&b32, 0x01234567, __ATOMIC_SEQ_CST);
    h += __atomic_fetch_add(&b64, 0x0123456789abcdeful, __ATOMIC_RELAXED);
    h = h * 3 + __atomic_fetch_or(&b32, 1u << (i % 32), __ATOMIC_SEQ_CST);
    h = h * 3 + __atomic_fetch_and(&b64, ~(1ul << (i % 64)), __ATOMIC_SEQ_CST);
    h = h * 3 + __atomic_xor_fetch(&b16, (u16)(i * 37), __ATOMIC_SEQ_CST);
  }
  printf("fetch ops: %02x %04x %08x %016lx hash %016lx\n", b8, b16, b32, b64, h);

  int wins = 0, losses = 0;
  for (u32 i = 0; i < 100; i++) {
    u32 expect = i % 3 ? b32 : b32 + 1;
    if (__atomic_compare_exchange_n(&b32, &expect, i * 2654435761u, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
      wins++;
    else
      losses += expect == b32; /* a failed CAS loads the current value */
    u8 e8 = b8;
    __sync_bool_compare_and_swap(&b8, e8, (u8)(e8 + 3));
    u16 e16 = (u16)(b16 ^ (i & 1));
    wins += __sync_bool_compare_and_swap(&b16, e16, (u16)(e16 * 3));
    losses += (int)(__sync_val_compare_and_swap(&b64, b64, b64 ^ i) != 0);
  }
  printf("cas: %d wins %d losses, now %02x %04x %08x %016lx\n", wins, losses, b8, b16, b32, b64);

  acquire();
  int held = lock;
  release();
  int first = __atomic_test_and_set(&flag, 0);
  int second = __atomic_test_and_set(&flag, 0);
  printf("spinlock held %d released %d, test_and_set %d then %d\n", held, lock, first, second);

  for (int i = 0; i < 64; i++) pool[i].value = i * i, push(&pool[i]);
  int sum = 0, count = 0;
  struct node *n;
  while ((n = pop()) && count < 40) sum += n->value, count++;
  push(&pool[63]); /* popped already: reusing it bumps the tag, not the contents */
  while ((n = pop())) sum -= n->value, count++;
  printf("tagged stack: %d pops, sum %d, tag %lu\n", count, sum, head.tag);
  (void)argc;
  (void)argv;
  return (int)((h ^ (u64)sum ^ (u64)wins) & 0xff);
}
