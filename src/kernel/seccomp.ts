/**
 * seccomp (kernel/seccomp.c): strict mode and classic-BPF filters, checked
 * at syscall entry after Syscall User Dispatch (SEMANTICS.md: a dispatched
 * syscall is invisible to seccomp) and before the call runs.
 *
 * A filter sees struct seccomp_data { int nr; u32 arch; u64
 * instruction_pointer; u64 args[6]; }: the number as the entry read it (the
 * low 32 bits of rax; eax's i386 number through `int $0x80`), the audit
 * arch, the address after the instruction, and the argument registers as
 * 64-bit values (i386's ebx, ecx, edx, esi, edi, ebp in full, as
 * syscall_get_arguments gives them). Every filter of the chain runs, the
 * newest first; the action of highest precedence wins (ACTION_ONLY as a
 * signed 32-bit number: KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, USER_NOTIF,
 * TRACE, LOG, ALLOW; an unknown action kills as KILL_PROCESS does).
 *
 * User notification is not modelled: the engine answers as a kernel
 * without it (before 5.0) does: SECCOMP_FILTER_FLAG_NEW_LISTENER is an
 * unknown flag (EINVAL), SECCOMP_GET_NOTIF_SIZES an unknown operation
 * (EINVAL), SECCOMP_GET_ACTION_AVAIL says EOPNOTSUPP for USER_NOTIF, and a
 * filter's USER_NOTIF finds no listener (ENOSYS, as Linux answers then).
 * SECCOMP_RET_TRACE stops the task for a tracer that set
 * PTRACE_O_TRACESECCOMP (PTRACE_EVENT_SECCOMP, the filter's data as the
 * event message); the call then runs as the tracer left it, or is skipped
 * for a negative number; without such a tracer it is ENOSYS. Strict
 * mode does not disable rdtsc (Linux sets TIF_NOTSC).
 */
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import { row, errnoResult, type SyscallRow } from './syscalls/table.js';
import { EACCES, EFAULT, EINVAL, ENOMEM, ENOSYS, EOPNOTSUPP, ESRCH } from './errno.js';
import { copyFromUser } from './uaccess.js';
import { SYSCALL_ARG_REGS, IA32_SYSCALL_ARG_REGS } from './cpu_words.js';
import { PTRACE_O_TRACESECCOMP, PTRACE_SECCOMP_STOP } from './ptrace.js';
import { SIGTRAP } from './signal_names.js';

/** PTRACE_EVENT_SECCOMP: a TRACE action's stop, SIGTRAP with the event in the status's next byte. */
const PTRACE_EVENT_SECCOMP = 7;

export const SECCOMP_MODE_DISABLED = 0;
export const SECCOMP_MODE_STRICT = 1;
export const SECCOMP_MODE_FILTER = 2;

const SECCOMP_SET_MODE_STRICT = 0;
const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_GET_ACTION_AVAIL = 2;

const FLAG_TSYNC = 1;
const FLAG_LOG = 2;
const FLAG_SPEC_ALLOW = 4;
const FLAG_TSYNC_ESRCH = 16;
/** The flags this kernel knows (NEW_LISTENER and WAIT_KILLABLE_RECV need user notification). */
const FLAGS_KNOWN = FLAG_TSYNC | FLAG_LOG | FLAG_SPEC_ALLOW | FLAG_TSYNC_ESRCH;

const RET_KILL_PROCESS = 0x80000000 | 0;
const RET_KILL_THREAD = 0x00000000;
const RET_TRAP = 0x00030000;
const RET_ERRNO = 0x00050000;
const RET_USER_NOTIF = 0x7fc00000;
const RET_TRACE = 0x7ff00000;
const RET_LOG = 0x7ffc0000;
const RET_ALLOW = 0x7fff0000;
const RET_ACTION_FULL = 0xffff0000 | 0;
const RET_DATA = 0x0000ffff;
const MAX_ERRNO = 4095;

/** BPF_MAXINSNS; MAX_INSNS_PER_PATH (each filter counts 4 more). */
const BPF_MAXINSNS = 4096;
const MAX_INSNS_PER_PATH = 32768;
const BPF_MEMWORDS = 16;
/** sizeof(struct seccomp_data). */
const DATA_BYTES = 64;

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;

/** SYS_SECCOMP, SIGSYS's si_code for a filter's TRAP. */
export const SYS_SECCOMP = 1;

/**
 * One attached filter: its program (after seccomp_check_filter's rewrite of
 * the length loads) and the one attached before it. Never written after it
 * is made, shared by the tasks that inherit it; a class, so that a snapshot
 * keeps a chain two tasks share one chain (TSYNC compares them by identity).
 */
export class SeccompFilter {
  constructor(
    /** Four 32-bit words per instruction: code, jt, jf, k. */
    readonly prog: Int32Array,
    readonly prev: SeccompFilter | undefined,
    readonly log: boolean,
  ) {}

  get length(): number {
    return this.prog.length >> 2;
  }
}

// classic BPF opcodes (include/uapi/linux/filter.h)
const BPF_LD = 0x00, BPF_LDX = 0x01, BPF_ST = 0x02, BPF_STX = 0x03, BPF_ALU = 0x04, BPF_JMP = 0x05, BPF_RET = 0x06, BPF_MISC = 0x07;
const BPF_W = 0x00;
const BPF_IMM = 0x00, BPF_ABS = 0x20, BPF_MEM = 0x60, BPF_LEN = 0x80;
const BPF_ADD = 0x00, BPF_SUB = 0x10, BPF_MUL = 0x20, BPF_DIV = 0x30, BPF_OR = 0x40, BPF_AND = 0x50, BPF_LSH = 0x60, BPF_RSH = 0x70, BPF_NEG = 0x80, BPF_MOD = 0x90, BPF_XOR = 0xa0;
const BPF_JA = 0x00, BPF_JEQ = 0x10, BPF_JGT = 0x20, BPF_JGE = 0x30, BPF_JSET = 0x40;
const BPF_K = 0x00, BPF_X = 0x08, BPF_A = 0x10;
const BPF_TAX = 0x00, BPF_TXA = 0x80;

const ALU_OPS = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR];
const JMP_CONDS = [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET];

/**
 * The codes a seccomp filter may hold (seccomp_check_filter, after
 * bpf_check_classic): the loads of seccomp_data words, immediates, scratch
 * memory and lengths, ALU, jumps, returns, TAX and TXA.
 */
const SECCOMP_CODES: ReadonlySet<number> = new Set([
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
  BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX,
  BPF_RET | BPF_K, BPF_RET | BPF_A, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_JMP | BPF_JA, BPF_ALU | BPF_NEG,
  ...ALU_OPS.flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]),
  ...JMP_CONDS.flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
]);

/**
 * Checks a program as bpf_check_classic and seccomp_check_filter do and
 * rewrites its length loads to immediates (sizeof(struct seccomp_data)):
 * EINVAL for anything else, a jump out of the program or backwards, a
 * division by a constant 0, a scratch word out of range or read before
 * every path stored it, or a last instruction other than a return.
 */
function checkFilter(prog: Int32Array): number {
  const n = prog.length >> 2;
  for (let pc = 0; pc < n; pc++) {
    const code = prog[4 * pc] & 0xffff;
    const jt = prog[4 * pc + 1], jf = prog[4 * pc + 2], k = prog[4 * pc + 3] >>> 0;
    if (!SECCOMP_CODES.has(code)) return EINVAL;
    switch (code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if ((k & 3) !== 0 || k >= DATA_BYTES) return EINVAL;
        break;
      case BPF_LD | BPF_W | BPF_LEN:
        prog[4 * pc] = BPF_LD | BPF_IMM;
        prog[4 * pc + 3] = DATA_BYTES;
        break;
      case BPF_LDX | BPF_W | BPF_LEN:
        prog[4 * pc] = BPF_LDX | BPF_IMM;
        prog[4 * pc + 3] = DATA_BYTES;
        break;
      case BPF_ALU | BPF_DIV | BPF_K:
      case BPF_ALU | BPF_MOD | BPF_K:
        if (k === 0) return EINVAL;
        break;
      case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM: case BPF_ST: case BPF_STX:
        if (k >= BPF_MEMWORDS) return EINVAL;
        break;
      case BPF_JMP | BPF_JA:
        if (k >= n - pc - 1) return EINVAL;
        break;
      default:
        if ((code & 0x07) === BPF_JMP && (pc + jt + 1 >= n || pc + jf + 1 >= n)) return EINVAL;
    }
  }
  const last = prog[4 * (n - 1)] & 0xffff;
  if (last !== (BPF_RET | BPF_K) && last !== (BPF_RET | BPF_A)) return EINVAL;
  // check_load_and_stores: a scratch word is read only after a store on every path to the read
  const masks = new Uint16Array(n).fill(0xffff);
  let valid = 0;
  for (let pc = 0; pc < n; pc++) {
    valid &= masks[pc];
    const code = prog[4 * pc] & 0xffff;
    const jt = prog[4 * pc + 1], jf = prog[4 * pc + 2], k = prog[4 * pc + 3] >>> 0;
    if (code === BPF_ST || code === BPF_STX) valid |= 1 << k;
    else if (code === (BPF_LD | BPF_MEM) || code === (BPF_LDX | BPF_MEM)) {
      if ((valid & (1 << k)) === 0) return EINVAL;
    } else if (code === (BPF_JMP | BPF_JA)) {
      masks[pc + 1 + k] &= valid;
      valid = 0xffff;
    } else if ((code & 0x07) === BPF_JMP) {
      masks[pc + 1 + jt] &= valid;
      masks[pc + 1 + jf] &= valid;
      valid = 0xffff;
    }
  }
  return 0;
}

/** Runs a checked program over data (16 little-endian words of seccomp_data): its return value. */
function runFilter(prog: Int32Array, data: Int32Array): number {
  let a = 0, x = 0, pc = 0;
  const mem = new Int32Array(BPF_MEMWORDS);
  for (;;) {
    const code = prog[4 * pc] & 0xffff;
    const k = prog[4 * pc + 3];
    const cls = code & 0x07;
    if (cls === BPF_RET) return (code & 0x18) === BPF_A ? a : k;
    if (cls === BPF_JMP) {
      const op = code & 0xf0;
      if (op === BPF_JA) {
        pc += 1 + (k >>> 0);
        continue;
      }
      const b = (code & BPF_X) !== 0 ? x >>> 0 : k >>> 0;
      const ua = a >>> 0;
      const taken = op === BPF_JEQ ? ua === b : op === BPF_JGT ? ua > b : op === BPF_JGE ? ua >= b : (ua & b) !== 0;
      pc += 1 + (taken ? prog[4 * pc + 1] : prog[4 * pc + 2]);
      continue;
    }
    switch (cls) {
      case BPF_LD:
        a = (code & 0xe0) === BPF_ABS ? data[(k >>> 0) >> 2] : (code & 0xe0) === BPF_MEM ? mem[k] : k;
        break;
      case BPF_LDX:
        x = (code & 0xe0) === BPF_MEM ? mem[k] : k;
        break;
      case BPF_ST:
        mem[k] = a;
        break;
      case BPF_STX:
        mem[k] = x;
        break;
      case BPF_MISC:
        if ((code & 0xf8) === BPF_TXA) a = x;
        else x = a;
        break;
      default: {
        // BPF_ALU on unsigned 32-bit words (a division by X = 0 returns 0, as the kernel's does)
        const b = (code & BPF_X) !== 0 ? x >>> 0 : k >>> 0;
        const ua = a >>> 0;
        switch (code & 0xf0) {
          case BPF_ADD: a = (ua + b) | 0; break;
          case BPF_SUB: a = (ua - b) | 0; break;
          case BPF_MUL: a = Math.imul(ua, b); break;
          case BPF_DIV: if (b === 0) return 0; a = Math.floor(ua / b) | 0; break;
          case BPF_MOD: if (b === 0) return 0; a = (ua % b) | 0; break;
          case BPF_OR: a = ua | b; break;
          case BPF_AND: a = ua & b; break;
          case BPF_XOR: a = ua ^ b; break;
          case BPF_LSH: a = b >= 32 ? 0 : ua << b; break;
          case BPF_RSH: a = b >= 32 ? 0 : (ua >>> b) | 0; break;
          case BPF_NEG: a = -ua | 0; break;
        }
      }
    }
    pc++;
  }
}

/** ACTION_ONLY: the action's bits as a signed number, lower meaning higher precedence. */
const actionOnly = (ret: number): number => ret & RET_ACTION_FULL;

/** What the filters decide for one syscall: the winning return value of the chain. */
function runChain(f: SeccompFilter, data: Int32Array): number {
  let ret = RET_ALLOW;
  for (let w: SeccompFilter | undefined = f; w; w = w.prev) {
    const cur = runFilter(w.prog, data);
    if (actionOnly(cur) < actionOnly(ret)) ret = cur;
  }
  return ret;
}

/** mode1_syscalls: what strict mode lets through (read, write, exit, rt_sigreturn; i386's read, write, exit, sigreturn). */
const STRICT_64 = new Set([0, 1, 60, 15]);
const STRICT_32 = new Set([3, 4, 1, 119]);


/** What the entry does after seccomp's verdict. */
export const enum Verdict {
  /** The syscall runs. */
  Run,
  /** It does not run; rax holds its result (ERRNO, TRACE or USER_NOTIF without a taker). */
  Skip,
  /** It does not run; the task got SIGSYS (TRAP) or is gone (a kill). */
  Gone,
  /** TRACE with a tracer asking for it: the task stops for it (PTRACE_EVENT_SECCOMP). */
  Stopped,
}

/**
 * __secure_computing for the current task's syscall nr (through int $0x80
 * when int80), with rip after the instruction. A TRAP rolls the registers
 * back (rax = the number) and forces SIGSYS with SYS_SECCOMP; ERRNO and the
 * actions without a taker set rax; the kills end the thread or process.
 */
export function secureComputing(k: Kernel, nr: number, int80: boolean, afterTrace = false): Verdict {
  const t = k.current;
  if (t.seccompMode === SECCOMP_MODE_STRICT) {
    if ((int80 ? STRICT_32 : STRICT_64).has(nr)) return Verdict.Run;
    k.trace?.(`${k.tracePrefix()}seccomp: strict mode kills the task at syscall ${nr}`);
    k.killThread(9);
    return Verdict.Gone;
  }
  const data = new Int32Array(16);
  data[0] = nr;
  data[1] = int80 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
  const rip = k.rip();
  data[2] = Number(rip & 0xffffffffn) | 0;
  data[3] = Number(rip >> 32n) | 0;
  const regs = int80 ? IA32_SYSCALL_ARG_REGS : SYSCALL_ARG_REGS;
  for (let i = 0; i < 6; i++) {
    const v = BigInt.asUintN(64, k.reg(regs[i]));
    data[4 + 2 * i] = Number(v & 0xffffffffn) | 0;
    data[5 + 2 * i] = Number(v >> 32n) | 0;
  }
  const ret = runChain(t.seccompFilter as SeccompFilter, data);
  const value = ret & RET_DATA;
  switch (actionOnly(ret)) {
    case RET_ALLOW:
    case RET_LOG:
      return Verdict.Run;
    case RET_ERRNO:
      k.setReg(0, errnoResult(Math.min(value, MAX_ERRNO)));
      return Verdict.Skip;
    case RET_TRACE:
      // the tracer already saw this call (the recheck after its stop): it runs
      if (afterTrace) return Verdict.Run;
      if (t.tracer !== undefined && (t.ptraceOptions & PTRACE_O_TRACESECCOMP) !== 0) {
        k.ptraceNotify(t, PTRACE_SECCOMP_STOP, SIGTRAP | (PTRACE_EVENT_SECCOMP << 8), value);
        return Verdict.Stopped;
      }
      k.setReg(0, errnoResult(ENOSYS));
      return Verdict.Skip;
    case RET_USER_NOTIF:
      k.setReg(0, errnoResult(ENOSYS));
      return Verdict.Skip;
    case RET_TRAP:
      // syscall_rollback: rax as it was at entry (the number), then SIGSYS from the instruction
      k.setReg(0, k.origRax());
      k.seccompTrap(nr, int80 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64, value);
      return Verdict.Gone;
    case RET_KILL_THREAD:
      // the thread alone, or the process by SIGSYS when it is the last one
      k.killThread(31);
      return Verdict.Gone;
    default:
      // KILL_PROCESS and any action this kernel does not know
      k.killProcess(31, true);
      return Verdict.Gone;
  }
}

/** True when filter a is f or one of the filters f was attached after (is_ancestor). */
function isAncestor(a: SeccompFilter | undefined, f: SeccompFilter | undefined): boolean {
  if (a === undefined) return true;
  for (let w = f; w; w = w.prev) if (w === a) return true;
  return false;
}

/** seccomp_may_assign_mode: a task in one mode cannot switch to the other. */
function mayAssign(t: Task, mode: number): boolean {
  return t.seccompMode === SECCOMP_MODE_DISABLED || t.seccompMode === mode;
}

function setModeStrict(k: Kernel): bigint {
  const t = k.current;
  if (!mayAssign(t, SECCOMP_MODE_STRICT)) return errnoResult(EINVAL);
  k.setSeccomp(t, SECCOMP_MODE_STRICT, undefined);
  return 0n;
}

/** The threads of t's process other than t that are still live. */
function otherThreads(k: Kernel, t: Task): Task[] {
  const out: Task[] = [];
  for (const x of k.tasks.values()) if (x.tgid === t.tgid && x !== t && x.state !== 'zombie') out.push(x);
  return out;
}

function setModeFilter(k: Kernel, f: number, uargs: bigint): bigint {
  const t = k.current;
  if ((f & ~FLAGS_KNOWN) !== 0) return errnoResult(EINVAL);
  // seccomp_prepare_user_filter: struct sock_fprog { u16 len; u64 filter; }
  let head: Uint8Array;
  try {
    head = copyFromUser(t.mm, uargs, 16);
  } catch {
    return errnoResult(EFAULT);
  }
  const hv = new DataView(head.buffer, head.byteOffset, 16);
  const len = hv.getUint16(0, true);
  if (len === 0 || len > BPF_MAXINSNS) return errnoResult(EINVAL);
  // installing a filter needs no_new_privs or CAP_SYS_ADMIN
  if (!t.noNewPrivs && t.cred.euid !== 0) return errnoResult(EACCES);
  let bytes: Uint8Array;
  try {
    bytes = copyFromUser(t.mm, hv.getBigUint64(8, true), 8 * len);
  } catch {
    return errnoResult(EFAULT);
  }
  // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } as four words each
  const prog = new Int32Array(4 * len);
  const bv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < len; i++) {
    prog[4 * i] = bv.getUint16(8 * i, true);
    prog[4 * i + 1] = bytes[8 * i + 2];
    prog[4 * i + 2] = bytes[8 * i + 3];
    prog[4 * i + 3] = bv.getInt32(8 * i + 4, true);
  }
  const bad = checkFilter(prog);
  if (bad !== 0) return errnoResult(bad);
  if (!mayAssign(t, SECCOMP_MODE_FILTER)) return errnoResult(EINVAL);
  // seccomp_attach_filter
  let total = len;
  for (let w = t.seccompFilter; w; w = w.prev) total += w.length + 4;
  if (total > MAX_INSNS_PER_PATH) return errnoResult(ENOMEM);
  const others = (f & FLAG_TSYNC) !== 0 ? otherThreads(k, t) : [];
  for (const x of others) {
    if (x.seccompMode === SECCOMP_MODE_DISABLED || (x.seccompMode === SECCOMP_MODE_FILTER && isAncestor(x.seccompFilter, t.seccompFilter))) continue;
    return (f & FLAG_TSYNC_ESRCH) !== 0 ? errnoResult(ESRCH) : BigInt(x.tid);
  }
  const filter = new SeccompFilter(prog, t.seccompFilter, (f & FLAG_LOG) !== 0);
  k.setSeccomp(t, SECCOMP_MODE_FILTER, filter);
  // seccomp_sync_threads: each other thread takes the caller's chain (and its no_new_privs)
  for (const x of others) {
    if (t.noNewPrivs) x.noNewPrivs = true;
    k.setSeccomp(x, SECCOMP_MODE_FILTER, filter);
  }
  return 0n;
}

/** SECCOMP_GET_ACTION_AVAIL: 0 for an action this kernel takes, EOPNOTSUPP for others. */
function actionAvail(k: Kernel, uargs: bigint): bigint {
  let b: Uint8Array;
  try {
    b = copyFromUser(k.current.mm, uargs, 4);
  } catch {
    return errnoResult(EFAULT);
  }
  const action = new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
  switch (action) {
    case RET_KILL_PROCESS: case RET_KILL_THREAD: case RET_TRAP: case RET_ERRNO: case RET_TRACE: case RET_LOG: case RET_ALLOW:
      return 0n;
    default:
      return errnoResult(EOPNOTSUPP);
  }
}

/** do_seccomp: the seccomp(2) operations (op and flags: unsigned ints) and prctl(PR_SET_SECCOMP)'s. */
function doSeccomp(k: Kernel, op: number, flags: number, uargs: bigint): bigint {
  switch (op) {
    case SECCOMP_SET_MODE_STRICT:
      if (flags !== 0 || uargs !== 0n) return errnoResult(EINVAL);
      return setModeStrict(k);
    case SECCOMP_SET_MODE_FILTER:
      return setModeFilter(k, flags, uargs);
    case SECCOMP_GET_ACTION_AVAIL:
      if (flags !== 0) return errnoResult(EINVAL);
      return actionAvail(k, uargs);
    default:
      return errnoResult(EINVAL);
  }
}

/** prctl(PR_SET_SECCOMP, mode, filter): strict ignores the filter argument; no flags either way. */
export function prctlSetSeccomp(k: Kernel, mode: bigint, filter: bigint): bigint {
  if (mode === BigInt(SECCOMP_MODE_STRICT)) return doSeccomp(k, SECCOMP_SET_MODE_STRICT, 0, 0n);
  if (mode === BigInt(SECCOMP_MODE_FILTER)) return doSeccomp(k, SECCOMP_SET_MODE_FILTER, 0, filter);
  return errnoResult(EINVAL);
}

export const seccompSyscalls: SyscallRow[] = [
  row(317, 'seccomp', 'uxx', (k, a) => doSeccomp(k, a.i32(0) >>> 0, a.i32(1) >>> 0, a.u64(2))),
];
