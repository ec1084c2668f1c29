/**
 * A fuzz campaign: workers (worker_threads, or in-process for one job) run
 * their shares of the case indices; the campaign writes every finding the
 * moment it arrives, appends corpus entries as they are found, records each
 * worker's progress, and reports status. Everything on disk is written so
 * that a campaign killed at any point (kill -9 included) has lost nothing it
 * already reported, and `--corpus` resumes it.
 */
import { type FuzzCase, type ProfileName, caseFromJson, caseToJson } from './case.js';
import { FuzzWorker, type WorkerConfig } from './worker_loop.js';
import { runWorker, type WorkerInit, type WorkerMessage } from './worker_protocol.js';
import { FindingStore, appendLine, type Finding } from './findings.js';
import type { OracleSet, Plugin } from './oracles.js';
import { loadPlugin } from './plugin.js';
import { needNode } from '../engine/node_builtins.js';

/** Node's fs and path: a campaign keeps its findings and corpus in folders (a browser runs FuzzWorker itself). */
const fs = () => needNode('fs', 'a fuzz campaign');
const join = (...parts: string[]) => needNode('path', 'a fuzz campaign').join(...parts);

export interface CampaignOptions {
  profile: ProfileName;
  oracles: Omit<OracleSet, 'plugin'>;
  /** A plug-in model: `emulator`, a path to an ES module, or (one job only) the plug-in itself. */
  plugin?: string | Plugin;
  seed: bigint;
  /** Cases to run in all (over all workers; a resumed campaign runs this many more), or undefined to run until `timeMs`. */
  cases?: number;
  timeMs?: number;
  jobs: number;
  corpusDir?: string;
  findingsDir: string;
  shrink?: boolean;
  host?: string;
  /** Called about every `statusEveryMs` with the campaign's state. */
  onStatus?: (s: CampaignStatus) => void;
  statusEveryMs?: number;
  onFinding?: (f: Finding, path: string) => void;
  /** Warnings (a corrupted corpus line...). */
  onWarning?: (msg: string) => void;
}

export interface CampaignStatus {
  cases: number;
  elapsedMs: number;
  casesPerSec: number;
  coverage: number;
  corpus: number;
  findings: Record<string, number>;
  done: boolean;
}

export interface CampaignResult extends CampaignStatus {
  findingList: { id: string; oracle: string; summary: string; path: string; steps: number }[];
  resumedFrom: number;
}

interface Progress {
  seed: string;
  jobs: number;
  profile: string;
  next: number[];
}

/** Reads corpus.jsonl, skipping (and reporting) lines that do not parse. */
export function readCorpus(dir: string, warn: (m: string) => void): FuzzCase[] {
  const path = join(dir, 'corpus.jsonl');
  if (!fs().existsSync(path)) return [];
  const out: FuzzCase[] = [];
  fs().readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(caseFromJson(JSON.parse(line)));
    } catch (err) {
      warn(`${path}:${i + 1}: skipped a corpus line that does not parse (${(err as Error).message})`);
    }
  });
  return out;
}

function readProgress(dir: string, warn: (m: string) => void): Progress[] {
  const path = join(dir, 'progress.jsonl');
  if (!fs().existsSync(path)) return [];
  const out: Progress[] = [];
  for (const line of fs().readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const p = JSON.parse(line) as Progress;
      if (Array.isArray(p.next)) out.push(p);
    } catch {
      warn(`${path}: skipped a progress line that does not parse (a kill mid-write leaves one)`);
    }
  }
  return out;
}

/**
 * Finding ids already written under dir: every complete finding file (they are
 * renamed into place only when whole), whether or not a kill interrupted the
 * line findings.jsonl was getting for it.
 */
function knownFindings(dir: string): string[] {
  if (!fs().existsSync(dir)) return [];
  return fs().readdirSync(dir).filter((f) => /^[0-9a-f]{12}\.json$/.test(f)).map((f) => f.slice(0, 12));
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const warn = o.onWarning ?? (() => {});
  const store = new FindingStore(o.findingsDir);
  const known = knownFindings(o.findingsDir);
  let corpus: FuzzCase[] = [];
  const starts: number[] = Array.from({ length: o.jobs }, (_, w) => w);
  let resumedFrom = 0;
  if (o.corpusDir) {
    fs().mkdirSync(o.corpusDir, { recursive: true });
    corpus = readCorpus(o.corpusDir, warn);
    const prog = readProgress(o.corpusDir, warn).filter((p) => p.seed === o.seed.toString() && p.profile === o.profile);
    const last = prog[prog.length - 1];
    if (last && last.jobs === o.jobs) {
      last.next.forEach((n, w) => { starts[w] = Math.max(starts[w], n); });
      resumedFrom = starts.reduce((a, s, w) => a + Math.max(0, Math.floor((s - w) / o.jobs)), 0);
    } else if (last) {
      warn(`the corpus was made with --jobs ${last.jobs}; starting over the case indices for --jobs ${o.jobs} (the corpus itself is kept)`);
    }
  }
  const started = Date.now();
  const deadline = o.timeMs !== undefined ? started + o.timeMs : undefined;
  const coverage = new Set<number>();
  const findings: Record<string, number> = {};
  const findingList: CampaignResult['findingList'] = [];
  const bestOrigin = new Map<string, Finding['origin']>();
  const next = starts.slice();
  const casesBy = new Array<number>(o.jobs).fill(0);
  let corpusSize = corpus.length;

  const status = (done: boolean): CampaignStatus => {
    const cases = casesBy.reduce((a, b) => a + b, 0);
    const elapsedMs = Date.now() - started;
    return { cases, elapsedMs, casesPerSec: elapsedMs > 0 ? (cases * 1000) / elapsedMs : 0, coverage: coverage.size, corpus: corpusSize, findings: { ...findings }, done };
  };
  const saveProgress = (): void => {
    if (o.corpusDir) appendLine(join(o.corpusDir, 'progress.jsonl'), JSON.stringify({ seed: o.seed.toString(), jobs: o.jobs, profile: o.profile, next } satisfies Progress));
  };

  const onMessage = (m: WorkerMessage): void => {
    switch (m.type) {
      case 'finding': {
        const f = m.finding;
        const prev = bestOrigin.get(f.id);
        // the same reason from two workers: keep the earlier case index, so the result does not depend on timing
        if (prev && (prev.index < f.origin.index || (prev.index === f.origin.index && prev.worker <= f.origin.worker))) return;
        const path = store.write(f, false);
        if (!prev) {
          findings[f.oracle] = (findings[f.oracle] ?? 0) + 1;
          findingList.push({ id: f.id, oracle: f.oracle, summary: f.summary, path, steps: f.case.steps.length });
        } else {
          const e = findingList.find((x) => x.id === f.id);
          if (e) { e.summary = f.summary; e.steps = f.case.steps.length; }
        }
        bestOrigin.set(f.id, f.origin);
        saveProgress();
        o.onFinding?.(f, path);
        break;
      }
      case 'corpus':
        for (const p of m.points) coverage.add(p);
        corpusSize++;
        if (o.corpusDir) appendLine(join(o.corpusDir, 'corpus.jsonl'), JSON.stringify(caseToJson(m.case)));
        break;
      case 'progress':
        next[m.worker] = m.next;
        casesBy[m.worker] = m.cases;
        break;
      default:
        break;
    }
  };

  const init = (w: number): WorkerInit => ({
    config: {
      seed: o.seed,
      worker: w,
      jobs: o.jobs,
      profile: o.profile,
      oracles: { ...o.oracles },
      startIndex: starts[w],
      corpus,
      known,
      shrink: o.shrink,
      host: o.host,
    } satisfies WorkerConfig,
    quota: o.cases === undefined ? undefined : Math.floor(o.cases / o.jobs) + (w < o.cases % o.jobs ? 1 : 0),
    deadline,
    pluginPath: typeof o.plugin === 'string' ? o.plugin : undefined,
  });

  const timer = setInterval(() => {
    saveProgress();
    o.onStatus?.(status(false));
  }, o.statusEveryMs ?? 250);

  let stopAll: () => void = () => {};
  const onSigint = (): void => stopAll();
  process.once('SIGINT', onSigint);
  if (o.plugin && typeof o.plugin !== 'string' && o.jobs > 1) throw new RangeError('sudsim: a plug-in given as an object runs with one job; pass a module path for --jobs > 1');
  try {
    if (o.jobs === 1) {
      const i0 = init(0);
      if (o.plugin) i0.config.oracles = { ...i0.config.oracles, plugin: typeof o.plugin === 'string' ? await loadPlugin(o.plugin) : o.plugin };
      let stop = false;
      stopAll = () => { stop = true; };
      const w = new FuzzWorker(i0.config, {
        finding: (f) => onMessage({ type: 'finding', finding: f }),
        corpus: (c, points) => onMessage({ type: 'corpus', case: c, points }),
      });
      try {
        await runWorker(w, i0, () => stop, (n, cases) => onMessage({ type: 'progress', worker: 0, next: n, cases }));
      } finally {
        w.close();
      }
    } else {
      const workers = Array.from({ length: o.jobs }, (_, w) => new (needNode('worker_threads', 'a fuzz campaign with several jobs').Worker)(new URL('./worker.js', import.meta.url), { workerData: init(w) }));
      stopAll = () => { for (const w of workers) w.postMessage({ type: 'stop' }); };
      try {
        await Promise.all(workers.map((wk) => new Promise<void>((res, rej) => {
          wk.on('message', (m: WorkerMessage) => {
            // an error of the user's making (a plug-in's) reads as itself; anything else keeps its stack
            if (m.type === 'error') rej(new Error(m.message.startsWith('sudsim') ? m.message.split('\n')[0] : `worker ${m.worker}: ${m.message}`));
            else onMessage(m);
            if (m.type === 'done') res();
          });
          wk.on('error', rej);
          wk.on('exit', () => res());
        })));
      } finally {
        // one worker failing ends the campaign: the others are stopped, not left running
        await Promise.all(workers.map((w) => w.terminate()));
      }
    }
  } finally {
    clearInterval(timer);
    process.removeListener('SIGINT', onSigint);
    saveProgress();
  }
  const s = status(true);
  o.onStatus?.(s);
  return { ...s, findingList, resumedFrom };
}
