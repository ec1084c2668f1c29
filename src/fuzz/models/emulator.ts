/**
 * An example plug-in model: an emulator (a user-mode x86 emulator or a
 * binary translator) that implements Syscall User Dispatch by itself and
 * reads the selector with its own, lenient code: when the selector byte
 * cannot be read, or holds a value other than ALLOW (0) or BLOCK (1), it lets
 * the syscall through instead of killing the task (SIGSEGV, SIGSYS) as the
 * kernel does (../shared/docs/SEMANTICS.md §4 step 3). Everything else is the
 * kernel's rule. Plugged into the model (`predict(c, { decide:
 * emulatorDecide })`) and fuzzed against the engine, it shows the cases where
 * such an emulator diverges from Linux.
 */
import { referenceDecide, type DecideFn } from '../model/dispatch.js';

export const emulatorDecide: DecideFn = (ctx) => {
  const d = referenceDecide(ctx);
  if (d === 'kill-sigsys' || d === 'kill-sigsegv') return 'run';
  return d;
};
