/*
 * Freestanding helpers for the SUD conformance programs. Printing goes through
 * rsys, a syscall stub inside the dispatcher region, so a program can print
 * while its selector is at BLOCK as long as the region covers region_start..region_end.
 */
#include "../../kernel/programs/syscall.h"

/*
 * region_start..region_end: the dispatcher region most programs use, holding
 * a way out of a handler (restorer_in) and a syscall stub (rsys).
 * restorer_out and osys are the same code outside it.
 */
__asm__(
  ".text\n.p2align 6\n"
  ".globl region_start\nregion_start:\n"
  ".globl restorer_in\nrestorer_in: mov $15, %eax\n syscall\n ud2\n"
  ".globl rsys\nrsys: mov %rdi, %rax\n mov %rsi, %rdi\n mov %rdx, %rsi\n mov %rcx, %rdx\n mov %r8, %r10\n mov %r9, %r8\n"
  ".globl rsys_sc\nrsys_sc: syscall\n"
  ".globl rsys_after\nrsys_after: ret\n"
  ".globl region_end\nregion_end: nop\n"
  ".p2align 4\n"
  ".globl restorer_out\nrestorer_out: mov $15, %eax\n syscall\n ud2\n"
  ".globl osys\nosys: mov %rdi, %rax\n mov %rsi, %rdi\n mov %rdx, %rsi\n mov %rcx, %rdx\n mov %r8, %r10\n mov %r9, %r8\n"
  ".globl osys_sc\nosys_sc: syscall\n"
  ".globl osys_after\nosys_after: ret\n"
  ".globl i80\ni80: push %rbx\n mov %rdi, %rax\n mov %esi, %ebx\n"
  ".globl i80_sc\ni80_sc: int $0x80\n"
  ".globl i80_after\ni80_after: pop %rbx\n ret\n"
  ".globl _start\n_start: mov %rsp, %rdi\n and $-16, %rsp\n call cmain\n ud2\n");
extern i64 rsys(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e);
extern i64 osys(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e);
/* int $0x80 with rax = n (all 64 bits), ebx = a */
extern i64 i80(i64 n, i64 a);
extern char region_start[], region_end[], restorer_in[], restorer_out[];
extern char rsys_sc[], rsys_after[], osys_sc[], osys_after[], i80_sc[], i80_after[];
#define REGION (u64)region_start, (u64)(region_end - region_start)

/* printing and exit go through rsys, so they run whatever the selector says */
#define PRINT_SYSCALL3(n, a, b, c) rsys(n, (i64)(a), (i64)(b), (i64)(c), 0, 0)
#include "../../kernel/programs/sys.h"
static int streq(const char *a, const char *b) { while (*a && *a == *b) a++, b++; return *a == *b; }

#define SA_SIGINFO 4UL
#define SA_RESTORER 0x04000000UL
#define SA_ONSTACK 0x08000000UL
#define SA_NODEFER 0x40000000UL
#define SA_RESETHAND 0x80000000UL
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGSYS 31
#define BIT(s) (1UL << ((s) - 1))

struct ksa { u64 handler, flags, restorer, mask; };
static i64 sigact(int sig, void *h, u64 flags, void *restorer, u64 mask) {
  struct ksa sa = { (u64)h, flags, (u64)restorer, mask };
  return rsys(13, sig, (i64)&sa, 0, 8, 0);
}
/* prctl(PR_SET_SYSCALL_USER_DISPATCH) from outside the region, and through the region's stub */
static i64 sud(i64 mode, u64 off, u64 len, const volatile void *sel) { return sc6(157, 59, mode, (i64)off, (i64)len, (i64)sel, 0); }
static i64 rsud(i64 mode, u64 off, u64 len, const volatile void *sel) { return rsys(157, 59, mode, (i64)off, (i64)len, (i64)sel); }
static i64 mask_get(void) { u64 m = 0; rsys(14, 0, 0, (i64)&m, 8, 0); return (i64)m; }
static void mask_set(int how, u64 m) { rsys(14, how, (i64)&m, 0, 8, 0); }

/* what the last handler saw */
static volatile i64 h_count, h_signo, h_errno, h_code, h_call, h_nr, h_arch, h_rax, h_rip, h_mask, h_ucmask;
static void record(unsigned char *info, unsigned char *uc) {
  h_count++;
  h_signo = *(int *)info;
  h_errno = *(int *)(info + 4);
  h_code = *(int *)(info + 8);
  h_call = *(i64 *)(info + 16);
  h_nr = *(int *)(info + 24);
  h_arch = *(unsigned *)(info + 28);
  h_rax = *(i64 *)(uc + 40 + 104);
  h_rip = *(i64 *)(uc + 40 + 128);
  h_ucmask = *(i64 *)(uc + 296);
}
#define SAVED_RAX(uc) (*(i64 *)((unsigned char *)(uc) + 40 + 104))
