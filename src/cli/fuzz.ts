/**
 * `sudsim fuzz`, `sudsim repro` and `sudsim shrink`: the fuzz campaign with
 * its live status line and summary, the replay of a finding with both sides'
 * traces, and the reduction of a finding to a minimal case.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { runCampaign, type CampaignStatus, type CampaignResult } from '../fuzz/campaign.js';
import { nativeAvailability, NativeRunner } from '../fuzz/native_runner.js';
import { CASE_PROFILES, type ProfileName, type FuzzCase } from '../fuzz/case.js';
import { listProperties, BUILTIN_PROPERTIES } from '../fuzz/properties.js';
import { readFinding, findingToJson, FindingStore, type Finding } from '../fuzz/findings.js';
import { FuzzWorker } from '../fuzz/worker_loop.js';
import { formatRecord, formatEnd, firstDifference, type Outcome } from '../fuzz/outcome.js';
import { formatCase } from '../fuzz/describe.js';
import { EngineRunner } from '../fuzz/engine_runner.js';
import { predict } from '../fuzz/model/index.js';
import { loadPlugin } from '../fuzz/plugin.js';
import { checkedDecide, type OracleSet } from '../fuzz/oracles.js';
import { parseProfile, parseCount, PROFILE_NAMES } from './options.js';
import { rerunWithNodeFlags } from './rerun.js';

function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v);
  if (!m) throw new InvalidArgumentError('expected a duration such as 500ms, 60s, 10m or 1h');
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}

function parseJobs(v: string): number {
  const n = parseCount(v);
  if (n < 1 || n > 64) throw new InvalidArgumentError('expected 1 to 64 jobs');
  return n;
}

function parseSeed(v: string): bigint {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(v)) throw new InvalidArgumentError('expected a non-negative integer (decimal or 0x hex)');
  const n = BigInt(v);
  // a larger seed would run the campaign of its value modulo 2^64: another number than the one given
  if (n > 0xffff_ffff_ffff_ffffn) throw new InvalidArgumentError('expected a seed below 2^64');
  return n;
}

function parseDiff(v: string): [ProfileName, ProfileName] {
  const parts = v.split(',');
  if (parts.length !== 2) throw new InvalidArgumentError('expected two profiles: A,B');
  const [a, b] = parts.map(parseProfile);
  if (a === b) throw new InvalidArgumentError('the two profiles must differ');
  return [a, b];
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtTime = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

function statusLine(s: CampaignStatus, nativeNote: string): string {
  const f = Object.entries(s.findings);
  const fs = f.length ? f.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
  return `[${fmtTime(s.elapsedMs)}] cases ${fmtInt(s.cases)} (${fmtInt(s.casesPerSec)}/s) | coverage ${fmtInt(s.coverage)} | corpus ${fmtInt(s.corpus)} | findings: ${fs}${nativeNote}`;
}

interface FuzzOpts {
  profile: ProfileName;
  diff?: [ProfileName, ProfileName];
  oracle: 'model' | 'native' | 'both' | 'none';
  property?: string[];
  plugin?: string;
  seed: bigint;
  time?: number;
  cases?: number;
  jobs: number;
  corpus?: string;
  findings: string;
  json?: boolean;
  shrink: boolean;
}

export async function fuzzCommand(opts: FuzzOpts): Promise<number> {
  const out = (s: string): void => { process.stdout.write(s + '\n'); };
  const err = (s: string): void => { process.stderr.write(s + '\n'); };
  const profile = opts.diff ? opts.diff[0] : opts.profile;
  let native = opts.oracle === 'native' || opts.oracle === 'both';
  let nativeNote = '';
  if (native) {
    const a = nativeAvailability();
    if (!a.ok) {
      err(`sudsim fuzz: the native oracle cannot run here: ${a.why}`);
      return 2;
    }
    if (a.profile !== profile) {
      err(`sudsim fuzz: the host kernel ${a.release} behaves as ${a.profile}, not ${profile}: the native oracle needs --profile ${a.profile}`);
      return 2;
    }
    nativeNote = ` | native: Linux ${a.release}`;
  }
  const props = opts.property ?? [];
  const knownProps = listProperties().map((p) => p.name);
  for (const p of props) {
    if (!knownProps.includes(p)) {
      err(`sudsim fuzz: no property ${p}; built in: ${BUILTIN_PROPERTIES.join(', ')}`);
      return 2;
    }
  }
  if (opts.plugin) await loadPlugin(opts.plugin); // fails early with a clear message
  const timeMs = opts.cases === undefined ? (opts.time ?? 60_000) : opts.time;
  const tty = process.stderr.isTTY && !opts.json;
  let lastPrinted = 0;
  const result: CampaignResult = await runCampaign({
    profile,
    oracles: { model: opts.oracle === 'model' || opts.oracle === 'both', native, diff: opts.diff?.[1], properties: props },
    plugin: opts.plugin,
    seed: opts.seed,
    cases: opts.cases,
    timeMs,
    jobs: opts.jobs,
    corpusDir: opts.corpus,
    findingsDir: opts.findings,
    shrink: opts.shrink,
    host: nativeNote ? nativeNote.replace(' | native: ', '') : undefined,
    statusEveryMs: opts.json ? 1000 : 250,
    onStatus: (s) => {
      if (opts.json) {
        out(JSON.stringify({ type: 'status', ...s }));
      } else if (tty) {
        process.stderr.write(`\r\x1b[K${statusLine(s, nativeNote)}`);
      } else if (s.done || s.elapsedMs - lastPrinted >= 5000) {
        lastPrinted = s.elapsedMs;
        err(statusLine(s, nativeNote));
      }
    },
    onFinding: (f, path) => {
      if (opts.json) out(JSON.stringify({ type: 'finding', file: path, ...(findingToJson(f) as object) }));
      else err(`${tty ? '\r\x1b[K' : ''}finding ${f.id} (${f.oracle}): ${f.summary} -> ${path}`);
    },
    onWarning: (m) => err(`sudsim fuzz: ${m}`),
  });
  if (tty) process.stderr.write('\n');
  if (opts.json) {
    out(JSON.stringify({ type: 'summary', ...result }));
    return 0;
  }
  out('');
  out(`sudsim fuzz: ${fmtInt(result.cases)} cases in ${(result.elapsedMs / 1000).toFixed(1)} s (${fmtInt(result.casesPerSec)}/s, ${opts.jobs} job${opts.jobs > 1 ? 's' : ''}), profile ${profile}${opts.diff ? ` vs ${opts.diff[1]}` : ''}, seed ${opts.seed}`);
  out(`coverage ${fmtInt(result.coverage)} points, corpus ${fmtInt(result.corpus)} cases${result.resumedFrom ? `, resumed after ${fmtInt(result.resumedFrom)} cases` : ''}`);
  if (!result.findingList.length) {
    out('no findings');
    return 0;
  }
  out(`${result.findingList.length} finding${result.findingList.length > 1 ? 's' : ''} (in ${resolve(opts.findings)}):`);
  for (const f of result.findingList) out(`  ${f.id}  ${f.oracle.padEnd(12)} ${f.steps} step${f.steps === 1 ? '' : 's'}  ${f.summary}`);
  if (opts.diff) out('\n' + diffReport(opts.diff, result, opts.findings));
  return 0;
}

/** The readable report of a diff campaign: each distinct difference with its minimal case. */
function diffReport(pair: [ProfileName, ProfileName], r: CampaignResult, dir: string): string {
  const lines = [`How ${pair[0]} differs from ${pair[1]} (${r.findingList.length} distinct behaviours, each minimized):`, ''];
  const body: string[] = [];
  r.findingList.forEach((e, n) => {
    const f = readFinding(e.path);
    lines.push(`${n + 1}. ${f.summary}`);
    for (const l of formatCase(f.case).split('\n')) lines.push(`     ${l}`);
    const [a, b] = f.sides;
    const d = firstDifference(a.outcome, b.outcome);
    if (d) {
      lines.push(`     ${a.name}: ${sideAt(a.outcome, d.index)}`);
      lines.push(`     ${b.name}: ${sideAt(b.outcome, d.index)}`);
    }
    lines.push('');
    body.push(JSON.stringify({ id: f.id, summary: f.summary }));
  });
  const text = lines.join('\n');
  writeFileSync(resolve(dir, 'REPORT.txt'), text + '\n');
  return text + `(also in ${resolve(dir, 'REPORT.txt')})`;
}

function sideAt(o: Outcome, i: number): string {
  return i < o.log.length ? formatRecord(o.log[i]).trim() : formatEnd(o.end);
}

/** The trace of both sides, aligned, with the first difference marked. */
function printSides(sides: { name: string; outcome: Outcome }[], log: (s: string) => void): void {
  const [a, b] = sides;
  const d = b ? firstDifference(a.outcome, b.outcome) : null;
  for (const s of sides) {
    log(`--- ${s.name}`);
    s.outcome.log.forEach((r, i) => log(`${d && i === d.index ? '>>' : '  '} ${String(i).padStart(3)}  ${formatRecord(r)}`));
    log(`${d && d.index >= s.outcome.log.length ? '>>' : '  '}  end  ${formatEnd(s.outcome.end)}`);
  }
  if (b) log(d ? `first difference: ${d.what}` : 'the two sides agree');
}

async function otherSide(f: Finding, c: FuzzCase, engine: EngineRunner): Promise<{ name: string; outcome: Outcome } | undefined> {
  if (f.oracle === 'model') return { name: 'model', outcome: predict(c) };
  if (f.oracle.startsWith('plugin:')) {
    const p = await loadPlugin(f.oracle.slice(7));
    return { name: p.name, outcome: predict(c, { decide: checkedDecide(p) }) };
  }
  if (f.oracle === 'diff') {
    const other = f.sides[1]?.name as ProfileName | undefined;
    if (!other || !(CASE_PROFILES as readonly string[]).includes(other)) return undefined;
    return { name: other, outcome: engine.run({ ...c, profile: other }) };
  }
  // a property finding: the host kernel shows whether the real thing behaves the same
  if (f.oracle === 'native' || f.oracle.startsWith('property:')) {
    const a = nativeAvailability();
    if (!a.ok || a.profile !== c.profile) return undefined;
    const n = new NativeRunner();
    try {
      return { name: `host kernel (Linux ${a.release})`, outcome: await n.run(c) };
    } finally {
      n.close();
    }
  }
  return undefined;
}

export async function reproCommand(file: string, opts: { syscalls?: boolean }): Promise<number> {
  const f = readFinding(file);
  const log = (s: string): void => { process.stdout.write(s + '\n'); };
  log(`finding ${f.id} (${f.oracle}): ${f.summary}`);
  log(formatCase(f.case));
  const engine = new EngineRunner();
  const lines: string[] = [];
  const mine = engine.run(f.case, opts.syscalls ? { trace: (l) => lines.push(l) } : {});
  const again = engine.run(f.case);
  const other = await otherSide(f, f.case, engine);
  const sides = f.oracle === 'diff' ? [{ name: f.case.profile, outcome: mine }, other!] : other ? [other, { name: 'engine', outcome: mine }] : [{ name: 'engine', outcome: mine }];
  printSides(sides.filter(Boolean), log);
  if (firstDifference(mine, again)) log('WARNING: two engine runs of this case differ (the engine is not deterministic here)');
  if (f.oracle.startsWith('property:')) {
    const { checkProperties } = await import('../fuzz/properties.js');
    const v = checkProperties([f.oracle.slice(9)], f.case, mine);
    log(v.length ? `property ${v[0].name} violated: ${v[0].message}` : `property ${f.oracle.slice(9)} holds on this run`);
  }
  if (opts.syscalls) {
    log('--- engine syscalls (strace style)');
    for (const l of lines) log(l);
  }
  return 0;
}

export async function shrinkCommand(file: string, opts: { out?: string }): Promise<number> {
  const f = readFinding(file);
  const oracles: OracleSet = {
    model: f.oracle === 'model',
    native: f.oracle === 'native',
    diff: f.oracle === 'diff' ? (f.sides[1]?.name as ProfileName) : undefined,
    properties: f.oracle.startsWith('property:') ? [f.oracle.slice(9)] : [],
    plugin: f.oracle.startsWith('plugin:') ? await loadPlugin(f.oracle.slice(7)) : undefined,
  };
  const w = new FuzzWorker({ seed: 0n, worker: 0, jobs: 1, profile: f.case.profile, oracles, startIndex: 0, corpus: [], known: [], shrink: true }, { finding: () => {}, corpus: () => {} });
  try {
    const sig = await w.recheck(f.oracle, f.case);
    if (!sig) {
      process.stderr.write(`sudsim shrink: ${file} no longer fails (${f.oracle}); nothing to shrink\n`);
      return 1;
    }
    const { shrinkCase } = await import('../fuzz/shrink.js');
    const r = await shrinkCase(f.case, async (c) => (await w.recheck(f.oracle, c)) === sig);
    const j = await w.judge(f.oracle, r.case);
    const shrunk: Finding = { ...f, signature: sig, case: r.case, summary: j?.summary ?? f.summary, sides: j?.sides ?? f.sides, originalSteps: Math.max(f.originalSteps, f.case.steps.length) };
    const dir = opts.out ?? resolve(file, '..');
    const path = new FindingStore(dir).write(shrunk, true);
    process.stdout.write(`${f.case.steps.length} -> ${r.case.steps.length} steps after ${r.tries} tries; written to ${path}\n${formatCase(r.case)}\n`);
    return 0;
  } finally {
    w.close();
  }
}

export function registerFuzzCommands(program: Command, setStatus: (s: number) => void): void {
  program
    .command('fuzz')
    .description('fuzz dispatch configurations: engine vs reference model, host kernel, another profile or properties')
    .option('--profile <name>', `kernel profile (${PROFILE_NAMES.join(', ')})`, parseProfile, 'linux-6.17')
    .option('--diff <A,B>', 'compare two profiles on the same cases (the first is generated for)', parseDiff)
    .option('--oracle <which>', 'model, native, both or none', (v: string) => {
      if (!['model', 'native', 'both', 'none'].includes(v)) throw new InvalidArgumentError('choose model, native, both or none');
      return v;
    }, 'model')
    .option('--property <name...>', `check properties (built in: ${BUILTIN_PROPERTIES.join(', ')})`)
    .option('--plugin <model>', 'fuzz a plug-in decision function against the engine: "emulator" (the shipped example) or a path to an ES module exporting decide(ctx)')
    .option('--seed <n>', 'campaign seed (default 1)', parseSeed)
    .option('--time <duration>', 'run for this long (default 60s unless --cases is given)', parseDuration)
    .option('--cases <n>', 'run this many cases in all', parseCount)
    .option('--jobs <n>', 'worker threads (default 1)', parseJobs, 1)
    .option('--corpus <dir>', 'keep and resume the corpus and progress here')
    .option('--findings <dir>', 'write findings here', 'sudsim-findings')
    .option('--no-shrink', 'report findings as found, unshrunk')
    .option('--json', 'JSON lines on stdout: status, findings, summary')
    .action(async (opts: Omit<FuzzOpts, 'seed'> & { seed?: bigint }) => {
      // a worker on every core: V8's parallel collector would only take its helper threads'
      // time from the workers (a two-job campaign on two cores ran about 6% faster without it)
      const rerun = opts.jobs >= availableParallelism() ? rerunWithNodeFlags(['--single-threaded-gc']) : null;
      if (rerun !== null) {
        setStatus(await rerun);
        return;
      }
      // the seed's default is applied here: commander prints defaults with JSON.stringify, which a BigInt breaks
      setStatus(await fuzzCommand({ ...opts, seed: opts.seed ?? 1n }));
    });

  program
    .command('repro')
    .description('replay a finding: both sides\' traces and the first point where they differ')
    .argument('<file>', 'a finding\'s JSON file')
    .option('--syscalls', 'also print the engine\'s strace-style syscall trace')
    .action(async (file: string, opts: { syscalls?: boolean }) => {
      setStatus(await reproCommand(file, opts));
    });

  program
    .command('shrink')
    .description('reduce a finding to a minimal case that fails the same way (the fuzzer also does this itself)')
    .argument('<file>', 'a finding\'s JSON file')
    .option('--out <dir>', 'where to write the shrunk finding (default: next to the file, replacing it)')
    .action(async (file: string, opts: { out?: string }) => {
      setStatus(await shrinkCommand(file, opts));
    });
}
