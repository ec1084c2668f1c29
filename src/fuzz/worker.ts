/**
 * A campaign worker on a worker_thread: its own engine (its own Wasm
 * instance and memory), its own share of the case indices, and messages to
 * the campaign for every finding, corpus entry and progress step.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FuzzWorker } from './worker_loop.js';
import { runWorker, type WorkerInit, type WorkerMessage } from './worker_protocol.js';
import { loadPlugin } from './plugin.js';

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  if (init.pluginPath) init.config.oracles = { ...init.config.oracles, plugin: await loadPlugin(init.pluginPath) };
  let stop = false;
  port.on('message', (m: { type: string }) => {
    if (m.type === 'stop') stop = true;
  });
  const post = (m: WorkerMessage): void => port.postMessage(m);
  const w = new FuzzWorker(init.config, {
    finding: (f) => post({ type: 'finding', finding: f }),
    corpus: (c, points) => post({ type: 'corpus', case: c, points }),
  });
  runWorker(w, init, () => stop, (next, cases) => post({ type: 'progress', worker: init.config.worker, next, cases }))
    .then(() => post({ type: 'done', worker: init.config.worker }))
    .catch((err: Error) => post({ type: 'error', worker: init.config.worker, message: err.message?.startsWith('sudsim') ? err.message : err.stack ?? String(err) }))
    .finally(() => w.close());
}
