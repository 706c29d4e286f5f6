import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import cron from 'node-cron';
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import { loadPosition, savePosition } from '../pipeline/position.js';
import { DATE_ORDERS_FILE, TillDateOrders, tillKey } from '../pipeline/date-orders.js';
import { Pipeline, type MonoInstant, type Position } from '../pipeline/pipeline.js';
import { StartupGuard } from '../pipeline/poison.js';
import { readBootId } from '../journal/host-clock.js';
import { monoUs } from '../tap/types.js';
import { FaultLog, isDiskFull } from '../io/write-fault.js';
import type { ParseOptions } from '../receipt/index.js';
import { decoderOptionsFromConfig, parseOptionsFromConfig, profilesFromConfig } from '../pipeline/options.js';
import { createOutbox } from '../shopper/outbox.js';
import { startShopperJobs, type ShopperJobs } from '../shopper/jobs.js';
import { channelsFromConfig, vapidKeysFor } from '../shopper/setup.js';
import { createConsentStore } from '../shopper/consent/store.js';
import { createConsentInbound } from '../shopper/consent/inbound.js';
import { memberResolver } from '../shopper/consent/resolve.js';
import { basketId } from '../sync/basket.js';
import { createSync, pseudonymFor, type Sync } from '../sync/index.js';
import { statusQueries } from '../ledger/queries-status.js';
import { buildApp, webOptionsFromConfig } from '../web/app.js';
import type { LogSource } from '../web/routes/logs.js';
import type { Env } from '../config/load.js';
import { footerServiceFor } from '../footer/setup.js';
import { COUPON_SYNC_EVERY_MS, syncCoupons } from '../footer/coupon-sync.js';
import type { FooterService } from '../footer/service.js';
import { testPrintReply } from '../footer/test-print.js';
import type { FooterOutcomeMessage, FooterReplyMessage, FooterRequestMessage, FooterTestReplyMessage, FooterTestRequestMessage, TapStatsMessage } from './messages.js';
import { Receipts } from './receipts.js';
import { webDeps } from './web-deps.js';
import { openStores } from './analytics-stores.js';
import { failedActions } from './failed-actions.js';
import { runNightlyInsights } from './insights-job.js';

/** While the pipeline's writes fail, it tries again this often (ms). */
export const PIPELINE_RETRY_MS = 1000;
/** Journal chunks per pipeline step, and the longest catch-up slice, when footers are on. */
const FOOTER_STEP_CHUNKS = 16;
const FOOTER_SLICE_MS = 8;
/**
 * Without footers, a backlog (the child was stopped, or the journal grew while it restarted) is
 * still filed in slices of this long with a turn of the event loop between them, so the page, the
 * heartbeat and MQTT are served during a long catch-up (issue 14 item 3).
 */
export const DRAIN_SLICE_MS = 50;

export interface Analytics {
  stop(): Promise<void>;
  /** Runs the pipeline until it has caught up with the journal (tests, reparse). */
  drain(): number;
  readonly web: FastifyInstance;
  onTapStats(msg: TapStatsMessage): void;
  /** Footer requests and outcomes from the tap (src/footer/service.ts). */
  onFooterMessage(msg: FooterRequestMessage | FooterOutcomeMessage | FooterTestRequestMessage): void;
  readonly footer: FooterService | undefined;
}

export interface AnalyticsOptions {
  config: Config;
  logger: Logger;
  version: string;
  /** How often the pipeline polls the journal (ms). */
  pollMs?: number;
  /** Listen for the status page (false: build only, tests use inject). */
  listen?: boolean;
  /** Where footer replies go (the IPC channel to the tap). */
  sendToTap?: (msg: FooterReplyMessage | FooterTestReplyMessage) => void;
  /** The config file the daemon runs with, for the settings view (absent: built-in defaults, nothing to save to). */
  configFile?: string | undefined;
  /** The environment (TILLBOX_* overrides apply to a saved file too). */
  env?: Env;
  /** The log view's lines and level switch. */
  logs?: LogSource;
}

/**
 * Everything downstream of the journal, in the analytics child process: the pipeline (journal →
 * decoder → parser → ledger → outbox), the MQTT sync, the shopper jobs, the nightly insights and
 * the status page. Start order: ledger, outboxes, sync, pipeline, jobs, web; stop in reverse.
 */
export async function startAnalytics(opts: AnalyticsOptions): Promise<Analytics> {
  const { config, logger } = opts;
  const log = logger.child({ module: 'analytics' });
  const { ledger, basketOutbox, reader } = await openStores(config, log);
  let tap: TapStatsMessage | null = null;
  let tapAt = 0;

  const decoderOptions = decoderOptionsFromConfig(config);
  let profiles = profilesFromConfig(config);
  const parseOptions = (): ParseOptions => parseOptionsFromConfig(config, profiles);

  const queries = statusQueries(ledger);
  // One box serves one till: its POS line names it. The learned date order has a file of its own.
  const dateLearning = { orders: new TillDateOrders(join(config.dataDir, DATE_ORDERS_FILE)), till: tillKey(config) };
  const receipts = new Receipts({ ledger, reader, decoderOptions, parseOptions, logger: log, dateLearning, storedReceipt: (id) => queries.receipt(id)?.receipt ?? null });

  const key = config.sync.pseudonymKey;
  const pseudonymise = key === undefined ? undefined : (m: string): string => pseudonymFor(m, key, config.sync.pseudonymKeyVersion);
  const vapid = vapidKeysFor(config);
  const consentInbound = createConsentInbound({
    ledger,
    store: createConsentStore(ledger),
    resolver: memberResolver(ledger, pseudonymise, (id) => basketId(config.store.id, id)),
    logger: log,
  });
  const sync: Sync = createSync({
    config,
    logger,
    onConsent: consentInbound,
    ...(vapid !== undefined ? { webpushPublicKey: vapid.publicKey } : {}),
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

  const footer = footerServiceFor(config, {
    ledger,
    decoderOptions,
    parseOptions,
    categoryOf: receipts.categoryOf,
    send: (m) => opts.sendToTap?.(m),
    logger: log,
  });

  const positionFile = join(config.dataDir, 'pipeline-position.json');
  // A document this process keeps dying on is skipped after two tries (src/pipeline/poison.ts).
  const guard = new StartupGuard(loadPosition(positionFile, reader), {
    save: (pos, attempts) => {
      savePosition(positionFile, reader, pos, attempts);
      // After the position: the learned votes then cover exactly the documents before it.
      dateLearning.orders.save();
    },
    record: (range, reason, doc) => receipts.unprocessed(range, reason, doc),
    read: (after, max) => reader.readAfter(after, max),
  });
  if (guard.skipsPoison) log.warn({ position: guard.start }, 'analytics died twice at this journal position: the document there is skipped');
  // Until the first catch-up is done, the position is saved after every document (the guard counts
  // starts at the document a crash happened on).
  let startingUp = true;
  const makePipeline = (start: Position): Pipeline => {
    const p = new Pipeline(
      {
        read: (after, max) => reader.read('pipeline', after, max),
        makeDecoder: (prior) => receipts.makeDecoder(prior),
        onDocument: (doc, range) => guard.onDocument(doc, range, (d, r) => receipts.accept(d, r)),
        savePosition: (pos) => guard.savePosition(pos),
        idleGapMs: config.decoder.idleGapMs,
        moreComing: () => journalBehind(tap, tapAt),
        // With footers on, small steps: a footer request waits at most one step (see the poll).
        ...(footer !== undefined ? { batchSize: FOOTER_STEP_CHUNKS } : {}),
      },
      start,
    );
    p.saveEachDocument = startingUp;
    return p;
  };
  let pipeline = makePipeline(guard.start);
  // Idle gaps are measured on this boot's monotonic clock, the one the tap stamps chunks with.
  const bootId = readBootId();
  const now = (): MonoInstant => ({ monoUs: monoUs(), bootId });
  // A failed step (disk full: ledger, outbox, position file or journal cursor) must not take the
  // child down (issue 17 item 6: it crash-looped at start-up, the page down when it was needed).
  // The decoder has consumed the failed document's bytes, so start again from its first byte;
  // what was filed before it is filed again as a no-op (ids are stable). Retried once a second.
  // The catch-up runs in slices (FOOTER_SLICE_MS with footers on, else DRAIN_SLICE_MS) with a turn
  // of the event loop between them, so a footer request from the tap is answered between two
  // slices instead of waiting (past footer.maxHoldMs) for a whole backlog to be filed.
  const drain = (): number => {
    let n = 0;
    for (let got = pipeline.step(now()); got > 0; got = pipeline.step(now())) n += got;
    return n;
  };
  const writes = new FaultLog(log, 'pipeline');
  let lastTry = 0;
  let slicing = false;
  const tryDrain = (sliceMs = footer !== undefined ? FOOTER_SLICE_MS : DRAIN_SLICE_MS): void => {
    slicing = false;
    if (writes.current !== null && Date.now() - lastTry < PIPELINE_RETRY_MS) return;
    lastTry = Date.now();
    try {
      const t0 = performance.now();
      for (let got = pipeline.step(now()); got > 0; got = pipeline.step(now())) {
        if (performance.now() - t0 >= sliceMs) {
          slicing = true;
          setImmediate(() => tryDrain());
          break;
        }
      }
      if (startingUp && !slicing) {
        guard.caughtUp(pipeline.position);
        startingUp = false;
        pipeline.saveEachDocument = false;
      }
      writes.ok({ position: pipeline.position });
    } catch (err) {
      writes.fail(err, { position: pipeline.position });
      pipeline = makePipeline(pipeline.position);
    }
  };
  // The start-up catch-up in one go. On a full disk even counting this start may fail: the
  // pipeline's retry takes it from there (and the guard learns it caught up when a drain succeeds).
  try {
    guard.begin();
  } catch (err) {
    if (!isDiskFull(err)) throw err;
  }
  tryDrain(Infinity);
  // Poll: the journal is committed by the tap's writer thread in another process.
  const poll = setInterval(() => {
    footer?.flush();
    if (!slicing) tryDrain();
  }, opts.pollMs ?? 200);

  await sync.start();

  const setup = channelsFromConfig(config, { pseudonymise, vapid, logger: log });
  const channels = [...setup.channels];
  if (config.mqtt !== undefined) channels.push(sync.notificationChannel());
  const notifications = createOutbox(ledger, channels, { logger: log, ratePerMinute: setup.ratePerMinute });
  const jobs: ShopperJobs = startShopperJobs({ ledger, outbox: notifications, config, logger });
  // A restarted box catches up on due reminders and retries soon, not at the next quarter hour.
  const firstTick = setTimeout(() => void jobs.tick(), 5_000);
  const insightsTask = cron.schedule(config.insights.cron, () => runNightlyInsights({ config, sync, logger: log }), { timezone: config.store.timezone });
  // A new box shows insights on its first day rather than after the first night.
  const firstInsights = existsSync(join(config.dataDir, 'insights.json')) ? undefined : setTimeout(() => void runNightlyInsights({ config, sync, logger: log }), 10_000);

  // Footer coupons to head office (durable in the ledger until acknowledged).
  const couponTimer =
    footer !== undefined && config.mqtt !== undefined
      ? setInterval(() => {
          syncCoupons(ledger, (p) => sync.publishCoupons(p), { store: config.store.id, box: config.box.id }).catch((err: unknown) =>
            log.debug({ err }, 'coupons not sent yet; retrying later'),
          );
        }, COUPON_SYNC_EVERY_MS)
      : undefined;

  const web = buildApp(
    webDeps({
      config, ledger, receipts, sync, reader, version: opts.version, tap: () => tap, position: () => pipeline.position, pipelineFault: () => writes.current, footer, notifications,
      failed: failedActions({ dataDir: config.dataDir, reader, queries, receipts, decoderOptions, parseOptions }),
    }),
    {
      ...webOptionsFromConfig(config, logger),
      settings: { file: opts.configFile, env: opts.env ?? {}, profiles: () => profiles.map((x) => x.name) },
      ...(opts.logs !== undefined ? { logs: opts.logs } : {}),
    },
  );
  if (opts.listen ?? true) await web.listen({ host: config.web.host, port: config.web.port });
  log.info({ web: `${config.web.host}:${config.web.port}`, mqtt: config.mqtt !== undefined }, 'analytics started');

  return {
    web,
    drain,
    onTapStats: (msg) => {
      tap = msg;
      tapAt = performance.now();
    },
    footer,
    onFooterMessage: (msg) => {
      if (msg.type === 'footer-request') footer?.onRequest(msg);
      else if (msg.type === 'footer-test-request') opts.sendToTap?.(testPrintReply({ service: footer, ledger, decoderOptions, columns: config.decoder.columns, language: config.notifications.language }, msg));
      else footer?.onOutcome(msg);
    },
    stop: async () => {
      await web.close();
      clearTimeout(firstInsights);
      await insightsTask.stop();
      clearTimeout(firstTick);
      await jobs.stop();
      setup.close();
      clearInterval(poll);
      clearInterval(couponTimer);
      footer?.flush();
      await sync.stop();
      basketOutbox.close();
      reader.close();
      ledger.close();
    },
  };
}

/** The tap's stats (sent every second) are this fresh or they say nothing about the writer now. */
const TAP_STATS_FRESH_MS = 5000;

/**
 * Whether the tap's last stats (received at `at`, performance.now()) are fresh and say the journal
 * is behind. Monotonic on purpose: on the wall clock a step forward (NTP, a day) made fresh stats
 * look stale, the pipeline took a full disk's held chunks for silence and closed a receipt as
 * idle in the middle (the soak: disk full, then the clock a day forward, one receipt lost).
 */
export function journalBehind(tap: TapStatsMessage | null, at: number, now = performance.now()): boolean {
  return tap !== null && now - at < TAP_STATS_FRESH_MS && tap.journal.lagChunks > 0;
}
