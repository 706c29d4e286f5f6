/**
 * Footer coupons from a box's ledger, over a private mosquitto, into head office's PostgreSQL
 * (src/headoffice/coupons.ts): one row per coupon, a resend stores nothing new, a bad payload is
 * kept in the rejected table, and baskets are still stored beside them.
 */
import { join } from 'node:path';
import pg from 'pg';
import { pgAvailable, scratchDatabase } from '../support/pg.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCoupons } from '../../src/footer/coupon-sync.js';
import { recordFooter } from '../../src/footer/facts.js';
import { startHeadOffice } from '../../src/headoffice/consumer.js';
import { checkCoupons } from '../../src/headoffice/coupons.js';
import { openLedger } from '../../src/ledger/open.js';
import { basketId } from '../../src/sync/basket.js';
import { openSyncOutbox } from '../../src/sync/outbox.js';
import { createSync } from '../../src/sync/sync.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { quietLogger, testConfig } from './fixtures/config.js';
import { makeReceipt } from './fixtures/receipts.js';



const enabled = toolAvailable(MOSQUITTO) && (await pgAvailable());

describe('coupon payload check', () => {
  it('accepts what a box sends, names what is wrong otherwise', () => {
    const ok = { schema: 1, store: 's', box: 'b', coupons: [{ code: 'YOG3-1A2B3C', rule: 'yog', day: '2026-11-23', issuedAt: '2026-11-23T10:00:00.000Z', basket: 'x'.repeat(32) }] };
    expect(checkCoupons(ok)).toEqual(ok);
    expect(checkCoupons({ ...ok, schema: 2 })).toMatch(/schema/);
    expect(checkCoupons({ ...ok, coupons: [] })).toMatch(/coupons must hold/);
    expect(checkCoupons({ ...ok, coupons: [{ ...ok.coupons[0], day: '23/11/2026' }] })).toMatch(/\/coupons\/0/);
  });
});

describe.skipIf(!enabled)('head office stores footer coupons in PostgreSQL', () => {
  let broker: Mosquitto;
  const scratch = scratchDatabase('tillbox_test_coupons');
  const dbUrl = new URL(scratch.url);

  beforeAll(async () => {
    broker = await startMosquitto();
    await scratch.create();
  });
  afterAll(async () => {
    await broker?.close();
    await scratch.drop();
  });

  it('one row per coupon, idempotent by (store, code); a bad payload is kept as rejected; baskets still stored', async () => {
    const ho = await startHeadOffice({ mqttUrl: broker.url, dbUrl: dbUrl.href, group: 'coupons', name: 'c1', logger: quietLogger() });
    const t = tempDir('tbx-ho-coupons-');
    const config = testConfig(t.dir, broker.url, {});
    const ledger = openLedger(join(t.dir, 'ledger.db'), { timezone: 'Asia/Shanghai', currency: 'CNY' });
    const outbox = openSyncOutbox(config);
    const sync = createSync({ config, logger: quietLogger(), outbox, backoff: { minMs: 50, maxMs: 400 } });
    const db = new pg.Client({ connectionString: dbUrl.href });
    await db.connect();
    try {
      const ids = { store: config.store.id, box: config.box.id };
      const coupon = (n: number) => ({ code: `YOG3-00000${n}`, ruleId: 'yog', receiptId: `r${n}`, memberHash: 'a'.repeat(64), day: '2026-11-23' });
      recordFooter(ledger, { receiptId: 'r1', at: '2026-11-23T10:00:00.000Z', outcome: 'printed', holdMs: 2, text: 'x', bytes: Buffer.from('x'), coupons: [coupon(1), coupon(2)] });
      recordFooter(ledger, { receiptId: 'r3', at: '2026-11-23T10:05:00.000Z', outcome: 'printed', holdMs: 2, text: 'x', bytes: Buffer.from('x'), coupons: [coupon(3)] });
      sync.enqueueReceipts([makeReceipt(1)]);
      await sync.start();
      await waitFor(() => sync.stats().connected === true, 10_000);
      expect(await syncCoupons(ledger, (p) => sync.publishCoupons(p), ids)).toBe(3);
      const rows = async () => (await db.query('SELECT store, box, code, rule, day::text AS day, basket FROM tillbox_coupons ORDER BY code')).rows as Record<string, string>[];
      await waitFor(async () => (await rows()).length === 3, 20_000, 100);
      expect((await rows()).map((r) => [r['store'], r['box'], r['code'], r['rule'], r['day'], r['basket']])).toEqual(
        [1, 2, 3].map((n) => [ids.store, ids.box, `YOG3-00000${n}`, 'yog', '2026-11-23', basketId(ids.store, `r${n}`)]),
      );
      // The box resends everything (a PUBACK it never saw): nothing new.
      ledger.db.prepare('UPDATE coupons SET synced = 0').run();
      expect(await syncCoupons(ledger, (p) => sync.publishCoupons(p), ids)).toBe(3);
      // A bad payload after it, from the same client (so it arrives after the resend, in order):
      // once it is in the rejected table, the resend has been handled too.
      await sync.publishCoupons({ schema: 1, store: ids.store, box: ids.box, coupons: [{ code: 'X' }] } as never);
      const rejected = async () => (await db.query("SELECT reason FROM tillbox_baskets_rejected WHERE topic LIKE '%/coupon'")).rows as { reason: string }[];
      await waitFor(async () => (await rejected()).length === 1, 20_000, 100);
      expect((await rejected())[0]!.reason).toMatch(/^coupon: \/coupons\/0/);
      expect(await rows()).toHaveLength(3);
      // Baskets go on into their own table, not counted as coupons.
      await waitFor(async () => Number((await db.query('SELECT count(*) AS n FROM tillbox_baskets')).rows[0]?.n) === 1, 20_000, 100);
      expect(ho.stats().received).toBe(1);
    } finally {
      await sync.stop();
      await ho.stop();
      outbox.close();
      ledger.close();
      await db.end();
      t.cleanup();
    }
  }, 60_000);
});
