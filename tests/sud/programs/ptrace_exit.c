/*
 * PTRACE_O_TRACEEXIT: a traced task about to exit stops first
 * (PTRACE_EVENT_EXIT, its wait status as the event message) and exits when
 * resumed: after exit_group, exit, a fatal signal (after its
 * signal-delivery stop), and SUD's kill for a bad selector value (no
 * signal-delivery stop: the kernel forces the exit); and a thread's exit(2),
 * the thread traced through PTRACE_O_TRACECLONE and reaped by the tracer.
 */
#include "sud.h"
#include "ptrace.h"

static volatile unsigned char sel;
static unsigned char stack[16384] __attribute__((aligned(16)));
/* a new thread's entry: exit(3) */
__asm__(".text\n.globl exit_thread_start\nexit_thread_start:\n mov $60, %eax\n mov $3, %edi\n syscall\n ud2\n");
extern char exit_thread_start[];

static void child(int how) {
  sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
  sc2(62, sc0(39), SIGSTOP);
  if (how == 0) sc1(231, 5);
  if (how == 1) *(volatile int *)8 = 1;
  if (how == 2) {
    rsud(1, REGION, &sel);
    sel = 7;
    sc0(39);
  }
  if (how == 3) sc1(60, 6);
  if (how == 4) {
    /* a thread (CLONE_VM | FS | FILES | SIGHAND | THREAD | SYSVSEM) that calls exit(3); the
     * tracer holds this one at its clone event until the thread is gone */
    u64 *sp = (u64 *)(stack + sizeof stack);
    *--sp = (u64)exit_thread_start;
    i64 tid = sc6(56, 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000, (i64)sp, 0, 0, 0, 0);
    if (tid == 0) __asm__ volatile("ret");
    sc1(231, 4);
  }
  sc1(231, 99);
}

static void line(int how, i64 pid, i64 who, int st) {
  out("how=");
  outi(how);
  out(" main=");
  outi(who == pid);
  out(" st=");
  outi(st);
  if ((st & 0x7f) == 0x7f) {
    u64 msg = 0;
    sc6(101, PTRACE_GETEVENTMSG, who, 0, (i64)&msg, 0, 0);
    u64 regs[27];
    sc6(101, PTRACE_GETREGS, who, 0, (i64)regs, 0, 0);
    /* a clone event's message is the new tid: shown as whether it is one */
    out(" msg=");
    outi((st >> 16) == 3 ? msg > 1 : (i64)msg);
    out(" orig_rax=");
    outi((i64)regs[REG_ORIG_RAX]);
    out(" rax=");
    outi((i64)regs[REG_RAX]);
  }
  out("\n");
}

void cmain(u64 *sp) {
  (void)sp;
  for (int how = 0; how < 5; how++) {
    i64 pid = sc0(57);
    if (pid == 0) child(how);
    int st = 0;
    sc6(61, pid, (i64)&st, 0, 0, 0, 0);
    kv("setoptions", sc6(101, PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXIT | PTRACE_O_TRACECLONE, 0, 0));
    i64 inject = 0;
    for (int i = 0; i < 12; i++) {
      sc6(101, PTRACE_CONT, pid, 0, inject, 0, 0);
      sc6(61, pid, (i64)&st, WALL, 0, 0, 0);
      line(how, pid, pid, st);
      if ((st & 0x7f) != 0x7f) break;
      inject = (st >> 16) ? 0 : (st >> 8) & 0xff;
      if ((st >> 16) == 3) {
        /* the thread: its SIGSTOP, its exit stop, its end */
        u64 tid = 0;
        sc6(101, PTRACE_GETEVENTMSG, pid, 0, (i64)&tid, 0, 0);
        for (int j = 0; j < 3; j++) {
          sc6(61, (i64)tid, (i64)&st, WALL, 0, 0, 0);
          line(how, pid, (i64)tid, st);
          if ((st & 0x7f) != 0x7f) break;
          sc6(101, PTRACE_CONT, (i64)tid, 0, 0, 0, 0);
        }
      }
    }
  }
  sc1(231, 0);
}
