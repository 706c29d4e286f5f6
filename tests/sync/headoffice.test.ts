import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { pgAvailable, scratchDatabase } from '../support/pg.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSync } from '../../src/sync/sync.js';
import { openSyncOutbox } from '../../src/sync/outbox.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { startHeadOffice } from '../../src/headoffice/consumer.js';
import { ensureTables } from '../../src/headoffice/store.js';
import { collect } from './fixtures/collector.js';
import { quietLogger, testConfig } from './fixtures/config.js';
import { makeReceipt } from './fixtures/receipts.js';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');
const BASE = 'tillbox/store-001/box-01';


interface Consumer {
  proc: ChildProcess;
  out: string[];
  exited: Promise<number | null>;
}

function consumer(mqttUrl: string, dbUrl: string, name: string): Consumer {
  const proc = spawn(process.execPath, ['--import', 'tsx', CLI, 'headoffice', '--mqtt', mqttUrl, '--db', dbUrl, '--share', 'ho', '--name', name, '--stats-every', '0.2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out: string[] = [];
  let buf = '';
  proc.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    out.push(...lines);
  });
  return { proc, out, exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))) };
}

/** The last stats line of a consumer: received, inserted, duplicates. */
function stats(c: Consumer): { received: number; inserted: number; duplicates: number; rejected: number } {
  const line = [...c.out].reverse().find((l) => l.includes(' received ')) ?? '';
  const n = (label: string): number => Number(new RegExp(`${label} (\\d+)`).exec(line)?.[1] ?? 0);
  return { received: n('received'), inserted: n('inserted'), duplicates: n('duplicates'), rejected: n('rejected') };
}

const enabled = toolAvailable(MOSQUITTO) && (await pgAvailable());

describe.skipIf(!enabled)('head-office consumer: shared subscription into PostgreSQL', () => {
  let broker: Mosquitto;
  const scratch = scratchDatabase('tillbox_test');
  const dbUrl = new URL(scratch.url);

  beforeAll(async () => {
    broker = await startMosquitto();
    await scratch.create();
  });
  afterAll(async () => {
    await broker?.close();
    await scratch.drop();
  });

  it('two consumers split N baskets (plus a full resend) into exactly N rows', async () => {
    const a = consumer(broker.url, dbUrl.href, 'a');
    const b = consumer(broker.url, dbUrl.href, 'b');
    const { dir, cleanup } = tempDir('tillbox-ho-');
    const N = 600;
    const receipts = Array.from({ length: N }, (_, i) => makeReceipt(i));
    const config = testConfig(dir, broker.url);
    const outbox = openSyncOutbox(config);
    const sync = createSync({ config, logger: quietLogger(), outbox, resyncFrom: () => receipts });
    const db = new pg.Client({ connectionString: dbUrl.href });
    try {
      await waitFor(() => a.out.some((l) => l.includes('consuming')) && b.out.some((l) => l.includes('consuming')), 30_000);
      sync.enqueueReceipts(receipts);
      await sync.start();
      await db.connect();
      const count = async (): Promise<number> => Number((await db.query('SELECT count(*) AS n FROM tillbox_baskets')).rows[0]?.n);
      await waitFor(async () => (await count()) === N, 30_000, 100);

      // Head office asks for everything again: every basket arrives a second time, no new rows.
      const admin2 = await collect(broker.url, [`${BASE}/response/resync`]);
      await admin2.client.publishAsync(`${BASE}/request/resync`, JSON.stringify({ transaction: 'again', from: '2026-11-01' }), { qos: 1 });
      await waitFor(() => admin2.on(`${BASE}/response/resync`).length === 1);
      await admin2.close();
      // "received" counts on arrival, the outcome only once PostgreSQL answered: wait for outcomes.
      const settled = (c: Consumer): number => stats(c).inserted + stats(c).duplicates + stats(c).rejected;
      await waitFor(() => settled(a) + settled(b) >= 2 * N, 30_000, 100);
      expect(await count()).toBe(N);

      const sa = stats(a);
      const sb = stats(b);
      expect(sa.inserted + sb.inserted).toBe(N);
      expect(sa.duplicates + sb.duplicates).toBe(N);
      expect(sa.rejected + sb.rejected).toBe(0);
      expect(sa.received).toBeGreaterThan(0);
      expect(sb.received).toBeGreaterThan(0);
      const byConsumer = (await db.query('SELECT consumer, count(*)::int AS n FROM tillbox_baskets GROUP BY consumer ORDER BY consumer')).rows as { consumer: string; n: number }[];
      expect(byConsumer.map((r) => r.consumer)).toEqual(['a', 'b']);
      // the stored payload is the basket as published (schema 2), money in minor units
      const row = (await db.query('SELECT payload, total_minor, schema FROM tillbox_baskets WHERE id = $1', [sync.basketFor(receipts[1] ?? makeReceipt(1)).id])).rows[0] as { payload: { totalMinor: number; schema: number }; total_minor: string; schema: number };
      expect(Number(row.total_minor)).toBe(receipts[1]?.total);
      expect(row.payload).toMatchObject({ schema: 2, totalMinor: receipts[1]?.total });
      expect(row.schema).toBe(2);
    } finally {
      a.proc.kill('SIGTERM');
      b.proc.kill('SIGTERM');
      expect(await a.exited).toBe(0);
      expect(await b.exited).toBe(0);
      await sync.stop();
      outbox.close();
      await db.end().catch(() => undefined);
      cleanup();
    }
  });

  it('does not acknowledge a basket the database did not take: it arrives again once the database is back', async () => {
    const ho = await startHeadOffice({ mqttUrl: broker.url, dbUrl: dbUrl.href, group: 'solo', name: 'c', logger: quietLogger() });
    const { dir, cleanup } = tempDir('tillbox-ho-fail-');
    const config = testConfig(dir, broker.url, {}, {});
    const outbox = openSyncOutbox(config);
    const sync = createSync({ config: { ...config, store: { ...config.store, id: 'store-fail' } }, logger: quietLogger(), outbox });
    const db = new pg.Client({ connectionString: dbUrl.href });
    await db.connect();
    try {
      const count = async (): Promise<number> => Number((await db.query("SELECT count(*) AS n FROM tillbox_baskets WHERE store = 'store-fail'")).rows[0]?.n);
      // Inserts fail while the table is renamed away.
      await db.query('ALTER TABLE tillbox_baskets RENAME TO tillbox_baskets_away');
      sync.enqueueReceipts(Array.from({ length: 20 }, (_, i) => makeReceipt(i)));
      await sync.start();
      await waitFor(() => ho.stats().dbErrors >= 2, 20_000);
      await db.query('ALTER TABLE tillbox_baskets_away RENAME TO tillbox_baskets');
      await waitFor(async () => (await count()) === 20, 30_000, 100);
      expect(ho.stats().inserted).toBe(20);
    } finally {
      await db.query('ALTER TABLE IF EXISTS tillbox_baskets_away RENAME TO tillbox_baskets').catch(() => undefined);
      await sync.stop();
      await ho.stop();
      outbox.close();
      await db.end();
      cleanup();
    }
  });

  it('stores a v1 basket from an older box and a v2 one alike; the same receipt in v2 is a duplicate; a mixed or unknown version is rejected', async () => {
    const ho = await startHeadOffice({ mqttUrl: broker.url, dbUrl: dbUrl.href, group: 'versions', name: 'v', logger: quietLogger() });
    const { dir, cleanup } = tempDir('tillbox-ho-v1-');
    const config = testConfig(dir, broker.url, {}, {});
    const sync = createSync({ config: { ...config, store: { ...config.store, id: 'store-v1' } }, logger: quietLogger(), outbox: openSyncOutbox(config) });
    const pub = await collect(broker.url, ['tillbox/store-v1/box-01/unused']);
    const db = new pg.Client({ connectionString: dbUrl.href });
    await db.connect();
    try {
      const r = makeReceipt(7);
      const v2 = sync.basketFor(r);
      // What a box before basket v2 published for the same receipt: same id, unit-less names.
      const { totalMinor, items, discounts, payments, ...rest } = v2;
      const v1 = {
        ...rest, schema: 1, total: totalMinor,
        items: items.map(({ amountMinor, ...i }) => ({ ...i, amount: amountMinor })),
        discounts: discounts.map((d) => ({ name: d.name, amount: d.amountMinor })),
        payments: payments.map((p) => ({ method: p.method, amount: p.amountMinor })),
      };
      const other = sync.basketFor(makeReceipt(8));
      const topic = 'tillbox/store-v1/box-01/basket';
      await pub.client.publishAsync(topic, JSON.stringify(v1), { qos: 1 });
      await pub.client.publishAsync(topic, JSON.stringify(v2), { qos: 1 });
      await pub.client.publishAsync(topic, JSON.stringify(other), { qos: 1 });
      await pub.client.publishAsync(topic, JSON.stringify({ ...v1, id: 'f'.repeat(32), totalMinor: 1 }), { qos: 1 }); // v1 with a v2 field
      await pub.client.publishAsync(topic, JSON.stringify({ ...other, id: 'e'.repeat(32), schema: 3 }), { qos: 1 });
      await waitFor(() => ho.stats().inserted + ho.stats().duplicates + ho.stats().rejected >= 5, 20_000);
      expect(ho.stats()).toMatchObject({ inserted: 2, duplicates: 1, rejected: 2 });
      const rows = (await db.query("SELECT id, schema, total_minor FROM tillbox_baskets WHERE store = 'store-v1' ORDER BY schema")).rows as { id: string; schema: number; total_minor: string }[];
      expect(rows.map((x) => [x.id, x.schema, Number(x.total_minor)])).toEqual([[v2.id, 1, r.total], [other.id, 2, other.totalMinor]]);
      const rejected = (await db.query("SELECT reason FROM tillbox_baskets_rejected WHERE topic = $1 ORDER BY seq", [topic])).rows as { reason: string }[];
      expect(rejected.map((x) => x.reason).join(' | ')).toMatch(/additional properties.*\|.*\/schema must be equal to constant/);
    } finally {
      await sync.stop();
      await pub.close();
      await ho.stop();
      await db.end();
      cleanup();
    }
  });

  it('a table made before basket v2 gains the schema column; its rows read as schema 1', async () => {
    const oldDb = scratchDatabase('tillbox_test_old');
    await oldDb.create();
    const db = new pg.Client({ connectionString: oldDb.url });
    await db.connect();
    try {
      await db.query(`CREATE TABLE tillbox_baskets (id text PRIMARY KEY, store text NOT NULL, box text NOT NULL, time timestamptz, kind text NOT NULL,
        currency char(3) NOT NULL, total_minor bigint, member text, payload jsonb NOT NULL, consumer text NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);
      await db.query(`INSERT INTO tillbox_baskets (id, store, box, kind, currency, total_minor, payload, consumer) VALUES ('a', 's', 'b', 'sale', 'CNY', 1410, '{"total":1410}', 'c')`);
      await ensureTables(db);
      await ensureTables(db); // idempotent
      expect((await db.query('SELECT id, schema, total_minor::int AS t FROM tillbox_baskets')).rows).toEqual([{ id: 'a', schema: 1, t: 1410 }]);
    } finally {
      await db.end();
      await oldDb.drop();
    }
  });
});
