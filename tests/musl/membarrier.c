/* membarrier(2): QUERY's mask of commands, the barriers that need no registration, the private
 * expedited ones refused (EPERM) until their registration and each flavour registered on its
 * own (a SYNC_CORE registration does not make PRIVATE_EXPEDITED ready, though GET_REGISTRATIONS
 * names it), flags only where a command takes them, unknown commands, and a fork's child that
 * keeps its parent's registrations while an exec'd image starts with none. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

/* linux/membarrier.h (not among musl's headers) */
#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_GLOBAL (1 << 0)
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED (1 << 1)
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED (1 << 2)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED (1 << 3)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED (1 << 4)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE (1 << 5)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE (1 << 6)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ (1 << 7)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ (1 << 8)
#define GET_REGISTRATIONS (1 << 9)
#define MEMBARRIER_CMD_FLAG_CPU 1

static long mb(int cmd, unsigned flags, int cpu) { return syscall(SYS_membarrier, cmd, flags, cpu); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1) {
    SHOW(mb(GET_REGISTRATIONS, 0, 0));
    SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
    return 0;
  }
  SHOW(mb(MEMBARRIER_CMD_QUERY, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_QUERY, 1, 0));
  SHOW(mb(MEMBARRIER_CMD_GLOBAL, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_GLOBAL, 1, 0));
  SHOW(mb(MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0));
  SHOW(mb(GET_REGISTRATIONS, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 2, 0));
  SHOW(mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0));
  SHOW(mb(GET_REGISTRATIONS, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 1, 0));
  SHOW(mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 99));
  SHOW(mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, 0));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, -1));
  SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, 4096));
  SHOW(mb(GET_REGISTRATIONS, 0, 0));
  SHOW(mb(GET_REGISTRATIONS, 1, 0));
  SHOW(mb(3, 0, 0));
  SHOW(mb(1 << 10, 0, 0));
  SHOW(mb(-1, 0, 0));
  SHOW(syscall(SYS_membarrier, 0x100000000L, 0L, 0L));
  pid_t pid = fork();
  if (pid == 0) {
    SHOW(mb(GET_REGISTRATIONS, 0, 0));
    SHOW(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
    execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  return 0;
}
