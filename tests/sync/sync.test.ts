import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSync, type Sync } from '../../src/sync/sync.js';
import { openSyncOutbox, type Outbox } from '../../src/sync/outbox.js';
import { checkBroker } from '../../src/sync/connection.js';
import { pseudonymFor } from '../../src/sync/pseudonym.js';
import { NO_KEY_MESSAGE } from '../../src/sync/notify.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { toolAvailable } from '../support/corpus.js';
import { collect, type Collector } from './fixtures/collector.js';
import { testConfig, quietLogger } from './fixtures/config.js';
import { privacyProblems } from './fixtures/privacy.js';
import { ALL_MEMBERS, makeReceipt } from './fixtures/receipts.js';
import type { Config } from '../../src/config/types.js';
import type { OutgoingNotification } from '../../src/shopper/channels.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'basket.v2.json'), 'utf8')) as object;
const validate = new Ajv({ strict: true }).compile(schema);
const KEY = 'test-pseudonym-key-0123456789';
const BASE = 'tillbox/store-001/box-01';
const have = toolAvailable(MOSQUITTO);

describe.skipIf(!have)('sync against a real mosquitto', () => {
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

  async function box(sync: Record<string, unknown> = {}, extra: Partial<Parameters<typeof createSync>[0]> = {}): Promise<{ sync: Sync; outbox: Outbox; config: Config }> {
    const { dir, cleanup } = tempDir('tillbox-sync-');
    const config = testConfig(dir, broker.url, sync);
    const outbox = openSyncOutbox(config);
    const s = createSync({ config, logger: quietLogger(), outbox, backoff: { minMs: 50, maxMs: 400 }, statusIntervalMs: 200, ...extra });
    cleanups.push(cleanup, () => outbox.close(), () => s.stop());
    return { sync: s, outbox, config };
  }

  async function collector(filters: string[]): Promise<Collector> {
    const c = await collect(broker.url, filters);
    cleanups.push(() => c.close());
    return c;
  }

  it('publishes schema-valid baskets without personal data, each once, and status online', async () => {
    const sub = await collector([`${BASE}/basket`, `${BASE}/status`]);
    const { sync } = await box({ member: 'pseudonym', pseudonymKey: KEY }, { health: () => ({ parseFailures: 3 }) });
    const N = 500;
    for (let i = 0; i < 20; i++) expect(sync.enqueueReceipt(makeReceipt(i), () => 'dairy')).toBe('queued');
    expect(sync.enqueueReceipts(Array.from({ length: N }, (_, i) => makeReceipt(i)), () => 'dairy')).toEqual({ queued: N - 20, duplicate: 20, rejected: 0 });
    await sync.start();
    await waitFor(() => sub.on(`${BASE}/basket`).length >= N, 20_000);
    await waitFor(() => sync.stats().backlog === 0);
    const baskets = sub.on(`${BASE}/basket`);
    const members = new Set(ALL_MEMBERS);
    for (const raw of baskets) {
      expect(validate(JSON.parse(raw)), raw).toBe(true);
      expect(privacyProblems(raw, members)).toEqual([]);
    }
    expect(new Set(baskets.map((b) => (JSON.parse(b) as { id: string }).id)).size).toBe(N);
    const pseudonymous = baskets.map((b) => JSON.parse(b) as { member?: string }).filter((b) => b.member !== undefined);
    expect(pseudonymous.length).toBeGreaterThan(N / 2);
    const status = JSON.parse(sub.on(`${BASE}/status`).at(-1) ?? '{}') as Record<string, unknown>;
    expect(status).toMatchObject({ state: 'online', parseFailures: 3, dropped: 0 });
    // re-enqueueing an acknowledged receipt is a no-op
    expect(sync.enqueueReceipt(makeReceipt(7))).toBe('duplicate');
  });

  it('loses nothing when the broker stops mid-stream and comes back', async () => {
    // Head office is a persistent session; the broker keeps its queue across the restart.
    const clientId = `ho-${Date.now()}`;
    let sub = await collect(broker.url, [`${BASE}/basket`], clientId);
    const { sync } = await box({}, { drain: { window: 20 } });
    const N = 3000;
    sync.enqueueReceipts(Array.from({ length: N }, (_, i) => makeReceipt(i)));
    await sync.start();
    await waitFor(() => sub.on(`${BASE}/basket`).length >= 200, 20_000, 1);
    const seen = sub.messages;
    await broker.stop();
    await sub.close();
    const ackedAtStop = sync.stats().ackedThisRun;
    expect(ackedAtStop).toBeLessThan(N);
    // more receipts while the broker is down
    for (let i = N; i < N + 200; i++) sync.enqueueReceipt(makeReceipt(i));
    await new Promise((r) => setTimeout(r, 700));
    expect(sync.stats().connected).toBe(false);
    await broker.start();
    sub = await collect(broker.url, [`${BASE}/basket`], clientId);
    cleanups.push(() => sub.close());
    await waitFor(() => sync.stats().backlog === 0, 40_000);
    const unique = (): number => new Set([...seen, ...sub.messages].map((m) => (JSON.parse(m.payload) as { id: string }).id)).size;
    await waitFor(() => unique() === N + 200, 20_000).catch(() => expect(unique()).toBe(N + 200));
    expect(sync.stats().connects).toBeGreaterThanOrEqual(2);
  });

  it('applies the outbox-full policy while offline and reports the dropped count on status', async () => {
    const sub = await collector([`${BASE}/basket`, `${BASE}/status`]);
    const drop = await box({ outboxMaxRows: 100, whenFull: 'drop-oldest' });
    const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, k) => drop.sync.basketFor(makeReceipt(from + k)).id);
    for (let i = 0; i < 150; i++) drop.sync.enqueueReceipt(makeReceipt(i));
    await drop.sync.start();
    await waitFor(() => sub.on(`${BASE}/basket`).length === 100);
    expect(sub.on(`${BASE}/basket`).map((b) => (JSON.parse(b) as { id: string }).id)).toEqual(ids(50, 150));
    await waitFor(() => sub.on(`${BASE}/status`).some((s) => (JSON.parse(s) as { dropped: number }).dropped === 50));
    await drop.sync.stop();

    const reject = await box({ outboxMaxRows: 100, whenFull: 'reject-new' });
    for (let i = 0; i < 100; i++) reject.sync.enqueueReceipt(makeReceipt(1000 + i));
    expect(() => reject.sync.enqueueReceipt(makeReceipt(2000))).toThrow(expect.objectContaining({ code: 'TBX_OUTBOX_FULL' }));
    expect(reject.sync.enqueueReceipts([2001, 2002].map(makeReceipt))).toEqual({ queued: 0, duplicate: 0, rejected: 2 });
    expect(reject.sync.stats()).toMatchObject({ backlog: 100, dropped: 3, rejectedNew: 3 });
    await reject.sync.start();
    await waitFor(() => sub.on(`${BASE}/basket`).length === 200);
    expect(sub.on(`${BASE}/basket`).slice(100).map((b) => (JSON.parse(b) as { id: string }).id)).toEqual(ids(1000, 1100));
    await waitFor(() => sub.on(`${BASE}/status`).some((s) => (JSON.parse(s) as { dropped: number }).dropped === 3));
  });

  it("keeps within the broker's Receive Maximum (mosquitto's default 20 in flight) without being disconnected", async () => {
    const strict = await startMosquitto(['max_inflight_messages 20']);
    cleanups.push(() => strict.close());
    const { dir, cleanup } = tempDir('tillbox-sync-rm-');
    cleanups.push(cleanup);
    const config = testConfig(dir, strict.url);
    const outbox = openSyncOutbox(config);
    const s = createSync({ config, logger: quietLogger(), outbox, backoff: { minMs: 50, maxMs: 400 } });
    cleanups.push(() => outbox.close(), () => s.stop());
    s.enqueueReceipts(Array.from({ length: 2000 }, (_, i) => makeReceipt(i)));
    let maxInFlight = 0;
    const probe = setInterval(() => {
      maxInFlight = Math.max(maxInFlight, s.stats().inFlight);
    }, 1);
    await s.start();
    await waitFor(() => s.stats().backlog === 0, 30_000);
    clearInterval(probe);
    expect(s.stats().connects).toBe(1);
    expect(maxInFlight).toBeLessThanOrEqual(16);
    expect(maxInFlight).toBeGreaterThan(0);
  });

  it('works the same over MQTT 3.1.1', async () => {
    const sub = await collector([`${BASE}/basket`]);
    const { dir, cleanup } = tempDir('tillbox-sync-311-');
    cleanups.push(cleanup);
    const config = testConfig(dir, broker.url, {}, { protocolVersion: 4 });
    const outbox = openSyncOutbox(config);
    const s = createSync({ config, logger: quietLogger(), outbox });
    cleanups.push(() => outbox.close(), () => s.stop());
    s.enqueueReceipts(Array.from({ length: 50 }, (_, i) => makeReceipt(500 + i)));
    await s.start();
    await waitFor(() => s.stats().backlog === 0);
    await waitFor(() => sub.on(`${BASE}/basket`).length === 50);
    expect(config.mqtt?.protocolVersion).toBe(4);
  });

  it('sends status offline retained on a clean stop', async () => {
    const { sync } = await box();
    await sync.start();
    await waitFor(() => sync.stats().connected);
    await sync.stop();
    const late = await collector([`${BASE}/status`]);
    const s = await waitFor(() => late.messages.find((m) => m.retain));
    expect(JSON.parse(s.payload)).toMatchObject({ state: 'offline', reason: 'stopped' });
  });

  it('applies good retained config, rejects bad config with a reply and changes nothing', async () => {
    const catalogues: unknown[] = [];
    const profiles: string[][] = [];
    const { sync } = await box({}, { onCatalogue: (rows) => void catalogues.push(rows), onProfiles: (p) => void profiles.push(p) });
    const sub = await collector([`${BASE}/response/+`]);
    const admin = sub.client;
    const good = { schema: 1, rows: [{ sku: '6901234567892', name: '酸奶', category: 'yoghurt', shelfLifeDays: 7 }] };
    await admin.publishAsync(`${BASE}/config/catalogue`, JSON.stringify(good), { qos: 1, retain: true });
    await sync.start();
    await waitFor(() => catalogues.length === 1);
    expect(catalogues[0]).toEqual([{ sku: '6901234567892', name: '酸奶', category: 'yoghurt', shelfLifeDays: 7 }]);
    await admin.publishAsync(`${BASE}/config/catalogue`, JSON.stringify({ schema: 1, transaction: 't-bad', rows: [{ sku: 'x y', category: 'Dairy!' }] }), { qos: 1, retain: true });
    await admin.publishAsync(`${BASE}/config/profiles`, '{"schema":1,"profiles":["name: ok\\n", "- not a mapping"]}', { qos: 1, retain: true });
    await admin.publishAsync(`${BASE}/config/profiles`, '{"schema":1,"profiles":["name: shop-a\\nheader: []\\n"]}', { qos: 1, retain: true });
    await waitFor(() => sub.on(`${BASE}/response/config`).length >= 4);
    const replies = sub.on(`${BASE}/response/config`).map((r) => JSON.parse(r) as { ok: boolean; transaction: string | null; error?: { code: string; message: string } });
    const bad = replies.find((r) => r.transaction === 't-bad');
    expect(bad).toMatchObject({ ok: false, error: { code: 'TBX_MQTT_PAYLOAD_INVALID' } });
    expect(bad?.error?.message).toContain('rows[0].sku');
    expect(bad?.error?.message).toContain('rows[0].category');
    expect(replies.filter((r) => !r.ok)).toHaveLength(2);
    expect(catalogues).toHaveLength(1);
    expect(profiles).toEqual([['name: shop-a\nheader: []\n']]);
    await admin.publishAsync(`${BASE}/config/catalogue`, '', { qos: 1, retain: true });
    await admin.publishAsync(`${BASE}/config/profiles`, '', { qos: 1, retain: true });
  });

  it('answers request/health and request/resync on response/{op}, echoing the transaction', async () => {
    const { sync } = await box({}, { resyncFrom: (date) => (date === '2026-11-01' ? [0, 1, 2, 3].map(makeReceipt) : []) });
    const sub = await collector([`${BASE}/response/+`, `${BASE}/basket`]);
    for (let i = 0; i < 4; i++) sync.enqueueReceipt(makeReceipt(i));
    await sync.start();
    await waitFor(() => sub.on(`${BASE}/basket`).length === 4);
    await waitFor(() => sync.stats().backlog === 0);
    await sub.client.publishAsync(`${BASE}/request/health`, JSON.stringify({ transaction: 'h1' }), { qos: 1 });
    await sub.client.publishAsync(`${BASE}/request/resync`, JSON.stringify({ transaction: 'r1', from: '2026-11-01' }), { qos: 1 });
    await sub.client.publishAsync(`${BASE}/request/resync`, JSON.stringify({ transaction: 'r2', from: 'last week' }), { qos: 1 });
    await sub.client.publishAsync(`${BASE}/request/reboot`, JSON.stringify({ transaction: 'x1' }), { qos: 1 });
    await waitFor(() => sub.messages.filter((m) => m.topic.includes('/response/')).length === 4);
    const health = JSON.parse(sub.on(`${BASE}/response/health`)[0] ?? '{}') as { transaction: string; ok: boolean; result: { backlog: number; state: string } };
    expect(health).toMatchObject({ transaction: 'h1', ok: true, result: { backlog: 0, state: 'online' } });
    const resync = sub.on(`${BASE}/response/resync`).map((r) => JSON.parse(r) as Record<string, unknown>);
    expect(resync.find((r) => r['transaction'] === 'r1')).toMatchObject({ ok: true, result: { from: '2026-11-01', receipts: 4, queued: 4 } });
    expect(resync.find((r) => r['transaction'] === 'r2')).toMatchObject({ ok: false, error: { code: 'TBX_MQTT_PAYLOAD_INVALID' } });
    expect(JSON.parse(sub.on(`${BASE}/response/reboot`)[0] ?? '{}')).toMatchObject({ transaction: 'x1', ok: false });
    // resync sends the four baskets again (same ids)
    await waitFor(() => sub.on(`${BASE}/basket`).length === 8);
    expect(new Set(sub.on(`${BASE}/basket`).map((b) => (JSON.parse(b) as { id: string }).id)).size).toBe(4);
  });

  it('sends notifications with the pseudonym only, and refuses without a key', async () => {
    const n: OutgoingNotification = { id: 'n-1', member: '8800123456', kind: 'monthly-summary', language: 'zh', title: '本月消费', body: '本月您消费了 ¥356.20，其中 38% 为乳制品', createdAt: '2026-12-01T09:00:00+08:00' };
    const noKey = await box();
    await expect(noKey.sync.notificationChannel().deliver(n)).rejects.toThrow(NO_KEY_MESSAGE);
    const sub = await collector([`${BASE}/notification`, `${BASE}/insights`]);
    const { sync } = await box({ pseudonymKey: KEY });
    await expect(sync.notificationChannel().deliver(n)).rejects.toThrow(/not connected/);
    await sync.start();
    await waitFor(() => sync.stats().connected);
    await sync.notificationChannel().deliver(n);
    await sync.publishInsights({ date: '2026-11-30', baskets: 120, segments: { champions: 4 } });
    const got = await waitFor(() => sub.on(`${BASE}/notification`)[0]);
    expect(got).not.toContain('8800123456');
    expect(JSON.parse(got)).toMatchObject({ id: 'n-1', member: pseudonymFor('8800123456', KEY, 1), kind: 'monthly-summary' });
    await waitFor(() => sub.on(`${BASE}/insights`).length === 1);
  });

  it('checkBroker reports a reachable broker and a refused one', async () => {
    const { config } = await box();
    const ok = await checkBroker(config);
    expect(ok.ok).toBe(true);
    const down = await checkBroker({ ...config, mqtt: { ...(config.mqtt ?? { url: '', protocolVersion: 5, keepalive: 5 }), url: 'mqtt://127.0.0.1:1' } }, { timeoutMs: 3000 });
    expect(down.ok).toBe(false);
    if (!down.ok) expect(down.error).toMatch(/ECONNREFUSED|closed/);
    const none = await checkBroker({ ...config, mqtt: undefined } as unknown as Config);
    expect(none).toMatchObject({ ok: false });
  });
});
