import type { Ledger } from '../ledger/types.js';
import { basketId } from '../sync/basket.js';
import type { CouponPayload } from '../sync/topics.js';

/** Coupons sent per message, and how often unsent ones are retried. */
export const COUPONS_PER_MESSAGE = 100;
export const COUPON_SYNC_EVERY_MS = 30_000;

/**
 * Sends issued coupons that head office has not acknowledged yet. The ledger's `coupons.synced`
 * is the durable outbox: a row is marked only after the broker's PUBACK, so a coupon printed while
 * offline goes out later, and one sent twice (a crash between PUBACK and the mark) carries the
 * same code, which head office de-duplicates. No member data leaves: the receipt is named by its
 * basket id. Returns how many were acknowledged.
 */
export async function syncCoupons(ledger: Ledger, publish: (p: CouponPayload) => Promise<void>, ids: { store: string; box: string }): Promise<number> {
  const rows = ledger.db
    .prepare('SELECT code, rule_id AS rule, day, issued_at AS issuedAt, receipt_id AS receiptId FROM coupons WHERE synced = 0 ORDER BY issued_at, code LIMIT ?')
    .all(COUPONS_PER_MESSAGE) as { code: string; rule: string; day: string; issuedAt: string; receiptId: string }[];
  if (rows.length === 0) return 0;
  await publish({
    schema: 1,
    store: ids.store,
    box: ids.box,
    coupons: rows.map((r) => ({ code: r.code, rule: r.rule, day: r.day, issuedAt: r.issuedAt, basket: basketId(ids.store, r.receiptId) })),
  });
  const mark = ledger.db.prepare('UPDATE coupons SET synced = 1 WHERE code = ?');
  ledger.db.transaction(() => {
    for (const r of rows) mark.run(r.code);
  })();
  return rows.length;
}
