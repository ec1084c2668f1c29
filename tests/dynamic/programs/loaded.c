/* A dynamically linked program's view of its own loading: its arguments and
 * environment, what the auxiliary vector says of it and of its loader, the
 * objects the loader mapped (the vDSO aside, which the machine has none of),
 * and libc's ifunc-chosen string and memory functions at work. */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

extern char _start[];

static int show(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size; (void)data;
  if (strncmp(info->dlpi_name, "linux-vdso", 10) == 0) return 0;
  printf("object \"%s\" with %d program headers\n", info->dlpi_name, info->dlpi_phnum);
  return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);
  const char *v = getenv("DYN_TEST_VAR");
  printf("DYN_TEST_VAR = %s\n", v ? v : "(unset)");
  printf("AT_ENTRY is _start: %d\n", getauxval(AT_ENTRY) == (unsigned long)_start);
  printf("AT_BASE set: %d, AT_PHNUM %lu, AT_PHENT %lu\n", getauxval(AT_BASE) != 0, getauxval(AT_PHNUM), getauxval(AT_PHENT));
  const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
  printf("AT_PHDR's first header type %u\n", ph ? ph[0].p_type : 0);
  printf("AT_EXECFN ends with argv[0]: %d\n", strstr((char *)getauxval(AT_EXECFN), argv[0]) != NULL);
  dl_iterate_phdr(show, NULL);
  char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date"};
  qsort(words, 6, sizeof words[0], cmp);
  char joined[128] = "";
  for (int i = 0; i < 6; i++) { strcat(joined, words[i]); strcat(joined, " "); }
  printf("%s(%zu bytes)\n", joined, strlen(joined));
  char *big = malloc(1 << 20);
  memset(big, 'x', 1 << 20);
  memcpy(big + 10, "needle", 6);
  printf("memchr finds the needle at %td, strrchr finds x at %td\n", (char *)memchr(big, 'n', 1 << 20) - big, strrchr(big + 20, 'x') ? 1 : 0);
  free(big);
  return argc + 40;
}
