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
 * DataViews get a copy of the bytes they show (a Uint8Array of 65 to 4096
 * bytes as a view into a shared chunk: see pooledBytes); views of shared
 * memory (the engine's) are kept. Objects in the `shared` set
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

/**
 * Byte arrays pooledBytes carves from one chunk (larger ones get their own
 * buffer), and the chunk's size: small, because one array still in use
 * keeps its whole chunk alive.
 */
const POOLED_MAX = 4096;
const CHUNK_BYTES = 16 * 1024;
let chunk = new ArrayBuffer(CHUNK_BYTES);
let chunkUsed = 0;

/**
 * A zeroed byte array of n bytes, for kernel state copied on every restore
 * (a task's saved CPU block, 528 bytes). V8 keeps a typed array of more
 * than 64 bytes in a buffer of its own, whose allocation and collection
 * cost about 0.6 microseconds; a view into a shared, never reused chunk
 * costs a tenth of that. The array's buffer holds other arrays too: read
 * it through its byteOffset (a DataView over `.buffer` alone is wrong).
 */
export function pooledBytes(n: number): Uint8Array {
  if (n > POOLED_MAX) return new Uint8Array(n);
  if (chunkUsed + n > CHUNK_BYTES) {
    chunk = new ArrayBuffer(CHUNK_BYTES);
    chunkUsed = 0;
  }
  const u = new Uint8Array(chunk, chunkUsed, n);
  chunkUsed += (n + 15) & ~15;
  return u;
}

/**
 * Constructors made for one class's own fields in a fixed order: a shallow
 * copy, and a deep one (object-valued fields copied through the cloner,
 * which first records the new object, so that cycles come back to it).
 */
interface Copier {
  keys: readonly string[];
  Shallow: new (v: object) => Record<string, unknown>;
  Deep: new (v: object, c: Cloner) => Record<string, unknown>;
}

/**
 * Per prototype; null where the class's instances cannot use one
 * (symbol-keyed fields, or a page whose Content-Security-Policy forbids
 * new Function).
 */
const copiers = new WeakMap<object, Copier | null>();

/**
 * The copier for v's class when v has exactly the recorded fields, else
 * null. Instances of one class mostly have the same fields in the same
 * order, so a constructor made for that order copies one several times as
 * fast as a spread followed by Object.setPrototypeOf (which also moves the
 * object to a new hidden class) and a pass over its fields by name.
 */
function copierFor(v: object, proto: object): Copier | null {
  let cp = copiers.get(proto);
  if (cp === undefined) {
    cp = Object.getOwnPropertySymbols(v).length === 0 ? makeCopier(Object.keys(v), proto) : null;
    copiers.set(proto, cp);
  }
  if (cp === null) return null;
  // for-in lists own fields first, then enumerable inherited ones: equal to
  // the recorded keys only when the instance has exactly those own fields
  const keys = cp.keys;
  let i = 0;
  for (const k in v) if (keys[i++] !== k) return null;
  return i === keys.length ? cp : null;
}

/** A shallow copy with the prototype, for an instance whose fields differ from its class's usual ones. */
function spreadCopy(v: object, proto: object): Record<string, unknown> {
  // spread, then the prototype: V8 keeps this copy in fast (non-dictionary) mode,
  // which Object.assign(Object.create(proto), v) does not for a Task-sized object
  const o = { ...v } as Record<string, unknown>;
  Object.setPrototypeOf(o, proto);
  return o;
}

/**
 * A shallow copy of a class instance with its prototype (for `CLONE` hooks,
 * which then replace the fields they copy deeper), made as the generic
 * walk makes one.
 */
export function shallowCopy<T extends object>(v: T): T {
  const proto = Object.getPrototypeOf(v) as object;
  const cp = copierFor(v, proto);
  return (cp !== null ? new cp.Shallow(v) : spreadCopy(v, proto)) as T;
}

function makeCopier(keys: string[], proto: object): Copier | null {
  const names = keys.map((k) => JSON.stringify(k));
  const shallow = names.map((k) => `this[${k}] = v[${k}];`).join('\n');
  const deep = ['c.remember(v, this);', 'let x;']
    .concat(names.map((k) => `x = v[${k}]; this[${k}] = typeof x === 'object' && x !== null ? c.deep(x) : x;`))
    .join('\n');
  let Shallow: Copier['Shallow'];
  let Deep: Copier['Deep'];
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    Shallow = new Function('v', shallow) as unknown as Copier['Shallow'];
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    Deep = new Function('v', 'c', deep) as unknown as Copier['Deep'];
  } catch {
    return null;
  }
  Shallow.prototype = proto;
  Deep.prototype = proto;
  return { keys, Shallow, Deep };
}

/**
 * A function that sets each of keys on target to a copy (through c) of the
 * same field of source: a snapshot restore puts the kernel's fields back
 * through one, where a loop storing by key name costs several times as
 * much. Made once per snapshot; a page that forbids new Function gets the loop.
 */
export function fieldRestorer(keys: readonly string[]): (target: object, source: object, c: Cloner) => void {
  const names = keys.map((k) => JSON.stringify(k));
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function('t', 's', 'c', names.map((k) => `t[${k}] = c.value(s[${k}]);`).join('\n')) as (t: object, s: object, c: Cloner) => void;
  } catch {
    return (t, s, c) => {
      for (const k of keys) (t as Record<string, unknown>)[k] = c.value((s as Record<string, unknown>)[k]);
    };
  }
}

/** How objects of one prototype are copied (decided once per prototype: see kinds). */
const enum Kind {
  Hook,
  Map,
  Set,
  View,
  ArrayBuffer,
  /** Shared memory and WebAssembly objects: the machine itself, kept. */
  Keep,
  Instance,
}

/**
 * The copy kind per prototype: a restore copies a few dozen objects, and a
 * chain of instanceof tests per object cost more than the copies.
 */
const kinds = new WeakMap<object, Kind>();

function kindOf(v: object): Kind {
  if (typeof (v as Partial<Cloneable>)[CLONE] === 'function') return Kind.Hook;
  if (v instanceof Map) return Kind.Map;
  if (v instanceof Set) return Kind.Set;
  if (ArrayBuffer.isView(v)) return Kind.View;
  if (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer) return Kind.Keep;
  if (v instanceof ArrayBuffer) return Kind.ArrayBuffer;
  if (v instanceof WebAssembly.Memory || v instanceof WebAssembly.Instance || v instanceof WebAssembly.Module) return Kind.Keep;
  return Kind.Instance;
}

/** One deep copy: every object reached once, shared references kept shared. */
export class Cloner {
  private readonly memo = new Map<object, unknown>();

  constructor(private readonly shared: ReadonlySet<object> = new Set()) {}

  /** @internal For the generated copiers: records o as the copy of v, before v's fields are copied. */
  remember(v: object, o: object): void {
    this.memo.set(v, o);
  }

  /** @internal For the generated copiers: the copy of an object-valued field. */
  deep(x: object): unknown {
    return this.object(x);
  }

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
    let kind = proto === null ? Kind.Instance : kinds.get(proto as object);
    if (kind === undefined) {
      kind = kindOf(v);
      kinds.set(proto as object, kind);
    }
    switch (kind) {
      case Kind.Hook: {
        const out = (v as Cloneable)[CLONE](this);
        this.memo.set(v, out);
        return out;
      }
      case Kind.Map: {
        const m = new Map();
        this.memo.set(v, m);
        for (const [k, x] of v as Map<unknown, unknown>) m.set(this.value(k), this.value(x));
        return m;
      }
      case Kind.Set: {
        const s = new Set();
        this.memo.set(v, s);
        for (const x of v as Set<unknown>) s.add(this.value(x));
        return s;
      }
      case Kind.View: {
        const view = v as ArrayBufferView;
        // a view of shared memory is a view of the engine's memory, which the snapshot restores itself
        if (typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer) return v;
        // the bytes a view shows are copied (two views of one buffer become two buffers);
        // a mid-sized Uint8Array's copy is carved from a chunk (pooledBytes)
        let t: ArrayBufferView;
        if (view instanceof DataView) t = new DataView(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
        else if (proto === Uint8Array.prototype && view.byteLength > 64 && view.byteLength <= POOLED_MAX) {
          const u = pooledBytes(view.byteLength);
          u.set(view as Uint8Array);
          t = u;
        } else t = (view as Uint8Array).slice();
        this.memo.set(v, t);
        return t;
      }
      case Kind.ArrayBuffer: {
        const b = (v as ArrayBuffer).slice(0);
        this.memo.set(v, b);
        return b;
      }
      case Kind.Keep:
        return v;
      default: {
        const cp = proto === null ? null : copierFor(v, proto as object);
        if (cp !== null) return new cp.Deep(v, this);
        const o = spreadCopy(v, proto as object);
        this.memo.set(v, o);
        return this.fields(o);
      }
    }
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
