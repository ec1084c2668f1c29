import { Cloner, CLONE, snapshotRestorer } from '../../src/kernel/clone.js';

class Space {
  pages = [1, 2];
}
class Thread {
  regs = new Uint8Array([1, 2, 3]);
  constructor(public space: Space, public onExit: () => void) {}
  name(): string {
    return 'thread';
  }
}

describe('kernel state copies (snapshots)', () => {
  it('keeps prototypes, copies collections and bytes, and keeps what two objects share shared', () => {
    const space = new Space();
    const exit = (): void => {};
    const a = new Thread(space, exit);
    const b = new Thread(space, exit);
    const state = { threads: new Map([[1, a], [2, b]]), current: a, ids: new Set([1, 2]), dv: new DataView(new ArrayBuffer(8)) };
    const c = new Cloner().value(state);
    const ca = c.threads.get(1)!;
    expect(ca).toBeInstanceOf(Thread);
    expect(ca.name()).toBe('thread');
    expect(ca).not.toBe(a);
    expect(c.current).toBe(ca);
    expect(c.threads.get(2)!.space).toBe(ca.space);
    expect(ca.space).not.toBe(space);
    expect(ca.onExit).toBe(exit);
    ca.regs[0] = 9;
    ca.space.pages.push(3);
    expect(a.regs[0]).toBe(1);
    expect(space.pages).toEqual([1, 2]);
    expect([...c.ids]).toEqual([1, 2]);
    c.dv.setUint8(0, 7);
    expect(state.dv.getUint8(0)).toBe(0);
  });

  it('keeps objects of the shared set, views of shared memory, and lets a class copy itself', () => {
    const engine = { memory: new Uint8Array(new SharedArrayBuffer(16)) };
    class Stream {
      chunks = [new Uint8Array(4)];
      [CLONE](): Stream {
        const s = new Stream();
        s.chunks = this.chunks.slice();
        return s;
      }
    }
    const st = new Stream();
    const state = { engine, view: engine.memory, out: st };
    const c = new Cloner(new Set([engine])).value(state);
    expect(c.engine).toBe(engine);
    expect(c.view).toBe(engine.memory);
    expect(c.out).toBeInstanceOf(Stream);
    expect(c.out).not.toBe(st);
    expect(c.out.chunks[0]).toBe(st.chunks[0]);
  });

  it('restores through generated code exactly the copies a Cloner makes', () => {
    const engine = { memory: new Uint8Array(new SharedArrayBuffer(16)) };
    class Hooked {
      data = new Uint8Array(100);
      [CLONE](c: Cloner): Hooked {
        const h = new Hooked();
        h.data = c.value(this.data);
        return h;
      }
    }
    const space = new Space();
    const a = new Thread(space, () => {});
    const odd = new Thread(space, () => {});
    (odd as unknown as { extra: unknown }).extra = { n: 1n, list: [space, { deep: true }] };
    const rec = { x: 1, y: 'two', z: { w: [1, 2] } };
    const saved: Record<string, unknown> = {
      threads: new Map<number, Thread>([[1, a], [2, odd]]),
      current: a,
      rec,
      again: rec,
      ids: new Set([3, 4]),
      bytes: new Uint8Array(200),
      engine,
      hook: new Hooked(),
      nothing: undefined,
      big: 5n,
    };
    const machine = { out: a, loaded: true };
    const restore = snapshotRestorer(saved, machine, new Set([engine]))!;
    expect(restore).not.toBeNull();
    const target: Record<string, unknown> = {};
    const m = restore(target, new Cloner(new Set([engine]))) as typeof machine;
    const expected: Record<string, unknown> = {};
    const c = new Cloner(new Set([engine]));
    for (const k of Object.keys(saved)) expected[k] = c.value(saved[k]);
    expect(target).toStrictEqual(expected);
    expect(m).toStrictEqual(c.value(machine));
    const threads = target.threads as Map<number, Thread>;
    expect(target.current).toBe(threads.get(1));
    expect(m.out).toBe(target.current);
    expect(threads.get(2)!.space).toBe(threads.get(1)!.space);
    expect(threads.get(1)!.space).not.toBe(space);
    expect(threads.get(2)).toBeInstanceOf(Thread);
    expect(target.rec).not.toBe(rec);
    expect(target.again).not.toBe(target.rec);
    expect(target.engine).toBe(engine);
    expect(target.hook).toBeInstanceOf(Hooked);
    expect((target.hook as Hooked).data).not.toBe((saved.hook as Hooked).data);
    // a second restore makes new copies again
    const again: Record<string, unknown> = {};
    restore(again, new Cloner(new Set([engine])));
    expect(again.threads).not.toBe(target.threads);
    expect(again).toStrictEqual(expected);
  });

  it('leaves a restore to the Cloner when a hook may copy an object the code copies too', () => {
    const shared = new Space();
    class Hooked {
      constructor(public space: Space) {}
      [CLONE](c: Cloner): Hooked {
        return new Hooked(c.value(this.space));
      }
    }
    expect(snapshotRestorer({ a: shared, h: new Hooked(shared) }, undefined, new Set())).toBeNull();
  });
});
