/**
 * The reference head-office consumer: an MQTT 5 shared subscription
 * ($share/{group}/tillbox/+/+/basket), so several consumers split the load, writing each basket
 * into PostgreSQL idempotently by basket id. A message is acknowledged (PUBACK) only after its
 * INSERT has committed; if the database fails, the connection is dropped without the PUBACK and
 * the broker delivers the message again after the reconnect.
 *
 * For the shopper page (src/headoffice/web/) the same client also takes the boxes' answers to
 * consent messages (`response/consent`, shared like baskets) and their retained VAPID public keys
 * (`webpush`, a plain subscription: MQTT 5 sends no retained messages to shared subscriptions),
 * and publishes consent messages to one box (`publish`).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { optionalMissing } from '../optional-dep.js';
import { basketToken } from '../footer/content.js';
import type { Logger } from '../log.js';
import type { BasketV1, BasketV2 } from '../sync/basket.js';
import { redactUrl } from '../sync/connection.js';
import { parseConsentResponse, parseWebPushKey } from './consent.js';
import { answerConsentRequest, SHOPPER_DDL, storeWebPushKey } from './shopper-store.js';
import { backfillTokens, ensureTables, insertBasket, insertRejected } from './store.js';
import { couponStore } from './coupons.js';

export interface HeadOfficeOptions {
  mqttUrl: string;
  dbUrl: string;
  /** Shared subscription group; consumers in one group split the baskets. */
  group: string;
  /** This consumer's name (client id suffix, recorded per row). */
  name: string;
  logger: Logger;
  mqtt?: Partial<IClientOptions>;
  /** The key boxes use for the receipt QR token (footer.qr.key); absent: no tokens are stored. */
  qrKey?: string;
}

export interface HeadOfficeStats {
  received: number;
  inserted: number;
  duplicates: number;
  rejected: number;
  dbErrors: number;
  consentAnswers: number;
  webpushKeys: number;
}

export interface HeadOffice {
  readonly topic: string;
  stats(): HeadOfficeStats;
  /** Publishes QoS 1, not retained; resolves on PUBACK. */
  publish(topic: string, payload: string): Promise<void>;
  stop(): Promise<void>;
}

/** A box's webpush key or consent answer is well under this; a larger payload is not parsed. */
export const MAX_BOX_MESSAGE_BYTES = 4096;

/** Every basket schema version head office accepts: v1 from older boxes, v2 (`…Minor` money fields) from current ones. */
const schemas = [1, 2].map((v) => JSON.parse(readFileSync(new URL(`../../schemas/basket.v${v}.json`, import.meta.url), 'utf8')) as object);

export async function startHeadOffice(opts: HeadOfficeOptions): Promise<HeadOffice> {
  const logger = opts.logger.child({ module: 'headoffice', consumer: opts.name });
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validators = { 1: ajv.compile<BasketV1>(schemas[0] as object), 2: ajv.compile<BasketV2>(schemas[1] as object) };
  // pg is an optional dependency: a box never runs the head-office consumer.
  const { default: pg } = await import('pg').catch(optionalMissing('pg', 'tillbox headoffice (its PostgreSQL client)'));
  const db = new pg.Client({ connectionString: opts.dbUrl });
  db.on('error', (err) => logger.error({ err }, 'database connection error'));
  await db.connect();
  await ensureTables(db, SHOPPER_DDL);
  const { qrKey } = opts;
  if (qrKey !== undefined) {
    const filled = await backfillTokens(db, (id) => basketToken(id, qrKey));
    if (filled > 0) logger.info({ filled }, 'QR tokens computed for baskets stored without one');
  }
  const coupons = couponStore(db, opts.name); // footer coupons (…/coupon): src/headoffice/coupons.ts
  await coupons.ensureTable();
  const topic = `$share/${opts.group}/tillbox/+/+/basket`;
  const answers = `$share/${opts.group}/tillbox/+/+/response/consent`;
  const keys = 'tillbox/+/+/webpush';
  const stats: HeadOfficeStats = { received: 0, inserted: 0, duplicates: 0, rejected: 0, dbErrors: 0, consentAnswers: 0, webpushKeys: 0 };

  const client: MqttClient = connect(opts.mqttUrl, {
    protocolVersion: 5,
    clientId: `tillbox-headoffice-${opts.group}-${opts.name}`,
    clean: false,
    properties: { sessionExpiryInterval: 24 * 3600 },
    reconnectPeriod: 1000,
    ...opts.mqtt,
  });

  /** response/consent and webpush; anything malformed or oversized is logged and acknowledged. */
  async function boxMessage(store: string, box: string, leaf: string, payload: Buffer): Promise<void> {
    if (payload.length > MAX_BOX_MESSAGE_BYTES) {
      logger.warn({ store, box, topic: leaf, bytes: payload.length, max: MAX_BOX_MESSAGE_BYTES }, 'box message over its size limit: acknowledged, not read');
      return;
    }
    const text = payload.toString('utf8');
    if (leaf === 'webpush') {
      const key = parseWebPushKey(text);
      if (key === undefined) logger.warn({ store, box }, 'webpush key rejected: expected {"schema":1,"publicKey":"<base64url P-256 point>"}');
      else {
        await storeWebPushKey(db, store, box, key);
        stats.webpushKeys++;
      }
      return;
    }
    const answer = parseConsentResponse(text);
    if (answer === null) {
      logger.warn({ store, box }, 'response/consent rejected: expected {"id":…,"ok":true|false}');
      return;
    }
    if (await answerConsentRequest(db, store, box, answer.id, answer.ok, answer.error, answer.message)) stats.consentAnswers++;
    else logger.warn({ store, box, id: answer.id }, 'response/consent for no pending request of this box');
  }

  async function route(topicName: string, payload: Buffer): Promise<void> {
    if (coupons.handles(topicName)) return coupons.store(topicName, payload);
    const parts = topicName.split('/');
    const [, store, box, leaf, sub] = parts;
    if (store !== undefined && box !== undefined && ((leaf === 'response' && sub === 'consent' && parts.length === 5) || (leaf === 'webpush' && parts.length === 4))) {
      await boxMessage(store, box, leaf, payload);
      return;
    }
    await storeBasket(topicName, payload);
  }

  async function storeBasket(topicName: string, payload: Buffer): Promise<void> {
    stats.received++;
    const text = payload.toString('utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined;
    }
    // The payload's own `schema` picks the validator; an unknown version is rejected by v2's.
    const version = (doc as { schema?: unknown } | undefined)?.schema === 1 ? 1 : 2;
    const validate = validators[version];
    if (doc === undefined || !validate(doc)) {
      stats.rejected++;
      const reason = doc === undefined ? 'not JSON' : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
      await insertRejected(db, topicName, reason, text, opts.name);
      logger.warn({ topic: topicName, reason }, 'basket rejected');
      return;
    }
    if (await insertBasket(db, doc, opts.name, qrKey !== undefined ? basketToken(doc.id, qrKey) : null)) stats.inserted++;
    else stats.duplicates++;
  }

  // mqtt.js sends the PUBACK when this callback is called: only after the INSERT committed.
  client.handleMessage = (packet, done) => {
    route(packet.topic, typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload).then(
      () => done(),
      (err: unknown) => {
        stats.dbErrors++;
        logger.error({ err }, 'could not store basket; dropping the connection so the broker redelivers it');
        client.stream.destroy();
      },
    );
  };
  client.on('error', (err) => logger.warn({ err: { message: err.message } }, 'mqtt error'));

  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => {
      client.subscribe([topic, answers, keys, coupons.topic(opts.group)], { qos: 1 }, (err) => (err ? reject(err) : resolve()));
    });
    client.once('error', reject);
  });
  logger.info({ url: redactUrl(opts.mqttUrl), topic }, 'head-office consumer subscribed');

  return {
    topic,
    stats: () => ({ ...stats }),
    async publish(topicName, payload) {
      await client.publishAsync(topicName, payload, { qos: 1, retain: false });
    },
    async stop() {
      await client.endAsync();
      await db.end();
    },
  };
}
