/**
 * The library runs in a browser as it runs in Node: headless Chromium loads
 * a page (tests/api/browser/) that imports the built library from dist/,
 * compiles the engine from a URL (loadEngineModule) and posts what it saw
 * doing one of two jobs, each compared with the same job in Node:
 * - a Syscall User Dispatch program run twice (the second time from a
 *   snapshot): the same output, end, instruction count and event counters;
 * - `sudsim/fuzz`'s worker loop over a few thousand cases of a seed, with
 *   the model and a property oracle: the same corpus (cases and coverage
 *   points, in order) and the same findings, shrunk.
 * The page is served from 127.0.0.1 with the cross-origin isolation
 * headers that a shared WebAssembly.Memory needs.
 *
 * Needs Chromium (Debian's `chromium`, which .ci/run installs) and gcc;
 * outside CI the test is skipped, saying why, when either is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { FuzzWorker, caseToJson, type ProfileName } from '../../src/fuzz/index.js';
import { buildStatic, gccUnavailable, readBinary, hostToolMissing, describeNeeding } from '../helpers/native.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** What the page may fetch: the built library and engine, the loader it imports, the page itself. */
const SERVED = ['dist', 'build', join('node_modules', '@assemblyscript', 'loader'), join('node_modules', '@noble', 'hashes'), join('tests', 'api', 'browser')];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

const browser = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => hostToolMissing(p, '--version', 'chromium') === null);
const maybe = describeNeeding('browser test', browser === undefined ? 'no Chromium (apt-get install chromium)' : gccUnavailable());
if (browser !== undefined && !existsSync(join(ROOT, 'dist', 'src', 'api', 'index.js'))) throw new Error('browser test: dist/ is missing; run `npm run build`');

interface Seen {
  kind: string;
  status: number | null;
  signal: number | null;
  insns: string;
  stdout: string;
  stderr: string;
}

interface FuzzReport {
  cases: number;
  corpus: { case: string; points: number[] }[];
  findings: { id: string; oracle: string; case: string }[];
}

interface PageReport extends Partial<FuzzReport> {
  error?: string;
  crossOriginIsolated?: boolean;
  first?: Seen;
  again?: Seen;
  counters?: Record<string, string>;
}

/** Serves the page's files and `program`, and resolves with the page's report. */
function serve(program: Uint8Array): { server: Server; report: Promise<PageReport> } {
  let done!: (r: PageReport) => void;
  const report = new Promise<PageReport>((resolve) => (done = resolve));
  const server = createServer((req, res) => {
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method === 'POST' && path === '/result') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.writeHead(204, headers).end();
        done(JSON.parse(body) as PageReport);
      });
      return;
    }
    if (path === '/program.elf') {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream' }).end(program);
      return;
    }
    const file = normalize(join(ROOT, path));
    if (!SERVED.some((d) => file.startsWith(join(ROOT, d) + sep)) || !existsSync(file)) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return { server, report };
}

/** Opens url in headless Chromium with a profile of its own, in a process group of its own (close kills it). */
function open(url: string, profileDir: string): ChildProcess {
  return spawn(browser!, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', `--user-data-dir=${profileDir}`, url], { stdio: 'ignore', detached: true });
}

/** Kills Chromium and the processes it started (renderer, GPU, zygote), and waits for the first to go. */
async function close(chrome: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => chrome.once('exit', resolve));
  try {
    process.kill(-chrome.pid!, 'SIGKILL');
  } catch {
    // gone already
  }
  if (chrome.exitCode === null && chrome.signalCode === null) await exited;
}

/** The same run in Node: what the page reports for its first run. */
function inNode(program: Uint8Array, profile: string): { seen: Seen; counters: Record<string, string> } {
  const m = new Machine({ profile: profile as 'linux-6.17' });
  m.load(program, { argv: ['prog'] });
  const r = m.run();
  const seen: Seen = {
    kind: r.kind,
    status: r.kind === 'exited' ? r.status : null,
    signal: r.kind === 'killed' ? r.signal : null,
    insns: String(r.insns),
    stdout: m.stdoutText(),
    stderr: new TextDecoder().decode(m.stderr()),
  };
  return { seen, counters: Object.fromEntries(Object.entries(m.counters()).map(([k, v]) => [k, String(v)])) };
}

/** The page's report on its job (the query), from a server of its own and a Chromium of its own. */
async function inBrowser(program: Uint8Array, query: string): Promise<PageReport> {
  const { server, report } = serve(program);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const profileDir = mkdtempSync(join(tmpdir(), 'sudsim-chromium-'));
  const chrome = open(`http://127.0.0.1:${port}/tests/api/browser/index.html?${query}`, profileDir);
  let timer: NodeJS.Timeout | undefined;
  try {
    const r = await Promise.race([
      report,
      new Promise<PageReport>((_, reject) => (timer = setTimeout(() => reject(new Error('the page posted no report within 90 s')), 90_000))),
    ]);
    expect(r.error).toBeUndefined();
    expect(r.crossOriginIsolated).toBe(true);
    return r;
  } finally {
    clearTimeout(timer);
    await close(chrome);
    server.close();
    // (a process of the group may still be on its way out, writing to the profile)
    rmSync(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

/** The page's fuzz job in Node. */
async function fuzzInNode(profile: ProfileName, seed: bigint, cases: number, properties: string[]): Promise<FuzzReport> {
  const out: FuzzReport = { cases: 0, corpus: [], findings: [] };
  const w = new FuzzWorker(
    { seed, worker: 0, jobs: 1, profile, oracles: { model: true, native: false, properties }, startIndex: 0, corpus: [], known: [] },
    {
      corpus: (c, points) => out.corpus.push({ case: JSON.stringify(caseToJson(c)), points }),
      finding: (f) => out.findings.push({ id: f.id, oracle: f.oracle, case: JSON.stringify(caseToJson(f.case)) }),
    },
  );
  while (w.cases < cases) await w.runBatch(cases - w.cases);
  out.cases = w.cases;
  return out;
}

maybe('the library in a browser (headless Chromium)', () => {
  let program: Uint8Array;
  beforeAll(() => {
    const dir = join(ROOT, 'tests', 'sud', 'programs');
    program = readBinary(buildStatic('browser-dispatch', [join(dir, 'dispatch.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]));
  });

  it.each(['linux-6.17', 'linux-5.11'])('runs a Syscall User Dispatch program as Node does (%s)', async (profile) => {
    const r = await inBrowser(program, `job=machine&profile=${profile}`);
    const node = inNode(program, profile);
    // the program dispatches syscalls: the run checked what it set out to check
    expect(Number(node.counters.sudDispatch)).toBeGreaterThan(0);
    expect(node.seen.kind).toBe('exited');
    expect(r.first).toEqual(node.seen);
    expect(r.again).toEqual(node.seen);
    expect(r.counters).toEqual(node.counters);
  }, 120_000);

  it('runs sudsim/fuzz\'s worker loop as Node does: the same corpus and the same findings', async () => {
    const [profile, seed, cases, property] = ['linux-6.17', 7n, 3000, 'ptrace-get-set-roundtrip'] as const;
    const r = await inBrowser(program, `job=fuzz&profile=${profile}&seed=${seed}&cases=${cases}&property=${property}`);
    const node = await fuzzInNode(profile, seed, cases, [property]);
    // the loop found what a campaign finds: coverage, and the real kernel's INCLUSIVE round trip (SEMANTICS.md §8)
    expect(node.corpus.length).toBeGreaterThan(100);
    expect(node.findings.map((f) => f.oracle)).toContain(`property:${property}`);
    expect(r.cases).toBe(cases);
    expect(r.corpus).toEqual(node.corpus);
    expect(r.findings).toEqual(node.findings);
  }, 180_000);
});
