/**
 * "Buy again" suggestions from a member's usual purchase interval of a product. Pure: purchase
 * days in, suggestions out. A product qualifies after at least `minPurchases` purchases on
 * different days; its usual interval is the median gap; it is suggested on the day that interval
 * has passed since the last purchase, and for `graceDays` after (later than that the habit has
 * probably changed, so stay quiet).
 */
import { addDays, daysBetween } from '../../ledger/time.js';
import type { Ledger } from '../../ledger/types.js';
import type { NotificationLanguage } from '../channels.js';
import { consentingMemberPages, inMemberPages, MEMBERS_PER_CHUNK } from '../chunked.js';
import type { Outbox } from '../outbox.js';
import { buyAgain } from '../templates.js';

export interface PurchaseHistory {
  product: string;
  /** Store-local days the member bought it, any order, duplicates allowed. */
  days: readonly string[];
}

export interface BuyAgain {
  product: string;
  intervalDays: number;
  lastDay: string;
  /** Days since the last purchase minus the usual interval (0 = exactly due). */
  overdueDays: number;
}

export function planBuyAgain(history: readonly PurchaseHistory[], today: string, opts: { minPurchases?: number; graceDays?: number } = {}): BuyAgain[] {
  const minPurchases = opts.minPurchases ?? 3;
  const grace = opts.graceDays ?? 2;
  const out: BuyAgain[] = [];
  for (const h of history) {
    const days = [...new Set(h.days)].sort();
    if (days.length < minPurchases) continue;
    const gaps = days.slice(1).map((d, i) => daysBetween(days[i] as string, d)).sort((a, b) => a - b);
    const mid = Math.floor(gaps.length / 2);
    const interval = gaps.length % 2 === 1 ? (gaps[mid] as number) : Math.round(((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2);
    if (interval < 1) continue;
    const last = days[days.length - 1] as string;
    const overdue = daysBetween(last, today) - interval;
    if (overdue >= 0 && overdue <= grace) out.push({ product: h.product, intervalDays: interval, lastDay: last, overdueDays: overdue });
  }
  return out.sort((a, b) => a.overdueDays - b.overdueDays || a.product.localeCompare(b.product));
}

/** A member's purchase days per product over the last `lookbackDays` (sales only). */
export function purchaseHistory(ledger: Ledger, memberKey: number, today: string, lookbackDays = 180): PurchaseHistory[] {
  const rows = ledger.db.prepare(`SELECT p.name AS product, d.day FROM member_day d JOIN json_each('[' || d.rids || ']') j
    JOIN receipts r ON r.rid = j.value JOIN items i ON i.rid = r.rid JOIN products p ON p.pid = i.pid
    WHERE d.mid = ? AND d.day > date(?, ?) AND r.kind = 'sale' AND i.amount > 0`).all(memberKey, today, `-${lookbackDays} days`) as { product: string; day: string }[];
  const by = new Map<string, string[]>();
  for (const r of rows) by.set(r.product, [...(by.get(r.product) ?? []), r.day]);
  return [...by].map(([product, days]) => ({ product, days }));
}

/**
 * The daily "buy again" job: for every member with consent and a sale in the lookback window, the
 * products due for restocking, one message per member and due day. The id is
 * buy-again-<due day>-<member key>, so running daily (or again after a restart) queues each due
 * day once, and days missed while the box was off are caught up within the grace window.
 */
export async function queueBuyAgain(ledger: Ledger, outbox: Outbox, language: NotificationLanguage, now: Date, lookbackDays = 180): Promise<{ members: number; messages: number }> {
  const today = ledger.zone.parts(now.getTime()).day;
  // Members with a sale after today - lookbackDays, a page at a time (day strings: > D is >= D + 1).
  const pages = consentingMemberPages(ledger.db, addDays(today, -lookbackDays + 1), '9999-12-31', MEMBERS_PER_CHUNK);
  const createdAt = ledger.zone.iso(now.getTime());
  const known = ledger.db.prepare('SELECT 1 FROM notifications WHERE id = ?').pluck();
  let messages = 0;
  const members = await inMemberPages(ledger.db, pages, (m) => {
    const byDueDay = new Map<string, BuyAgain[]>();
    for (const b of planBuyAgain(purchaseHistory(ledger, m.mid, today, lookbackDays), today)) {
      const due = addDays(today, -b.overdueDays);
      byDueDay.set(due, [...(byDueDay.get(due) ?? []), b]);
    }
    for (const [due, items] of byDueDay) {
      const id = `buy-again-${due}-${m.mid}`;
      if (known.get(id) !== undefined) continue;
      if (outbox.enqueue({ id, member: m.member, kind: 'buy-again', language, ...buyAgain(language, items), createdAt }).length > 0) messages++;
    }
  });
  return { members, messages };
}
