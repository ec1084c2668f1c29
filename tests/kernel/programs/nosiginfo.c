/* A handler installed without SA_SIGINFO: Linux copies no siginfo into the
 * frame, so its 128 bytes keep what the stack held. The stack below is filled
 * with a pattern first; the handler reports how many siginfo bytes still hold
 * it, leaving out si_pid and si_uid (all 120 on Linux), then the same for an
 * SA_SIGINFO handler (where signo, errno, code and the sender's pid/uid
 * overwrite the pattern). */
#include "sys.h"

struct ksa { u64 handler, flags, restorer, mask; };
extern void restorer(void);
__asm__(".text\nrestorer: mov $15, %eax\nsyscall\n");

static volatile i64 kept;

static void handler(int sig, unsigned char *info, void *uc) {
  (void)sig; (void)uc;
  i64 n = 0;
  /* bytes 16..23 are si_pid and si_uid: the host's pid may hold a 0x5a byte */
  for (int i = 0; i < 128; i++) n += (i < 16 || i >= 24) && info[i] == 0x5a;
  kept = n;
}

static void __attribute__((noinline)) paint(void) {
  volatile unsigned char buf[16384];
  for (u64 i = 0; i < sizeof buf; i++) buf[i] = 0x5a;
}

static void run(u64 flags, const char *name) {
  struct ksa sa = { (u64)handler, 0x04000000 | flags, (u64)restorer, 0 };
  sc6(13, 10, (i64)&sa, 0, 8, 0, 0);
  paint();
  sc2(62, sc0(39), 10); /* kill(getpid(), SIGUSR1) */
  kv(name, kept);
}

void _start(void) {
  run(0, "without_sa_siginfo_pattern_bytes");
  run(4, "with_sa_siginfo_pattern_bytes");
  quit(0);
}
