/* Scenarios that end the process; argv[1] picks one. Each prints what it did before the fatal syscall. */
#include "sud.h"

static volatile unsigned char sel;
/* argv[2] = "v5": pass the region as the seed's [start, end] */
static int v5;
#undef REGION
#define REGION (u64)region_start, v5 ? (u64)region_end : (u64)(region_end - region_start)

static void emulate_in(int sig, unsigned char *info, unsigned char *uc) {
  (void)sig;
  record(info, uc);
  out("handler\n");
  SAVED_RAX(uc) = 1000 + h_nr;
}

/* a syscall from the handler while SIGSYS is blocked there: dispatched again, forced */
static void syscall_in_handler(int sig, unsigned char *info, unsigned char *uc) {
  (void)sig;
  record(info, uc);
  out("handler\n");
  osys(39, 0, 0, 0, 0, 0);
  out("survived\n");
}

static volatile i64 segv_count, segv_code, segv_rax, segv_rip_after_syscall;
static void segv(int sig, unsigned char *info, unsigned char *uc) {
  (void)sig;
  segv_count++;
  segv_code = *(int *)(info + 8);
  segv_rax = SAVED_RAX(uc);
  segv_rip_after_syscall = *(u64 *)(uc + 40 + 128) != 0;
  SAVED_RAX(uc) = 555;
}

static void disarm(int sig, unsigned char *info, unsigned char *uc) {
  (void)sig;
  record(info, uc);
  SAVED_RAX(uc) = rsud(0, 0, 0, 0);
}

static void arm_and_block(void) {
  kv("arm", rsud(1, REGION, &sel));
  sel = 1;
}

void cmain(u64 *sp) {
  const char *s = (const char *)sp[2];
  if (!s) quit(99);
  v5 = sp[0] > 2 && streq((const char *)sp[3], "v5");
  if (streq(s, "selector_guard_page")) {
    kv("arm", rsud(1, REGION, (void *)0x7ffffffff000L));
    sc0(39);
  } else if (streq(s, "selector_noncanonical")) {
    kv("arm", rsud(1, REGION, (void *)0x800000000000L));
    sc0(39);
  } else if (streq(s, "selector_0x10")) {
    kv("arm", rsud(1, REGION, (void *)0x10));
    sc0(39);
  } else if (streq(s, "selector_unmapped_after_arming")) {
    unsigned char *p = (unsigned char *)sc6(9, 0, 4096, 3, 0x22, -1, 0);
    kv("arm", rsud(1, REGION, p));
    kv("munmap", rsys(11, (i64)p, 4096, 0, 0, 0));
    sc0(39);
  } else if (streq(s, "selector_value_2_with_handler")) {
    sigact(SIGSYS, emulate_in, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
    kv("arm", rsud(1, REGION, &sel));
    sel = 2;
    sc0(39);
  } else if (streq(s, "selector_value_0xff")) {
    sigact(SIGSYS, emulate_in, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
    kv("arm", rsud(1, REGION, &sel));
    sel = 0xff;
    sc0(39);
  } else if (streq(s, "sigsys_default")) {
    arm_and_block();
    sc0(39);
  } else if (streq(s, "sigsys_blocked")) {
    sigact(SIGSYS, emulate_in, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
    mask_set(0, BIT(SIGSYS));
    arm_and_block();
    sc0(39);
  } else if (streq(s, "sigsys_ignored")) {
    sigact(SIGSYS, (void *)1, SA_RESTORER, restorer_in, 0);
    arm_and_block();
    sc0(39);
  } else if (streq(s, "handler_without_sa_restorer")) {
    sigact(SIGSYS, emulate_in, SA_SIGINFO, 0, 0);
    arm_and_block();
    sc0(39);
  } else if (streq(s, "return_blocked_outside_region")) {
    sigact(SIGSYS, emulate_in, SA_SIGINFO | SA_RESTORER, restorer_out, 0);
    arm_and_block();
    sc0(39);
  } else if (streq(s, "syscall_in_handler_without_nodefer")) {
    sigact(SIGSYS, syscall_in_handler, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
    arm_and_block();
    sc0(39);
  } else if (streq(s, "resethand_second_dispatch")) {
    sigact(SIGSYS, emulate_in, SA_SIGINFO | SA_RESTORER | SA_RESETHAND, restorer_in, 0);
    arm_and_block();
    kv("first", sc0(39));
    sc0(39);
  } else if (streq(s, "null_selector_default")) {
    kv("arm", rsud(1, REGION, 0));
    sc0(39);
  } else if (streq(s, "return_through_region")) {
    /* the control: same as return_blocked_outside_region but the way out is inside */
    sigact(SIGSYS, emulate_in, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
    arm_and_block();
    kv("result", sc0(39));
    quit(5);
  } else if (streq(s, "no_restorer_sigsys_runs_segv_handler")) {
    /* force_sigsegv: a SIGSYS frame that cannot be set up raises a catchable SIGSEGV */
    sigact(SIGSYS, emulate_in, SA_SIGINFO, 0, 0);
    sigact(SIGSEGV, segv, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
    arm_and_block();
    i64 r = sc0(39);
    sel = 0;
    kv("result", r);
    kv("segv_count", segv_count);
    kv("segv_code", segv_code);
    kv("segv_rax", segv_rax);
    kv("segv_rip_after_syscall", segv_rip_after_syscall);
    quit(6);
  } else if (streq(s, "selector_prot_none")) {
    unsigned char *p = (unsigned char *)sc6(9, 0, 4096, 3, 0x22, -1, 0);
    kv("arm", rsud(1, REGION, p));
    kv("mprotect", rsys(10, (i64)p, 4096, 0, 0, 0));
    sc0(39);
  } else if (streq(s, "disarm_in_handler_then_return_outside")) {
    sigact(SIGSYS, disarm, SA_SIGINFO | SA_RESTORER, restorer_out, 0);
    arm_and_block();
    i64 r = sc0(39);
    kv("result", r);
    kv("after", sc0(39) > 0);
    quit(8);
  } else if (streq(s, "segv_handler_for_bad_selector")) {
    /* the selector fault is not a catchable SIGSEGV */
    sigact(SIGSEGV, emulate_in, SA_SIGINFO | SA_RESTORER, restorer_in, 0);
    kv("arm", rsud(1, REGION, (void *)0x10));
    sc0(39);
  }
  quit(42);
}
