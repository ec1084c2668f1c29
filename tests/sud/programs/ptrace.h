/*
 * ptrace requests, options and register slots for the ptrace conformance
 * programs (on top of sud.h): the numbers of <sys/ptrace.h> and
 * <sys/user.h>, which these freestanding programs do not include.
 */
#define PTRACE_TRACEME 0
#define PTRACE_PEEKDATA 2
#define PTRACE_CONT 7
#define PTRACE_GETREGS 12
#define PTRACE_SETREGS 13
#define PTRACE_DETACH 17
#define PTRACE_SYSCALL 24
#define PTRACE_SETOPTIONS 0x4200
#define PTRACE_GETEVENTMSG 0x4201
#define PTRACE_GETSIGINFO 0x4202
#define PTRACE_GET_SYSCALL_INFO 0x420e
#define PTRACE_O_TRACESYSGOOD 0x1
#define PTRACE_O_TRACEFORK 0x2
#define PTRACE_O_TRACEVFORK 0x4
#define PTRACE_O_TRACECLONE 0x8
#define PTRACE_O_TRACEEXEC 0x10
#define PTRACE_O_TRACEVFORKDONE 0x20
#define PTRACE_O_TRACEEXIT 0x40
#define PTRACE_O_TRACESECCOMP 0x80
#define PTRACE_O_EXITKILL 0x100000
/* wait4's __WALL: children of any kind, a tracee that is no child too */
#define WALL 0x40000000
#define SIGTRAP 5
#define SIGSTOP 19
/* struct user_regs_struct slots */
#define REG_RAX 10
#define REG_ORIG_RAX 15
#define REG_RIP 16

/*
 * In a process of its own (a tracee's child or new image): SUD armed over
 * the region, the selector at BLOCK, getppid dispatched; the handler
 * records the SIGSYS (sud.h's record) and emulates `value`, which the call
 * returns.
 */
static volatile i64 emulated_value;
static volatile unsigned char dispatch_sel;
static void emulate_value(int sig, void *info, void *uc) {
  (void)sig;
  record(info, uc);
  SAVED_RAX(uc) = emulated_value;
}
__attribute__((unused)) static i64 dispatched_getppid(i64 value) {
  emulated_value = value;
  sigact(SIGSYS, emulate_value, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
  rsud(1, REGION, &dispatch_sel);
  dispatch_sel = 1;
  i64 r = osys(110, 0, 0, 0, 0, 0);
  dispatch_sel = 0;
  return r;
}

/* One field of a stop a tracer prints: "what=v ". */
__attribute__((unused)) static void stop(const char *what, i64 v) { out(what); out("="); outi(v); out(" "); }

/* The tracee's results[0..n), read with PTRACE_PEEKDATA, printed a line each as names[i]=value. */
__attribute__((unused)) static void print_peeked(i64 pid, const volatile i64 *results, const char *const *names, int n) {
  for (int i = 0; i < n; i++) {
    i64 v = 0;
    sc6(101, PTRACE_PEEKDATA, pid, (i64)&results[i], (i64)&v, 0, 0);
    out(names[i]);
    out("=");
    outi(v);
    out("\n");
  }
}

/* A child that runs child() (which asks to be traced and stops), and the wait for its first stop: its pid. */
__attribute__((unused)) static i64 fork_traced(void (*child)(void), int *st) {
  i64 pid = sc0(57);
  if (pid == 0) child();
  *st = 0;
  sc6(61, pid, (i64)st, 0, 0, 0, 0);
  return pid;
}

/* The tracee resumed with request (and signal sig), then waited for: its next wait status. */
__attribute__((unused)) static int resume_wait(i64 pid, i64 request, i64 sig) {
  int st = 0;
  sc6(101, request, pid, 0, sig, 0, 0);
  sc6(61, pid, (i64)&st, 0, 0, 0, 0);
  return st;
}

/* The next wait status of task pid (wait4 with __WALL and opts, WUNTRACED for instance). */
__attribute__((unused)) static int wait_status(i64 pid, int opts) {
  int st = 0;
  sc6(61, pid, (i64)&st, opts | WALL, 0, 0, 0);
  return st;
}
