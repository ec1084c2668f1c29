/**
 * Properties: invariants over a case and what it showed, written in
 * TypeScript. The fuzzer checks every registered property on every case
 * run and reports a violation as a finding (oracle `property:<name>`).
 *
 * @example
 * ```ts
 * import { property } from 'sudsim/fuzz';
 * property('no-sigsys-from-slot-3', 'slot 3 is never dispatched', (c, o) =>
 *   o.log.some((r) => recKind(r) === REC_SIGSYS && siteName(r.a).startsWith('slot3')) ? 'slot 3 was dispatched' : null);
 * ```
 */
import { type FuzzCase, type Step, addrValue, SEL_RW } from './case.js';
import { type Outcome, recKind, REC_RET, REC_SIGSYS, REC_PTRACE1, REC_PTRACE2, REC_PTRACE3, siteName } from './outcome.js';

/**
 * A violation in words, or null when the property holds for this run. A
 * violation may also name its kind (`reason`): each kind is reported as a
 * finding of its own, so one kind found first does not hide another.
 */
export type PropertyCheck = (c: FuzzCase, o: Outcome) => string | { message: string; reason?: string } | null;

export interface Property {
  name: string;
  description: string;
  check: PropertyCheck;
}

const registry = new Map<string, Property>();

/** Registers a property (a later one with the same name replaces it). */
export function property(name: string, description: string, check: PropertyCheck): Property {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new RangeError(`sudsim: property names are lower-case words joined by '-' (got ${JSON.stringify(name)})`);
  const p = { name, description, check };
  registry.set(name, p);
  return p;
}

export function getProperty(name: string): Property | undefined {
  return registry.get(name);
}

export function listProperties(): Property[] {
  return [...registry.values()];
}

// ------------------------------------------------------------ the built-in set

interface Region {
  exclusive: boolean;
  contains: (ip: bigint) => boolean;
}

/** The region an arm step installs, read the way SEMANTICS.md §2 defines each profile. */
function regionOf(c: FuzzCase, s: Extract<Step, { op: 'arm' }>): Region | null {
  const a = addrValue(s.a);
  const b = addrValue(s.b);
  if (c.profile === 'patch-v5') {
    if (BigInt.asIntN(32, s.mode) !== 1n) return null;
    return { exclusive: true, contains: (ip) => a <= ip && ip <= b };
  }
  const mode = s.mode;
  if (mode === 1n) return { exclusive: true, contains: (ip) => BigInt.asUintN(64, ip - a) < b };
  if (mode === 2n) return { exclusive: false, contains: (ip) => BigInt.asUintN(64, ip - a) < b };
  return null;
}

property(
  'exclusive-region-never-dispatched',
  'a syscall issued inside an EXCLUSIVE region is never dispatched',
  (c, o) => {
    let region: Region | null = null;
    // a step during which a SIGSYS arrived did not reach the kernel: its result is the handler's
    let intercepted = false;
    for (const r of o.log) {
      const k = recKind(r);
      if (k === REC_RET) {
        const s = c.steps[Number(r.a)];
        if (s?.op === 'arm' && r.b === 0n && !intercepted) region = s.mode === 0n || BigInt.asIntN(32, s.mode) === 0n ? null : regionOf(c, s);
        intercepted = false;
      } else if (k === REC_SIGSYS) {
        intercepted = true;
        if (region?.exclusive && r.a !== 0n && region.contains(r.a)) {
          return `syscall ${Number(r.b & 0xffffffffn) | 0} from ${siteName(r.a)}, inside the exclusive region, was dispatched`;
        }
      }
    }
    return null;
  },
);

property(
  'allow-then-restorer-no-second-sigsys',
  'a handler that sets ALLOW and returns through the restorer never gets a second SIGSYS for the same syscall',
  (c, o) => {
    if (c.handler.setsel !== 0 || c.handler.nested) return null;
    let selectorWritable = false;
    let restorerOk = false;
    let last: { a: bigint; b: bigint } | undefined;
    let intercepted = false;
    for (const r of o.log) {
      const k = recKind(r);
      if (k === REC_RET) {
        const s = c.steps[Number(r.a)];
        const done = !intercepted;
        intercepted = false;
        if (!done) {
          last = undefined;
          continue;
        }
        if (s?.op === 'arm' && r.b === 0n) {
          const sel = addrValue(s.sel);
          selectorWritable = sel >= SEL_RW && sel < SEL_RW + 4096n;
        }
        if (s?.op === 'prot' || s?.op === 'unmap') selectorWritable = false;
        if (s?.op === 'sigaction' && r.b === 0n) restorerOk = s.disp === 2 && (s.flags & 0x04000000n) !== 0n && s.restorer < 8 && (s.flags & 0x80000000n) === 0n;
        last = undefined;
      } else if (k === REC_SIGSYS) {
        intercepted = true;
        if (last && selectorWritable && restorerOk && r.a === last.a && r.b === last.b) {
          return `syscall ${Number(r.b & 0xffffffffn) | 0} from ${siteName(r.a)} was dispatched again after the handler set ALLOW`;
        }
        last = { a: r.a, b: r.b };
      } else {
        last = undefined;
      }
    }
    return null;
  },
);

property(
  'ptrace-get-set-roundtrip',
  'a ptrace GET followed by SET of the same config succeeds and changes nothing',
  (_c, o) => {
    for (let i = 0; i + 2 < o.log.length; i++) {
      const [g1, g2, g3] = [o.log[i], o.log[i + 1], o.log[i + 2]];
      if (recKind(g1) !== REC_PTRACE1 || recKind(g2) !== REC_PTRACE2 || recKind(g3) !== REC_PTRACE3) continue;
      if (g2.b !== 0n) continue; // GET itself failed: nothing to round-trip
      const h = (v: bigint): string => '0x' + v.toString(16);
      // the kind is GET's mode: 1, an armed config (INCLUSIVE comes back inverted), or 0, a config
      // stored but not armed (a fork child keeps its parent's)
      if (g2.c !== 0n) return { message: `GET returned {mode ${g1.a}, selector ${h(g1.b)}, offset ${h(g1.c)}, len ${h(g2.a)}}; SET of the same config failed with ${BigInt.asIntN(64, g2.c)}`, reason: `SET fails, mode ${g1.a}` };
      if (g3.a !== 1n) return { message: 'SET of the config GET returned succeeded but a second GET returned something else', reason: `SET changes it, mode ${g1.a}` };
    }
    return null;
  },
);

/** Names of the built-in properties. */
export const BUILTIN_PROPERTIES = ['exclusive-region-never-dispatched', 'allow-then-restorer-no-second-sigsys', 'ptrace-get-set-roundtrip'];

/** Checks properties on one run; returns the violated ones with their message. */
export function checkProperties(names: readonly string[], c: FuzzCase, o: Outcome): { name: string; message: string; reason: string }[] {
  const out: { name: string; message: string; reason: string }[] = [];
  for (const n of names) {
    const p = registry.get(n);
    if (!p) throw new RangeError(`sudsim: no property ${n}; known: ${[...registry.keys()].join(', ')}`);
    const m = p.check(c, o);
    if (typeof m === 'string') out.push({ name: n, message: m, reason: '' });
    else if (m) out.push({ name: n, message: m.message, reason: m.reason ?? '' });
  }
  return out;
}

