// Kernel entry from the guest: `syscall` and `int $0x80`. The Syscall User
// Dispatch check runs first (dispatch.ts); the few syscalls that benchmarks
// hammer are then answered inside Wasm; everything else exits to the
// TypeScript kernel.
import {
  CPU_ORIG_RAX, SUD_FLAGS, SUD_ARMED, EXIT_SYSCALL, EXIT_SYSNO, EXIT_INT80,
  CNT_SYSCALLS, CNT_FAST_SYSCALLS, SW_FAST_SYSCALLS, FAST_PID, FAST_PPID, FAST_TID,
} from "../layout";
import { r64, w64, RAX, RCX } from "../cpu/regs";
import { nextRip, setExitReason } from "../cpu/state";
import { getRflags } from "../cpu/flags";
import { sudCheck, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 } from "./dispatch";

const NR_getpid = 39;
const NR_getppid = 110;
const NR_gettid = 186;

@inline function bump(addr: u32): void {
  store<u64>(addr, load<u64>(addr) + 1);
}

/** The syscall instruction (nextRip set): rcx and r11 take the return address and rflags, then the entry. */
export function syscallInsn(): void {
  w64(RCX, nextRip);
  w64(11, getRflags() & ~<u64>0x10000);
  syscallEntry();
}

export function syscallEntry(): void {
  let rax = r64(RAX);
  store<u64>(CPU_ORIG_RAX, rax);
  bump(CNT_SYSCALLS);
  // the number is rax's low half read as a signed int (the upper half is ignored)
  let nr = <i32>rax;
  if ((load<i32>(SUD_FLAGS) & SUD_ARMED) != 0) {
    // the kernel finishes the check when the selector's page is not present yet
    store<i32>(EXIT_SYSNO, nr);
    store<i32>(EXIT_INT80, 0);
    if (!sudCheck(nextRip, nr, AUDIT_ARCH_X86_64)) return;
  }
  // run.ts (F_SYSCALL) repeats this fast path inline: change both together
  if (load<i32>(SW_FAST_SYSCALLS) != 0) {
    let v: i32 = -1;
    if (nr == NR_getppid) v = load<i32>(FAST_PPID);
    else if (nr == NR_getpid) v = load<i32>(FAST_PID);
    else if (nr == NR_gettid) v = load<i32>(FAST_TID);
    if (v >= 0) {
      w64(RAX, <u64>v);
      bump(CNT_FAST_SYSCALLS);
      return;
    }
  }
  store<i32>(EXIT_SYSNO, nr);
  store<i32>(EXIT_INT80, 0);
  setExitReason(EXIT_SYSCALL);
}

/** int $0x80 from 64-bit code: i386 numbering in eax, same dispatch check. */
export function int80Entry(): void {
  // Linux int80_emulation: orig_ax = ax & GENMASK(31, 0), so a dispatched
  // int $0x80 rolls rax back to the zero-extended number (probed on 6.18)
  let rax = <u64><u32>r64(RAX);
  w64(RAX, rax);
  store<u64>(CPU_ORIG_RAX, rax);
  bump(CNT_SYSCALLS);
  let nr = <i32>rax;
  if ((load<i32>(SUD_FLAGS) & SUD_ARMED) != 0) {
    store<i32>(EXIT_SYSNO, nr);
    store<i32>(EXIT_INT80, 1);
    if (!sudCheck(nextRip, nr, AUDIT_ARCH_I386)) return;
  }
  store<i32>(EXIT_SYSNO, nr);
  store<i32>(EXIT_INT80, 1);
  setExitReason(EXIT_SYSCALL);
}
