/* The vDSO's mappings as a process meets them: AT_SYSINFO_EHDR points at an
 * ELF shared object at the start of [vdso]; [vvar], [vvar_vclock] and
 * [vdso] follow each other in /proc/self/maps; a fork's child has them at
 * the same place and its clocks work; and what Linux refuses to do to these
 * special mappings: [vvar] made writable or executable, any of them split by
 * mprotect, munmap or mremap, grown by mremap. Prints layouts as offsets
 * from the vDSO, never addresses, which the host randomizes. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long vdso;

static void show_maps(const char *who) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    char perms[8];
    char *name = strchr(line, '[');
    if (!name || strstr(name, "[vv") != name && strstr(name, "[vdso]") != name) continue;
    sscanf(line, "%lx-%lx %7s", &a, &b, perms);
    name[strcspn(name, "\n")] = 0;
    printf("%s: %s %s%#lx, %lu pages\n", who, name, a < vdso ? "-" : "+", a < vdso ? vdso - a : a - vdso, (b - a) / 4096);
  }
  fclose(f);
}

static const char *err(int rc) {
  return rc == 0 ? "ok" : strerror(errno);
}

int main(void) {
  vdso = getauxval(AT_SYSINFO_EHDR);
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)vdso;
  printf("AT_SYSINFO_EHDR page-aligned %d, ELF %d, class64 %d, ET_DYN %d, x86-64 %d\n", (vdso & 4095) == 0,
         memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0, eh->e_ident[EI_CLASS] == ELFCLASS64, eh->e_type == ET_DYN,
         eh->e_machine == EM_X86_64);
  show_maps("parent");
  pid_t pid = fork();
  if (pid == 0) {
    struct timespec ts;
    printf("child: same AT_SYSINFO_EHDR %d, clock %d\n", getauxval(AT_SYSINFO_EHDR) == vdso,
           clock_gettime(CLOCK_MONOTONIC, &ts));
    show_maps("child");
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  unsigned long vvar = vdso - 6 * 4096;
  printf("mprotect [vvar] rw: %s\n", err(mprotect((void *)vvar, 4096, PROT_READ | PROT_WRITE)));
  printf("mprotect [vvar] rx: %s\n", err(mprotect((void *)vvar, 4096, PROT_READ | PROT_EXEC)));
  printf("mprotect a [vdso] page: %s\n", err(mprotect((void *)vdso, 4096, PROT_READ)));
  printf("munmap a [vdso] page: %s\n", err(munmap((void *)(vdso + 4096), 4096)));
  printf("munmap a [vvar] page: %s\n", err(munmap((void *)vvar, 4096)));
  void *r = mremap((void *)vdso, 2 * 4096, 3 * 4096, 0);
  printf("mremap [vdso] bigger: %s\n", r == MAP_FAILED ? strerror(errno) : "ok");
  r = mremap((void *)vdso, 2 * 4096, 4096, 0);
  printf("mremap [vdso] smaller: %s\n", r == MAP_FAILED ? strerror(errno) : "ok");
  printf("mprotect [vdso] rwx: %s\n", err(mprotect((void *)vdso, 2 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC)));
  show_maps("after");
  return 0;
}
