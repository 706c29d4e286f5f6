/**
 * config/consent from head office over a real mosquitto: applied by pseudonym or by basket id,
 * idempotent by message id, refused with a coded reply naming the field (never echoing the
 * address), withdrawn in one message; the box's VAPID public key is retained on `webpush`.
 */
import { Writable } from 'node:stream';
import { connect, type MqttClient } from 'mqtt';
import { createLogger } from '../../src/log.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConsentInbound } from '../../src/shopper/consent/inbound.js';
import { MAX_CONSENT_BYTES } from '../../src/shopper/consent/message.js';
import { memberResolver } from '../../src/shopper/consent/resolve.js';
import { createConsentStore } from '../../src/shopper/consent/store.js';
import { basketId } from '../../src/sync/basket.js';
import { openSyncOutbox } from '../../src/sync/outbox.js';
import { pseudonymFor } from '../../src/sync/pseudonym.js';
import { createSync } from '../../src/sync/sync.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { collect } from '../sync/fixtures/collector.js';
import { testConfig } from '../sync/fixtures/config.js';
import { tempLedger } from '../ledger/helpers.js';
import { shoppers } from './support.js';

const KEY = 'mqtt-consent-pseudonym-key-01';
const BASE = 'tillbox/store-001/box-01';
const SUB = { endpoint: 'https://push.example/send/abc', keys: { p256dh: Buffer.alloc(65, 4).toString('base64url'), auth: Buffer.alloc(16, 7).toString('base64url') } };

describe.skipIf(!toolAvailable(MOSQUITTO))('config/consent over a real mosquitto', () => {
  let broker: Mosquitto;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.close();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('signs up by pseudonym and by basket, is idempotent by id, refuses bad messages by field, withdraws; publishes the VAPID key retained', async () => {
    const env = tempLedger();
    cleanups.push(() => env.cleanup());
    shoppers(env.ledger, ['8800000001', '8800000002']);
    const { dir, cleanup } = tempDir('tillbox-consent-mqtt-');
    cleanups.push(cleanup);
    const config = testConfig(dir, broker.url, { member: 'pseudonym', pseudonymKey: KEY });
    const outbox = openSyncOutbox(config);
    const store = createConsentStore(env.ledger);
    const pseudonymise = (m: string): string => pseudonymFor(m, KEY, 1);
    const logLines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c: Buffer, _e, done) => { logLines.push(c.toString('utf8')); done(); } }) });
    const onConsent = createConsentInbound({ ledger: env.ledger, store, logger, resolver: memberResolver(env.ledger, pseudonymise, (id) => basketId('store-001', id)) });
    const sync = createSync({ config, logger, outbox, onConsent, webpushPublicKey: 'BPublicKeyForTheTest', backoff: { minMs: 50, maxMs: 400 } });
    cleanups.push(() => outbox.close(), () => sync.stop());
    const replies = await collect(broker.url, [`${BASE}/response/consent`]);
    cleanups.push(() => replies.close());
    await sync.start();
    await waitFor(() => sync.stats().connected);

    const ho: MqttClient = connect(broker.url, { protocolVersion: 5 });
    cleanups.push(() => ho.endAsync(true));
    await new Promise<void>((r) => ho.once('connect', () => r()));
    const send = async (msg: unknown): Promise<Record<string, unknown>> => {
      const before = replies.on(`${BASE}/response/consent`).length;
      await ho.publishAsync(`${BASE}/config/consent`, typeof msg === 'string' ? msg : JSON.stringify(msg), { qos: 1 });
      await waitFor(() => replies.on(`${BASE}/response/consent`).length > before);
      const all = replies.on(`${BASE}/response/consent`);
      return JSON.parse(all[all.length - 1] as string) as Record<string, unknown>;
    };
    const base = { schema: 1, time: '2026-11-23T10:20:00+08:00', source: 'headoffice', wording: 'ho-2026-11' };

    const signUp = { ...base, id: 'm-1', member: pseudonymise('8800000001'), withdraw: false, channels: { email: { address: 'anna@example.cn', kinds: ['expiry', 'monthly'] }, webpush: { subscription: SUB, kinds: ['expiry'] } } };
    expect(await send(signUp)).toEqual({ id: 'm-1', ok: true });
    const m1 = env.ledger.memberKey('8800000001') as number;
    expect(store.contactsOf(m1)).toEqual({ email: 'anna@example.cn', webpush: SUB });
    expect(store.view('8800000001')?.consent.filter((c) => c.granted).map((c) => `${c.channel}/${c.kind}/${c.source}/${c.wording}`).sort())
      .toEqual(['email/expiry/headoffice/ho-2026-11', 'email/monthly/headoffice/ho-2026-11', 'webpush/expiry/headoffice/ho-2026-11']);

    // The same id again, even with other content: the first reply, nothing changed.
    expect(await send({ ...signUp, withdraw: true })).toEqual({ id: 'm-1', ok: true });
    expect(store.deliverable(m1, 'email', 'expiry')).toBe(true);

    // QR sign-up right after a purchase: head office knows the basket id only.
    const m2 = env.ledger.memberKey('8800000002') as number;
    const rid = env.ledger.db.prepare('SELECT id FROM receipts WHERE mid = ?').pluck().get(m2) as string;
    expect(await send({ ...base, id: 'm-2', source: 'qr', basket: basketId('store-001', rid), withdraw: false, channels: { email: { address: 'ben@example.cn', kinds: ['offers'] } } })).toEqual({ id: 'm-2', ok: true });
    expect(store.deliverable(m2, 'email', 'offers')).toBe(true);
    expect(store.view('8800000002')?.consent[0]?.source).toBe('qr');

    // Refusals name the field and never echo the address.
    const bad = await send({ ...signUp, id: 'm-3', wording: '', channels: { email: { address: 'carl@example.cn', kinds: ['spam'] } } });
    expect(bad).toMatchObject({ id: 'm-3', ok: false, error: 'TBX_MQTT_PAYLOAD_INVALID' });
    expect(String(bad['message'])).toMatch(/wording: .*channels\.email\.kinds: expected/);
    const both = await send({ ...signUp, id: 'm-4', basket: '0'.repeat(32) });
    expect(String(both['message'])).toContain('member, basket: expected exactly one');
    const unknown = await send({ ...signUp, id: 'm-5', member: pseudonymise('8899999999') });
    expect(unknown).toMatchObject({ id: 'm-5', ok: false, error: 'TBX_CONSENT_MEMBER_UNKNOWN' });
    const huge = await send(JSON.stringify({ ...signUp, id: 'm-6', pad: 'x'.repeat(MAX_CONSENT_BYTES) }));
    expect(huge).toMatchObject({ id: 'm-6', ok: false, error: 'TBX_MQTT_PAYLOAD_TOO_LARGE' });
    expect(await send('not json')).toMatchObject({ id: null, ok: false, error: 'TBX_MQTT_PAYLOAD_INVALID' });

    // Withdraw everything: one message, every consent off, the contacts deleted.
    expect(await send({ ...base, id: 'm-7', member: pseudonymise('8800000001'), withdraw: true })).toEqual({ id: 'm-7', ok: true });
    expect(store.channelsFor(m1, 'expiry', ['email', 'webpush'])).toEqual([]);
    expect(store.contactsOf(m1)).toEqual({});

    // Neither the replies nor the log carry an address, a subscription or a member id.
    expect(logLines.join('')).toContain('inbound consent applied');
    for (const text of [...replies.on(`${BASE}/response/consent`), logLines.join('')]) {
      for (const secret of ['anna@example.cn', 'ben@example.cn', 'carl@example.cn', 'push.example', '8800000001', '8800000002']) expect(text).not.toContain(secret);
    }

    // The VAPID public key is retained: a subscriber that comes later still gets it.
    const late = await collect(broker.url, [`${BASE}/webpush`]);
    cleanups.push(() => late.close());
    await waitFor(() => late.messages.length > 0);
    expect(late.messages[0]).toMatchObject({ retain: true });
    expect(JSON.parse(late.messages[0]?.payload ?? '{}')).toEqual({ schema: 1, publicKey: 'BPublicKeyForTheTest' });
  });
});
