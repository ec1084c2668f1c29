/**
 * exec builds a new address space's VMA list in place (mm.mapNew): that
 * list must be the new address space's alone, never the empty list every
 * address space starts with, nor one a snapshot or another image holds.
 */
import { Machine } from '../../src/api/index.js';
import { AddressSpace } from '../../src/kernel/mm.js';
import { GUEST_ELF } from '../../src/fuzz/guest_program.js';

describe('exec address space VMA lists', () => {
  it('leaves the list a new address space starts with empty, and gives each image its own', () => {
    const a = new Machine();
    a.load(GUEST_ELF, { argv: ['guest'] });
    const b = new Machine();
    b.load(GUEST_ELF, { argv: ['guest'] });
    const va = a.kernel.current.mm.vmas;
    const vb = b.kernel.current.mm.vmas;
    expect(va.length).toBeGreaterThan(4);
    expect(va).not.toBe(vb);
    expect(va.map((v) => [v.start, v.end, v.name])).toEqual(vb.map((v) => [v.start, v.end, v.name]));
    // sorted, as insert keeps them
    for (let i = 1; i < va.length; i++) expect(va[i - 1].end <= va[i].start).toBe(true);
    const fresh = new AddressSpace(a.kernel.engine, a.kernel.mappedFiles);
    expect(fresh.vmas).toEqual([]);
    fresh.destroy();
  });

  it('keeps a snapshot taken before an exec with the list it had, the exec building a list of its own', () => {
    const m = new Machine();
    m.load(GUEST_ELF, { argv: ['guest'] });
    const snap = m.snapshot();
    const before = m.kernel.current.mm.vmas.map((v) => [v.start, v.end, v.name]);
    m.kernel.execImage(GUEST_ELF, { argv: ['guest', 'again'], env: [], execfn: '/guest' });
    expect(m.kernel.current.mm.vmas.map((v) => [v.start, v.end, v.name])).toEqual(before);
    m.restore(snap);
    expect(m.kernel.current.mm.vmas.map((v) => [v.start, v.end, v.name])).toEqual(before);
  });
});
