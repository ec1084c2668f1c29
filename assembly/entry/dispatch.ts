// The Syscall User Dispatch check at syscall entry, in the order of
// Linux: kernel/entry/syscall_user_dispatch.c (syscall_user_dispatch()):
// region test, vDSO sigreturn arch hook, selector load as a user access,
// ALLOW / BLOCK / anything else, then rollback and SIGSYS.
//
// The task's config block (layout.ts, CPU_SUD) is written by the TypeScript
// kernel at prctl, fork, exec and ptrace time, already normalized so that
// this test stays one unsigned compare (INCLUSIVE ranges arrive inverted).
import {
  SUD_FLAGS, SUD_SELECTOR, SUD_OFFSET, SUD_LEN, SUD_RANGE_INCLUSIVE_END, SW_SMAP,
  VDSO_SIGRETURN, EXIT_DISPATCH, EXIT_SUD_KILL, EXIT_SIGNO, EXIT_SYSNO, EXIT_ADDR, EXIT_CODE,
  EXIT_INT80, CNT_SUD_CHECKS, CNT_SUD_REGION, CNT_SELECTOR_SMAP, CNT_SELECTOR_NOSMAP,
  CNT_SUD_DISPATCH, CNT_SUD_ALLOW,
} from "../layout";
import { userAddr } from "../mmu/access";
import { setExitReason } from "../cpu/state";

export const AUDIT_ARCH_X86_64: u32 = 0xc000003e;
export const AUDIT_ARCH_I386: u32 = 0x40000003;
const SIGSEGV = 11;
const SIGSYS = 31;
/** Selector values (PR_SYS_DISPATCH_OFF/ON in the seed, FILTER_ALLOW/BLOCK in mainline). */
const SELECTOR_ALLOW: u8 = 0;
const SELECTOR_BLOCK: u8 = 1;

@inline function bump(addr: u32): void {
  store<u64>(addr, load<u64>(addr) + 1);
}

/**
 * Returns true when the syscall runs normally. Otherwise it has set the exit
 * reason: EXIT_DISPATCH (rax untouched, i.e. rolled back to orig_ax; SIGSYS
 * to force) or EXIT_SUD_KILL (signal in EXIT_SIGNO).
 */
export function sudCheck(ip: u64, nr: i32, arch: u32): bool {
  bump(CNT_SUD_CHECKS);
  let off = load<u64>(SUD_OFFSET);
  let len = load<u64>(SUD_LEN);
  if ((load<i32>(SUD_FLAGS) & SUD_RANGE_INCLUSIVE_END) != 0) {
    // patch-v5: [start, end] inclusive
    if (ip >= off && ip <= len) { bump(CNT_SUD_REGION); return true; }
  } else if (ip - off < len) {
    bump(CNT_SUD_REGION);
    return true;
  }
  // arch_syscall_is_vdso_sigreturn(): only ia32 tasks have one on x86-64
  let vdso = load<u64>(VDSO_SIGRETURN);
  if (vdso != 0 && ip == vdso) return true;
  let sel = load<u64>(SUD_SELECTOR);
  if (sel != 0) {
    if (load<i32>(SW_SMAP) != 0) bump(CNT_SELECTOR_SMAP);
    else bump(CNT_SELECTOR_NOSMAP);
    let h = userAddr(sel);
    if (h == 0) {
      store<i32>(EXIT_SIGNO, SIGSEGV);
      setExitReason(EXIT_SUD_KILL);
      return false;
    }
    let v = load<u8>(h);
    if (v == SELECTOR_ALLOW) { bump(CNT_SUD_ALLOW); return true; }
    if (v != SELECTOR_BLOCK) {
      store<i32>(EXIT_SIGNO, SIGSYS);
      setExitReason(EXIT_SUD_KILL);
      return false;
    }
  }
  bump(CNT_SUD_DISPATCH);
  store<i32>(EXIT_SYSNO, nr);
  store<u64>(EXIT_ADDR, ip);
  store<u32>(EXIT_CODE, arch);
  store<i32>(EXIT_INT80, arch == AUDIT_ARCH_I386 ? 1 : 0);
  store<i32>(EXIT_SIGNO, SIGSYS);
  setExitReason(EXIT_DISPATCH);
  return false;
}
