/**
 * The syscall table in the x86-64 numbering. One row per syscall carries its
 * number, name, argument formats for the strace printer and its handler.
 * Families live in their own files; this one only gathers them.
 */
import type { Kernel } from '../kernel.js';
// first: the families below call row() while this module is still being evaluated
export { row } from './row.js';
import { fsSyscalls } from './fs.js';
import { pipeSyscalls } from './pipe.js';
import { schedSyscalls } from './sched.js';
import { vfsSyscalls } from './vfs.js';
import { statSyscalls } from './stat.js';
import { attrSyscalls } from './attrs.js';
import { spliceSyscalls } from './splice.js';
import { credSyscalls } from './cred.js';
import { eventfdSyscalls } from './eventfd.js';
import { epollSyscalls } from './epoll.js';
import { selectSyscalls } from './select.js';
import { timerfdSyscalls } from './timerfd.js';
import { signalfdSyscalls } from './signalfd.js';
import { socketSyscalls } from './socket.js';
import { processSyscalls } from './process.js';
import { mmSyscalls } from './mm.js';
import { memfdSyscalls } from './memfd.js';
import { timeSyscalls } from './time.js';
import { infoSyscalls } from './info.js';
import { kcmpSyscalls } from './kcmp.js';
import { pkeySyscalls } from './pkeys.js';
import { xattrSyscalls } from './xattr.js';
import { mknodSyscalls } from './mknod.js';
import { lockSyscalls } from './locks.js';

/**
 * A syscall's arguments, read from the caller's registers when its handler
 * asks (rdi, rsi, rdx, r10, r8, r9; for int $0x80 ebx, ecx, edx, esi, edi,
 * ebp): a handler reads only those it uses, and an int argument without
 * making a bigint. Good until the handler returns.
 */
export interface SyscallArgs {
  /** Argument i as a 64-bit value (for int $0x80, the 32-bit register zero-extended). */
  u64(i: number): bigint;
  /** Argument i as a C int: its low 32 bits, signed (what BigInt.asIntN(32, u64(i)) would give). */
  i32(i: number): number;
  /** Argument i's low 32 bits, unsigned. */
  u32(i: number): number;
}

/** A handler returns rax: the result, or -errno (it may also throw Errno). */
export type SyscallHandler = (k: Kernel, a: SyscallArgs) => bigint;

export interface SyscallRow {
  nr: number;
  name: string;
  /** One format letter per argument (see strace.ts). */
  args: string;
  /** How the result prints: d (decimal), x/p (hex). */
  ret: 'd' | 'x' | 'p';
  handler: SyscallHandler;
  /** Does not return to the caller (exit, exit_group, execve on success). */
  noreturn?: boolean;
}

export const SYSCALLS: Map<number, SyscallRow> = new Map();

/** SYSCALLS as an array indexed by number (filled with undefined, so never holey): a lookup per syscall. */
const BY_NR: (SyscallRow | undefined)[] = [];

/** The row of an x86-64 syscall number, if any. */
export function syscallRow(nr: number): SyscallRow | undefined {
  return nr >= 0 && nr < BY_NR.length ? BY_NR[nr] : undefined;
}

/** -errno as a syscall result for each errno number Linux has (up to 133), made once: a BigInt() allocates. */
const ERRNO_RESULTS: bigint[] = Array.from({ length: 134 }, (_, errno) => BigInt(-errno));

/**
 * A handler's error result, -errno: returned rather than thrown where a
 * call fails often (a JavaScript throw costs about a microsecond).
 */
export function errnoResult(errno: number): bigint {
  return ERRNO_RESULTS[errno] ?? BigInt(-errno);
}

/** Adds rows (later families, such as signals and tasks, register theirs here). */
export function registerSyscalls(rows: SyscallRow[]): void {
  for (const r of rows) {
    SYSCALLS.set(r.nr, r);
    while (BY_NR.length <= r.nr) BY_NR.push(undefined);
    BY_NR[r.nr] = r;
  }
}

registerSyscalls([...fsSyscalls, ...pipeSyscalls, ...schedSyscalls, ...vfsSyscalls, ...statSyscalls, ...attrSyscalls, ...spliceSyscalls, ...credSyscalls, ...eventfdSyscalls, ...epollSyscalls, ...selectSyscalls, ...timerfdSyscalls, ...signalfdSyscalls, ...socketSyscalls, ...processSyscalls, ...mmSyscalls, ...memfdSyscalls, ...timeSyscalls, ...infoSyscalls, ...kcmpSyscalls, ...pkeySyscalls, ...xattrSyscalls, ...mknodSyscalls, ...lockSyscalls]);
