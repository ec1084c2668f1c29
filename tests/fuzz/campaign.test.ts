/**
 * Campaigns: the same seed gives the same findings; shrinking keeps the
 * failure; a finding is on disk (JSON and reproducing ELF) as soon as it is
 * reported, a campaign killed with SIGKILL loses none and `--corpus` resumes
 * it; bad corpus lines and bad flags get clear messages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, appendFileSync, readdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCampaign, type CampaignOptions } from '../../src/fuzz/campaign.js';
import { readFinding, reproducerElf } from '../../src/fuzz/findings.js';
import { caseToJson, type FuzzCase } from '../../src/fuzz/case.js';
import { FuzzWorker } from '../../src/fuzz/worker_loop.js';
import { shrinkCase } from '../../src/fuzz/shrink.js';
import { EngineRunner } from '../../src/fuzz/engine_runner.js';
import { nativeAvailability } from '../../src/fuzz/native_runner.js';
import { decodeLog, firstDifference, type Outcome } from '../../src/fuzz/outcome.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'sudsim-fuzz-'));
const CLI = join(process.cwd(), 'bin', 'sudsim.js');

function base(o: Partial<CampaignOptions>): CampaignOptions {
  return { profile: 'linux-6.17', oracles: { model: true, native: false, properties: [] }, seed: 1n, jobs: 1, findingsDir: dir(), ...o };
}

describe('a campaign', () => {
  it('gives the same findings for the same seed', async () => {
    const opts = { profile: 'patch-v5' as const, oracles: { model: true, native: false, diff: 'linux-6.17' as const, properties: ['ptrace-get-set-roundtrip'] }, seed: 42n, cases: 400 };
    const a = await runCampaign(base(opts));
    const b = await runCampaign(base(opts));
    expect(a.findingList.length).toBeGreaterThan(3);
    const view = (r: typeof a): unknown => r.findingList.map((f) => [f.id, JSON.stringify(caseToJson(readFinding(f.path).case))]);
    expect(view(b)).toEqual(view(a));
    expect(a.cases).toBe(400);
  });

  it('writes each finding as JSON with a reproducing ELF, and shrinks it', async () => {
    const r = await runCampaign(base({ oracles: { model: false, native: false, properties: ['ptrace-get-set-roundtrip'] }, cases: 3000, seed: 7n }));
    // the real kernel's INCLUSIVE round trip (SEMANTICS.md §8), reported apart from the fork child's stale config
    const f = r.findingList.find((x) => x.oracle === 'property:ptrace-get-set-roundtrip' && x.summary.startsWith('GET returned {mode 1,'));
    expect(f).toBeDefined();
    expect(r.findingList.some((x) => x.oracle === 'property:ptrace-get-set-roundtrip' && x.summary.startsWith('GET returned {mode 0,'))).toBe(true);
    const finding = readFinding(f!.path);
    expect(finding.case.steps.length).toBeLessThanOrEqual(3);
    expect(finding.case.steps.some((s) => s.op === 'ptrace' && s.mode === 2n)).toBe(true);
    expect(finding.originalSteps).toBeGreaterThanOrEqual(finding.case.steps.length);
    expect(existsSync(f!.path.replace(/\.json$/, '.elf'))).toBe(true);
    const lines = readFileSync(join(f!.path, '..', 'findings.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toContain(finding.id);
  });
});

describe('a campaign with the example emulator plug-in', () => {
  it('reports where the emulator lets a syscall through that Linux kills', async () => {
    const { emulatorDecide } = await import('../../src/fuzz/models/emulator.js');
    const r = await runCampaign(base({ oracles: { model: false, native: false, properties: [] }, plugin: { name: 'emulator', decide: emulatorDecide }, cases: 600, seed: 8n }));
    const mine = r.findingList.filter((f) => f.oracle === 'plugin:emulator');
    expect(mine.length).toBeGreaterThan(0);
    // every divergence is the engine (Linux) killing where the emulator ran on
    for (const f of mine) expect(f.summary).toMatch(/engine: .*killed by (11|31)|engine: then killed by (11|31)/);
  });
});

describe('shrinking', () => {
  it('keeps the failure and never grows the case', async () => {
    const w = new FuzzWorker({ seed: 3n, worker: 0, jobs: 1, profile: 'patch-v5', oracles: { model: false, native: false, diff: 'linux-6.17', properties: [] }, startIndex: 0, corpus: [], known: [] }, { finding: () => {}, corpus: () => {} });
    let checked = 0;
    for (let i = 0; i < 200 && checked < 5; i++) {
      const c = w.caseAt(i);
      const sig = await w.recheck('diff', c);
      if (!sig || c.steps.length < 4) continue;
      const r = await shrinkCase(c, async (x) => (await w.recheck('diff', x)) === sig);
      expect(await w.recheck('diff', r.case)).toBe(sig);
      expect(r.case.steps.length).toBeLessThanOrEqual(c.steps.length);
      checked++;
    }
    expect(checked).toBe(5);
    w.close();
  });
});

describe('the reproducing ELF', () => {
  const n = nativeAvailability();
  const it6 = n.ok && n.profile === 'linux-6.17' ? it : it.skip;
  it6('prints on the host kernel what the engine saw', () => {
    const w = new FuzzWorker({ seed: 9n, worker: 0, jobs: 1, profile: 'linux-6.17', oracles: { model: false, native: false, properties: [] }, startIndex: 0, corpus: [], known: [] }, { finding: () => {}, corpus: () => {} });
    const engine = new EngineRunner();
    const d = dir();
    for (let i = 0; i < 20; i++) {
      const c: FuzzCase = w.caseAt(i);
      const path = join(d, `case${i}.elf`);
      writeFileSync(path, reproducerElf(c), { mode: 0o755 });
      const out = spawnSync(path, [], { encoding: 'utf8' });
      expect(out.status).toBe(0);
      const native = parseStandalone(out.stdout);
      expect(firstDifference(native, engine.run(c))).toBeNull();
    }
    w.close();
  });
});

/** The standalone guest's text output, back into an Outcome. */
function parseStandalone(text: string): Outcome {
  const bytes = new Uint8Array(8192);
  const dv = new DataView(bytes.buffer);
  let n = 0;
  let end: Outcome['end'] = { kind: 'hung' };
  for (const line of text.trim().split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'rec') {
      const o = 32 + n * 32;
      dv.setBigUint64(o, BigInt(f[1]) | (BigInt(f[2]) << 8n), true);
      dv.setBigUint64(o + 8, BigInt(f[3]), true);
      dv.setBigUint64(o + 16, BigInt(f[4]), true);
      dv.setBigUint64(o + 24, BigInt(f[5]), true);
      n++;
    } else if (f[0] === 'overflow') dv.setBigUint64(8, 1n, true);
    else if (f[0] === 'exit') end = { kind: 'exited', status: Number(BigInt(f[1])) };
    else if (f[0] === 'killed') end = { kind: 'killed', signal: Number(BigInt(f[1])) };
  }
  dv.setBigUint64(0, BigInt(n), true);
  return { ...decodeLog(bytes), end };
}

describe('the command line', () => {
  it('loses no finding when killed with SIGKILL, and resumes from its corpus', async () => {
    const corpus = dir();
    const findings = dir();
    const child = spawn(process.execPath, [CLI, 'fuzz', '--oracle', 'none', '--property', 'ptrace-get-set-roundtrip', '--time', '100s', '--seed', '5', '--corpus', corpus, '--findings', findings], { stdio: 'ignore' });
    const list = join(findings, 'findings.jsonl');
    const t0 = Date.now();
    const progressed = (): boolean => existsSync(join(corpus, 'progress.jsonl')) && readFileSync(join(corpus, 'progress.jsonl'), 'utf8').includes('"next":[1');
    while (!(existsSync(list) && progressed()) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(list)).toBe(true);
    const ids = readFileSync(list, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id as string);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      expect(readFinding(join(findings, `${id}.json`)).id).toBe(id);
      expect(existsSync(join(findings, `${id}.elf`))).toBe(true);
    }
    expect(readdirSync(findings).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // a torn line at the end of the corpus, as a kill mid-write leaves, is skipped with a warning
    appendFileSync(join(corpus, 'corpus.jsonl'), '{"profile": "linux-6.17", "steps": [');
    const again = spawnSync(process.execPath, [CLI, 'fuzz', '--oracle', 'none', '--property', 'ptrace-get-set-roundtrip', '--cases', '300', '--seed', '5', '--corpus', corpus, '--findings', findings], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/skipped a corpus line that does not parse/);
    expect(again.stdout).toMatch(/resumed after [\d,]+ cases/);
    const after = readFileSync(list, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id as string);
    // a finding already reported is not reported again (the resumed cases may find a kind the
    // first run had not reached yet when it was killed: that one is new, and comes after)
    expect(after.slice(0, ids.length)).toEqual(ids);
    expect(new Set(after).size).toBe(after.length);
  });

  it('with a job on every core, runs in a node without the parallel collector, which stops on ^C and dies with the command', async () => {
    const jobs = String(Math.min(availableParallelism(), 64));
    const childrenOf = (pid: number): number[] =>
      readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
        try {
          const st = readFileSync(`/proc/${d}/stat`, 'utf8');
          return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(d)] : [];
        } catch {
          return [];
        }
      });
    const start = async (): Promise<{ parent: ReturnType<typeof spawn>; rerun: number; out: () => string }> => {
      // a process group of its own, as a terminal gives a command
      const parent = spawn(process.execPath, [CLI, 'fuzz', '--jobs', jobs, '--time', '100s', '--findings', dir(), '--json'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      parent.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      const t0 = Date.now();
      while (!out.includes('"type":"status"') && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
      const kids = childrenOf(parent.pid!);
      expect(kids).toHaveLength(1);
      expect(readFileSync(`/proc/${kids[0]}/cmdline`, 'utf8').split('\0')).toContain('--single-threaded-gc');
      return { parent, rerun: kids[0], out: () => out };
    };
    const exited = (p: ReturnType<typeof spawn>): Promise<[number | null, string | null]> => new Promise((r) => p.once('exit', (c, s) => r([c, s])));

    // ^C: the campaign stops and writes its summary; the command's status is the campaign's
    const a = await start();
    process.kill(-a.parent.pid!, 'SIGINT');
    expect(await exited(a.parent)).toEqual([0, null]);
    expect(a.out()).toMatch(/"type":"summary"/);
    expect(existsSync(`/proc/${a.rerun}`)).toBe(false);

    // SIGKILL of the command: the campaign's process goes too, and nothing runs on
    const b = await start();
    b.parent.kill('SIGKILL');
    expect(await exited(b.parent)).toEqual([null, 'SIGKILL']);
    const t0 = Date.now();
    while (existsSync(`/proc/${b.rerun}/stat`) && !readFileSync(`/proc/${b.rerun}/stat`, 'utf8').includes(') Z') && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(`/proc/${b.rerun}/stat`) && !readFileSync(`/proc/${b.rerun}/stat`, 'utf8').includes(') Z')).toBe(false);
  }, 120_000);

  it('runs two worker threads', () => {
    const r = spawnSync(process.execPath, [CLI, 'fuzz', '--jobs', '2', '--cases', '600', '--findings', dir(), '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const summary = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((m) => m.type === 'summary');
    expect(summary.cases).toBe(600);
    expect(summary.coverage).toBeGreaterThan(50);
  });

  it.each([
    [['--jobs', '0'], /expected 1 to 64 jobs/],
    [['--time', 'soon'], /expected a duration/],
    [['--seed', '18446744073709551616', '--cases', '1'], /expected a seed below 2\^64/],
    [['--profile', 'linux-4.0'], /unknown profile/],
    [['--diff', 'patch-v5'], /expected two profiles/],
    [['--property', 'no-such-thing', '--cases', '1'], /no property no-such-thing/],
    [['--plugin', '/nonexistent/model.js', '--cases', '1'], /cannot load plug-in model/],
  ])('rejects %j with a clear message', (args, msg) => {
    const r = spawnSync(process.execPath, [CLI, 'fuzz', '--findings', dir(), ...(args as string[])], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(msg as RegExp);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('prints its help', () => {
    const r = spawnSync(process.execPath, [CLI, 'fuzz', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--seed <n> +campaign seed \(default 1\)/);
  });

  it('names a plug-in that answers something other than a decision, or throws', () => {
    const d = dir();
    writeFileSync(join(d, 'maybe.mjs'), "export function decide() { return 'maybe'; }\n");
    writeFileSync(join(d, 'boom.mjs'), "export function decide() { throw new Error('boom'); }\n");
    const a = spawnSync(process.execPath, [CLI, 'fuzz', '--plugin', join(d, 'maybe.mjs'), '--oracle', 'none', '--cases', '50', '--findings', dir()], { encoding: 'utf8' });
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/plug-in model maybe returned "maybe"; decide\(ctx\) must return/);
    const b = spawnSync(process.execPath, [CLI, 'fuzz', '--plugin', join(d, 'boom.mjs'), '--oracle', 'none', '--cases', '50', '--jobs', '2', '--findings', dir()], { encoding: 'utf8' });
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/plug-in model boom threw: boom/);
  });

  it('repro replays a finding and shows where the sides differ', async () => {
    const r = await runCampaign(base({ profile: 'patch-v5', oracles: { model: false, native: false, diff: 'linux-6.17', properties: [] }, cases: 200, seed: 2n }));
    const out = spawnSync(process.execPath, [CLI, 'repro', r.findingList[0].path], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/--- patch-v5/);
    expect(out.stdout).toMatch(/--- linux-6.17/);
    expect(out.stdout).toMatch(/first difference: /);
    const bad = join(dir(), 'bad.json');
    writeFileSync(bad, '{"case": {"profile": "linux-9"}}');
    const e = spawnSync(process.execPath, [CLI, 'repro', bad], { encoding: 'utf8' });
    expect(e.status).not.toBe(0);
    expect(e.stderr).toMatch(/profile: one of/);
  });
});
