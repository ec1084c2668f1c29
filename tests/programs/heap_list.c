/* Heap memory straight from the kernel: a free-list allocator over brk
 * that grows the break page by page, a linked list built in it, and a
 * second list in mmap'd anonymous pages that are unmapped at the end. */
#include "rt.h"

static long sys_brk(void *p) { return syscall3(SYS_brk, (long)p, 0, 0); }

static u8 *heap_end, *heap_top;
static u64 brk_calls;

struct block { size_t size; struct block *next; };
static struct block *free_list;

static void *alloc(size_t n) {
  n = (n + 15) & ~(size_t)15;
  for (struct block **p = &free_list; *p; p = &(*p)->next)
    if ((*p)->size >= n) {
      struct block *b = *p;
      *p = b->next;
      return b + 1;
    }
  size_t need = n + sizeof(struct block);
  if (heap_top + need > heap_end) {
    u8 *want = heap_end + ((need + 4095) & ~(size_t)4095);
    brk_calls++;
    if ((u8 *)sys_brk(want) != want) return NULL;
    heap_end = want;
  }
  struct block *b = (struct block *)heap_top;
  heap_top += need;
  b->size = n;
  return b + 1;
}

static void release(void *p) {
  struct block *b = (struct block *)p - 1;
  b->next = free_list;
  free_list = b;
}

struct item { struct item *next; i64 value; char name[16]; };

static void *map_pages(size_t len) {
  /* PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS */
  long r = syscall6(SYS_mmap, 0, (long)len, 3, 0x22, -1, 0);
  return r < 0 && r > -4096 ? NULL : (void *)r;
}

int main(int argc, char **argv) {
  u8 *heap_start = heap_end = heap_top = (u8 *)sys_brk(0);
  int page_aligned = ((u64)heap_start & 4095) == 0;
  struct item *head = NULL;
  for (int i = 0; i < 2000; i++) {
    struct item *it = alloc(sizeof *it);
    it->value = (i64)i * i - 1000;
    for (int k = 0; k < 15; k++) it->name[k] = (char)('a' + (i + k) % 26);
    it->name[15] = 0;
    it->next = head;
    head = it;
  }
  /* drop every item whose value is odd, reuse the blocks for new ones */
  int dropped = 0;
  for (struct item **p = &head; *p;) {
    if ((*p)->value & 1) {
      struct item *dead = *p;
      *p = dead->next;
      release(dead);
      dropped++;
    } else p = &(*p)->next;
  }
  u64 grown = brk_calls;
  for (int i = 0; i < dropped; i++) {
    struct item *it = alloc(sizeof *it);
    it->value = -i;
    it->name[0] = 0;
    it->next = head;
    head = it;
  }
  i64 sum = 0;
  int len = 0;
  for (struct item *it = head; it; it = it->next) sum += it->value, len++;
  printf("brk heap: aligned start %d, %lu brk calls (none more after reuse: %d), %zu bytes used\n", page_aligned,
         brk_calls, brk_calls == grown, (size_t)(heap_top - heap_start));
  printf("list: %d items, %d recycled, sum %ld\n", len, dropped, sum);

  size_t len2 = 64 * 4096;
  struct item *pool = map_pages(len2);
  if (!pool) return 99;
  int zeroed = 1;
  for (size_t i = 0; i < len2 / 8; i++)
    if (((u64 *)pool)[i]) zeroed = 0;
  size_t n = len2 / sizeof *pool;
  for (size_t i = 0; i < n; i++) {
    pool[i].next = i + 1 < n ? &pool[i + 1] : NULL;
    pool[i].value = (i64)(i % 1000);
  }
  i64 s2 = 0;
  for (struct item *it = pool; it; it = it->next) s2 += it->value;
  long un = syscall3(SYS_munmap, (long)pool, (long)len2, 0);
  printf("mmap list: %zu items, zero-filled %d, sum %ld, munmap %ld\n", n, zeroed, s2, un);
  (void)argc;
  (void)argv;
  return (int)((sum + s2 + len) % 256);
}
