/**
 * A program run twice in lockstep, by the run loop's fast forms and by the
 * generic handlers alone (SW_GENERIC_ONLY), in slices whose lengths cut
 * blocks and fused pairs everywhere: after every slice the compared
 * registers must agree and the slice must end alike (tests/engine/fastforms*).
 */
import { Machine, type RegisterName } from '../../src/api/index.js';
import * as L from '../../src/engine/layout.js';

export interface LockstepPair {
  fast: Machine;
  generic: Machine;
}

/** The two machines, each with elf loaded. */
export function lockstepPair(elf: Uint8Array, argv: string[], stdin = ''): LockstepPair {
  const make = (genericOnly: boolean): Machine => {
    const m = new Machine({ stdin });
    m.kernel.engine.setI32(L.SW_GENERIC_ONLY, genericOnly ? 1 : 0);
    m.load(elf, { argv });
    return m;
  };
  return { fast: make(false), generic: make(true) };
}

/**
 * Runs both machines slice by slice (slice 1, 2, ... of sliceLength(slice)
 * instructions) until the program ends or maxSlices have run; throws at the
 * first register that differs, naming the slice and the fast machine's rip.
 */
export function runLockstep(p: LockstepPair, sliceLength: (slice: number) => number, compared: readonly RegisterName[], maxSlices = Infinity): void {
  const { fast, generic } = p;
  for (let slice = 1; slice <= maxSlices; slice++) {
    const n = sliceLength(slice);
    const a = fast.run({ maxInsns: n });
    const b = generic.run({ maxInsns: n });
    const where = `slice ${slice}, ${fast.insns} instructions in, rip ${fast.getReg('rip').toString(16)}`;
    for (const r of compared) {
      const fv = fast.getReg(r);
      const gv = generic.getReg(r);
      if (fv !== gv) throw new Error(`${r} differs at ${where}: fast ${fv.toString(16)}, generic ${gv.toString(16)}`);
    }
    expect({ kind: a.kind, insns: a.insns }).toEqual({ kind: b.kind, insns: b.insns });
    if (a.kind !== 'budget') break;
  }
}
