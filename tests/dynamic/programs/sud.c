/* Syscall User Dispatch in a dynamically linked program: armed with libc's
 * code as the exempt region (found through the loader's list of objects),
 * so libc's own system calls run while this program's direct ones raise
 * SIGSYS; then armed with no region and the selector, which the handler
 * opens so that libc's calls inside it, and its return, pass. */
#define _GNU_SOURCE
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#define SYSCALL_DISPATCH_FILTER_ALLOW 0
#define SYSCALL_DISPATCH_FILTER_BLOCK 1
#endif

static volatile char selector = SYSCALL_DISPATCH_FILTER_ALLOW;
static volatile int traps;
static volatile int last_nr, last_code, last_arch_ok;

static void on_sigsys(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  selector = SYSCALL_DISPATCH_FILTER_ALLOW;
  traps++;
  last_nr = si->si_syscall;
  last_code = si->si_code;
  last_arch_ok = si->si_arch == 0xc000003e;
  ucontext_t *uc = ctx;
  uc->uc_mcontext.gregs[REG_RAX] = 1000 + si->si_syscall;
}

static long raw_syscall0(long nr) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
  return r;
}

static unsigned long libc_start, libc_len;

static int find_libc(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size; (void)data;
  if (!strstr(info->dlpi_name, "libc.so")) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *p = &info->dlpi_phdr[i];
    if (p->p_type == PT_LOAD && (p->p_flags & PF_X)) {
      libc_start = info->dlpi_addr + p->p_vaddr;
      libc_len = p->p_memsz;
    }
  }
  return 1;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSYS, &sa, NULL);
  dl_iterate_phdr(find_libc, NULL);
  printf("found libc's code: %d\n", libc_len != 0);
  fflush(stdout);

  /* libc exempt: its calls run, this program's trap */
  long r = prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, libc_start, libc_len, &selector);
  selector = SYSCALL_DISPATCH_FILTER_BLOCK;
  long pid_libc = getpid();
  long pid_raw = raw_syscall0(SYS_getpid);
  selector = SYSCALL_DISPATCH_FILTER_BLOCK;
  long ppid_raw = raw_syscall0(SYS_getppid);
  selector = SYSCALL_DISPATCH_FILTER_ALLOW;
  long real_pid = raw_syscall0(SYS_getpid);
  printf("armed: %ld; libc's getpid real: %d; raw getpid %ld, raw getppid %ld; traps %d, last nr %d code %d arch %d\n",
         r, pid_libc == real_pid, pid_raw, ppid_raw, traps, last_nr, last_code, last_arch_ok);
  prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0);

  /* no region: libc's calls trap too, until the handler opens the selector */
  prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0, 0, &selector);
  selector = SYSCALL_DISPATCH_FILTER_BLOCK;
  long via_libc = syscall(SYS_getuid);
  printf("libc's syscall(SYS_getuid) gave %ld; traps %d, last nr %d\n", via_libc, traps, last_nr);
  selector = SYSCALL_DISPATCH_FILTER_BLOCK;
  long w = write(1, "never written\n", 14);
  printf("write gave %ld; traps %d, last nr %d\n", w, traps, last_nr);
  prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0);
  return traps;
}
