/**
 * Deep copies of the kernel's JavaScript state for machine snapshots
 * (src/api/snapshot.ts): tasks, address spaces with their VMAs, signal
 * state, file descriptors and streams, counters, random generators.
 *
 * One generic walk instead of a copy method per class, so that a field
 * added to Task or Kernel tomorrow is snapshotted without anyone
 * remembering to: class instances keep their prototype, Maps, Sets, arrays
 * and typed arrays are copied, functions are shared, and a memo keeps
 * shared references shared (threads share one AddressSpace and SigHand,
 * `kernel.current` is one of `kernel.tasks`). The memo covers class
 * instances, Maps, Sets and typed arrays; plain records and arrays are
 * values in the kernel (siginfo, VMAs, sigactions, stop records: each has
 * one owner, or is never written in place, like SUD_OFF) and are copied per
 * reference, which keeps a restore in microseconds. Typed arrays and
 * DataViews get a copy of the bytes they show; views of shared memory (the
 * engine's) are kept. Objects in the `shared` set
 * (the Engine, immutable tables, file bytes) are kept by identity. A class
 * can take over its own copy with a method under the `CLONE` symbol (a
 * stream whose chunks are immutable shares them instead of copying).
 */

/** Method name under which an object copies itself: `[CLONE](c: Cloner): this`. */
export const CLONE: unique symbol = Symbol('sudsim.clone');

/** An object that makes its own snapshot copy. */
export interface Cloneable {
  [CLONE](c: Cloner): unknown;
}

/** One deep copy: every object reached once, shared references kept shared. */
export class Cloner {
  private readonly memo = new Map<object, unknown>();

  constructor(private readonly shared: ReadonlySet<object> = new Set()) {}

  /** A copy of v (primitives, bigints and functions are returned as they are). */
  value<T>(v: T): T {
    if (typeof v !== 'object' || v === null) return v;
    return this.object(v as object) as T;
  }

  private object(v: object): unknown {
    if (this.shared.has(v)) return v;
    const proto: unknown = Object.getPrototypeOf(v);
    // plain records and arrays, the most numerous, are values: copied per
    // reference without the memo (a Map lookup costs more than the copy)
    if (proto === Object.prototype) return this.fields({ ...v } as Record<string, unknown>);
    if (proto === Array.prototype) {
      const a = (v as unknown[]).slice();
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        if (typeof x === 'object' && x !== null) a[i] = this.object(x);
      }
      return a;
    }
    const seen = this.memo.get(v);
    if (seen !== undefined) return seen;
    const hook = (v as Partial<Cloneable>)[CLONE];
    if (typeof hook === 'function') {
      const out = hook.call(v, this);
      this.memo.set(v, out);
      return out;
    }
    if (v instanceof Map) {
      const m = new Map();
      this.memo.set(v, m);
      for (const [k, x] of v) m.set(this.value(k), this.value(x));
      return m;
    }
    if (v instanceof Set) {
      const s = new Set();
      this.memo.set(v, s);
      for (const x of v) s.add(this.value(x));
      return s;
    }
    if (ArrayBuffer.isView(v)) {
      // a view of shared memory is a view of the engine's memory, which the snapshot restores itself
      if (typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer) return v;
      // the bytes a view shows are copied (two views of one buffer become two buffers)
      const t = v instanceof DataView
        ? new DataView(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength))
        : (v as Uint8Array).slice();
      this.memo.set(v, t);
      return t;
    }
    if (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer) return v;
    if (v instanceof ArrayBuffer) {
      const b = v.slice(0);
      this.memo.set(v, b);
      return b;
    }
    if (v instanceof WebAssembly.Memory || v instanceof WebAssembly.Instance || v instanceof WebAssembly.Module) return v;
    // spread, then the prototype: V8 keeps this copy in fast (non-dictionary) mode,
    // which Object.assign(Object.create(proto), v) does not for a Task-sized object
    const o = { ...v } as Record<string, unknown>;
    Object.setPrototypeOf(o, proto as object);
    this.memo.set(v, o);
    return this.fields(o);
  }

  /** o is a shallow copy: replaces its object-valued fields with copies. */
  private fields(o: Record<string, unknown>): object {
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'object' && x !== null) o[k] = this.object(x);
    }
    return o;
  }
}
