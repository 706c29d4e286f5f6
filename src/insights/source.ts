/**
 * Read-only queries against the ledger's tables (src/ledger/migrations.ts, schema v1) that
 * stream what the insights need, row by row, without loading the ledger into memory:
 * - purchases: every counted receipt (sale or refund) with a member, as (member, time, net);
 *   refunds have a negative net and so only lower the member's spend;
 * - baskets: the item names (or categories) of each counted sale in a time range.
 * The ledger owns the schema; if it changes, these two statements are what to update.
 */
import type { Database } from 'better-sqlite3';
import type { Purchase } from './members.js';

export type BasketKey = 'product' | 'category';

export interface InsightsSource {
  purchases(): Iterable<Purchase>;
  /** Baskets of sales at or after `fromMs` (epoch ms). */
  baskets(fromMs: number, by: BasketKey): Iterable<string[]>;
}

export function ledgerSource(db: Database): InsightsSource {
  const purchases = db
    .prepare(
      `SELECT m.member, r.ts, r.net FROM receipts r JOIN members m ON m.mid = r.mid
       WHERE r.counted = 1 AND r.mid IS NOT NULL`,
    )
    .raw(true);
  const basketSql = (column: string): string =>
    `SELECT i.rid, p.${column} FROM receipts r JOIN items i ON i.rid = r.rid JOIN products p ON p.pid = i.pid
     WHERE r.counted = 1 AND r.kind = 'sale' AND r.ts >= ? ORDER BY i.rid, i.line`;
  const byProduct = db.prepare(basketSql('name')).raw(true);
  const byCategory = db.prepare(basketSql('category')).raw(true);

  return {
    *purchases() {
      for (const row of purchases.iterate() as Iterable<[string, number, number]>) {
        yield { member: row[0], time: new Date(row[1]), amount: row[2] };
      }
    },
    *baskets(fromMs, by) {
      const stmt = by === 'category' ? byCategory : byProduct;
      let rid = -1;
      let basket: string[] = [];
      for (const [r, name] of stmt.iterate(fromMs) as Iterable<[number, string]>) {
        if (r !== rid) {
          if (basket.length > 0) yield basket;
          basket = [];
          rid = r;
        }
        basket.push(name);
      }
      if (basket.length > 0) yield basket;
    },
  };
}
