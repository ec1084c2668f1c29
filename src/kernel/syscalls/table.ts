/**
 * The syscall table in the x86-64 numbering. One row per syscall carries its
 * number, name, argument formats for the strace printer and its handler.
 * Families live in their own files; this one only gathers them.
 */
import type { Kernel } from '../kernel.js';
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
}

export function row(nr: number, name: string, args: string, handler: SyscallHandler, ret: 'd' | 'x' | 'p' = 'd'): SyscallRow {
  return { nr, name, args, ret, handler };
}

export const SYSCALLS: Map<number, SyscallRow> = new Map();

/** Adds rows (later families, such as signals and tasks, register theirs here). */
export function registerSyscalls(rows: SyscallRow[]): void {
  for (const r of rows) SYSCALLS.set(r.nr, r);
}

registerSyscalls([...fsSyscalls, ...processSyscalls, ...mmSyscalls, ...timeSyscalls, ...infoSyscalls]);
