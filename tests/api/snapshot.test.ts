/**
 * Machine snapshots: a restore puts back registers, memory, kernel state and
 * counters, so that every run from a snapshot is the run a fresh machine
 * makes; restore rewrites only the pages written since the snapshot (and
 * of those, the 256-byte parts written), and `restore(snap, { check: true })`
 * proves it left no page behind by comparing all memory with the snapshot.
 */
import { join } from 'node:path';
import { Machine, MachineSnapshot, type RunResult } from '../../src/api/index.js';
import * as L from '../../src/engine/layout.js';
import { buildStatic, gccUnavailable, readBinary, runNative, workDir } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`snapshot tests skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;
const dir = join(import.meta.dirname, 'programs');
const kernelDir = join(import.meta.dirname, '..', 'kernel', 'programs');
const FLAGS = ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only'];

let elf: Uint8Array;
const program = (): Uint8Array => (elf ??= readBinary(buildStatic('snapshot', [join(dir, 'snapshot.c')], FLAGS)));

/** The counters that describe the guest's run (the host-cache counters tlbMisses and blocksBuilt excepted). */
function guestCounters(m: Machine): Record<string, bigint> {
  const { tlbMisses: _t, blocksBuilt: _b, ...rest } = m.counters();
  return rest;
}

interface Outcome {
  result: RunResult;
  stdout: string;
  stderr: string;
  counters: Record<string, bigint>;
}

function outcome(m: Machine, result: RunResult): Outcome {
  return { result, stdout: m.stdoutText(), stderr: m.stderrText(), counters: guestCounters(m) };
}

function fresh(argv: string[], stdin = ''): { m: Machine; out: Outcome } {
  const m = new Machine({ stdin });
  m.load(program(), { argv });
  return { m, out: outcome(m, m.run({ maxInsns: 2_000_000_000 })) };
}

/**
 * A fresh machine's run of the guest in mode (stdin "hello"), checked against
 * the same program run natively: the same exit status and output.
 */
function nativeChecked(mode: string): Outcome {
  program();
  const native = runNative(join(workDir, 'snapshot'), [mode], Buffer.from('hello'));
  const ref = fresh(['snap', mode], 'hello').out;
  expect(ref.result).toMatchObject({ kind: 'exited', status: native.status });
  expect(ref.stdout).toBe(native.stdout.toString());
  return ref;
}

/** Runs m with small budgets until its stdout contains text. */
function runUntilOutput(m: Machine, text: string): void {
  for (let i = 0; i < 100_000 && !m.stdoutText().includes(text); i++) {
    const r = m.run({ maxInsns: 500 });
    if (r.kind !== 'budget') throw new Error(`program ended before printing ${text}`);
  }
}

maybe('machine snapshots', () => {
  it('runs a case (memory, mmap, brk, a SIGSYS handler, SUD, fork, stdin, output) from a snapshot five times exactly as a fresh machine runs it', () => {
    const ref = nativeChecked('case');
    expect(ref.stdout).toContain('dispatched=39');

    const m = new Machine({ stdin: 'hello' });
    m.load(program(), { argv: ['snap', 'case'] });
    const snap = m.snapshot();
    expect(outcome(m, m.run())).toEqual(ref);
    const firstBuilt = m.counters().blocksBuilt;
    for (let i = 0; i < 5; i++) {
      m.restore(snap, { check: true });
      expect(m.insns).toBe(0n);
      expect(m.stdoutText()).toBe('');
      expect(outcome(m, m.run())).toEqual(ref);
      // the counters are restored too; code nobody wrote stays decoded, so fewer blocks are built
      expect(m.counters().blocksBuilt).toBeLessThan(firstBuilt);
    }
  });

  it('keeps decoded code across a restore, decoding again only what was written', () => {
    const m = new Machine({ stdin: 'hello' });
    m.load(program(), { argv: ['snap', 'case'] });
    const snap = m.snapshot();
    m.run();
    const firstBuilt = m.counters().blocksBuilt;
    m.restore(snap);
    m.run();
    expect(m.counters().blocksBuilt).toBeLessThan(firstBuilt / 2n);
  });

  it('restores a snapshot taken mid-run (after the fork) to the same ending as the uninterrupted run', () => {
    const ref = fresh(['snap', 'case'], 'hello').out;
    for (const at of [20_000, 150_000]) {
      const m = new Machine({ stdin: 'hello' });
      m.load(program(), { argv: ['snap', 'case'] });
      expect(m.run({ maxInsns: at }).kind).toBe('budget');
      const snap = m.snapshot();
      const partial = m.stdoutText();
      for (let i = 0; i < 3; i++) {
        if (i > 0) m.restore(snap, { check: true });
        expect(m.stdoutText()).toBe(partial);
        const r = m.run();
        expect(r).toMatchObject({ kind: 'exited', status: 5 });
        expect(m.insns).toBe(ref.result.insns);
        expect(m.stdoutText()).toBe(ref.stdout);
        expect(guestCounters(m)).toEqual(ref.counters);
      }
    }
  });

  it('runs code restored under blocks decoded from its rewritten bytes as the restored bytes (self-modifying code)', () => {
    const ref = fresh(['snap', 'smc']).out;
    expect(ref.stdout).toBe('r=1\nr=1\nr=2\n');
    const m = new Machine();
    m.load(program(), { argv: ['snap', 'smc'] });
    // the snapshot falls in the spin between the first and second call: the code page holds "return 1", decoded
    runUntilOutput(m, 'r=1\n');
    expect(m.stdoutText()).toBe('r=1\n');
    const snap = m.snapshot();
    for (let i = 0; i < 3; i++) {
      if (i > 0) m.restore(snap, { check: true });
      expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
      expect(m.stdoutText()).toBe(ref.stdout);
      expect(m.insns).toBe(ref.result.insns);
    }
  });

  it('runs restored code as restored when the run rewrote it on a writable page without changing any mapping (TLBs and block links kept across the restore)', () => {
    const ref = fresh(['snap', 'smc']).out;
    const m = new Machine();
    m.load(program(), { argv: ['snap', 'smc'] });
    runUntilOutput(m, 'r=1\n');
    const snap = m.snapshot();
    for (let i = 0; i < 3; i++) {
      // the run rewrites the code and runs it: no mapping changed and nothing flushed the
      // TLBs, so the restore keeps them
      // through the spin, then in small steps so that the run stops before the program ends
      for (let k = 0; k < 100_000 && !m.stdoutText().includes('r=1\nr=1\n'); k++) m.run({ maxInsns: 1000 });
      for (let k = 0; k < 100_000 && !m.stdoutText().includes('r=2\n'); k++) expect(m.run({ maxInsns: 10 }).kind).toBe('budget');
      expect(m.stdoutText()).toBe(ref.stdout);
      m.restore(snap, { check: true });
      expect(m.stdoutText()).toBe('r=1\n');
    }
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stdoutText()).toBe(ref.stdout);
    expect(m.insns).toBe(ref.result.insns);
  });

  it('keeps the TLB fill log as short as the slots in use over thousands of restores that keep the TLBs', () => {
    const m = new Machine();
    m.load(program(), { argv: ['snap', 'smc'] });
    runUntilOutput(m, 'r=1\n');
    const snap = m.snapshot();
    const log = (): number => new DataView(m.kernel.engine.memory.buffer).getUint32(L.TLB_LOG_COUNT, true);
    for (let i = 0; i < 2000; i++) {
      // the spin writes its counter on the stack: a write-TLB fill each time (mmuResume empties
      // the write TLB), for a slot whose read entry the restore kept
      expect(m.run({ maxInsns: 1000 }).kind).toBe('budget');
      m.restore(snap);
    }
    // one fill logged per restore would have passed TLB_LOG_MAX, when every flush empties every slot
    expect(log()).toBeLessThan(64);
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stdoutText()).toBe(fresh(['snap', 'smc']).out.stdout);
  });

  it('restores after a run that grew memory and wrote more frames than the dirty list holds', () => {
    const mib = 264; // 67584 data frames, past DIRTY_LIST_MAX: the restore reads the bitmap
    expect(mib * 256).toBeGreaterThan(L.DIRTY_LIST_MAX);
    const m = new Machine();
    m.load(program(), { argv: ['snap', 'grow', String(mib)] });
    const snap = m.snapshot();
    const before = m.kernel.engine.memory.buffer.byteLength;
    const r1 = m.run();
    expect(r1).toMatchObject({ kind: 'exited', status: 0 });
    const grown = m.kernel.engine.memory.buffer.byteLength;
    expect(grown).toBeGreaterThan(before);
    const out1 = m.stdoutText();
    m.restore(snap, { check: true });
    expect(m.kernel.framesUsed()).toBeLessThan(1000);
    expect(m.kernel.engine.memory.buffer.byteLength).toBe(grown);
    const r2 = m.run();
    expect(r2).toEqual(r1);
    expect(m.stdoutText()).toBe(out1);
    m.restore(snap, { check: true });
  });

  it('restores threads that share one address space and signal handlers', () => {
    const exe = buildStatic('snapshot-threads', [join(kernelDir, 'threads.c')], [...FLAGS, `-I${kernelDir}`]);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['threads'] });
    m.run({ maxInsns: 50_000 });
    const snap = m.snapshot();
    const results = [0, 1].map((i) => {
      if (i > 0) m.restore(snap, { check: true });
      const r = m.run({ maxInsns: 200_000_000 });
      return { r, out: m.stdoutText() };
    });
    expect(results[0].r).toMatchObject({ kind: 'exited', status: native.status });
    expect(results[0].out).toBe(native.stdout.toString());
    expect(results[1]).toEqual(results[0]);
    // the restored tasks share what the originals shared
    m.restore(snap);
    m.run({ maxInsns: 300_000 });
    const tasks = [...m.kernel.tasks.values()].filter((t) => t.state !== 'zombie');
    const group = tasks.filter((t) => t.tgid === m.kernel.current.tgid);
    if (group.length > 1) {
      expect(group[1].mm).toBe(group[0].mm);
      expect(group[1].sighand).toBe(group[0].sighand);
    }
    expect(m.kernel.tasks.get(m.kernel.current.tid)).toBe(m.kernel.current);
  });

  it('gives no task made after a restore the saved registers of a restored task (a child reaped, then another forked, run after run)', () => {
    const elf = program();
    const native = runNative(join(workDir, 'snapshot'), ['reap']);
    expect(native.stdout.toString()).toBe('forked\nb=22\na=11\n');
    const m = new Machine();
    m.load(elf, { argv: ['snap', 'reap'] });
    runUntilOutput(m, 'forked');
    // A (forked, about to sleep or asleep) is restored from here each time; each run forks B while
    // A sleeps and reaps B, then A: a block released by one run must not be a restored A's in the next
    const snap = m.snapshot();
    for (let i = 0; i < 4; i++) {
      if (i > 0) m.restore(snap, { check: true });
      expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
      expect(m.stdoutText()).toBe(native.stdout.toString());
    }
  });

  it('restores either of two snapshots of one machine, in any order', () => {
    const ref = fresh(['snap', 'case'], 'hello').out;
    const m = new Machine({ stdin: 'hello' });
    m.load(program(), { argv: ['snap', 'case'] });
    const atLoad = m.snapshot();
    m.run({ maxInsns: 150_000 });
    const midway = m.snapshot();
    const partial = m.stdoutText();
    for (const [snap, out] of [[atLoad, ''], [midway, partial], [midway, partial], [atLoad, ''], [midway, partial]] as const) {
      m.run();
      expect(m.stdoutText()).toBe(ref.stdout);
      m.restore(snap, { check: true });
      expect(m.stdoutText()).toBe(out);
    }
    expect(m.run()).toEqual({ ...ref.result, insns: ref.result.insns - 150_000n });
    expect(guestCounters(m)).toEqual(ref.counters);
  });

  it('puts back only the 256-byte parts of a page that stores, string instructions, read(2) and a signal frame wrote', () => {
    const ref = nativeChecked('parts');
    expect(ref.stdout).toContain('read=5\nusr1=1\n');

    const m = new Machine({ stdin: 'hello' });
    m.load(program(), { argv: ['snap', 'parts'] });
    runUntilOutput(m, 'ready\n');
    const page = BigInt(m.stdoutText().match(/page_at=(\d+)/)![1]);
    const snap = m.snapshot();
    const e = m.kernel.engine;
    /** The written-parts mask of the frame behind guest address va. */
    const parts = (va: bigint): number => e.dv.getUint16(L.DIRTY_CHUNKS + (e.x.kernAddr(m.kernel.mm.root, va, 0, 0) >>> 12) * 2, true);
    for (let i = 0; i < 3; i++) {
      if (i > 0) m.restore(snap, { check: true });
      const r = m.run();
      expect(m.stdoutText()).toBe(ref.stdout);
      expect(r.kind).toBe('exited');
      // the page's first part and the next (an 8-byte store at 252), part 3 (read's 5 bytes at
      // 1000) and part 15 (its last byte): no other part of it was written
      expect(parts(page)).toBe((1 << 0) | (1 << 1) | (1 << 3) | (1 << 15));
      // rep stosb over [200, 900), rep movsb over [1500, 1800), the handler's byte at 4000
      expect(parts(page + 4096n)).toBe(0x000f | 0x00e0 | 0x8000);
    }
  });

  it('self-check: a write the dirty tracking did not see makes a checked restore throw', () => {
    const m = new Machine({ stdin: 'hello' });
    m.load(program(), { argv: ['snap', 'case'] });
    const snap = m.snapshot();
    m.run();
    m.restore(snap, { check: true });
    // a frame written behind the engine's back (no TLB fill, no kernel access)
    const u8 = m.kernel.engine.u8;
    u8[L.FRAMES + 123] ^= 0xff;
    expect(() => m.restore(snap, { check: true })).toThrow(/frame 0x600000/);
  });

  it('refuses a snapshot taken on another machine', () => {
    const a = new Machine();
    a.load(program(), { argv: ['snap', 'smc'] });
    const b = new Machine();
    b.load(program(), { argv: ['snap', 'smc'] });
    const snap = a.snapshot();
    expect(snap).toBeInstanceOf(MachineSnapshot);
    expect(() => b.restore(snap)).toThrow(/another machine/);
    expect(() => a.restore({} as MachineSnapshot)).toThrow(/snapshot/);
    a.restore(snap);
  });
});
