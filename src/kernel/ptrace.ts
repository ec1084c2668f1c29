/**
 * ptrace(2), as much as checkpoint/restore tools, syscall emulators and
 * debuggers need: TRACEME, ATTACH, SEIZE with INTERRUPT, LISTEN and its
 * PTRACE_EVENT_STOPs (ptrace_trap.ts), signal-delivery stops reported by
 * wait4, CONT, DETACH, KILL, the registers (GETREGS/SETREGS,
 * GETFPREGS/SETFPREGS, GETREGSET/SETREGSET, PEEKUSER/POKEUSER with the
 * debug registers), PEEKDATA/POKEDATA, the signal mask and rseq
 * registration (GETSIGMASK/SETSIGMASK, GET_RSEQ_CONFIGURATION), syscall stops (PTRACE_SYSCALL,
 * PTRACE_SYSEMU, PTRACE_O_TRACESYSGOOD, PTRACE_GET_SYSCALL_INFO: a syscall
 * Syscall User Dispatch dispatched has neither, SEMANTICS.md), single steps
 * (single_step.ts), the PTRACE_O_ events, and (linux-6.4 on) the Syscall
 * User Dispatch config, which reproduces the kernel's INCLUSIVE round trip
 * (SEMANTICS.md §8: GET says mode 1 and the stored, inverted range).
 */
import { row, errnoResult, type SyscallRow } from './syscalls/table.js';
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { Errno, EINVAL, EIO, ESRCH, EPERM } from './errno.js';
import { copyFromUser, copyFromUserInto, copyToUser, pokeUser, readU64, writeU64, getU64Words, setU64Words } from './uaccess.js';
import { checkSud } from './sud.js';
import * as L from '../engine/layout.js';
import { SIGSTOP, SIGKILL, SIGTRAP } from './signal_names.js';
import { killInfo, putSiginfo, siginfo, FPSTATE_SIZE } from './signal_frame.js';
import { SI_KERNEL } from './siginfo.js';
import { SYSCALL_ARG_REGS, IA32_SYSCALL_ARG_REGS } from './cpu_words.js';
import { sendSignalTo, blockable } from './signals.js';
import { enableSingleStep, disableSingleStep, shownFlags, writtenFlags } from './single_step.js';
import { readDebugReg, writeDebugReg } from './debug_regs.js';
import { ptraceEventStop, ptraceTrapPending, restartAfterStop, JOBCTL_TRAP_STOP, JOBCTL_TRAP_NOTIFY } from './ptrace_trap.js';

const PTRACE_TRACEME = 0;
const PTRACE_PEEKTEXT = 1;
const PTRACE_PEEKDATA = 2;
const PTRACE_PEEKUSER = 3;
const PTRACE_POKETEXT = 4;
const PTRACE_POKEDATA = 5;
const PTRACE_POKEUSER = 6;
const PTRACE_CONT = 7;
const PTRACE_KILL = 8;
const PTRACE_SINGLESTEP = 9;
const PTRACE_GETREGS = 12;
const PTRACE_SETREGS = 13;
const PTRACE_GETFPREGS = 14;
const PTRACE_SETFPREGS = 15;
const PTRACE_ATTACH = 16;
const PTRACE_DETACH = 17;
const PTRACE_SYSCALL = 24;
const PTRACE_SYSEMU = 31;
const PTRACE_SYSEMU_SINGLESTEP = 32;
const PTRACE_SETOPTIONS = 0x4200;
const PTRACE_GETREGSET = 0x4204;
const PTRACE_SETREGSET = 0x4205;
const PTRACE_SEIZE = 0x4206;
const PTRACE_INTERRUPT = 0x4207;
const PTRACE_LISTEN = 0x4208;
const PTRACE_GET_SYSCALL_INFO = 0x420e;
const PTRACE_GETEVENTMSG = 0x4201;
const PTRACE_GETSIGINFO = 0x4202;
const PTRACE_SETSIGINFO = 0x4203;
const PTRACE_GETSIGMASK = 0x420a;
const PTRACE_SETSIGMASK = 0x420b;
const PTRACE_GET_RSEQ_CONFIGURATION = 0x420f;
const PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG = 0x4210;
const PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG = 0x4211;

/** The register sets PTRACE_GETREGSET and SETREGSET know (elf.h's note types). */
const NT_PRSTATUS = 1;
const NT_PRFPREG = 2;
/** sizeof(struct user) on x86-64, and where its u_debugreg[8] lies. */
const USER_SIZE = 928n;
const U_DEBUGREG = 848;

/** struct user_regs_struct order, as hardware register indices (-1: special). */
const USER_REGS: (number | string)[] = [
  15, 14, 13, 12, 5, 3, 11, 10, 9, 8, 0, 1, 2, 6, 7, 'orig_rax', 'rip', 'cs', 'eflags', 4, 'ss',
  'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs',
];

/**
 * Scratch for the small structures ptrace copies: a fresh small typed array
 * costs half a microsecond (V8 moves its bytes off the heap). The config's
 * u64 fields go through its 32-bit words (a DataView's 64-bit accessors
 * cost ten times as much).
 */
const cfgScratch = new Uint8Array(32);
const cfgWords = new Int32Array(cfgScratch.buffer);
const wordScratch = new Uint8Array(8);
const wordScratchDv = new DataView(wordScratch.buffer);

/** data as 8 little-endian bytes, in the scratch (used before the next call). */
function u64Bytes(data: bigint): Uint8Array {
  wordScratchDv.setBigUint64(0, data, true);
  return wordScratch;
}

/** The tracee's saved CPU image (it is stopped, so never the running task). */
function regsView(t: Task): DataView {
  return new DataView(t.saved.buffer, t.saved.byteOffset, t.saved.byteLength);
}

function getRegs(t: Task): Uint8Array {
  const v = regsView(t);
  const out = new Uint8Array(USER_REGS.length * 8);
  const o = new DataView(out.buffer);
  USER_REGS.forEach((r, i) => {
    let x = 0n;
    if (typeof r === 'number') x = v.getBigUint64(r * 8, true);
    else if (r === 'orig_rax') x = v.getBigUint64(L.CPU_ORIG_RAX - L.CPU, true);
    else if (r === 'rip') x = v.getBigUint64(L.CPU_RIP - L.CPU, true);
    else if (r === 'eflags') x = shownFlags(t, v.getBigUint64(L.CPU_RFLAGS - L.CPU, true));
    else if (r === 'fs_base') x = v.getBigUint64(L.CPU_FS_BASE - L.CPU, true);
    else if (r === 'gs_base') x = v.getBigUint64(L.CPU_GS_BASE - L.CPU, true);
    else if (r === 'cs') x = 0x33n;
    else if (r === 'ss') x = 0x2bn;
    o.setBigUint64(i * 8, x, true);
  });
  return out;
}

function setRegs(t: Task, b: Uint8Array): void {
  const v = regsView(t);
  const inp = new DataView(b.buffer, b.byteOffset, b.byteLength);
  USER_REGS.forEach((r, i) => {
    let x = inp.getBigUint64(i * 8, true);
    if (r === 'eflags') x = writtenFlags(t, x);
    if (typeof r === 'number') v.setBigUint64(r * 8, x, true);
    else if (r === 'orig_rax') v.setBigUint64(L.CPU_ORIG_RAX - L.CPU, x, true);
    else if (r === 'rip') v.setBigUint64(L.CPU_RIP - L.CPU, x, true);
    else if (r === 'eflags') {
      // user-changeable flags only, as putreg's FLAG_MASK
      const old = v.getBigUint64(L.CPU_RFLAGS - L.CPU, true);
      const mask = 0x40dd5n;
      v.setBigUint64(L.CPU_RFLAGS - L.CPU, (old & ~mask) | (x & mask) | 2n, true);
    } else if (r === 'fs_base') v.setBigUint64(L.CPU_FS_BASE - L.CPU, x, true);
    else if (r === 'gs_base') v.setBigUint64(L.CPU_GS_BASE - L.CPU, x, true);
  });
}

/**
 * The offset of a word of struct user that PTRACE_PEEKUSER and POKEUSER
 * take: aligned and inside (else EIO).
 */
function userOffset(addr: bigint): number {
  if ((addr & 7n) !== 0n || addr >= USER_SIZE) throw new Errno(EIO);
  return Number(addr);
}

/** PTRACE_PEEKUSER: a register as GETREGS shows it, a debug register, or 0 for the rest of struct user. */
function userWord(t: Task, addr: bigint): bigint {
  const off = userOffset(addr);
  if (off < USER_REGS.length * 8) {
    const regs = getRegs(t);
    return new DataView(regs.buffer).getBigUint64(off, true);
  }
  if (off >= U_DEBUGREG && off < U_DEBUGREG + 64) return readDebugReg(t.debugRegs, (off - U_DEBUGREG) / 8);
  return 0n;
}

/** PTRACE_POKEUSER: one register (as SETREGS writes it) or a debug register; the rest of struct user is EIO. */
function setUserWord(t: Task, addr: bigint, v: bigint): void {
  const off = userOffset(addr);
  if (off < USER_REGS.length * 8) {
    const regs = getRegs(t);
    new DataView(regs.buffer).setBigUint64(off, v, true);
    setRegs(t, regs);
    return;
  }
  if (off >= U_DEBUGREG && off < U_DEBUGREG + 64) {
    t.debugRegs = writeDebugReg(t.debugRegs, (off - U_DEBUGREG) / 8, v);
    return;
  }
  throw new Errno(EIO);
}

/**
 * t's x87 and SSE state as struct user_i387_struct: the fxsave image (the
 * engine's CPU has no XSAVE), composed by the engine's code with t's
 * registers lent the CPU block.
 */
function fpRegs(k: Kernel, t: Task): Uint8Array {
  return k.withTaskCpu(t, () => {
    k.engine.x.sigframeFpstate(L.FXSAVE_SCRATCH);
    return k.engine.u8.slice(L.FXSAVE_SCRATCH, L.FXSAVE_SCRATCH + FPSTATE_SIZE);
  });
}

/** t's x87 and SSE state from an fxsave image (xfpregs_set): an MXCSR with bits the CPU lacks is EINVAL. */
function setFpRegs(k: Kernel, t: Task, image: Uint8Array): void {
  if (new DataView(image.buffer, image.byteOffset + 24, 4).getUint32(0, true) & ~L.MXCSR_MASK) throw new Errno(EINVAL);
  k.withTaskCpu(t, () => {
    k.engine.u8.set(image, L.FXSAVE_SCRATCH);
    k.engine.x.fxrstorImage(L.FXSAVE_SCRATCH);
  });
}

/**
 * PTRACE_GETREGSET and SETREGSET (ptrace_regset): register set `type`
 * through the struct iovec at iovAddr, whose length must be a multiple
 * of the set's unit (a long for NT_PRSTATUS, a u32 for NT_PRFPREG) and is
 * cut to the set's size, and written back as the bytes copied. A write
 * of part of a set leaves the rest as it was.
 */
function regsetIo(k: Kernel, t: Task, type: number, iovAddr: bigint, write: boolean): bigint {
  const mm = k.current.mm;
  const base = readU64(mm, iovAddr);
  const len = readU64(mm, iovAddr + 8n);
  const unit = type === NT_PRSTATUS ? 8 : type === NT_PRFPREG ? 4 : 0;
  if (unit === 0 || len % BigInt(unit) !== 0n) throw new Errno(EINVAL);
  const now = type === NT_PRSTATUS ? getRegs(t) : fpRegs(k, t);
  const n = len < BigInt(now.length) ? Number(len) : now.length;
  if (write) {
    now.set(copyFromUser(mm, base, n));
    if (type === NT_PRSTATUS) setRegs(t, now);
    else setFpRegs(k, t, now);
  } else {
    copyToUser(mm, base, now.subarray(0, n));
  }
  writeU64(mm, iovAddr + 8n, BigInt(n));
  return 0n;
}

/** A ptrace syscall stop's kind, as PTRACE_GET_SYSCALL_INFO's op names it. */
export const PTRACE_SYSCALL_ENTRY = 1;
export const PTRACE_SYSCALL_EXIT = 2;
export const PTRACE_SECCOMP_STOP = 3;

/**
 * The PTRACE_O_ options this ptrace takes: all of Linux's (TRACESYSGOOD,
 * TRACEFORK, TRACEVFORK, TRACECLONE, TRACEEXEC, TRACEVFORKDONE, TRACEEXIT,
 * TRACESECCOMP, EXITKILL) but SUSPEND_SECCOMP (checkpoint/restore's: it
 * fails as an unknown option).
 */
export const PTRACE_O_TRACESYSGOOD = 1;
const PTRACE_O_TRACEFORK = 2;
const PTRACE_O_TRACEVFORK = 4;
const PTRACE_O_TRACECLONE = 8;
export const PTRACE_O_TRACEEXEC = 0x10;
export const PTRACE_O_TRACEVFORKDONE = 0x20;
export const PTRACE_O_TRACEEXIT = 0x40;
export const PTRACE_O_TRACESECCOMP = 0x80;
const PTRACE_O_EXITKILL = 0x100000;
const OPTIONS_TAKEN = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
  PTRACE_O_TRACEVFORKDONE | PTRACE_O_TRACEEXIT | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL;

/** __ptrace_unlink: t is nobody's tracee any more (its options and syscall tracing go with its tracer). */
export function ptraceUnlink(t: Task): void {
  t.tracer = undefined;
  t.ptraceOptions = 0;
  t.ptraceSeized = false;
  t.ptraceSyscall = false;
  t.ptraceSysemu = false;
  t.ptraceTrap = 0;
}

/** The ptrace events of a new task: fork (exit signal SIGCHLD), vfork, clone (any other); vfork's end. */
export const PTRACE_EVENT_FORK = 1;
export const PTRACE_EVENT_VFORK = 2;
export const PTRACE_EVENT_CLONE = 3;
export const PTRACE_EVENT_VFORK_DONE = 5;
/** PTRACE_EVENT_EXEC: the event in a PTRACE_O_TRACEEXEC stop's status; _EXIT, PTRACE_O_TRACEEXIT's. */
export const PTRACE_EVENT_EXEC = 4;
export const PTRACE_EVENT_EXIT = 6;
const CLONE_PTRACE = 0x2000;
const CLONE_UNTRACED = 0x00800000;

/**
 * A task made by fork, vfork or clone, as kernel_clone and
 * ptrace_init_task treat it: when the parent's tracer asked for the event
 * (or the call gave CLONE_PTRACE), the child is traced by the same tracer
 * with the same options and starts with SIGSTOP pending (a seized one with
 * a PTRACE_EVENT_STOP to take instead, ptrace_trap.ts); with the event,
 * the parent stops inside the call (PTRACE_EVENT_FORK, _VFORK or _CLONE,
 * the child's pid as the message). A vfork parent under
 * PTRACE_O_TRACEVFORKDONE stops again when the child releases it
 * (Task.vforkDoneEvent).
 */
export function traceNewTask(k: Kernel, parent: Task, child: Task, flags: number, event: number): void {
  if (parent.tracer === undefined || (flags & CLONE_UNTRACED) !== 0) return;
  if (event === PTRACE_EVENT_VFORK && (parent.ptraceOptions & PTRACE_O_TRACEVFORKDONE) !== 0) parent.vforkDoneEvent = child.tid;
  const option = event === PTRACE_EVENT_FORK ? PTRACE_O_TRACEFORK : event === PTRACE_EVENT_VFORK ? PTRACE_O_TRACEVFORK : PTRACE_O_TRACECLONE;
  const reported = (parent.ptraceOptions & option) !== 0;
  if (!reported && (flags & CLONE_PTRACE) === 0) return;
  child.tracer = parent.tracer;
  child.ptraceOptions = parent.ptraceOptions;
  child.ptraceSeized = parent.ptraceSeized;
  if (child.ptraceSeized) child.ptraceTrap = JOBCTL_TRAP_STOP;
  else sendSignalTo(child, SIGSTOP, killInfo(SIGSTOP, 0, 0, 0));
  if (reported) k.ptraceNotify(parent, undefined, SIGTRAP | (event << 8), child.tid);
}

/**
 * The tracer of t ended (exit_ptrace): t is detached, and killed under
 * PTRACE_O_EXITKILL. A stopped t goes on: a syscall stopped at its entry
 * runs, the signal a signal-delivery stop held is dropped (the stop's
 * exit_code is gone with the tracer).
 */
export function releaseTracee(t: Task): void {
  const kill = (t.ptraceOptions & PTRACE_O_EXITKILL) !== 0;
  ptraceUnlink(t);
  const stopped = t.ptraceStop !== undefined;
  t.ptraceStop = undefined;
  if (kill) sendSignalTo(t, SIGKILL, killInfo(SIGKILL, SI_KERNEL, 0, 0));
  // SIGKILL wakes any sleep; the end of a ptrace stop wakes the task unless a job-control stop holds it
  if (t.state === 'blocked' && (kill || (stopped && t.jobStop === undefined))) t.state = 'runnable';
}

/** The tracee of the caller, stopped (ptrace_check_attach: not in PTRACE_LISTEN), or ESRCH. */
function stoppedTracee(k: Kernel, pid: number): Task {
  const t = k.tasks.get(pid);
  if (!t || t.tracer !== k.current.tgid || !t.ptraceStop || t.ptraceStop.listening || t.state === 'zombie') throw new Errno(ESRCH);
  return t;
}

/**
 * Resumes a stopped tracee with signal sig (0: none), stopping at syscalls
 * from now on or not (PTRACE_SYSCALL or PTRACE_CONT), or at their entries
 * only, to emulate them (PTRACE_SYSEMU), or after one instruction
 * (PTRACE_SINGLESTEP), or both (PTRACE_SYSEMU_SINGLESTEP). A signal-delivery
 * stop delivers sig in place of the one it stopped for; a syscall stop
 * sends it (send_sig: SI_KERNEL), to be delivered, and stopped for, on the
 * way back to user mode; an event stop (fork, clone, exec, seccomp: an
 * event in the stop's code) drops it, as ptrace_event does.
 */
function resume(k: Kernel, t: Task, sig: number, syscalls: boolean, sysemu = false, step = false): void {
  if (sig < 0 || sig > 64) throw new Errno(EIO);
  if (step) enableSingleStep(k, t);
  else disableSingleStep(k, t);
  const stop = t.ptraceStop!;
  t.ptraceStop = undefined;
  t.ptraceSyscall = syscalls;
  t.ptraceSysemu = sysemu;
  const event = stop.sig >> 8 !== 0;
  // a vfork parent resumed at its vfork event goes on waiting for the child to exec or exit
  t.state = t.vforkWait ? 'blocked' : 'runnable';
  if (stop.restart) restartAfterStop(t, regsView(t));
  if (stop.eventStop && t.jobStop !== undefined) {
    // the tracer's resume overrides a group-stop (the tracee runs); a detach leaves the task in it
    if (t.tracer !== undefined) t.jobStop = undefined;
    else t.state = 'blocked';
  }
  if (sig !== 0 && !event && stop.syscall !== undefined) sendSignalTo(t, sig, killInfo(sig, SI_KERNEL, 0, 0));
  else if (sig !== 0 && !event) t.ptraceInject = sig === stop.sig ? stop.info : killInfo(sig, 0, k.current.tgid, 0);
}

/**
 * PTRACE_GET_SYSCALL_INFO: struct ptrace_syscall_info (op, arch, ip, sp,
 * then the entry's number and arguments or the exit's value and error
 * flag), its first `size` bytes copied to data; returns its whole size. A
 * syscall stop says which only under PTRACE_O_TRACESYSGOOD (Linux reads
 * the stop's si_code), else op NONE.
 */
function syscallInfo(k: Kernel, t: Task, size: bigint, data: bigint): bigint {
  const v = regsView(t);
  const reg = (i: number): bigint => v.getBigUint64(i * 8, true);
  const stop = t.ptraceStop!;
  const int80 = stop.int80 === true;
  const out = new Uint8Array(88);
  const o = new DataView(out.buffer);
  // a syscall stop is named only under TRACESYSGOOD (Linux tests the stop's si_code); seccomp's always
  let op = 0;
  if (stop.syscall === PTRACE_SECCOMP_STOP || (stop.syscall !== undefined && stop.sig === (SIGTRAP | 0x80))) op = stop.syscall ?? 0;
  out[0] = op;
  o.setUint32(4, int80 ? 0x40000003 : 0xc000003e, true);
  o.setBigUint64(8, v.getBigUint64(L.CPU_RIP - L.CPU, true), true);
  o.setBigUint64(16, reg(4), true);
  let actual = 24;
  if (op === PTRACE_SYSCALL_ENTRY || op === PTRACE_SECCOMP_STOP) {
    o.setBigUint64(24, v.getBigUint64(L.CPU_ORIG_RAX - L.CPU, true), true);
    const regs = int80 ? IA32_SYSCALL_ARG_REGS : SYSCALL_ARG_REGS;
    regs.forEach((r, i) => o.setBigUint64(32 + 8 * i, reg(r), true));
    actual = 80;
    // seccomp's: the filter's data after the arguments
    if (op === PTRACE_SECCOMP_STOP) {
      o.setUint32(80, stop.message ?? 0, true);
      actual = 84;
    }
  } else if (op === PTRACE_SYSCALL_EXIT) {
    // syscall_get_error: rax as an int for an i386 call, an error when in -4095..-1
    let rv = BigInt.asIntN(64, reg(0));
    if (int80) rv = BigInt.asIntN(32, rv);
    const isError = rv < 0n && rv >= -4095n;
    o.setBigInt64(24, rv, true);
    out[32] = isError ? 1 : 0;
    actual = 33;
  }
  const n = size < BigInt(actual) ? Number(size) : actual;
  if (n > 0) copyToUser(k.current.mm, data, out.subarray(0, n));
  return BigInt(actual);
}

export const ptraceSyscalls: SyscallRow[] = [
  row(101, 'ptrace', 'ddpp', (k, a) => {
    const req = a.i32(0);
    const pid = a.i32(1);
    const addr = a.u64(2);
    const data = a.u64(3);
    const me = k.current;
    switch (req) {
      case PTRACE_TRACEME:
        if (me.tracer !== undefined) throw new Errno(EPERM);
        me.tracer = me.ppid;
        return 0n;
      case PTRACE_ATTACH:
      case PTRACE_SEIZE: {
        const t = k.tasks.get(pid);
        if (!t || t.state === 'zombie') throw new Errno(ESRCH);
        // PTRACE_SEIZE's data: the options (ptrace_attach: EIO for one it does not take)
        if (req === PTRACE_SEIZE && (data & ~BigInt(OPTIONS_TAKEN)) !== 0n) throw new Errno(EIO);
        if (t.tgid === me.tgid || t.tracer !== undefined) throw new Errno(EPERM);
        t.tracer = me.tgid;
        t.ptraceOptions = req === PTRACE_SEIZE ? Number(data) : 0;
        t.ptraceSeized = req === PTRACE_SEIZE;
        t.ptraceSyscall = false;
        t.ptraceSysemu = false;
        if (req === PTRACE_ATTACH) {
          sendSignalTo(t, SIGSTOP, killInfo(SIGSTOP, 0, me.tgid, 0));
          if (t.state === 'blocked' && !t.ptraceStop) t.state = 'runnable';
        } else if (t.jobStop !== undefined) {
          // a task stopped by job control is kicked into a PTRACE_EVENT_STOP with its stop signal
          ptraceTrapPending(k, t, JOBCTL_TRAP_STOP);
        }
        return 0n;
      }
      case PTRACE_INTERRUPT: {
        // any tracee of the caller's, stopped or not; only a seized one can be interrupted
        const t = k.tasks.get(pid);
        if (!t || t.tracer !== me.tgid || t.state === 'zombie') throw new Errno(ESRCH);
        if (!t.ptraceSeized) throw new Errno(EIO);
        ptraceTrapPending(k, t, JOBCTL_TRAP_STOP);
        return 0n;
      }
      case PTRACE_KILL: {
        const t = k.tasks.get(pid);
        if (!t || t.tracer !== me.tgid) throw new Errno(ESRCH);
        t.ptraceStop = undefined;
        ptraceUnlink(t);
        sendSignalTo(t, SIGKILL, killInfo(SIGKILL, 0, me.tgid, 0));
        t.state = 'runnable';
        return 0n;
      }
    }
    const t = stoppedTracee(k, pid);
    switch (req) {
      case PTRACE_PEEKTEXT:
      case PTRACE_PEEKDATA:
        // the raw syscall stores the word at *data
        writeU64(me.mm, data, readU64(t.mm, addr));
        return 0n;
      case PTRACE_POKETEXT:
      case PTRACE_POKEDATA: {
        pokeUser(t.mm, addr, u64Bytes(data));
        return 0n;
      }
      case PTRACE_PEEKUSER:
        writeU64(me.mm, data, userWord(t, addr));
        return 0n;
      case PTRACE_POKEUSER:
        setUserWord(t, addr, data);
        return 0n;
      case PTRACE_GETREGS:
        copyToUser(me.mm, data, getRegs(t));
        return 0n;
      case PTRACE_SETREGS:
        setRegs(t, copyFromUser(me.mm, data, USER_REGS.length * 8));
        return 0n;
      case PTRACE_GETFPREGS:
        copyToUser(me.mm, data, fpRegs(k, t));
        return 0n;
      case PTRACE_SETFPREGS:
        setFpRegs(k, t, copyFromUser(me.mm, data, FPSTATE_SIZE));
        return 0n;
      case PTRACE_GETREGSET:
      case PTRACE_SETREGSET:
        return regsetIo(k, t, Number(BigInt.asUintN(32, addr)), data, req === PTRACE_SETREGSET);
      case PTRACE_CONT:
      case PTRACE_SYSCALL:
      case PTRACE_SYSEMU:
      case PTRACE_SINGLESTEP:
      case PTRACE_SYSEMU_SINGLESTEP:
        resume(k, t, Number(BigInt.asIntN(32, data)), req === PTRACE_SYSCALL,
          req === PTRACE_SYSEMU || req === PTRACE_SYSEMU_SINGLESTEP, req === PTRACE_SINGLESTEP || req === PTRACE_SYSEMU_SINGLESTEP);
        return 0n;
      case PTRACE_DETACH:
        ptraceUnlink(t);
        resume(k, t, Number(BigInt.asIntN(32, data)), false);
        return 0n;
      case PTRACE_LISTEN:
        // a seized tracee in a PTRACE_EVENT_STOP stays stopped, waiting for SIGCONT or PTRACE_INTERRUPT
        // to trap again (at once when a SIGCONT came already)
        if (!t.ptraceSeized || !t.ptraceStop!.eventStop) throw new Errno(EIO);
        t.ptraceStop!.listening = true;
        if ((t.ptraceTrap & JOBCTL_TRAP_NOTIFY) !== 0) ptraceEventStop(k, t);
        return 0n;
      case PTRACE_SETOPTIONS:
        if ((data & ~BigInt(OPTIONS_TAKEN)) !== 0n) throw new Errno(EINVAL);
        t.ptraceOptions = Number(data);
        return 0n;
      case PTRACE_GET_SYSCALL_INFO:
        return syscallInfo(k, t, addr, data);
      case PTRACE_GETEVENTMSG:
        // ptrace_message: a syscall stop's kind, seccomp's data; 0 after a signal-delivery stop
        writeU64(me.mm, data, BigInt(t.ptraceStop!.message ?? 0));
        return 0n;
      case PTRACE_GETSIGINFO: {
        const w = new Int32Array(32);
        putSiginfo(w, 0, t.ptraceStop!.info);
        copyToUser(me.mm, data, new Uint8Array(w.buffer));
        return 0n;
      }
      case PTRACE_SETSIGINFO: {
        // the info a resume with the stop's own signal delivers (the first words of the union kept)
        const w = new Int32Array(copyFromUser(me.mm, data, 128).slice().buffer);
        t.ptraceStop!.info = siginfo(w[0], w[2], w[4], w[5], w[6], w[7], w[1]);
        return 0n;
      }
      case PTRACE_GETSIGMASK:
        if (addr !== 8n) throw new Errno(EINVAL);
        // stopped inside sigsuspend, ppoll or pselect: the mask it goes back to (saved_sigmask)
        writeU64(me.mm, data, t.suspendMask ?? t.sig.blocked);
        return 0n;
      case PTRACE_SETSIGMASK:
        if (addr !== 8n) throw new Errno(EINVAL);
        t.sig.blocked = blockable(readU64(me.mm, data));
        // clear_tsk_restore_sigmask: a sleep in sigsuspend no longer puts the old mask back
        t.suspendMask = undefined;
        return 0n;
      case PTRACE_GET_RSEQ_CONFIGURATION: {
        // struct ptrace_rseq_configuration: the struct rseq's address, length and signature, flags 0
        const conf = new DataView(new ArrayBuffer(24));
        conf.setBigUint64(0, t.rseq, true);
        conf.setUint32(8, t.rseqLen, true);
        conf.setUint32(12, t.rseqSig, true);
        copyToUser(me.mm, data, new Uint8Array(conf.buffer, 0, addr < 24n ? Number(addr) : 24));
        return 24n;
      }
      case PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG:
      case PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG: {
        if (!k.profile.ptraceConfig) throw new Errno(EIO);
        if (addr !== 32n) throw new Errno(EINVAL);
        if (req === PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG) {
          const c = t.sud;
          // struct ptrace_sud_config: mode, selector, offset, len
          cfgWords[0] = c.armed ? 1 : 0;
          cfgWords[1] = 0;
          setU64Words(cfgWords, 2, c.selector);
          setU64Words(cfgWords, 4, c.offset);
          setU64Words(cfgWords, 6, c.len);
          copyToUser(me.mm, data, cfgScratch);
          return 0n;
        }
        copyFromUserInto(me.mm, data, cfgScratch);
        const w = cfgWords;
        const cfg = checkSud(k.profile, getU64Words(w, 0), getU64Words(w, 4), getU64Words(w, 6), getU64Words(w, 2), k.sysctlSud);
        // a rejected config is returned, not thrown (a throw costs about a microsecond)
        if (typeof cfg === 'number') return errnoResult(cfg);
        k.setSud(t, cfg);
        return 0n;
      }
      default:
        throw new Errno(EIO);
    }
  }),
];
