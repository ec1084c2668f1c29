/*
 * A traced process that calls execve: Linux sends it SIGTRAP (the legacy
 * exec report, for PTRACE_TRACEME and PTRACE_ATTACH, not PTRACE_SEIZE), a
 * signal-delivery stop its tracer sees after execve's syscall-exit stop;
 * under PTRACE_O_TRACEEXEC it stops inside execve instead (PTRACE_EVENT_EXEC,
 * the former pid as the event message, rax still -ENOSYS). The new image
 * then arms SUD, and its dispatched syscall shows the tracer only the
 * SIGSYS.
 */
#include "sud.h"
#include "ptrace.h"

/* the exec'd image: getppid dispatched, the exit status what the handler made of it */
static void exec_child(void) {
  i64 r = dispatched_getppid(99);
  sc1(231, r == 99 && h_code == 2 ? 7 : 8);
}

static void trace_exec(char **argv, i64 options) {
  i64 pid = sc0(57);
  if (pid == 0) {
    sc6(101, PTRACE_TRACEME, 0, 0, 0, 0, 0);
    sc2(62, sc0(39), 19);
    char *args[] = { argv[0], "exec_child", 0 };
    char *envp[] = { 0 };
    sc3(59, "/proc/self/exe", args, envp);
    sc1(231, 99);
  }
  int st = 0;
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  kv("first_stop", st);
  kv("setoptions", sc6(101, PTRACE_SETOPTIONS, pid, 0, options, 0, 0));
  for (int n = 0; n < 60; n++) {
    sc6(101, PTRACE_SYSCALL, pid, 0, 0, 0, 0);
    sc6(61, pid, (i64)&st, 0, 0, 0, 0);
    if ((st & 0x7f) != 0x7f) break;
    int sig = (st >> 8) & 0xff;
    u64 regs[27];
    sc6(101, PTRACE_GETREGS, pid, 0, (i64)regs, 0, 0);
    u64 msg = 0xeeee;
    sc6(101, PTRACE_GETEVENTMSG, pid, 0, (i64)&msg, 0, 0);
    out("stop=");
    outi(st);
    out(" orig_rax=");
    outi((i64)regs[15]);
    out(" rax=");
    outi((i64)regs[10]);
    out(" msg_is_pid=");
    outi(msg == (u64)pid);
    if (sig != (SIGTRAP | 0x80) && (st >> 16) == 0) {
      int info[32];
      sc6(101, PTRACE_GETSIGINFO, pid, 0, (i64)info, 0, 0);
      out(" si_signo=");
      outi(info[0]);
      out(" si_code=");
      outi(info[2]);
      out(" si_pid_is_child=");
      outi(info[4] == pid);
      out("\n");
      /* deliver a SIGSYS; the exec's SIGTRAP is the tracer's to swallow */
      if (sig == SIGSYS) {
        sc6(101, PTRACE_SYSCALL, pid, 0, SIGSYS, 0, 0);
        sc6(61, pid, (i64)&st, 0, 0, 0, 0);
        if ((st & 0x7f) != 0x7f) break;
        out("after_sigsys=");
        outi(st);
      }
    }
    out("\n");
  }
  kv("end", st);
}

void cmain(u64 *sp) {
  char **argv = (char **)(sp + 1);
  if (sp[0] > 1 && streq(argv[1], "exec_child")) exec_child();
  trace_exec(argv, 1);
  /* PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC */
  trace_exec(argv, 0x11);
  sc1(231, 0);
}
