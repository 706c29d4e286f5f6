/**
 * Worker-thread entry for runInsightsJobInWorker: runs the job off the main thread, so the
 * daemon's event loop (and with it the printer passthrough) never waits for the computation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runInsightsJob } from './job.js';
import type { WorkerJobData } from './worker.js';

const data = workerData as WorkerJobData;
try {
  const stored = runInsightsJob({
    ledgerPath: data.ledgerPath,
    now: new Date(data.now),
    ...(data.options !== undefined ? { options: data.options } : {}),
    ...(data.basketsBy !== undefined ? { basketsBy: data.basketsBy } : {}),
    ...(data.outPath !== undefined ? { outPath: data.outPath } : {}),
    ...(data.currency !== undefined ? { currency: data.currency } : {}),
  });
  parentPort?.postMessage({ ok: true, stored });
} catch (err) {
  const e = err as { code?: unknown; message?: unknown };
  parentPort?.postMessage({ ok: false, code: typeof e.code === 'string' ? e.code : null, message: String(e.message ?? err) });
}
