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
 * stream whose chunks are immutable shares them instead of copying), or
 * name under `SHARES` the fields whose objects its copies share.
 *
 * A snapshot restore copies one saved graph again and again: for it,
 * snapshotRestorer writes the walk down once as straight-line code that
 * makes the same copies (see there), still generic, as it is derived from
 * whatever the graph holds when the snapshot is taken.
 */

/** Method name under which an object copies itself: `[CLONE](c: Cloner): this`. */
export const CLONE: unique symbol = Symbol('sudsim.clone');

/**
 * Property of a class's prototype naming the fields whose objects its
 * instances' copies share: values never written in place (a change
 * replaces them), like an address space's VMA list. A cheaper way than a
 * `CLONE` hook making a shallow copy: the restore code copies such a class
 * inline.
 */
export const SHARES: unique symbol = Symbol('sudsim.shares');

/** A class whose copies share some fields' objects (see SHARES). */
export interface SharesFields {
  readonly [SHARES]: readonly string[];
}

const NO_SHARES: readonly string[] = [];

/** The fields proto's instances share (SHARES), if any. */
function sharedFields(proto: object | null): readonly string[] {
  return (proto as Partial<SharesFields> | null)?.[SHARES] ?? NO_SHARES;
}

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
 * which first records the new object, so that cycles come back to it;
 * shared fields, SHARES, as they are).
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
 * The prototypes copierFor looked up last and their copiers, a few of
 * them: a restore's CLONE hooks copy the same few classes again and again
 * (a signal table, the page cache), and the WeakMap lookup cost more than
 * the copy. Prototypes live as long as their
 * classes, so holding these few is no leak worth a WeakMap.
 */
const RECENT = 4;
const recentProtos: (object | undefined)[] = new Array<object | undefined>(RECENT).fill(undefined);
const recentCopiers: (Copier | null)[] = new Array<Copier | null>(RECENT).fill(null);
let recentNext = 0;

/** The copier made for v's class (its instances' fields as v has them, on first sight of the class). */
function classCopier(v: object, proto: object): Copier | null {
  for (let i = 0; i < RECENT; i++) if (recentProtos[i] === proto) return recentCopiers[i];
  let cp = copiers.get(proto);
  if (cp === undefined) {
    cp = Object.getOwnPropertySymbols(v).length === 0 ? makeCopier(Object.keys(v), proto) : null;
    copiers.set(proto, cp);
  }
  recentProtos[recentNext] = proto;
  recentCopiers[recentNext] = cp;
  recentNext = (recentNext + 1) % RECENT;
  return cp;
}

/**
 * The copier for v's class when v has exactly the recorded fields, else
 * null. Instances of one class mostly have the same fields in the same
 * order, so a constructor made for that order copies one several times as
 * fast as a spread followed by Object.setPrototypeOf (which also moves the
 * object to a new hidden class) and a pass over its fields by name.
 */
function copierFor(v: object, proto: object): Copier | null {
  const cp = classCopier(v, proto);
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
  const shares = sharedFields(proto);
  const deep = ['c.remember(v, this);', 'let x;']
    .concat(
      keys.map((k, i) =>
        shares.includes(k)
          ? `this[${names[i]}] = v[${names[i]}];`
          : `x = v[${names[i]}]; this[${names[i]}] = typeof x === 'object' && x !== null ? c.deep(x) : x;`,
      ),
    )
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

/**
 * The copy of a typed array or DataView: the bytes it shows (two views of
 * one buffer become two buffers); a mid-sized Uint8Array's copy is carved
 * from a chunk (pooledBytes). A view of shared memory is a view of the
 * engine's memory, which the snapshot restores itself: it is kept.
 */
function copyView(view: ArrayBufferView): ArrayBufferView {
  if (sharedView(view)) return view;
  if (view instanceof DataView) return new DataView(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
  if (pooledView(view)) {
    const u = pooledBytes(view.byteLength);
    u.set(view);
    return u;
  }
  return (view as Uint8Array).slice();
}

/** A view of shared memory (the engine's). */
function sharedView(view: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer;
}

/** A Uint8Array whose copy pooledBytes makes (65 to POOLED_MAX bytes). */
function pooledView(view: ArrayBufferView): view is Uint8Array {
  return Object.getPrototypeOf(view) === Uint8Array.prototype && view.byteLength > 64 && view.byteLength <= POOLED_MAX;
}

/** How v, of prototype proto, is copied (kinds, filled on first sight of a prototype). */
function kindFor(v: object, proto: object | null): Kind {
  if (proto === null) return Kind.Instance;
  let kind = kinds.get(proto);
  if (kind === undefined) {
    kind = kindOf(v);
    kinds.set(proto, kind);
  }
  return kind;
}

/** One deep copy: every object reached once, shared references kept shared. */
export class Cloner {
  /** Made at the first copy that needs it: a snapshot restore's hooks mostly copy primitives. */
  private memo: Map<object, unknown> | undefined;

  constructor(private readonly shared: ReadonlySet<object> = new Set()) {}

  private remembered(): Map<object, unknown> {
    return (this.memo ??= new Map());
  }

  /** @internal For the generated copiers: records o as the copy of v, before v's fields are copied. */
  remember(v: object, o: object): void {
    this.remembered().set(v, o);
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
    const seen = this.memo?.get(v);
    if (seen !== undefined) return seen;
    switch (kindFor(v, proto as object | null)) {
      case Kind.Hook: {
        const out = (v as Cloneable)[CLONE](this);
        this.remembered().set(v, out);
        return out;
      }
      case Kind.Map: {
        const m = new Map();
        this.remembered().set(v, m);
        for (const [k, x] of v as Map<unknown, unknown>) m.set(this.value(k), this.value(x));
        return m;
      }
      case Kind.Set: {
        const s = new Set();
        this.remembered().set(v, s);
        for (const x of v as Set<unknown>) s.add(this.value(x));
        return s;
      }
      case Kind.View: {
        const t = copyView(v as ArrayBufferView);
        if (t !== v) this.remembered().set(v, t);
        return t;
      }
      case Kind.ArrayBuffer: {
        const b = (v as ArrayBuffer).slice(0);
        this.remembered().set(v, b);
        return b;
      }
      case Kind.Keep:
        return v;
      default: {
        const cp = proto === null ? null : copierFor(v, proto as object);
        if (cp !== null) return new cp.Deep(v, this);
        const o = spreadCopy(v, proto as object);
        this.remembered().set(v, o);
        return this.fields(o, sharedFields(proto as object));
      }
    }
  }

  /** o is a shallow copy: replaces its object-valued fields with copies, but the shared ones (SHARES). */
  private fields(o: Record<string, unknown>, shares = NO_SHARES): object {
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'object' && x !== null && !shares.includes(k)) o[k] = this.object(x);
    }
    return o;
  }
}

/** Generated restore code longer than this (a machine with very many tasks) is left to the Cloner. */
const PLAN_MAX_LINES = 4000;

/**
 * A function that sets each field of saved on a target to a copy and
 * returns a copy of extra, making the copies one `new Cloner(shared)`
 * makes for `target[k] = c.value(saved[k])` over the keys in order and
 * then `c.value(extra)` (save that pooled byte arrays, a task's saved CPU
 * block, come back refilled: see refilledBytes): a snapshot restore. Made
 * once per snapshot, by walking the saved graph as the Cloner would and writing
 * that walk down as straight-line code (one line per copy, shared
 * references through one variable), so that a restore pays neither the
 * memo nor the per-object dispatch, and each copy site sees one shape.
 * The saved graph is never written (restores copy it), so the walk stays
 * true. `CLONE` hooks still run, with c; null (use the Cloner) when an
 * object a hook may copy is also one the code copies (the two copies would
 * not be the same object), when the code would be very long, or where
 * new Function is forbidden.
 */
export function snapshotRestorer(
  saved: Record<string, unknown>,
  extra: unknown,
  shared: ReadonlySet<object>,
): ((target: object, c: Cloner) => unknown) | null {
  const plan = new PlanWriter(shared);
  for (const k of Object.keys(saved)) {
    const e = plan.copy(saved[k]);
    plan.lines.push(`t[${JSON.stringify(k)}] = ${e};`);
  }
  plan.lines.push(`return ${plan.copy(extra)};`);
  if (plan.lines.length > PLAN_MAX_LINES || plan.hooksOverlap()) return null;
  let f: (R: unknown[], H: typeof planHelpers, t: object, c: Cloner) => unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    f = new Function('R', 'H', 't', 'c', plan.lines.join('\n')) as typeof f;
  } catch {
    return null;
  }
  const R = plan.consts;
  return (t, c) => f(R, planHelpers, t, c);
}

/**
 * For a Uint8Array that copyView would carve from a chunk (a task's saved
 * CPU block): one such array, which the restore code fills with the saved
 * bytes each time instead of making a copy. Each restore replaces every
 * kernel field, so the state that held the array the last restore handed
 * out is no longer the kernel's: refilling it is a copy as good as a new
 * one, without the allocation (a new view into a chunk was the costliest
 * copy of a fuzz case's restore). Only a Task object kept from before the
 * restore (machine.kernel is for inspection) sees its block change. Null
 * for every other view.
 */
function refilledBytes(view: ArrayBufferView): Uint8Array | null {
  return !sharedView(view) && pooledView(view) ? pooledBytes(view.byteLength) : null;
}

/** What the generated restore code calls for the copies it does not spell out. */
const planHelpers = { spreadCopy, copyView, CLONE };

/** Writes down the Cloner's walk of one graph (snapshotRestorer). */
class PlanWriter {
  readonly lines: string[] = [];
  /** The saved objects and values the code reads, as R[i]. */
  readonly consts: unknown[] = [];
  /** The variable holding the copy of each object the Cloner would memoize. */
  private readonly vars = new Map<object, string>();
  /** Objects whose CLONE hook the code calls. */
  private readonly hooks: object[] = [];

  constructor(private readonly shared: ReadonlySet<object>) {}

  private constant(x: unknown): string {
    this.consts.push(x);
    return `R[${this.consts.length - 1}]`;
  }

  private variable(v: object, init: string): string {
    const name = `o${this.vars.size}`;
    this.vars.set(v, name);
    this.lines.push(`const ${name} = ${init};`);
    return name;
  }

  /** An expression for the copy of v, after the lines it needs (Cloner.value and Cloner.object, step by step). */
  copy(v: unknown): string {
    if (typeof v !== 'object' || v === null) return this.constant(v);
    if (this.shared.has(v)) return this.constant(v);
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto === Object.prototype) {
      // a record: spread, then its object-valued fields replaced (Cloner.fields)
      const o = { ...v } as Record<string, unknown>;
      const keys = Object.keys(o);
      if (Object.getOwnPropertySymbols(v).length === 0 && !keys.includes('__proto__')) {
        return `{${keys.map((k) => `${JSON.stringify(k)}: ${this.copy(o[k])}`).join(', ')}}`;
      }
      const name = `o${this.vars.size}_${this.lines.length}`;
      this.lines.push(`const ${name} = { ...${this.constant(v)} };`);
      this.fields(name, o);
      return name;
    }
    if (proto === Array.prototype) {
      const a = v as unknown[];
      const name = `a${this.lines.length}`;
      this.lines.push(`const ${name} = ${this.constant(v)}.slice();`);
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        if (typeof x === 'object' && x !== null) {
          const e = this.copy(x);
          this.lines.push(`${name}[${i}] = ${e};`);
        }
      }
      return name;
    }
    const seen = this.vars.get(v);
    if (seen !== undefined) return seen;
    const src = this.constant(v);
    switch (kindFor(v, proto)) {
      case Kind.Hook:
        this.hooks.push(v);
        return this.variable(v, `${src}[H.CLONE](c)`);
      case Kind.Map: {
        const name = this.variable(v, 'new Map()');
        for (const [k, x] of v as Map<unknown, unknown>) {
          const ke = this.copy(k);
          const xe = this.copy(x);
          this.lines.push(`${name}.set(${ke}, ${xe});`);
        }
        return name;
      }
      case Kind.Set: {
        const name = this.variable(v, 'new Set()');
        for (const x of v as Set<unknown>) {
          const xe = this.copy(x);
          this.lines.push(`${name}.add(${xe});`);
        }
        return name;
      }
      case Kind.View: {
        const into = refilledBytes(v as ArrayBufferView);
        if (into === null) return this.variable(v, `H.copyView(${src})`);
        // one array made here and given the saved bytes again on every restore: see refilledBytes
        const name = this.variable(v, this.constant(into));
        this.lines.push(`${name}.set(${src});`);
        return name;
      }
      case Kind.ArrayBuffer:
        return this.variable(v, `${src}.slice(0)`);
      case Kind.Keep:
        return src;
      default: {
        const cp = proto === null ? null : copierFor(v, proto);
        if (cp !== null) {
          const name = this.variable(v, `new ${this.constant(cp.Shallow)}(${src})`);
          const r = v as Record<string, unknown>;
          const shares = sharedFields(proto);
          for (const k of cp.keys) {
            const x = r[k];
            // a shared object stays as the shallow copy has it
            if (typeof x === 'object' && x !== null && !this.shared.has(x) && !shares.includes(k)) {
              const e = this.copy(x);
              this.lines.push(`${name}[${JSON.stringify(k)}] = ${e};`);
            }
          }
          return name;
        }
        const name = this.variable(v, `H.spreadCopy(${src}, ${this.constant(proto)})`);
        this.fields(name, spreadCopy(v, proto as object), sharedFields(proto));
        return name;
      }
    }
  }

  /** Lines replacing the object-valued fields of the shallow copy o (held in name) with copies, but the shared ones (SHARES). */
  private fields(name: string, o: Record<string, unknown>, shares = NO_SHARES): void {
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'object' && x !== null && !shares.includes(k)) {
        const e = this.copy(x);
        this.lines.push(`${name}[${JSON.stringify(k)}] = ${e};`);
      }
    }
  }

  /**
   * Whether anything a hook may hand to c (what its object reaches) is an
   * object the code copies itself: the Cloner would make one copy of it,
   * the code and c one each.
   */
  hooksOverlap(): boolean {
    const seen = new Set<object>();
    const stack: unknown[] = [];
    for (const h of this.hooks) {
      for (const k in h) stack.push((h as Record<string, unknown>)[k]);
    }
    while (stack.length > 0) {
      const x = stack.pop();
      if (typeof x !== 'object' || x === null || this.shared.has(x) || seen.has(x)) continue;
      seen.add(x);
      if (this.vars.has(x)) return true;
      if (x instanceof Map) for (const [k, y] of x) stack.push(k, y);
      else if (x instanceof Set) for (const y of x) stack.push(y);
      else if (!ArrayBuffer.isView(x) && !(x instanceof ArrayBuffer)) for (const k in x) stack.push((x as Record<string, unknown>)[k]);
    }
    return false;
  }
}
