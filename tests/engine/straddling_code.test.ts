/**
 * An instruction that straddles two pages is decoded once and run from the
 * block cache after that, like any other (a fuzz case must not cost a
 * re-decode of unchanged code), and a change to either of its pages (a
 * write, a protection, a new mapping) is seen as the host kernel's CPU sees
 * it: a differential test against the host.
 */
import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary, runNative } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`straddling-code comparison skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;

maybe('an instruction straddling two pages', () => {
  let exe: string;
  beforeAll(() => {
    exe = buildStatic('straddle', [join(import.meta.dirname, 'programs', 'straddle.c')], ['-O1']);
  });

  it('runs and follows writes, protections and remappings of either page as on the host', () => {
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['straddle'] });
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(native.status).toBe(0);
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('second_page_written=513\n');
    expect(m.stdoutText()).toContain('second_page_noexec_fault_at=+0\n');
    expect(m.stdoutText()).toContain('second_page_remapped=1797\n');
  });

  it('is decoded once, not at each of 100,000 calls', () => {
    const built = (calls: number): bigint => {
      const m = new Machine();
      m.load(readBinary(exe), { argv: ['straddle', String(calls)] });
      expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
      expect(m.stdoutText()).toContain(`sum=${calls}\n`);
      return m.counters().blocksBuilt;
    };
    // the same blocks whatever the count: the loop's blocks, the straddling one included, are built once
    expect(built(100_000)).toBe(built(10));
  });
});
