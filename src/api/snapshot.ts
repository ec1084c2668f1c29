/**
 * Machine snapshots: the engine's memory (src/engine/snapshot.ts, restored
 * by dirty frames) plus a deep copy of the kernel's JavaScript state
 * (src/kernel/clone.ts). A restore copies the saved kernel state again, so
 * the snapshot itself is never handed out and stays pristine for the next
 * restore.
 */
import { Cloner, snapshotRestorer } from '../kernel/clone.js';
import { MemoryImage, restoreMemory, verifyMemory } from '../engine/snapshot.js';
import type { Kernel } from '../kernel/kernel.js';
import { NOTHING_PENDING, NO_MORE, NO_ALTSTACK, FIRST_ALTSTACK } from '../kernel/signals.js';
import { DEFAULT_RLIMITS } from '../kernel/task.js';
import { NO_TRAP } from '../kernel/signal_frame.js';
import { SUD_OFF } from '../kernel/sud.js';
import { ROOT_CRED } from '../kernel/syscalls/cred.js';
import { NO_DEBUG_REGS } from '../kernel/debug_regs.js';

/** Kernel fields that are not state: the engine is the machine itself, restored through its memory. */
const NOT_STATE = new Set(['engine']);

/**
 * The kernel's shared "nothing here" values, never written in place (a
 * change replaces them): kept by identity like the engine, so a restore
 * does not copy a task's empty signal queue, alternate stack, trap record,
 * SUD config or debug registers.
 */
const NEVER_WRITTEN: readonly object[] = [NOTHING_PENDING, NO_MORE, NO_ALTSTACK, FIRST_ALTSTACK, NO_TRAP, SUD_OFF, DEFAULT_RLIMITS, ROOT_CRED, NO_DEBUG_REGS];

/**
 * A machine's whole state at one moment (`machine.snapshot()`): registers,
 * memory, tasks, signal handlers and masks, SUD configs, mappings, file
 * descriptors with buffered output, the virtual clock, random and scheduler
 * state, and the engine's counters. Restorable any number of times, on the
 * machine that took it only.
 */
export class MachineSnapshot {
  /** @internal */
  readonly owner: object;
  /** @internal */
  readonly memory: MemoryImage;
  /** @internal */
  readonly kernel: Record<string, unknown>;
  /** @internal */
  readonly machine: Record<string, unknown>;
  /** @internal Objects every copy shares by identity (the engine, immutable tables, file bytes). */
  readonly shared: ReadonlySet<object>;
  /**
   * @internal Puts copies of the saved kernel fields into the kernel and
   * returns a copy of the machine's fields.
   */
  readonly restoreState: (kernel: object, c: Cloner) => unknown;

  /** @internal */
  constructor(owner: object, kernel: Kernel, machine: Record<string, unknown>) {
    const shared = new Set<object>([owner, kernel, kernel.engine, kernel.profile, ...NEVER_WRITTEN, ...kernel.fsFiles.values()]);
    // the lower layer is the host's files, read when asked: every copy reads the same layer
    if (kernel.lower) shared.add(kernel.lower);
    this.owner = owner;
    this.shared = shared;
    this.memory = new MemoryImage(kernel.engine);
    const c = new Cloner(shared);
    const k = kernel as unknown as Record<string, unknown>;
    const saved: Record<string, unknown> = {};
    for (const key of Object.keys(k)) if (!NOT_STATE.has(key)) saved[key] = c.value(k[key]);
    this.kernel = saved;
    this.machine = c.value(machine);
    // the restore code made for this graph; the field-by-field Cloner walk where none can be made
    const keys = Object.keys(saved);
    this.restoreState =
      snapshotRestorer(saved, this.machine, shared) ??
      ((target, rc) => {
        for (const key of keys) (target as Record<string, unknown>)[key] = rc.value(saved[key]);
        return rc.value(this.machine);
      });
  }
}

/**
 * Puts snap back into kernel and returns a fresh copy of the machine's own
 * fields. check: afterwards compare all memory with the snapshot and throw
 * when a frame differs (a test's self-check for writes the dirty tracking
 * missed; it costs a pass over all memory).
 */
export function restoreSnapshot(owner: object, kernel: Kernel, snap: MachineSnapshot, check = false): Record<string, unknown> {
  if (!(snap instanceof MachineSnapshot)) throw new TypeError('sudsim: restore() takes a snapshot from machine.snapshot()');
  if (snap.owner !== owner) throw new Error('sudsim: this snapshot was taken on another machine; a snapshot restores only the machine that took it');
  restoreMemory(kernel.engine, snap.memory);
  if (check) {
    const bad = verifyMemory(kernel.engine, snap.memory);
    if (bad.length > 0) {
      const what = bad.map((a) => (a === -1 ? 'frame refcounts' : a === -2 ? 'ENGINE/CPU blocks' : a === -3 ? "the engine's kept copy of the snapshot" : `frame 0x${a.toString(16)}`));
      throw new Error(`sudsim: restore left memory different from the snapshot: ${what.slice(0, 8).join(', ')}${bad.length > 8 ? ', ...' : ''}`);
    }
  }
  return snap.restoreState(kernel, new Cloner(snap.shared)) as Record<string, unknown>;
}
