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
