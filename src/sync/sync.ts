/**
 * The sync module's front: wires the outbox, the one MQTT link, the drainer and the inbound
 * handler. Without `mqtt` in config nothing connects and baskets wait in the outbox.
 */
import type { MqttClient } from 'mqtt';
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Receipt } from '../receipt/types.js';
import type { NotificationChannel } from '../shopper/channels.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { buildBasket, type BasketOptions, type BasketV2, type CategoryOf } from './basket.js';
import { clientIdFor, mqttOptions } from './connection.js';
import { DEFAULT_DRAIN, Drainer, type DrainOptions } from './drain.js';
import { Link } from './link.js';
import { mqttNotificationChannel } from './notify.js';
import type { EnqueueResult, Outbox } from './outbox.js';
import type { FaultState } from '../io/write-fault.js';
import { createInboundHandler, type InboundCallbacks } from './requests.js';
import { topicsFor, type CouponPayload, type ExternalHealth, type StatusPayload, type Topics, type WebPushKeyPayload } from './topics.js';

export interface SyncDeps extends InboundCallbacks {
  config: Config;
  logger: Logger;
  outbox: Outbox;
  now?: () => number;
  /** Figures the sync module does not own (parseFailures, …), added to status and health. */
  health?: () => ExternalHealth;
  /** Default category lookup for enqueueReceipt and resync. */
  categoryOf?: CategoryOf;
  backoff?: BackoffOptions;
  drain?: Partial<DrainOptions>;
  /** How often the retained status is refreshed while connected (ms). */
  statusIntervalMs?: number;
  /** The VAPID public key to publish retained on `webpush` on every connect (Web Push on). */
  webpushPublicKey?: string;
  random?: () => number;
}

export interface SyncStats {
  connected: boolean;
  connects: number;
  backlog: number;
  inFlight: number;
  dropped: number;
  droppedOldest: number;
  rejectedNew: number;
  expired: number;
  lastAckAt: string | null;
  publishedThisRun: number;
  ackedThisRun: number;
  /** PUBACKs held because the outbox could not record them (disk full); publishing pauses meanwhile. */
  acksUnrecorded: number;
  ackRecordFailures: number;
  ackFault: FaultState | null;
}

export interface Sync {
  readonly topics: Topics;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Builds and queues the basket; throws TBX_OUTBOX_FULL when full with reject-new. */
  enqueueReceipt(r: Receipt, categoryOf?: CategoryOf): EnqueueResult;
  /** Many receipts in one commit (reparse, bulk import); TBX_OUTBOX_FULL rejections are counted, not thrown. */
  enqueueReceipts(rs: Iterable<Receipt>, categoryOf?: CategoryOf): { queued: number; duplicate: number; rejected: number };
  basketFor(r: Receipt, categoryOf?: CategoryOf): BasketV2;
  stats(): SyncStats;
  status(state?: 'online' | 'offline'): StatusPayload;
  notificationChannel(): NotificationChannel;
  /** The nightly insights aggregate on `insights`, QoS 1; resolves on PUBACK, rejects when offline. */
  publishInsights(aggregate: Record<string, unknown>): Promise<void>;
  /** Issued footer coupons on `coupon`, QoS 1; resolves on PUBACK, rejects when offline. */
  publishCoupons(payload: CouponPayload): Promise<void>;
}

const HOUR_MS = 3_600_000;

export function createSync(deps: SyncDeps): Sync {
  const { config, outbox } = deps;
  const logger = deps.logger.child({ module: 'sync' });
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const topics = topicsFor(config.store.id, config.box.id);
  const defaultCategory: CategoryOf = deps.categoryOf ?? (() => null);
  const basketOpts: BasketOptions = {
    storeId: config.store.id,
    boxId: config.box.id,
    timeResolution: config.sync.timeResolution,
    member: config.sync.member,
    pseudonymKey: config.sync.pseudonymKey,
    pseudonymKeyVersion: config.sync.pseudonymKeyVersion,
  };
  const drainer = new Drainer(outbox, topics.basket, logger, { ...DEFAULT_DRAIN, ...deps.drain });
  let statusTimer: NodeJS.Timeout | null = null;
  let pruneTimer: NodeJS.Timeout | null = null;

  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

  function status(state: 'online' | 'offline' = 'online'): StatusPayload {
    const c = outbox.counters();
    const ext = deps.health?.();
    const payload: StatusPayload = {
      state,
      at: iso(now()) ?? '',
      backlog: c.backlog,
      dropped: c.dropped,
      lastAckAt: iso(c.lastAckAt),
      parseFailures: typeof ext?.parseFailures === 'number' ? ext.parseFailures : null,
      uptimeS: Math.round((now() - startedAt) / 1000),
    };
    if (ext !== undefined) payload.health = ext;
    return payload;
  }

  function publishQos1(client: MqttClient, topic: string, payload: string, retain = false): Promise<void> {
    return new Promise((resolve, reject) => {
      client.publish(topic, payload, { qos: 1, retain }, (err) => (err ? reject(err) : resolve()));
    });
  }

  function publishNow(topic: string, payload: string): Promise<void> {
    const client = link?.current ?? null;
    if (client === null) return Promise.reject(new Error(`mqtt not connected; ${topic} not sent`));
    return publishQos1(client, topic, payload);
  }

  function publishStatus(client: MqttClient): void {
    publishQos1(client, topics.status, JSON.stringify(status('online')), true).catch((err: unknown) => {
      logger.debug({ err }, 'status publish not acknowledged');
    });
  }

  function basketFor(r: Receipt, categoryOf: CategoryOf = defaultCategory): BasketV2 {
    return buildBasket(r, categoryOf, basketOpts);
  }

  function enqueueReceipt(r: Receipt, categoryOf: CategoryOf = defaultCategory): EnqueueResult {
    const basket = basketFor(r, categoryOf);
    const result = outbox.enqueue(basket.id, JSON.stringify(basket));
    if (result === 'queued') drainer.kick();
    return result;
  }

  function rowsFor(rs: Iterable<Receipt>, categoryOf: CategoryOf): { id: string; payload: string }[] {
    const rows: { id: string; payload: string }[] = [];
    for (const r of rs) {
      const b = basketFor(r, categoryOf);
      rows.push({ id: b.id, payload: JSON.stringify(b) });
    }
    return rows;
  }

  function enqueueReceipts(rs: Iterable<Receipt>, categoryOf: CategoryOf = defaultCategory): { queued: number; duplicate: number; rejected: number } {
    const n = outbox.enqueueMany(rowsFor(rs, categoryOf));
    if (n.queued > 0) drainer.kick();
    return n;
  }

  const handleInbound = createInboundHandler({
    ...deps,
    topics,
    logger,
    reply: (op, payload) => {
      publishNow(topics.response(op), JSON.stringify(payload)).catch((err: unknown) => logger.warn({ err, op }, 'reply not sent'));
    },
    health: () => ({ ...status('online'), inFlight: drainer.inFlight }),
    requeue: (receipts) => {
      const rows = rowsFor(receipts, defaultCategory);
      const n = outbox.enqueueMany(rows, { revive: true });
      drainer.kick();
      return { receipts: rows.length, queued: n.queued };
    },
  });

  const mqttConfig = config.mqtt;
  const link =
    mqttConfig === undefined
      ? null
      : new Link({
          url: mqttConfig.url,
          backoff: deps.backoff ?? DEFAULT_BACKOFF,
          ...(deps.random === undefined ? {} : { random: deps.random }),
          logger,
          clientOptions: () =>
            mqttOptions(mqttConfig, clientIdFor(config), {
              will: { topic: topics.status, payload: Buffer.from(JSON.stringify({ state: 'offline', reason: 'connection lost' })), qos: 1, retain: true },
            }),
          handlers: {
            onConnect: (client, generation, connack) => {
              publishStatus(client);
              if (deps.webpushPublicKey !== undefined) {
                const key: WebPushKeyPayload = { schema: 1, publicKey: deps.webpushPublicKey };
                publishQos1(client, topics.webpush, JSON.stringify(key), true).catch((err: unknown) => logger.debug({ err }, 'webpush key publish not acknowledged'));
              }
              client.subscribe([topics.configFilter, topics.requestFilter], { qos: 1 }, (err) => {
                if (err) logger.warn({ err }, 'subscribe failed');
              });
              drainer.attach(client, generation, connack.receiveMaximum);
            },
            onDisconnect: () => drainer.detach(),
            onMessage: (topic, payload) => {
              handleInbound(topic, payload).catch((err: unknown) => logger.error({ err, topic }, 'inbound handler failed'));
            },
          },
        });

  function prune(): void {
    try {
      const { expired } = outbox.prune();
      if (expired > 0) logger.warn({ expired }, 'baskets older than sync.outboxMaxAgeDays dropped');
    } catch (err) {
      logger.error({ err }, 'outbox prune failed');
    }
  }

  return {
    topics,
    async start() {
      prune();
      pruneTimer = setInterval(prune, HOUR_MS);
      pruneTimer.unref();
      if (link === null) {
        logger.info({ backlog: outbox.counters().backlog }, 'mqtt not configured: baskets wait in the outbox');
        return;
      }
      link.start();
      statusTimer = setInterval(() => {
        const client = link.current;
        if (client !== null) publishStatus(client);
      }, deps.statusIntervalMs ?? 60_000);
      statusTimer.unref();
    },
    async stop() {
      if (statusTimer !== null) clearInterval(statusTimer);
      if (pruneTimer !== null) clearInterval(pruneTimer);
      statusTimer = pruneTimer = null;
      // Publish nothing more, but still record PUBACKs that arrive while the link closes.
      drainer.detach();
      if (link !== null) {
        await link.stop(async (client) => {
          await publishQos1(client, topics.status, JSON.stringify({ ...status('offline'), reason: 'stopped' }), true);
        });
      }
      drainer.flushAcks(true);
    },
    enqueueReceipt,
    enqueueReceipts,
    basketFor,
    stats() {
      const c = outbox.counters();
      return {
        connected: link?.current != null,
        connects: link?.connects ?? 0,
        backlog: c.backlog,
        inFlight: drainer.inFlight,
        dropped: c.dropped,
        droppedOldest: c.droppedOldest,
        rejectedNew: c.rejectedNew,
        expired: c.expired,
        lastAckAt: iso(c.lastAckAt),
        publishedThisRun: drainer.published,
        ackedThisRun: drainer.acked,
        acksUnrecorded: drainer.acksUnrecorded,
        ackRecordFailures: drainer.ackRecordFailures,
        ackFault: drainer.fault,
      };
    },
    status,
    notificationChannel: () =>
      mqttNotificationChannel({
        pseudonymKey: config.sync.pseudonymKey,
        pseudonymKeyVersion: config.sync.pseudonymKeyVersion,
        publish: (payload) => publishNow(topics.notification, payload),
      }),
    publishInsights: (aggregate) => publishNow(topics.insights, JSON.stringify(aggregate)),
    publishCoupons: (payload) => publishNow(topics.coupon, JSON.stringify(payload)),
  };
}
