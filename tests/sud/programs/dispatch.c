/* Dispatch and what the SIGSYS handler sees; handlers return in several ways. */
#include "sud.h"

static volatile unsigned char sel;
static volatile int flip, depth, maxdepth;
static volatile i64 inner_ret;

/* emulates every dispatched syscall as 1000 + nr; returns through the region (restorer_in) */
static volatile i64 h_rcx, h_r11;
static void emulate(int sig, unsigned char *info, unsigned char *uc) {
  (void)sig;
  record(info, uc);
  h_rcx = *(i64 *)(uc + 40 + 112);
  h_r11 = *(i64 *)(uc + 40 + 24);
  h_mask = mask_get();
  SAVED_RAX(uc) = 1000 + h_nr;
  if (flip) sel = 0;
}

/* leaves the rolled-back rax alone and lets the syscall be retried by nobody: result = nr */
static void allow_and_return(int sig, unsigned char *info, unsigned char *uc) {
  (void)sig;
  record(info, uc);
  sel = 0;
}

static void nested(int sig, unsigned char *info, unsigned char *uc) {
  (void)sig;
  record(info, uc);
  depth++;
  if (depth > maxdepth) maxdepth = depth;
  if (depth == 1) inner_ret = osys(39, 0, 0, 0, 0, 0);
  SAVED_RAX(uc) = 700 + depth;
  depth--;
}

static volatile i64 u_count, u_code, u_pid, u_sp_in_alt, u_ucss_sp, u_ucss_flags, u_ucss_size;
static char altstack[16384] __attribute__((aligned(16)));
static void usr1(int sig, unsigned char *info, unsigned char *uc) {
  char local;
  (void)sig;
  u_count++;
  u_code = *(int *)(info + 8);
  u_pid = *(int *)(info + 16);
  u_sp_in_alt = &local >= altstack && &local < altstack + sizeof altstack;
  u_ucss_sp = *(i64 *)(uc + 16);
  u_ucss_flags = *(int *)(uc + 24);
  u_ucss_size = *(i64 *)(uc + 32);
}

static void show_siginfo(const char *p) {
  out(p); kv("_signo", h_signo);
  out(p); kv("_errno", h_errno);
  out(p); kv("_code", h_code);
  out(p); kv("_syscall", h_nr);
  out(p); kv("_arch", h_arch);
}

void cmain(u64 *sp) {
  (void)sp;
  i64 pid = sc0(39);
  kv("arm", rsud(1, REGION, &sel));
  kv("sigaction", sigact(SIGSYS, emulate, SA_SIGINFO | SA_RESTORER, restorer_in, 0));

  /* selector ALLOW: everything runs */
  kv("allow_getpid_ok", osys(39, 0, 0, 0, 0, 0) == pid);
  kv("allow_count", h_count);

  sel = 1;
  i64 r = osys(39, 0, 0, 0, 0, 0);
  kv("block_getpid_emulated", r);
  kv("block_count", h_count);
  show_siginfo("getpid");
  kv("call_addr_after_syscall", h_call == (i64)osys_after);
  kv("saved_rip_after_syscall", h_rip == (i64)osys_after);
  kv("saved_rax_is_nr", h_rax);
  kv("saved_rcx_minus_return_address", h_rcx - (i64)osys_after);
  kv("saved_r11_has_if", (h_r11 & 0x200) != 0);
  kv("handler_mask_has_sigsys", (h_mask & BIT(SIGSYS)) != 0);
  kv("uc_sigmask_without_sigsys", (h_ucmask & BIT(SIGSYS)) == 0);
  kv("mask_restored_after_return", (mask_get() & BIT(SIGSYS)) == 0);
  kv("inside_region_runs", rsys(39, 0, 0, 0, 0, 0) == pid);
  kv("inside_region_count", h_count);

  r = sc0(0x100000027L);
  kv("upper_half_result", r);
  kv("upper_half_si_syscall", h_nr);
  kv("upper_half_saved_rax_full", h_rax == 0x100000027L);
  r = sc0(5000);
  kv("unknown_nr_result", r);
  kv("unknown_nr_si_syscall", h_nr);
  r = sc0(-1);
  kv("minus1_si_syscall", h_nr);
  kv("minus1_saved_rax", h_rax);
  r = sc0(0x40000027);
  kv("x32_si_syscall", h_nr);

  r = i80(20, 0);
  kv("int80_result", r);
  show_siginfo("int80");
  kv("int80_saved_rax", h_rax);
  kv("int80_call_addr_after_int", h_call == (i64)i80_after);
  r = i80(0x100000014L, 0);
  kv("int80_upper_half_si_syscall", h_nr);
  kv("int80_upper_half_saved_rax", h_rax);
  sel = 0;
  kv("int80_allowed_getpid_ok", i80(20, 0) == pid);
  kv("int80_unknown", i80(4000, 0));
  kv("int80_count", h_count);

  /* the handler sets ALLOW and returns through a restorer outside the region: one SIGSYS only */
  sigact(SIGSYS, allow_and_return, SA_SIGINFO | SA_RESTORER, restorer_out, 0);
  h_count = 0;
  sel = 1;
  r = osys(39, 0, 0, 0, 0, 0);
  kv("flip_result_is_rolled_back_nr", r);
  kv("flip_count", h_count);
  kv("flip_selector_now", sel);

  /* region boundaries: ip is the address after the syscall */
  sigact(SIGSYS, allow_and_return, SA_SIGINFO | SA_RESTORER, restorer_out, 0);
  h_count = 0;
  rsud(1, (u64)osys_after - 16, 16, &sel);
  sel = 1; osys(39, 0, 0, 0, 0, 0);
  kv("ip_one_past_region_end_dispatched", h_count);
  rsud(0, 0, 0, 0);
  h_count = 0;
  rsud(1, (u64)osys_after, 1, &sel);
  sel = 1; osys(39, 0, 0, 0, 0, 0);
  sel = 0;
  kv("ip_at_region_start_runs", h_count);
  sel = 0;
  rsys(157, 59, 0, 0, 0, 0);
  h_count = 0;
  sud(1, (u64)osys_sc, 2, &sel);
  sel = 1; osys(39, 0, 0, 0, 0, 0);
  kv("region_covering_syscall_insn_dispatched", h_count);
  kv("region_covering_call_addr", h_call - (i64)osys_sc);
  sud(0, 0, 0, 0);

  /* INCLUSIVE: only syscalls from inside the range are dispatched */
  h_count = 0;
  kv("incl_arm", rsud(2, REGION, &sel));
  sel = 1;
  i64 outside_ok = sc0(39) == pid, outside_count = h_count;
  r = rsys(39, 0, 0, 0, 0, 0);
  sel = 0;
  kv("incl_outside_runs", outside_ok);
  kv("incl_outside_count", outside_count);
  kv("incl_inside_result", r);
  kv("incl_inside_count", h_count);
  kv("incl_call_addr", h_call == (i64)rsys_after);
  sel = 1;
  kv("incl_disarm", sud(0, 0, 0, 0));
  kv("incl_disarmed_inside_runs", rsys(39, 0, 0, 0, 0, 0) == pid);

  /* NULL selector: everything outside the region is dispatched */
  sigact(SIGSYS, emulate, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
  h_count = 0;
  kv("null_sel_arm", rsud(1, REGION, 0));
  kv("null_sel_outside", osys(39, 0, 0, 0, 0, 0));
  kv("null_sel_inside_runs", rsys(39, 0, 0, 0, 0, 0) == pid);
  kv("null_sel_count", h_count);
  kv("null_sel_disarm_inside", rsud(0, 0, 0, 0));
  kv("null_sel_disarmed_runs", osys(39, 0, 0, 0, 0, 0) == pid);

  /* selector on a read-only page */
  unsigned char *ro = (unsigned char *)sc6(9, 0, 4096, 3, 0x22, -1, 0);
  ro[0] = 1;
  sc3(10, ro, 4096, 1);
  h_count = 0;
  kv("ro_sel_arm", rsud(1, REGION, ro));
  kv("ro_sel_dispatched", osys(39, 0, 0, 0, 0, 0));
  kv("ro_sel_count", h_count);
  rsud(0, 0, 0, 0);

  /* a selector page nobody touched yet reads as ALLOW */
  unsigned char *fresh = (unsigned char *)sc6(9, 0, 4096, 3, 0x22, -1, 0);
  h_count = 0;
  kv("fresh_sel_arm", rsud(1, REGION, fresh));
  kv("fresh_sel_getpid_ok", osys(39, 0, 0, 0, 0, 0) == pid);
  kv("fresh_sel_count", h_count);
  fresh[0] = 1;
  kv("fresh_sel_then_block", osys(39, 0, 0, 0, 0, 0));
  rsud(0, 0, 0, 0);

  /* disarmed: BLOCK means nothing */
  sel = 1;
  h_count = 0;
  kv("off_getpid_ok", sc0(39) == pid);
  kv("off_count", h_count);

  /* SA_NODEFER: a syscall from the handler is dispatched again, nested */
  rsud(1, REGION, &sel);
  sigact(SIGSYS, nested, SA_SIGINFO | SA_RESTORER | SA_NODEFER, restorer_in, 0);
  h_count = 0;
  sel = 1;
  r = osys(39, 0, 0, 0, 0, 0);
  kv("nodefer_outer_result", r);
  kv("nodefer_inner_result", inner_ret);
  kv("nodefer_maxdepth", maxdepth);
  kv("nodefer_count", h_count);

  /* an ordinary signal while armed at BLOCK, sent from the region, on an alternate stack */
  struct { u64 sp; int flags; int pad; u64 size; } ss = { (u64)altstack, 0, 0, sizeof altstack };
  kv("sigaltstack", rsys(131, (i64)&ss, 0, 0, 0, 0));
  kv("usr1_sigaction", sigact(SIGUSR1, usr1, SA_SIGINFO | SA_RESTORER | SA_ONSTACK, restorer_in, 0));
  h_count = 0;
  kv("kill_usr1", rsys(62, pid, SIGUSR1, 0, 0, 0));
  kv("usr1_count", u_count);
  kv("usr1_code", u_code);
  kv("usr1_pid_ok", u_pid == pid);
  kv("usr1_on_altstack", u_sp_in_alt);
  kv("usr1_uc_stack_sp_ok", u_ucss_sp == (i64)altstack);
  kv("usr1_uc_stack_flags", u_ucss_flags);
  kv("usr1_uc_stack_size", u_ucss_size);
  kv("usr1_sigsys_count", h_count);

  /* a SIGSYS sent by kill() reaches the same handler with SI_USER */
  sigact(SIGSYS, emulate, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
  h_count = 0;
  r = rsys(62, pid, SIGSYS, 0, 0, 0);
  kv("kill_sigsys_result", r);
  kv("kill_sigsys_count", h_count);
  kv("kill_sigsys_code", h_code);
  kv("kill_sigsys_si_pid_ok", (h_call & 0xffffffff) == pid);
  kv("kill_sigsys_saved_rip_in_region", h_rip == (i64)rsys_after);

  /* rt_sigprocmask from the region can block SIGSYS while nothing is dispatched */
  mask_set(0, BIT(SIGSYS));
  kv("mask_blocked_sigsys", (mask_get() & BIT(SIGSYS)) != 0);
  mask_set(1, BIT(SIGSYS));
  kv("mask_unblocked_sigsys", (mask_get() & BIT(SIGSYS)) == 0);
  sel = 0;
  quit(7);
}
