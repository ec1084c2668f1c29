// The x86-64 rt_sigframe's contents (Linux: arch/x86/kernel/signal_64.c; SEMANTICS.md §6),
// written at a signal's delivery and read back by rt_sigreturn. The kernel (src/kernel/
// signals.ts) decides where the frame and its fpstate go, translates those user addresses
// and puts what the frame records besides the registers at SIGFRAME_IN; here the CPU block's
// registers and those inputs become the frame's bytes at a host address, and the other way
// round: a few hundred words, which JavaScript moves one element access at a time.
//
//   frame +0    pretcode (sa_restorer)
//         +8    struct ucontext: +8 uc_flags, +16 uc_link, +24 uc_stack {sp, flags, size},
//               +48 uc_mcontext (struct sigcontext, 256 bytes), +304 uc_sigmask
//         +312  siginfo_t (128 bytes)
//         +440  (end); the 64-byte aligned fpstate (a 512-byte fxsave image) lies above
import {
  CPU_REGS, CPU_RIP, CPU_RFLAGS,
  SIGFRAME_IN, SFI_RESTORER, SFI_SS_SP, SFI_SS_FLAGS, SFI_SS_SIZE, SFI_MASK, SFI_ERR, SFI_TRAPNO, SFI_CR2,
  SFI_FPSTATE, SFI_SIGINFO,
} from "../layout";
import { fxsaveImage, fxrstorImage } from "../cpu/fxsave";

/** UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS, as probed on Linux 6.18. */
const UC_FLAGS: u64 = 0x7;
const MC: u32 = 48;
const SIGMASK: u32 = 304;
const SIGINFO: u32 = 312;
/** The flags rt_sigreturn may restore (FIX_EFLAGS: AC OF DF TF SF ZF AF PF CF RF), all in the low word. */
const FIX_EFLAGS: u64 = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;

@inline function reg(r: u32): u32 { return CPU_REGS + (r << 3); }
@inline function input(off: u32): u64 { return load<u64>(SIGFRAME_IN + off); }

/** A signal frame's fpstate at host address at: the fxsave image, its reserved bytes zero. */
export function sigframeFpstate(at: u32): void {
  fxsaveImage(at);
  memory.fill(at + 416, 0, 96);
}

/**
 * The rt_sigframe at host address at: the registers from the CPU block, the rest from
 * SIGFRAME_IN; the siginfo only with SA_SIGINFO (Linux copies it only then, so those 128
 * bytes otherwise keep what the stack held).
 */
export function sigframeWrite(at: u32, withInfo: bool): void {
  store<u64>(at, input(SFI_RESTORER));
  store<u64>(at + 8, UC_FLAGS);
  store<u64>(at + 16, 0); // uc_link
  store<u64>(at + 24, input(SFI_SS_SP));
  store<u64>(at + 32, <u64>load<u32>(SIGFRAME_IN + SFI_SS_FLAGS)); // then padding
  store<u64>(at + 40, input(SFI_SS_SIZE));
  let mc = at + MC;
  // sigcontext's order: r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp
  memory.copy(mc, reg(8), 64);
  store<u64>(mc + 64, load<u64>(reg(7)));
  store<u64>(mc + 72, load<u64>(reg(6)));
  store<u64>(mc + 80, load<u64>(reg(5)));
  store<u64>(mc + 88, load<u64>(reg(3)));
  store<u64>(mc + 96, load<u64>(reg(2)));
  store<u64>(mc + 104, load<u64>(reg(0)));
  store<u64>(mc + 112, load<u64>(reg(1)));
  store<u64>(mc + 120, load<u64>(reg(4)));
  store<u64>(mc + 128, load<u64>(CPU_RIP));
  store<u64>(mc + 136, load<u64>(CPU_RFLAGS));
  store<u32>(mc + 144, 0x33); // cs, gs 0
  store<u32>(mc + 148, 0x2b << 16); // fs 0, ss
  store<u64>(mc + 152, input(SFI_ERR));
  store<u64>(mc + 160, input(SFI_TRAPNO));
  let mask = input(SFI_MASK);
  store<u64>(mc + 168, mask & 0xffffffff); // oldmask: the mask's low word
  store<u64>(mc + 176, input(SFI_CR2));
  store<u64>(mc + 184, input(SFI_FPSTATE));
  memory.fill(mc + 192, 0, 64); // reserved1[8]
  store<u64>(at + SIGMASK, mask);
  if (!withInfo) return;
  memory.copy(at + SIGINFO, SIGFRAME_IN + SFI_SIGINFO, 128);
}

/**
 * rt_sigreturn's restore of the registers from the frame at host address at and, unless fp
 * is 0, of the x87 and SSE state from the fxsave image at fp. Of rflags only the FIX_EFLAGS
 * bits come from the frame; bit 1 is always set. The saved mask stays for the kernel to read.
 */
export function sigframeRestore(at: u32, fp: u32): void {
  let mc = at + MC;
  memory.copy(reg(8), mc, 64);
  store<u64>(reg(7), load<u64>(mc + 64));
  store<u64>(reg(6), load<u64>(mc + 72));
  store<u64>(reg(5), load<u64>(mc + 80));
  store<u64>(reg(3), load<u64>(mc + 88));
  store<u64>(reg(2), load<u64>(mc + 96));
  store<u64>(reg(0), load<u64>(mc + 104));
  store<u64>(reg(1), load<u64>(mc + 112));
  store<u64>(reg(4), load<u64>(mc + 120));
  store<u64>(CPU_RIP, load<u64>(mc + 128));
  store<u64>(CPU_RFLAGS, (load<u64>(CPU_RFLAGS) & ~FIX_EFLAGS) | (load<u64>(mc + 136) & FIX_EFLAGS) | 2);
  if (fp != 0) fxrstorImage(fp);
}
