import type { Database } from 'better-sqlite3';
import { multiRowInsert } from './multirow.js';

/** What one counted receipt adds to the day/hour/category/product/member-day aggregates. */
export interface ReceiptAggregate {
  rid: number;
  day: string;
  hour: number;
  mid: number | null;
  refund: boolean;
  /** Signed net of the receipt (refunds negative). */
  net: number;
  /** Item lines counted as basket lines (0 for refunds). */
  lines: number;
  /** Per item line: its product, signed amount and signed quantity. */
  products: readonly { pid: number; category: string }[];
  amounts: readonly number[];
  qtys: readonly number[];
}

/** One store day's pending deltas. */
interface DayDeltas {
  /** [receipts, sales, refunds, net, items, member_receipts, member_net, refund_receipts] */
  store: number[];
  /** hour → [receipts, net] */
  hours: Map<number, [number, number]>;
  /** category → [amount, qty] */
  cats: Map<string, [number, number]>;
  /** pid → [amount, qty] */
  products: Map<number, [number, number]>;
  /** mid → [receipts, net, items, rids (comma-separated)] */
  members: Map<number, [number, number, number, string]>;
}

/**
 * Aggregate deltas of the receipts accepted since the last flush, summed in memory and written
 * with one upsert per aggregate row. A bulk batch of 5,000 receipts spans a few store days, so
 * the ~20 store_day_product upserts per receipt become a few thousand per batch, and each
 * member-day row is written once. `flush` must run inside the same transaction as the receipts
 * it sums (ingest and ingestMany do), so a commit never holds receipts without their aggregates.
 */
export class PendingAggregates {
  private readonly days = new Map<string, DayDeltas>();
  private readonly write: Record<'memberDay' | 'storeDay' | 'storeHour' | 'dayCat' | 'dayProduct', (flat: unknown[]) => void>;

  constructor(db: Database) {
    const sumAmountQty = 'ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, qty = qty + excluded.qty';
    this.write = {
      memberDay: multiRowInsert(db, 'INSERT INTO member_day (mid, day, receipts, net, items, rids)', 6,
        `ON CONFLICT DO UPDATE SET receipts = receipts + excluded.receipts, net = net + excluded.net, items = items + excluded.items,
        rids = rids || ',' || excluded.rids`),
      storeDay: multiRowInsert(db, 'INSERT INTO store_day (day, receipts, sales, refunds, net, items, member_receipts, member_net, refund_receipts)', 9,
        `ON CONFLICT DO UPDATE SET receipts = receipts + excluded.receipts,
        sales = sales + excluded.sales, refunds = refunds + excluded.refunds, net = net + excluded.net, items = items + excluded.items,
        member_receipts = member_receipts + excluded.member_receipts, member_net = member_net + excluded.member_net,
        refund_receipts = refund_receipts + excluded.refund_receipts`),
      storeHour: multiRowInsert(db, 'INSERT INTO store_hour (day, hour, receipts, net)', 4,
        'ON CONFLICT DO UPDATE SET receipts = receipts + excluded.receipts, net = net + excluded.net'),
      dayCat: multiRowInsert(db, 'INSERT INTO store_day_cat (day, category, amount, qty)', 4, sumAmountQty),
      dayProduct: multiRowInsert(db, 'INSERT INTO store_day_product (day, pid, amount, qty)', 4, sumAmountQty),
    };
  }

  add(a: ReceiptAggregate): void {
    const { refund, net, mid } = a;
    let d = this.days.get(a.day);
    if (d === undefined) {
      d = { store: [0, 0, 0, 0, 0, 0, 0, 0], hours: new Map(), cats: new Map(), products: new Map(), members: new Map() };
      this.days.set(a.day, d);
    }
    const s = d.store;
    if (refund) { s[2] = (s[2] as number) - net; s[7] = (s[7] as number) + 1; }
    else { s[0] = (s[0] as number) + 1; s[1] = (s[1] as number) + net; if (mid !== null) s[5] = (s[5] as number) + 1; }
    s[3] = (s[3] as number) + net;
    s[4] = (s[4] as number) + a.lines;
    if (mid !== null) {
      s[6] = (s[6] as number) + net;
      const m = d.members.get(mid);
      if (m === undefined) d.members.set(mid, [refund ? 0 : 1, net, a.lines, String(a.rid)]);
      else { m[0] += refund ? 0 : 1; m[1] += net; m[2] += a.lines; m[3] += `,${a.rid}`; }
    }
    const h = d.hours.get(a.hour);
    if (h === undefined) d.hours.set(a.hour, [refund ? 0 : 1, net]);
    else { h[0] += refund ? 0 : 1; h[1] += net; }

    for (let i = 0; i < a.products.length; i++) {
      const p = a.products[i] as { pid: number; category: string };
      const amount = a.amounts[i] as number;
      const qty = a.qtys[i] as number;
      const c = d.cats.get(p.category);
      if (c === undefined) d.cats.set(p.category, [amount, qty]);
      else { c[0] += amount; c[1] += qty; }
      const q = d.products.get(p.pid);
      if (q === undefined) d.products.set(p.pid, [amount, qty]);
      else { q[0] += amount; q[1] += qty; }
    }
  }

  /** Writes every pending row (one upsert each) and forgets them. Inside the caller's transaction. */
  flush(): void {
    if (this.days.size === 0) return;
    const memberDay: unknown[] = [], storeDay: unknown[] = [], storeHour: unknown[] = [], dayCat: unknown[] = [], dayProduct: unknown[] = [];
    for (const [day, d] of this.days) {
      storeDay.push(day, ...d.store);
      for (const [mid, m] of d.members) memberDay.push(mid, day, m[0], m[1], m[2], m[3]);
      for (const [hour, h] of d.hours) storeHour.push(day, hour, h[0], h[1]);
      for (const [cat, c] of d.cats) dayCat.push(day, cat, c[0], c[1]);
      for (const [pid, q] of d.products) dayProduct.push(day, pid, q[0], q[1]);
    }
    this.days.clear();
    this.write.memberDay(memberDay);
    this.write.storeDay(storeDay);
    this.write.storeHour(storeHour);
    this.write.dayCat(dayCat);
    this.write.dayProduct(dayProduct);
  }

  clear(): void {
    this.days.clear();
  }
}
