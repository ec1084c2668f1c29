/* rseq(2): registration (a stale rseq_cs cleared, the cpu and node ids written before the call
 * returns), its EINVAL, EFAULT, EBUSY and EPERM rules, unregistration (cpu_id reads -1 after it);
 * a critical section a signal (or natively a preemption) interrupts restarts at its abort handler, a section pointer left
 * outside one is cleared, a bad descriptor or an area the kernel cannot write is SIGSEGV; a
 * fork's child keeps its parent's registration, an exec'd image starts without one. Under glibc,
 * which registers an area of its own at start, that one is unregistered first. */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

#define RSEQ_SIG 0x53053053
#define RSEQ_FLAG_UNREGISTER 1

struct rseq_area {
  uint32_t cpu_id_start, cpu_id;
  uint64_t rseq_cs;
  uint32_t flags, node_id, mm_cid, pad;
} __attribute__((aligned(32)));

struct rseq_cs {
  uint32_t version, flags;
  uint64_t start_ip, post_commit_offset, abort_ip;
} __attribute__((aligned(32)));

static struct rseq_area area, other;
static struct rseq_cs bad_cs = {1, 0, 0, 0, 0};
/* a valid descriptor of a section the program never runs: the signature, then the abort handler */
static uint32_t sig_then_abort[2] = {RSEQ_SIG, 0};
static struct rseq_cs elsewhere_cs;

static long rseq(void *a, unsigned long len, long flags, unsigned long sig) { return syscall(SYS_rseq, a, len, flags, sig); }

#ifdef __GLIBC__
extern const ptrdiff_t __rseq_offset;
extern const unsigned int __rseq_size;
static void drop_libc_area(void) {
  if (__rseq_size == 0) return;
  char *libc_area = (char *)__builtin_thread_pointer() + __rseq_offset;
  if (rseq(libc_area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) != 0) rseq(libc_area, (__rseq_size + 31) & ~31u, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
}
#else
static void drop_libc_area(void) {}
#endif

/* A critical section that spins until something moves it to its abort handler: 1 when it was. */
static int spin_in_section(void) {
  int r;
  __asm__ volatile(
      ".pushsection .data\n"
      ".balign 32\n"
      "3: .long 0, 0\n"
      ".quad 1f, 2f - 1f, 4f\n"
      ".popsection\n"
      "leaq 3b(%%rip), %%rax\n"
      "movq %%rax, %[cs]\n"
      "1: jmp 1b\n"
      "2: movl $0, %[r]\n"
      "jmp 5f\n"
      ".long 0x53053053\n"
      "4: movl $1, %[r]\n"
      "5:\n"
      : [r] "=r"(r), [cs] "=m"(area.rseq_cs)
      :
      : "rax", "memory");
  return r;
}

static volatile int signals;
static void on_signal(int sig) { (void)sig; signals++; }

static void show_ids(const char *when) {
  printf("%s: cpu_id_start == cpu_id %d, cpu_id %s, node_id %u, mm_cid %u, rseq_cs %s\n", when, area.cpu_id_start == area.cpu_id,
         (int32_t)area.cpu_id == -1 ? "-1" : area.cpu_id < 4096 ? "a cpu" : "other", area.node_id, area.mm_cid, area.rseq_cs ? "set" : "0");
}

static void child_end(const char *what, int st) {
  if (WIFSIGNALED(st)) printf("%s: killed by signal %d\n", what, WTERMSIG(st));
  else printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  drop_libc_area();
  if (argc > 1) {
    SHOW(rseq(&area, 32, 0, RSEQ_SIG));
    return 0;
  }
  SHOW(rseq(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
  SHOW(rseq(&area, 31, 0, RSEQ_SIG));
  SHOW(rseq((char *)&area + 4, 32, 0, RSEQ_SIG));
  SHOW(rseq((char *)&area + 16, 64, 0, RSEQ_SIG));
  SHOW(rseq(&area, 32, 2, RSEQ_SIG));
  SHOW(rseq(&area, 32, 3, RSEQ_SIG));
  SHOW(rseq(0, 32, 0, RSEQ_SIG));
  SHOW(rseq((void *)0x7ffffffff000UL, 32, 0, RSEQ_SIG));
  SHOW(rseq((void *)0x7fffffffefe0UL, 64, 0, RSEQ_SIG));
  void *hole = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  SHOW(rseq(hole, 32, 0, RSEQ_SIG));

  area.cpu_id_start = area.cpu_id = area.node_id = area.mm_cid = 77;
  area.rseq_cs = 12345;
  SHOW(rseq(&area, 32, 0, RSEQ_SIG));
  show_ids("registered");
  SHOW(rseq(&area, 32, 0, RSEQ_SIG));
  SHOW(rseq(&area, 32, 0, RSEQ_SIG + 1));
  SHOW(rseq(&area, 64, 0, RSEQ_SIG));
  SHOW(rseq(&other, 32, 0, RSEQ_SIG));
  SHOW(rseq(&area, 64, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
  SHOW(rseq(&other, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
  SHOW(rseq(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1));
  SHOW(rseq(&area, 32, RSEQ_FLAG_UNREGISTER | 2, RSEQ_SIG));

  /* a signal in the critical section: its frame returns to the abort handler */
  signal(SIGALRM, on_signal);
  struct itimerval it = {{0, 0}, {0, 2000}};
  setitimer(ITIMER_REAL, &it, NULL);
  int aborted = spin_in_section();
  /* (natively a preemption may abort it before the signal comes) */
  printf("the section was aborted: %d\n", aborted);
  show_ids("after the abort");

  /* outside the section, a signal clears the pointer */
  signal(SIGUSR1, on_signal);
  elsewhere_cs.abort_ip = (uint64_t)(uintptr_t)&sig_then_abort[1];
  elsewhere_cs.start_ip = elsewhere_cs.abort_ip + 64;
  elsewhere_cs.post_commit_offset = 16;
  area.rseq_cs = (uint64_t)(uintptr_t)&elsewhere_cs;
  raise(SIGUSR1);
  show_ids("a signal outside a section");

  pid_t pid = fork();
  if (pid == 0) {
    SHOW(rseq(&area, 32, 0, RSEQ_SIG));
    /* a descriptor the kernel refuses (version 1) */
    area.rseq_cs = (uint64_t)(uintptr_t)&bad_cs;
    raise(SIGUSR1);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  child_end("a bad descriptor", st);

  SHOW(rseq(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
  show_ids("unregistered");
  SHOW(rseq(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));

  void *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  pid = fork();
  if (pid == 0) {
    rseq(ro, 32, 0, RSEQ_SIG);
    _exit(0);
  }
  waitpid(pid, &st, 0);
  child_end("a read-only area", st);

  SHOW(rseq(&area, 32, 0, RSEQ_SIG));
  pid = fork();
  if (pid == 0) {
    execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
    _exit(127);
  }
  waitpid(pid, &st, 0);
  child_end("exec", st);
  return 0;
}
