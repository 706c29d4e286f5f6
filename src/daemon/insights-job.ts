import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { insightsOptionsFromConfig } from '../insights/options.js';
import { aggregateForHeadOffice } from '../insights/report.js';
import { runInsightsJobInWorker } from '../insights/worker.js';
import type { Logger } from '../log.js';
import { insightsAggregatePayload } from '../money-json.js';
import type { Sync } from '../sync/index.js';

/**
 * The nightly insights run, in a worker thread (it takes seconds on a big store and the page
 * should keep answering): models over the ledger, stored in dataDir/insights.json for the page,
 * and a member-free aggregate published to head office when a broker is configured.
 */
export async function runNightlyInsights(p: { config: Config; sync: Sync; logger: Logger; now?: Date }): Promise<void> {
  try {
    const stored = await runInsightsJobInWorker({
      ledgerPath: join(p.config.dataDir, 'ledger.db'),
      now: p.now ?? new Date(),
      options: insightsOptionsFromConfig(p.config),
      basketsBy: p.config.insights.basketsBy,
      outPath: join(p.config.dataDir, 'insights.json'),
      currency: p.config.store.currency,
    });
    p.logger.info({ computeMs: stored.computeMs, members: stored.report.members }, 'insights computed');
    if (p.config.mqtt !== undefined) {
      await p.sync.publishInsights(insightsAggregatePayload(aggregateForHeadOffice(stored.report), p.config.store.currency)).catch((err: unknown) => {
        p.logger.warn({ err }, 'insights aggregate not published (broker offline?); it goes out with the next run');
      });
    }
  } catch (err) {
    p.logger.error({ err }, 'nightly insights failed; the previous results stay on the page');
  }
}
