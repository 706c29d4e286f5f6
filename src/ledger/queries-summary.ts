import type { Database } from 'better-sqlite3';
import { categoryById } from '../shopper/catalogue/categories.js';
import { previousPeriod, type Period } from './period.js';

export interface CategoryShare {
  category: string;
  zh: string;
  en: string;
  /** Minor units (net of refunds). */
  amount: number;
  /** amount / sum of category amounts, 0..1 (0 when there is nothing). */
  share: number;
}

export interface TopItem {
  name: string;
  sku: string | null;
  qty: number;
  amount: number;
}

export interface Totals {
  /** Net spend, minor units: sales minus refunds, reprints and voids not counted. */
  total: number;
  /** Sale receipts (refund receipts are not baskets). */
  receipts: number;
  /** Item lines on sale receipts. */
  items: number;
  /**
   * Minor units, rounded; 0 with no receipts. Store: sales / sale receipts (refunds are not
   * baskets). Member: net total / sale receipts (what a visit came to after that member's refunds).
   */
  avgBasket: number;
}

export interface Change {
  previous: Period & Totals;
  /** total - previous total, minor units. */
  delta: number;
  /** delta / previous total; null when the previous period had no spend. */
  ratio: number | null;
}

export interface MemberSpendSummary extends Totals {
  member: string;
  period: Period;
  currency: string;
  categories: CategoryShare[];
  topItems: TopItem[];
  change: Change;
  /** Last store-local day with a receipt in the period, null when none. */
  lastVisit: string | null;
}

export interface StoreSpendSummary extends Totals {
  period: Period;
  currency: string;
  sales: number;
  refunds: number;
  refundReceipts: number;
  memberReceipts: number;
  /** Share of net sales made on member receipts, 0..1. */
  memberShare: number;
  categories: CategoryShare[];
  topItems: TopItem[];
  change: Change;
}

const TOP = 5;

/** Summary queries, statements prepared once. */
export function summaryQueries(db: Database, currency: string) {
  const memberTotals = db.prepare(`SELECT coalesce(sum(receipts), 0) AS receipts, coalesce(sum(net), 0) AS total,
    coalesce(sum(items), 0) AS items, max(day) AS last FROM member_day WHERE mid = ? AND day BETWEEN ? AND ?`);
  // member_day.rids lists the member's counted receipts of the day (see migrations.ts).
  const memberProducts = db.prepare(`SELECT p.name, p.sku, p.category, sum(i.amount) AS amount, sum(i.qty) AS qty
    FROM member_day d JOIN json_each('[' || d.rids || ']') j JOIN items i ON i.rid = j.value JOIN products p ON p.pid = i.pid
    WHERE d.mid = ? AND d.day BETWEEN ? AND ? GROUP BY i.pid`);
  const storeTotals = db.prepare(`SELECT coalesce(sum(receipts), 0) AS receipts, coalesce(sum(net), 0) AS total,
    coalesce(sum(items), 0) AS items, coalesce(sum(sales), 0) AS sales, coalesce(sum(refunds), 0) AS refunds,
    coalesce(sum(member_receipts), 0) AS memberReceipts, coalesce(sum(member_net), 0) AS memberNet,
    coalesce(sum(refund_receipts), 0) AS refundReceipts FROM store_day WHERE day BETWEEN ? AND ?`);
  const storeCats = db.prepare(`SELECT category, sum(amount) AS amount FROM store_day_cat WHERE day BETWEEN ? AND ? GROUP BY category`);
  const storeTop = db.prepare(`SELECT p.name, p.sku, t.amount, t.qty FROM
    (SELECT pid, sum(amount) AS amount, sum(qty) AS qty FROM store_day_product WHERE day BETWEEN ? AND ? GROUP BY pid
     ORDER BY amount DESC LIMIT ${TOP}) t JOIN products p USING (pid) ORDER BY t.amount DESC`);
  // One day holds one row per product: no GROUP BY, just a top-N sort of that day's rows.
  const storeTopDay = db.prepare(`SELECT p.name, p.sku, t.amount, t.qty FROM
    (SELECT pid, amount, qty FROM store_day_product WHERE day = ? ORDER BY amount DESC LIMIT ${TOP}) t
    JOIN products p USING (pid) ORDER BY t.amount DESC`);

  type T = { receipts: number; total: number; items: number };
  const totals = (t: T): Totals => ({ total: t.total, receipts: t.receipts, items: t.items, avgBasket: t.receipts > 0 ? Math.round(t.total / t.receipts) : 0 });
  const change = (now: Totals, prevPeriod: Period, prev: T): Change => {
    const p = totals(prev);
    const delta = now.total - p.total;
    return { previous: { ...prevPeriod, ...p }, delta, ratio: p.total !== 0 ? delta / Math.abs(p.total) : null };
  };

  return {
    /** null when the member is unknown to the ledger. */
    member(memberKey: number, member: string, period: Period): MemberSpendSummary {
      const t = memberTotals.get(memberKey, period.from, period.to) as T & { last: string | null };
      const prev = previousPeriod(period);
      const pt = memberTotals.get(memberKey, prev.from, prev.to) as T;
      const rows = memberProducts.all(memberKey, period.from, period.to) as { name: string; sku: string; category: string; amount: number; qty: number }[];
      const byCat = new Map<string, number>();
      for (const r of rows) byCat.set(r.category, (byCat.get(r.category) ?? 0) + r.amount);
      const now = totals(t);
      return {
        member, period, currency, ...now,
        categories: shares(byCat),
        topItems: rows.sort((a, b) => b.amount - a.amount).slice(0, TOP).map(topItem),
        change: change(now, prev, pt),
        lastVisit: t.last,
      };
    },
    store(period: Period): StoreSpendSummary {
      const t = storeTotals.get(period.from, period.to) as T & { sales: number; refunds: number; memberReceipts: number; memberNet: number; refundReceipts: number };
      const prev = previousPeriod(period);
      const pt = storeTotals.get(prev.from, prev.to) as T;
      const cats = storeCats.all(period.from, period.to) as { category: string; amount: number }[];
      const now = totals(t);
      return {
        period, currency, ...now,
        // A basket is what a sale receipt came to; refunds are not baskets.
        avgBasket: t.receipts > 0 ? Math.round(t.sales / t.receipts) : 0,
        sales: t.sales, refunds: t.refunds, refundReceipts: t.refundReceipts, memberReceipts: t.memberReceipts,
        memberShare: t.total !== 0 ? t.memberNet / t.total : 0,
        categories: shares(new Map(cats.map((c) => [c.category, c.amount]))),
        topItems: ((period.from === period.to ? storeTopDay.all(period.from) : storeTop.all(period.from, period.to)) as { name: string; sku: string; amount: number; qty: number }[]).map(topItem),
        change: change(now, prev, pt),
      };
    },
  };
}

function shares(byCat: Map<string, number>): CategoryShare[] {
  let sum = 0;
  for (const v of byCat.values()) sum += v;
  return [...byCat]
    .map(([category, amount]) => {
      const def = categoryById(category);
      return { category, zh: def?.zh ?? category, en: def?.en ?? category, amount, share: sum !== 0 ? amount / sum : 0 };
    })
    .sort((a, b) => b.amount - a.amount);
}

function topItem(r: { name: string; sku: string; amount: number; qty: number }): TopItem {
  return { name: r.name, sku: r.sku === '' ? null : r.sku, qty: r.qty, amount: r.amount };
}

export type SummaryQueries = ReturnType<typeof summaryQueries>;
