import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import cron from 'node-cron';
import type { Config } from '../config/types.js';
import { openJournalReader, type JournalReader } from '../journal/reader.js';
import { openLedger } from '../ledger/open.js';
import type { Ledger } from '../ledger/types.js';
import type { Logger } from '../log.js';
import { loadPosition, savePosition } from '../pipeline/position.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { ParseOptions } from '../receipt/index.js';
import { decoderOptionsFromConfig, parseOptionsFromConfig, profilesFromConfig } from '../pipeline/options.js';
import { createOutbox } from '../shopper/outbox.js';
import { fileChannel } from '../shopper/channel-file.js';
import { webhookChannel } from '../shopper/channel-webhook.js';
import { startShopperJobs, type ShopperJobs } from '../shopper/jobs.js';
import type { NotificationChannel } from '../shopper/channels.js';
import { createSync, openSyncOutbox, pseudonymFor, type Sync } from '../sync/index.js';
import { statusQueries } from '../ledger/queries-status.js';
import { buildApp, webOptionsFromConfig } from '../web/app.js';
import type { TapStatsMessage } from './messages.js';
import { Receipts } from './receipts.js';
import { webDeps } from './web-deps.js';
import { runNightlyInsights } from './insights-job.js';

export interface Analytics {
  stop(): Promise<void>;
  /** Runs the pipeline until it has caught up with the journal (tests, reparse). */
  drain(): number;
  readonly web: FastifyInstance;
  onTapStats(msg: TapStatsMessage): void;
}

export interface AnalyticsOptions {
  config: Config;
  logger: Logger;
  version: string;
  /** How often the pipeline polls the journal (ms). */
  pollMs?: number;
  /** Listen for the status page (false: build only, tests use inject). */
  listen?: boolean;
}

/**
 * Everything downstream of the journal, in the analytics child process: the pipeline (journal →
 * decoder → parser → ledger → outbox), the MQTT sync, the shopper jobs, the nightly insights and
 * the status page. Start order: ledger, outboxes, sync, pipeline, jobs, web; stop in reverse.
 */
export async function startAnalytics(opts: AnalyticsOptions): Promise<Analytics> {
  const { config, logger } = opts;
  const log = logger.child({ module: 'analytics' });
  const ledger: Ledger = openLedger(join(config.dataDir, 'ledger.db'), { timezone: config.store.timezone, currency: config.store.currency });
  const basketOutbox = openSyncOutbox(config);
  let tap: TapStatsMessage | null = null;

  const decoderOptions = decoderOptionsFromConfig(config);
  let profiles = profilesFromConfig(config);
  const parseOptions = (): ParseOptions => parseOptionsFromConfig(config, profiles);

  const reader: JournalReader = await openWhenReady(join(config.dataDir, 'journal.db'), log);
  const queries = statusQueries(ledger);
  const receipts = new Receipts({ ledger, reader, decoderOptions, parseOptions, logger: log, storedReceipt: (id) => queries.receipt(id)?.receipt ?? null });

  const sync: Sync = createSync({
    config,
    logger,
    outbox: basketOutbox,
    categoryOf: receipts.categoryOf,
    health: () => ({ parseFailures: receipts.stats.failed }),
    onCatalogue: (rows) => {
      ledger.importCatalogue(rows.map((r) => ({ ...r })));
    },
    onProfiles: (texts) => {
      profiles = receipts.withExtraProfiles(texts);
    },
    resyncFrom: (date) => receipts.countedSince(date),
  });
  receipts.onCounted = (r) => sync.enqueueReceipt(r, receipts.categoryOf);

  const positionFile = join(config.dataDir, 'pipeline-position.json');
  const pipeline = new Pipeline(
    {
      read: (after, max) => reader.read('pipeline', after, max),
      makeDecoder: (prior) => receipts.makeDecoder(prior),
      onDocument: (doc, range) => receipts.accept(doc, range),
      savePosition: (pos) => savePosition(positionFile, reader, pos),
      idleGapMs: config.decoder.idleGapMs,
    },
    loadPosition(positionFile, reader),
  );
  const drain = (): number => {
    let n = 0;
    for (let got = pipeline.step(Date.now()); got > 0; got = pipeline.step(Date.now())) n += got;
    return n;
  };
  drain();
  // Poll: the journal is committed by the tap's writer thread in another process.
  const poll = setInterval(() => {
    try {
      drain();
    } catch (err) {
      log.error({ err }, 'pipeline step failed; retrying on the next tick');
    }
  }, opts.pollMs ?? 200);

  await sync.start();

  const channels: NotificationChannel[] = [];
  if (config.notifications.file !== undefined) channels.push(fileChannel(config.notifications.file));
  if (config.notifications.webhook !== undefined) {
    // The webhook leaves the box: members go out only as keyed pseudonyms, so it needs the key.
    const key = config.sync.pseudonymKey;
    const version = config.sync.pseudonymKeyVersion;
    if (key === undefined) log.warn('notifications.webhook is set but sync.pseudonymKey is not: the webhook channel stays off');
    else channels.push(webhookChannel({ url: config.notifications.webhook, pseudonymise: (m) => pseudonymFor(m, key, version) }));
  }
  if (config.mqtt !== undefined) channels.push(sync.notificationChannel());
  const notifications = createOutbox(ledger, channels, { logger: log });
  const jobs: ShopperJobs = startShopperJobs({ ledger, outbox: notifications, config, logger });
  const insightsTask = cron.schedule(config.insights.cron, () => runNightlyInsights({ config, sync, logger: log }), { timezone: config.store.timezone });
  // A new box shows insights on its first day rather than after the first night.
  const firstInsights = existsSync(join(config.dataDir, 'insights.json')) ? undefined : setTimeout(() => void runNightlyInsights({ config, sync, logger: log }), 10_000);

  const web = buildApp(webDeps({ config, ledger, receipts, sync, reader, version: opts.version, tap: () => tap, position: () => pipeline.position }), webOptionsFromConfig(config, logger));
  if (opts.listen ?? true) await web.listen({ host: config.web.host, port: config.web.port });
  log.info({ web: `${config.web.host}:${config.web.port}`, mqtt: config.mqtt !== undefined }, 'analytics started');

  return {
    web,
    drain,
    onTapStats: (msg) => {
      tap = msg;
    },
    stop: async () => {
      await web.close();
      clearTimeout(firstInsights);
      await insightsTask.stop();
      await jobs.stop();
      clearInterval(poll);
      await sync.stop();
      basketOutbox.close();
      reader.close();
      ledger.close();
    },
  };
}

/** The tap creates the journal before it forks us, but a fresh box may race it: retry briefly. */
async function openWhenReady(path: string, log: Logger): Promise<JournalReader> {
  for (let attempt = 0; ; attempt++) {
    try {
      return openJournalReader(path);
    } catch (err) {
      if (attempt >= 50) throw err;
      if (attempt === 0) log.warn({ path }, 'journal not there yet; waiting for the tap');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
