/**
 * The syscall table in the x86-64 numbering. One row per syscall carries its
 * number, name, argument formats for the strace printer and its handler.
 * Families live in their own files; this one only gathers them.
 */
import type { Kernel } from '../kernel.js';
// first: the families below call row() while this module is still being evaluated
export { row } from './row.js';
import { fsSyscalls } from './fs.js';
import { processSyscalls } from './process.js';
import { mmSyscalls } from './mm.js';
import { timeSyscalls } from './time.js';
import { infoSyscalls } from './info.js';

/** A handler returns rax: the result, or -errno (it may also throw Errno). */
export type SyscallHandler = (k: Kernel, a: bigint[]) => bigint;

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
  /** How many argument registers the handler reads: the formats', at most 6. */
  readonly argc: number;
}

export const SYSCALLS: Map<number, SyscallRow> = new Map();

/** SYSCALLS as an array indexed by number (filled with undefined, so never holey): a lookup per syscall. */
const BY_NR: (SyscallRow | undefined)[] = [];

/** The row of an x86-64 syscall number, if any. */
export function syscallRow(nr: number): SyscallRow | undefined {
  return nr >= 0 && nr < BY_NR.length ? BY_NR[nr] : undefined;
}

/** Adds rows (later families, such as signals and tasks, register theirs here). */
export function registerSyscalls(rows: SyscallRow[]): void {
  for (const r of rows) {
    SYSCALLS.set(r.nr, r);
    while (BY_NR.length <= r.nr) BY_NR.push(undefined);
    BY_NR[r.nr] = r;
  }
}

registerSyscalls([...fsSyscalls, ...processSyscalls, ...mmSyscalls, ...timeSyscalls, ...infoSyscalls]);
