/**
 * What a campaign and its workers say to each other, and the loop a worker
 * runs (the same loop in a worker_thread and, for one job, in-process).
 * Cases and findings cross as structured clones (BigInt included).
 */
import type { FuzzCase } from './case.js';
import type { Finding } from './findings.js';
import type { FuzzWorker, WorkerConfig } from './worker_loop.js';

export interface WorkerInit {
  config: WorkerConfig;
  /** Cases this worker runs (its share of --cases), or run until told. */
  quota?: number;
  /** Wall-clock deadline (ms since the epoch). */
  deadline?: number;
  /** Plug-in model module to load in the worker (its path), if any. */
  pluginPath?: string;
}

export type WorkerMessage =
  | { type: 'finding'; finding: Finding }
  | { type: 'corpus'; case: FuzzCase; points: number[] }
  | { type: 'progress'; worker: number; next: number; cases: number }
  | { type: 'done'; worker: number }
  | { type: 'error'; worker: number; message: string };

/** How often a worker reports its progress (the status line's refresh is 250 ms). */
const PROGRESS_EVERY_MS = 50;

/** Runs batches until the worker's share, the deadline or a stop request ends it. */
export async function runWorker(
  w: FuzzWorker,
  init: WorkerInit,
  stopped: () => boolean,
  progress: (next: number, cases: number) => void,
): Promise<void> {
  let reported = Date.now();
  for (;;) {
    if (stopped()) break;
    const now = Date.now();
    if (init.deadline !== undefined && now >= init.deadline) break;
    let limit = Infinity;
    if (init.quota !== undefined) {
      if (w.cases >= init.quota) break;
      limit = init.quota - w.cases;
    }
    // progress every PROGRESS_EVERY_MS, not every batch: each message wakes the campaign's
    // thread, which shares the cores with the workers; a progress that lags only makes a
    // resumed campaign run a few cases again (findings and corpus entries travel on their own)
    if (now - reported >= PROGRESS_EVERY_MS) {
      reported = now;
      progress(w.next, w.cases);
    }
    await w.runBatch(limit);
    // let a stop message in
    await new Promise((r) => setImmediate(r));
  }
  progress(w.next, w.cases);
}
