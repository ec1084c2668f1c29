/*
 * PTRACE_O_TRACEEXIT: a traced task about to exit stops first
 * (PTRACE_EVENT_EXIT, its wait status as the event message) and exits when
 * resumed: after exit_group, exit, a fatal signal (after its
 * signal-delivery stop), and SUD's kill for a bad selector value (no
 * signal-delivery stop: the kernel forces the exit).
 */
#include "sud.h"
#include "ptrace.h"

static volatile unsigned char sel;

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
    out(" msg=");
    outi((i64)msg);
    out(" orig_rax=");
    outi((i64)regs[REG_ORIG_RAX]);
    out(" rax=");
    outi((i64)regs[REG_RAX]);
  }
  out("\n");
}

void cmain(u64 *sp) {
  (void)sp;
  for (int how = 0; how < 4; how++) {
    i64 pid = sc0(57);
    if (pid == 0) child(how);
    int st = 0;
    sc6(61, pid, (i64)&st, 0, 0, 0, 0);
    kv("setoptions", sc6(101, PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXIT, 0, 0));
    i64 inject = 0;
    for (int i = 0; i < 12; i++) {
      sc6(101, PTRACE_CONT, pid, 0, inject, 0, 0);
      sc6(61, pid, (i64)&st, WALL, 0, 0, 0);
      line(how, pid, pid, st);
      if ((st & 0x7f) != 0x7f) break;
      inject = (st >> 16) ? 0 : (st >> 8) & 0xff;
    }
  }
  sc1(231, 0);
}
