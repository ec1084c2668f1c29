/**
 * Case generation: random dispatch scenarios weighted toward the edges that
 * matter (the region's ends around each call site, wrap-around, the top of
 * user space, selector pages that vanish or change protection, handlers that
 * flip the selector or re-enter the kernel), and mutation of corpus cases so
 * that coverage feedback can steer toward new behaviour.
 */
import {
  type Addr, type AddrBase, type FuzzCase, type HandlerSpec, type ProfileName, type Step,
  SLOTS, HARMLESS, MAX_STEPS,
} from './case.js';
import type { Rng } from './rng.js';

const SA_SIGINFO = 4;
const SA_RESTORER = 0x04000000;
const SA_RESTART = 0x10000000;
const SA_NODEFER = 0x40000000;
const SA_RESETHAND = 0x80000000;
const SIGSYS_BIT = 1n << 30n;

const MODES: readonly bigint[] = [0n, 1n, 1n, 1n, 2n, 2n, 3n, 0xffffffffffffffffn, 0x100000001n, 0x100000002n, 0x80000001n];

/** Offsets inside a slot where a region edge is interesting: the call, after it, the restorer. */
const SLOT_EDGES: readonly bigint[] = [0n, 1n, 2n, 3n, 16n, 21n, 22n, 23n, 24n, 31n, 32n];

const SMALL_LENS: readonly bigint[] = [0n, 1n, 2n, 3n, 21n, 22n, 23n, 24n, 32n, 64n, 224n, 225n, 256n, 4096n];
const HUGE: readonly bigint[] = [-1n, -2n, -0x100n, 0x8000000000000000n, 0x7fffffffffffffffn, 0x10000000n];

// The choices below as tables made once: a case draws dozens of them, and an array literal
// or BigInt arithmetic in a draw allocates each time
const LENS_AND_HUGE: readonly bigint[] = [...SMALL_LENS, ...HUGE];
/** slot * 32 + edge, by slot and then edge (the order pickAddr draws them in). */
const SITE_DELTAS: readonly (readonly bigint[])[] = Array.from({ length: SLOTS }, (_, slot) => SLOT_EDGES.map((e) => BigInt(slot) * 32n + e));
/** -1, 0 and +1: what BigInt(r.below(3) - 1) gives. */
const AROUND: readonly bigint[] = [-1n, 0n, 1n];
const KERNEL_DELTAS: readonly bigint[] = [0n, -1n, 1n];
const SEL_PAGES: readonly AddrBase[] = ['selrw', 'unmapped', 'selro'];
const SELRW_DELTAS: readonly bigint[] = [0n, 0n, 0n, 1n, 4095n];
const ABS_SELECTORS: readonly bigint[] = [0n, 0x10n, -1n];
/** 0 to 255: what BigInt(r.below(256)) gives. */
const BYTE_DELTAS: readonly bigint[] = Array.from({ length: 256 }, (_, i) => BigInt(i));
const SEL_VALUES: readonly number[] = [0, 0, 1, 1, 1, 2, 0xff];
const DISPOSITIONS: readonly (0 | 1 | 2)[] = [2, 2, 2, 1, 0];
const MASK_HOWS: readonly number[] = [0, 1, 2, 2, 3];
const MASK_SETS: readonly bigint[] = [SIGSYS_BIT, SIGSYS_BIT, 0n, -1n & 0xffffffffffffffffn];
const PROTS: readonly number[] = [0, 1, 2, 3, 4, 5, 7];
const CHILD_SELVALS: readonly number[] = [-1, 0, 1, 2];
const HANDLER_VALUES: readonly bigint[] = [0n, 1n, 0x4242n, BigInt.asUintN(64, -38n), BigInt.asUintN(64, -1n)];
const MAX_DEPTHS: readonly number[] = [1, 2, 3, 8];
const RO_VALUES: readonly number[] = [0, 1, 2, 0xff];

function pickAddr(r: Rng): Addr {
  const k = r.below(10);
  if (k < 5) {
    const slot = r.below(SLOTS);
    return { base: 'sites', delta: r.pick(SITE_DELTAS[slot]) };
  }
  if (k < 7) return { base: 'abs', delta: r.pick(LENS_AND_HUGE) };
  if (k === 7) return { base: 'top', delta: r.pick(AROUND) };
  if (k === 8) return { base: 'kernel', delta: r.pick(KERNEL_DELTAS) };
  return { base: r.pick(SEL_PAGES), delta: 0n };
}

/** The length (mainline) or end (patch-v5) operand: small lengths, huge ones, or an address. */
function pickB(r: Rng, profile: ProfileName): Addr {
  if (profile === 'patch-v5' || r.chance(0.3)) return pickAddr(r);
  return { base: 'abs', delta: r.chance(0.85) ? r.pick(SMALL_LENS) : r.pick(HUGE) };
}

function pickSelector(r: Rng): Addr {
  const k = r.below(20);
  if (k < 11) return { base: 'selrw', delta: r.pick(SELRW_DELTAS) };
  if (k < 13) return { base: 'selro', delta: 0n };
  if (k === 13) return { base: 'abs', delta: r.pick(ABS_SELECTORS) };
  if (k === 14) return { base: 'unmapped', delta: 0n };
  if (k === 15) return { base: 'top', delta: r.pick(AROUND) };
  if (k === 16) return { base: 'kernel', delta: 0n };
  if (k === 17) return { base: 'sites', delta: r.pick(BYTE_DELTAS) };
  return { base: 'abs', delta: 0n };
}

function pickSelValue(r: Rng): number {
  return r.pick(SEL_VALUES);
}

function pickArm(r: Rng, profile: ProfileName, op: 'arm' | 'ptrace'): Step {
  return { op, mode: r.pick(MODES), a: pickAddr(r), b: pickB(r, profile), sel: pickSelector(r) };
}

/** The sa_flags pickFlags draws, by the draws' bits (1: siginfo, 2: restorer, 4: nodefer, 8: resethand, 16: restart). */
const FLAG_SETS: readonly bigint[] = Array.from({ length: 32 }, (_, bits) => {
  let f = 0;
  if (bits & 1) f |= SA_SIGINFO;
  if (bits & 2) f |= SA_RESTORER;
  if (bits & 4) f |= SA_NODEFER;
  if (bits & 8) f |= SA_RESETHAND;
  if (bits & 16) f |= SA_RESTART;
  return BigInt(f >>> 0);
});

function pickFlags(r: Rng): bigint {
  // the draws give the index of a BigInt made once, rather than a BigInt made per sigaction
  let bits = 1 | 2;
  if (r.chance(0.08)) bits &= ~1;
  if (r.chance(0.08)) bits &= ~2;
  if (r.chance(0.25)) bits |= 4;
  if (r.chance(0.1)) bits |= 8;
  if (r.chance(0.1)) bits |= 16;
  return FLAG_SETS[bits];
}

/**
 * A random step. fork, thread and ptrace cost the engine several times what
 * the other steps cost (a new address space, a second task), so they are
 * drawn less often; coverage feedback keeps the cases that reach something
 * new with them.
 */
export function randomStep(r: Rng, profile: ProfileName): Step {
  const k = r.below(100);
  if (k < 17) return pickArm(r, profile, 'arm');
  if (k < 32) return { op: 'sel', value: pickSelValue(r) };
  if (k < 66) {
    // one in five through int $0x80, as 32-bit code in a 64-bit process (Wine's WoW64) enters the kernel
    const slot = r.below(SLOTS);
    const idx = r.below(HARMLESS.length);
    return r.chance(0.2) ? { op: 'sys', slot, idx, int80: true } : { op: 'sys', slot, idx };
  }
  if (k < 75) return { op: 'sigaction', disp: r.pick(DISPOSITIONS), flags: pickFlags(r), restorer: r.below(SLOTS + 1), maskSigsys: r.chance(0.15) };
  if (k < 82) return { op: 'mask', how: r.pick(MASK_HOWS), set: r.pick(MASK_SETS) };
  if (k < 89) return { op: 'prot', prot: r.pick(PROTS) };
  if (k < 91) return { op: 'unmap' };
  if (k < 94) return { op: 'fork', slot: r.below(SLOTS), idx: r.below(HARMLESS.length), selval: r.pick(CHILD_SELVALS) };
  if (k < 97) return { op: 'thread', slot: r.below(SLOTS), idx: r.below(HARMLESS.length), selval: r.pick(CHILD_SELVALS) };
  if (k < 99) return pickArm(r, profile, 'ptrace');
  // an exec loads a whole new image (about 20 times a light case's cost): rarer still
  if (r.chance(0.3)) return { op: 'exec' };
  return { op: 'sys', slot: r.below(SLOTS), idx: r.below(HARMLESS.length) };
}

function randomHandler(r: Rng): HandlerSpec {
  return {
    emulate: r.chance(0.5),
    value: r.pick(HANDLER_VALUES),
    setsel: r.chance(0.5) ? -1 : pickSelValue(r),
    nested: r.chance(0.25) ? { slot: r.below(SLOTS), idx: r.below(HARMLESS.length) } : null,
    maxDepth: r.pick(MAX_DEPTHS),
  };
}

/** A fresh case: usually a handler, an arming, a selector value and syscalls, in some order. */
export function randomCase(r: Rng, profile: ProfileName): FuzzCase {
  const steps: Step[] = [];
  if (r.chance(0.75)) steps.push({ op: 'sigaction', disp: 2, flags: pickFlags(r), restorer: r.below(SLOTS + 1), maskSigsys: r.chance(0.1) });
  if (r.chance(0.85)) steps.push(pickArm(r, profile, 'arm'));
  if (r.chance(0.7)) steps.push({ op: 'sel', value: pickSelValue(r) });
  const n = 1 + r.below(8);
  for (let i = 0; i < n; i++) steps.push(randomStep(r, profile));
  return {
    profile,
    smap: r.chance(0.8),
    sysctl: profile === 'linux-next' ? r.chance(0.7) : true,
    roValue: r.pick(RO_VALUES),
    handler: randomHandler(r),
    // at most 3 + 8 steps, within MAX_STEPS
    steps,
  };
}

/**
 * splice(at, 0, s) and splice(at, 1) as plain moves: splice, a general
 * builtin, cost a quarter of mutateCase (it also makes an array of what it
 * removes).
 */
function insertAt(steps: Step[], at: number, s: Step): void {
  for (let j = steps.length; j > at; j--) steps[j] = steps[j - 1];
  steps[at] = s;
}

function removeAt(steps: Step[], at: number): void {
  for (let j = at + 1; j < steps.length; j++) steps[j - 1] = steps[j];
  steps.length--;
}

/** A variation of a corpus case: one step changed, added, removed or swapped, or the handler redrawn. */
export function mutateCase(r: Rng, base: FuzzCase, other?: FuzzCase): FuzzCase {
  // copied field by field: object spread costs several times as much, in a function run for every other case.
  // The handler is shared, as the steps are: a mutation replaces it whole, and nothing changes
  // a case's handler in place (shrinking copies it first)
  const c: FuzzCase = {
    profile: base.profile,
    smap: base.smap,
    sysctl: base.sysctl,
    roValue: base.roValue,
    handler: base.handler,
    steps: base.steps.slice(),
  };
  const rounds = 1 + r.below(3);
  for (let i = 0; i < rounds; i++) {
    const k = r.below(10);
    const at = r.below(Math.max(1, c.steps.length));
    if (k < 3 && c.steps.length) c.steps[at] = randomStep(r, c.profile);
    else if (k < 5 && c.steps.length < MAX_STEPS) {
      const to = r.below(c.steps.length + 1);
      insertAt(c.steps, to, randomStep(r, c.profile));
    } else if (k < 6 && c.steps.length > 1) removeAt(c.steps, at);
    else if (k < 7 && c.steps.length > 1) {
      const j = r.below(c.steps.length);
      const s = c.steps[at];
      c.steps[at] = c.steps[j];
      c.steps[j] = s;
    } else if (k < 8) c.handler = randomHandler(r);
    else if (k < 9 && other && other.steps.length) {
      // splice: the head of this case, the tail of another
      const cut = r.below(c.steps.length + 1);
      const from = r.below(other.steps.length);
      // at most MAX_STEPS in all: the tail as far as the head leaves room for
      const steps = c.steps.slice(0, Math.min(cut, MAX_STEPS));
      const end = Math.min(other.steps.length, from + MAX_STEPS - steps.length);
      for (let j = from; j < end; j++) steps.push(other.steps[j]);
      c.steps = steps;
    } else {
      c.roValue = r.pick(RO_VALUES);
      c.smap = !c.smap;
    }
  }
  return c;
}
