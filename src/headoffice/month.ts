/**
 * A shopper's own month from the baskets head office stores, pure (no clock, no database): spend
 * and receipts, spend by category, and the perishables bought recently that expire soon.
 * Money stays integer minor units. Baskets carry a category id per item but no expiry date, so
 * "expires soon" is purchase day + the category's shelf life from tillbox's default table
 * (src/shopper/catalogue/categories.ts); a chain whose catalogue sets other shelf lives per SKU
 * (config/catalogue) would look those up instead.
 */
import { categoryById, OTHER_CATEGORY } from '../shopper/catalogue/categories.js';
import type { BasketV1, BasketV2 } from '../sync/basket.js';

export interface StoredBasket {
  store: string;
  token: string | null;
  payload: BasketV1 | BasketV2;
}

export interface Line {
  name: string;
  category: string | null;
  qty: number;
  amountMinor: number;
}

/** Item lines and total of either schema version, in minor units. */
export function basketLines(b: BasketV1 | BasketV2): { lines: Line[]; totalMinor: number | null; discounts: { name: string; amountMinor: number }[]; payments: { method: string; amountMinor: number }[] } {
  if (b.schema === 1) {
    return {
      lines: b.items.map((i) => ({ name: i.name, category: i.category, qty: i.qty, amountMinor: i.amount })),
      totalMinor: b.total,
      discounts: b.discounts.map((d) => ({ name: d.name, amountMinor: d.amount })),
      payments: b.payments.map((p) => ({ method: p.method, amountMinor: p.amount })),
    };
  }
  return { lines: b.items, totalMinor: b.totalMinor, discounts: b.discounts, payments: b.payments };
}

/** A basket's total: as printed, or the sum of its lines and discounts when it printed none. */
export function basketTotal(b: BasketV1 | BasketV2): number {
  const { lines, totalMinor, discounts } = basketLines(b);
  return totalMinor ?? lines.reduce((s, l) => s + l.amountMinor, 0) + discounts.reduce((s, d) => s + d.amountMinor, 0);
}

/** "2026-11-23T10:00:00+08:00" → the day number (days since 1970-01-01) of its local date. */
function localDay(time: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(time);
  if (m === null) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

/** The UTC offset of an ISO time, in minutes (0 when it has none). */
function offsetMinutes(time: string): number {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(time);
  if (m === null) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

export interface MonthView {
  /** YYYY-MM, local to the store. */
  month: string;
  currency: string | null;
  spendMinor: number;
  receipts: number;
  byCategory: { category: string; amountMinor: number }[];
  list: { store: string; token: string | null; time: string | null; totalMinor: number; kind: string }[];
  expiring: { name: string; category: string; inDays: number; store: string }[];
  /** Baskets of this shopper in other currencies than `currency` (not summed, only counted). */
  otherCurrency: number;
}

/** How many days ahead "expires soon" looks (0 today, 1 tomorrow, 2 the day after). */
export const EXPIRING_DAYS = 2;

/**
 * `baskets`: the shopper's baskets (any order). `now`: the wall clock; "this month" and "today"
 * are taken in the UTC offset of the shopper's latest basket (the store's local time).
 */
export function ownMonth(baskets: readonly StoredBasket[], now: Date): MonthView {
  const timed = baskets.filter((b) => b.payload.time !== null).sort((a, b) => Date.parse(b.payload.time ?? '') - Date.parse(a.payload.time ?? ''));
  const latest = timed[0];
  const offset = latest !== undefined ? offsetMinutes(latest.payload.time ?? '') : 0;
  const local = new Date(now.getTime() + offset * 60_000).toISOString();
  const month = local.slice(0, 7);
  const today = localDay(local) ?? 0;
  const counted = timed.filter((b) => (b.payload.kind === 'sale' || b.payload.kind === 'refund') && (b.payload.time ?? '').startsWith(month));
  const currency = counted[0]?.payload.currency ?? latest?.payload.currency ?? null;
  const same = counted.filter((b) => b.payload.currency === currency);
  const byCategory = new Map<string, number>();
  let spendMinor = 0;
  let receipts = 0;
  for (const b of same) {
    spendMinor += basketTotal(b.payload);
    if (b.payload.kind === 'sale') receipts++;
    for (const l of basketLines(b.payload).lines) {
      const c = l.category ?? OTHER_CATEGORY;
      byCategory.set(c, (byCategory.get(c) ?? 0) + l.amountMinor);
    }
  }
  const expiring: MonthView['expiring'] = [];
  const seen = new Set<string>();
  for (const b of timed) {
    if (b.payload.kind !== 'sale') continue;
    const day = localDay(b.payload.time ?? '');
    if (day === null || day > today) continue;
    for (const l of basketLines(b.payload).lines) {
      const shelf = l.category === null ? null : (categoryById(l.category)?.shelfLifeDays ?? null);
      if (shelf === null || l.category === null) continue;
      const inDays = day + shelf - today;
      const key = `${l.name}\0${inDays}`;
      if (inDays < 0 || inDays > EXPIRING_DAYS || seen.has(key)) continue;
      seen.add(key);
      expiring.push({ name: l.name, category: l.category, inDays, store: b.store });
    }
  }
  expiring.sort((a, b) => a.inDays - b.inDays || a.name.localeCompare(b.name));
  return {
    month,
    currency,
    spendMinor,
    receipts,
    byCategory: [...byCategory].map(([category, amountMinor]) => ({ category, amountMinor })).sort((a, b) => b.amountMinor - a.amountMinor),
    list: same.map((b) => ({ store: b.store, token: b.token, time: b.payload.time, totalMinor: basketTotal(b.payload), kind: b.payload.kind })),
    expiring,
    otherCurrency: counted.length - same.length,
  };
}
