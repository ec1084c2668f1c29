/**
 * A task (a Linux thread): its saved CPU state while it is not running, its
 * address space, and its place in a thread group. The running task's state
 * lives in the engine's CPU block instead.
 */
import { CPU_STATE_SIZE } from '../engine/layout.js';
import type { AddressSpace } from './mm.js';

export type TaskState = 'runnable' | 'exited';

export class Task {
  /** CPU block image (registers, rflags, fs/gs base, cr3, SUD block, xmm). */
  saved = new Uint8Array(CPU_STATE_SIZE);
  state: TaskState = 'runnable';
  /** set_tid_address / CLONE_CHILD_CLEARTID pointer. */
  clearChildTid = 0n;

  constructor(
    readonly tid: number,
    readonly tgid: number,
    public ppid: number,
    public mm: AddressSpace,
  ) {}
}

/** How a process ended: as wait(2) reports it. */
export type ProcessEnd =
  | { kind: 'exited'; status: number }
  | { kind: 'killed'; signal: number; coreDumped: boolean };
