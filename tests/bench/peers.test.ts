/**
 * `sudsim bench peers --quick` runs and reports every workload for every
 * peer, found or not, saying why a cell is empty. No assertion on timings.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gccUnavailable } from '../helpers/native.js';
import { benchPeers, type PeersReport } from '../../src/bench/peers.js';

const noGcc = gccUnavailable();
const maybe = noGcc ? describe.skip : describe;
if (noGcc) console.log(`bench peers tests skipped: ${noGcc}`);

maybe('sudsim bench peers --quick', () => {
  let report: PeersReport;
  let printed = '';
  const file = join(mkdtempSync(join(tmpdir(), 'sudsim-peers-test-')), 'peers.json');

  beforeAll(async () => {
    report = await benchPeers({ quick: true, json: file, print: (t) => { printed += t + '\n'; } });
  });

  it('measures every workload natively and in the engine', () => {
    expect(report.workloads.map((w) => w.id)).toEqual(['intloop', 'getppid', 'dispatch']);
    for (const w of report.workloads) {
      expect(w.results.native.nsPerIteration).toBeGreaterThan(0);
      expect(w.results.engine.nsPerIteration).toBeGreaterThan(0);
      expect(w.insnsPerIteration).toBeGreaterThan(0);
    }
  });

  it('gives every peer a figure or the reason it has none', () => {
    for (const w of report.workloads) {
      for (const f of Object.values(w.results)) {
        if (f.nsPerIteration === null) expect(f.note).toBeTruthy();
      }
    }
    expect(printed).toMatch(/peers found: qemu-x86_64 (yes|no)/);
  });

  it('probes Syscall User Dispatch under qemu-user instead of assuming it', () => {
    expect((report.sudSupport.native as { text: string }).text).toMatch(/prctl\(PR_SET_SYSCALL_USER_DISPATCH\) -> /);
    if (report.peers.qemu) {
      const q = report.sudSupport.qemu as { supported: boolean; text: string };
      expect(q.text).toMatch(/prctl\(PR_SET_SYSCALL_USER_DISPATCH\) -> /);
      const d = report.workloads.find((w) => w.id === 'dispatch')!.results.qemu;
      if (!q.supported) expect(d.note).toContain(q.text);
    }
  });

  it('writes the report as JSON', () => {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(j.workloads).toHaveLength(3);
    expect(j.host.kernel).toBeTruthy();
  });
});
