/**
 * runInsightsJobInWorker: the nightly job in a worker thread. computeInsights is synchronous and
 * takes seconds on a big store (≈ 12 s CPU for 100,000 members / 2 million receipts), which must
 * not block the daemon's event loop. The worker opens the ledger read-only by path.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { TillboxError, type ErrorCode, ERROR_CODES } from '../errors.js';
import type { StoredInsights } from './job.js';
import type { InsightsOptions } from './options.js';
import type { BasketKey } from './source.js';

export interface WorkerJobData {
  ledgerPath: string;
  /** ISO instant. */
  now: string;
  options?: Partial<InsightsOptions>;
  basketsBy?: BasketKey;
  outPath?: string;
  currency?: string;
}

export interface WorkerJobInput {
  ledgerPath: string;
  now: Date;
  options?: Partial<InsightsOptions>;
  basketsBy?: BasketKey;
  outPath?: string;
  currency?: string;
  /** e.g. { maxOldGenerationSizeMb: 384 } to bound the worker's heap on a small box. */
  resourceLimits?: ResourceLimits;
}

type Reply = { ok: true; stored: StoredInsights } | { ok: false; code: string | null; message: string };

export function runInsightsJobInWorker(input: WorkerJobInput): Promise<StoredInsights> {
  const data: WorkerJobData = {
    ledgerPath: input.ledgerPath,
    now: input.now.toISOString(),
    ...(input.options !== undefined ? { options: input.options } : {}),
    ...(input.basketsBy !== undefined ? { basketsBy: input.basketsBy } : {}),
    ...(input.outPath !== undefined ? { outPath: input.outPath } : {}),
    ...(input.currency !== undefined ? { currency: input.currency } : {}),
  };
  // Built (dist/*.js): the compiled entry. From source (*.ts, under tsx or vitest): a small
  // bootstrap registers tsx (a dev dependency) in the worker first, then loads the .ts entry.
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './worker-entry.ts' : './worker-entry.js', import.meta.url);
  const limits = input.resourceLimits !== undefined ? { resourceLimits: input.resourceLimits } : {};
  return new Promise((resolve, reject) => {
    let worker: Worker;
    if (fromSource) {
      // The ESM build of tsx's API (its CommonJS build cannot load the ESM hooks from an eval worker).
      const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
      const tsxApi = pathToFileURL(join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
      const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
      worker = new Worker(boot, { eval: true, workerData: data, ...limits });
    } else {
      worker = new Worker(entry, { workerData: data, ...limits });
    }
    let settled = false;
    worker.once('message', (reply: Reply) => {
      settled = true;
      if (reply.ok) resolve(reply.stored);
      else if (reply.code !== null && reply.code in ERROR_CODES) reject(new TillboxError(reply.code as ErrorCode, reply.message));
      else reject(new Error(reply.message));
    });
    worker.once('error', (err) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
    worker.once('exit', (exitCode) => {
      if (!settled) {
        settled = true;
        reject(new Error(`insights worker exited with code ${exitCode} before answering`));
      }
    });
  });
}
