/**
 * The syscall table's row constructor, in a module of its own: the families
 * call row() while table.ts (which imports them) is still being evaluated,
 * before a class declared there would exist.
 */
import type { SyscallHandler, SyscallRow } from './table.js';

/**
 * Rows are made by one constructor, so the syscall path reads their fields
 * from one object shape (a spread or a literal with other fields would make
 * those reads polymorphic).
 */
class Row implements SyscallRow {
  constructor(
    readonly nr: number,
    readonly name: string,
    readonly args: string,
    readonly ret: 'd' | 'x' | 'p',
    readonly handler: SyscallHandler,
    readonly noreturn: boolean,
  ) {}
}

export function row(nr: number, name: string, args: string, handler: SyscallHandler, ret: 'd' | 'x' | 'p' = 'd', noreturn = false): SyscallRow {
  return new Row(nr, name, args, ret, handler, noreturn);
}
