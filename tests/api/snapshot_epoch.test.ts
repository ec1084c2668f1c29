/**
 * The realtime epoch is machine state: a machine restored from a snapshot
 * reads its clocks and dates its files from the epoch it was made with, as
 * the run before the restore did (tests/kernel/programs/realtime_epoch.c).
 */
import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`snapshot epoch test skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;

maybe('a snapshot of a machine with an epoch', () => {
  it('restores to the same dates', () => {
    const exe = buildStatic('realtime_epoch', [join(import.meta.dirname, '..', 'kernel', 'programs', 'realtime_epoch.c')], ['-O2']);
    const m = new Machine({ epoch: 1_700_000_000 });
    m.addFile('/etc/given', new TextEncoder().encode('given\n'));
    m.load(readBinary(exe), { argv: ['realtime_epoch', '/etc/given'] });
    const snap = m.snapshot();
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    const first = m.stdoutText();
    expect(first).toContain('\ntime syscall 1700000000\n');
    expect(first).toContain('\nbtime 1700000000\n');
    m.restore(snap);
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    // the output buffer is state too (empty at the snapshot): it holds this run's lines only
    expect(m.stdoutText()).toBe(first);
  });
});
