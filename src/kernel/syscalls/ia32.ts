/**
 * The i386 numbering reached by `int $0x80` from 64-bit code (as Wine's
 * WoW64 paths do). Rows reuse the x86-64 handlers where the arguments
 * mean the same; an unknown number returns -ENOSYS.
 */
import { SYSCALLS, type SyscallRow } from './table.js';

/** i386 number -> x86-64 number, for the calls whose arguments match. */
const SAME_AS_64: [number, number][] = [
  [1, 60], // exit
  [3, 0], // read
  [4, 1], // write
  [6, 3], // close
  [20, 39], // getpid
  [64, 110], // getppid
  [224, 186], // gettid
  [252, 231], // exit_group
  [158, 24], // sched_yield
];

export const IA32_SYSCALLS: Map<number, SyscallRow> = new Map();

/** Adds i386 rows (families that handle i386-specific layouts register theirs). */
export function registerIa32(nr32: number, row: SyscallRow): void {
  IA32_SYSCALLS.set(nr32, row);
}

for (const [n32, n64] of SAME_AS_64) {
  const r = SYSCALLS.get(n64);
  if (r) registerIa32(n32, r);
}
