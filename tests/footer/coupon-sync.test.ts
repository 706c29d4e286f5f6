import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syncCoupons } from '../../src/footer/coupon-sync.js';
import { recordFooter } from '../../src/footer/facts.js';
import { openLedger } from '../../src/ledger/open.js';
import { basketId } from '../../src/sync/basket.js';
import { openSyncOutbox } from '../../src/sync/outbox.js';
import { createSync } from '../../src/sync/sync.js';
import type { CouponPayload } from '../../src/sync/topics.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { collect } from '../sync/fixtures/collector.js';
import { quietLogger, testConfig } from '../sync/fixtures/config.js';

const have = toolAvailable(MOSQUITTO);

describe.skipIf(!have)('footer coupons to head office (private mosquitto)', () => {
  let broker: Mosquitto;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => broker.close());
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('sends unsent coupons once acknowledged, without member data; offline they wait in the ledger', async () => {
    const t = tempDir('tbx-coupons-');
    const config = testConfig(t.dir, broker.url, {});
    const ledger = openLedger(join(t.dir, 'ledger.db'), { timezone: 'Asia/Shanghai', currency: 'CNY' });
    const outbox = openSyncOutbox(config);
    const sync = createSync({ config, logger: quietLogger(), outbox, backoff: { minMs: 50, maxMs: 400 } });
    cleanups.push(t.cleanup, () => ledger.close(), () => outbox.close(), () => sync.stop());
    const coupon = (n: number) => ({ code: `YOG3-00000${n}`, ruleId: 'yog', receiptId: `r${n}`, memberHash: 'a'.repeat(64), day: '2026-11-23' });
    recordFooter(ledger, { receiptId: 'r1', at: '2026-11-23T10:00:00Z', outcome: 'printed', holdMs: 2, text: 'x', bytes: Buffer.from('x'), coupons: [coupon(1), coupon(2)] });
    recordFooter(ledger, { receiptId: 'r3', at: '2026-11-23T10:01:00Z', outcome: 'dry-run', holdMs: null, text: 'x', bytes: Buffer.from('x'), coupons: [coupon(3)] });
    const ids = { store: config.store.id, box: config.box.id };

    // Not connected yet: publishing fails and nothing is marked.
    await expect(syncCoupons(ledger, (p) => sync.publishCoupons(p), ids)).rejects.toThrow(/not connected/);
    expect(ledger.db.prepare('SELECT count(*) FROM coupons WHERE synced = 0').pluck().get()).toBe(2);

    const sub = await collect(broker.url, [`tillbox/${ids.store}/${ids.box}/coupon`]);
    cleanups.push(() => sub.close());
    await sync.start();
    await waitFor(() => sync.stats().connected === true, 10_000);
    expect(await syncCoupons(ledger, (p) => sync.publishCoupons(p), ids)).toBe(2);
    expect(await syncCoupons(ledger, (p) => sync.publishCoupons(p), ids)).toBe(0);
    await waitFor(() => sub.on(`tillbox/${ids.store}/${ids.box}/coupon`).length === 1);
    const raw = sub.on(`tillbox/${ids.store}/${ids.box}/coupon`)[0]!;
    const payload = JSON.parse(raw) as CouponPayload;
    expect(payload.coupons.map((c) => [c.code, c.basket])).toEqual([['YOG3-000001', basketId(ids.store, 'r1')], ['YOG3-000002', basketId(ids.store, 'r2')]]);
    expect(raw).not.toContain('a'.repeat(16)); // no member hash
  });
});
