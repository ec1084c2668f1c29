import { Cloner, CLONE } from '../../src/kernel/clone.js';

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
});
