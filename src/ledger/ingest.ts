import type { Database, Statement } from 'better-sqlite3';
import type { Receipt } from '../receipt/types.js';
import { needsReview, SPLIT } from '../receipt/index.js';
import { classifyItem, type CatalogueEntry } from '../shopper/catalogue/classify.js';
import { PendingAggregates, type ReceiptAggregate } from './aggregates.js';
import { idKey } from './id-key.js';
import { multiRowInsert } from './multirow.js';
import { addDays, parseReceiptTime, type ZoneClock } from './time.js';
import type { IngestResult, JournalSource } from './types.js';

// Bounded so the daemon's memory stays flat; a miss costs one indexed SELECT.
const CACHE_LIMIT = 50_000;
/** How many of the latest receipts a timeless sale is compared with to tell a copy (Ingestor.copyOf). */
export const COPY_LOOKBACK_RECEIPTS = 1000;

/**
 * The ingest path: statements prepared once, `ingestOne` runs inside the caller's transaction
 * (synchronous, no await), and small caches spare a SELECT per member and per item name.
 */
export class Ingestor {
  private readonly s: Record<
    'rid' | 'copyCandidates' | 'itemAmounts' | 'insReceipt' | 'memberIns' | 'memberSel' | 'productIns' | 'productSel' | 'catalogue' |
    'insReminder' | 'cancelReminders', Statement>;
  private readonly insItems: (flat: unknown[]) => void;
  private readonly pending: PendingAggregates;
  /** The last ingestOne's aggregate deltas, until its savepoint is released (accept) or rolled back. */
  private staged: ReceiptAggregate | null = null;
  private readonly members = new Map<string, number>();
  /** sku ('' for none) → name → product: no key string built per item line. */
  private readonly products = new Map<string, Map<string, { pid: number; category: string; shelf: number | null }>>();
  private productCount = 0;

  constructor(db: Database, private readonly zone: ZoneClock, private readonly currency: string, private readonly clock: () => number) {
    this.s = {
      rid: db.prepare('SELECT counted FROM receipts WHERE idk = ? AND id = ?').pluck(),
      // Range scan on the rowid: the last COPY_LOOKBACK_RECEIPTS receipts only.
      copyCandidates: db.prepare(`SELECT rid, id FROM receipts WHERE rid > (SELECT coalesce(max(rid), 0) FROM receipts) - ?
        AND total = ? AND time IS NOT NULL AND kind IN ('sale', 'refund', 'reprint') ORDER BY rid DESC`),
      itemAmounts: db.prepare('SELECT amount FROM items WHERE rid = ?').pluck(),
      insReceipt: db.prepare(`INSERT INTO receipts (id, idk, kind, counted, flagged, store, till, receipt_no, time, ts, day, hour, mid, currency,
        total, net, item_count, items_match, confidence, profile, extra, journal_from, journal_to)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      memberIns: db.prepare('INSERT INTO members (member) VALUES (?) ON CONFLICT DO NOTHING'),
      memberSel: db.prepare('SELECT mid FROM members WHERE member = ?').pluck(),
      productIns: db.prepare(`INSERT INTO products (sku, name, category, shelf_life_days, class_source) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      productSel: db.prepare('SELECT pid, category, shelf_life_days AS shelf FROM products WHERE sku = ? AND name = ?'),
      catalogue: db.prepare('SELECT sku, name, category, shelf_life_days AS shelfLifeDays FROM catalogue WHERE sku = ?'),
      // Unless a reparse finds it already sent (see migrations.ts).
      insReminder: db.prepare(`INSERT INTO reminders (receipt_id, line, mid, pid, purchased_ts, expires_day, status)
        SELECT ?, ?, ?, ?, ?, ?, 'pending'
        WHERE NOT EXISTS (SELECT 1 FROM reminders WHERE status = 'sent' AND receipt_id = ? AND line = ?)`),
      // Only reminders not yet past their expiry day can still go out: those expire between the
      // refund's day and that day + the shelf life. One index seek per such day (a JSON list of
      // days), not a scan of every pending reminder in that window. (A shelf life shortened by a
      // catalogue import since the purchase can leave a reminder outside the window.)
      cancelReminders: db.prepare(`UPDATE reminders SET status = 'cancelled'
        WHERE status = 'pending' AND expires_day IN (SELECT value FROM json_each(?)) AND mid = ? AND pid = ? AND purchased_ts <= ?`),
    };
    this.insItems = multiRowInsert(db, 'INSERT INTO items (rid, line, pid, qty, unit_price, amount)', 6);
    this.pending = new PendingAggregates(db);
  }

  /** The receipt ingestOne just stored is committed to its savepoint: count it in the aggregates. */
  accept(): void {
    if (this.staged !== null) this.pending.add(this.staged);
    this.staged = null;
  }

  /** The receipt ingestOne just stored was rolled back: forget its deltas and cached keys. */
  reject(): void {
    this.staged = null;
    this.resetCaches();
  }

  /** Writes the accepted receipts' aggregates; inside the same transaction as those receipts. */
  flush(): void {
    this.pending.flush();
  }

  /** The whole transaction rolled back: nothing pending survives. */
  abort(): void {
    this.staged = null;
    this.pending.clear();
    this.resetCaches();
  }

  /** Forget cached keys: after a rollback they may name rows that no longer exist. */
  resetCaches(): void {
    this.members.clear();
    this.products.clear();
    this.productCount = 0;
  }

  memberKey(member: string, create: boolean): number | undefined {
    const hit = this.members.get(member);
    if (hit !== undefined) return hit;
    if (create) this.s.memberIns.run(member);
    const mid = this.s.memberSel.get(member) as number | undefined;
    if (mid === undefined) return undefined;
    if (this.members.size >= CACHE_LIMIT) this.members.clear();
    this.members.set(member, mid);
    return mid;
  }

  private product(sku: string | null, name: string): { pid: number; category: string; shelf: number | null } {
    const bySku = this.products.get(sku ?? '');
    const hit = bySku?.get(name);
    if (hit !== undefined) return hit;
    let row = this.s.productSel.get(sku ?? '', name) as { pid: number; category: string; shelf: number | null } | undefined;
    if (row === undefined) {
      const c = classifyItem(sku, name, (k) => this.s.catalogue.get(k) as CatalogueEntry | undefined);
      this.s.productIns.run(sku ?? '', name, c.category, c.shelfLifeDays, c.source);
      row = this.s.productSel.get(sku ?? '', name) as { pid: number; category: string; shelf: number | null };
    }
    if (this.productCount >= CACHE_LIMIT) { this.products.clear(); this.productCount = 0; }
    if (bySku === undefined || this.productCount === 0) {
      const m = this.products.get(sku ?? '') ?? new Map<string, { pid: number; category: string; shelf: number | null }>();
      m.set(name, row);
      this.products.set(sku ?? '', m);
    } else bySku.set(name, row);
    this.productCount++;
    return row;
  }

  /** Must run inside a transaction. */
  ingestOne(r: Receipt, source: JournalSource): IngestResult {
    this.staged = null;
    const idk = idKey(r.id);
    const stored = this.s.rid.get(idk, r.id) as number | undefined;
    if (stored !== undefined) return { status: 'duplicate', flagged: false, counted: stored === 1 };

    let ts = r.time !== null ? parseReceiptTime(r.time, this.zone) : null;
    const problems = [...r.check.problems];
    if (ts === null && source.capturedAt !== undefined) {
      ts = typeof source.capturedAt === 'number' ? source.capturedAt : Date.parse(source.capturedAt);
      if (Number.isNaN(ts)) ts = null;
    }
    if (ts === null) {
      ts = this.clock();
      problems.push('no receipt or capture time: ingest time used');
    }
    const { day, hour } = this.zone.parts(ts);
    let kind = r.kind;
    const original = kind === 'sale' || kind === 'refund' ? this.copyOf(r) : null;
    if (original !== null) {
      kind = 'reprint';
      problems.push(`no time printed, and the total and item amounts of receipt ${original}: filed as a copy of it, not counted`);
    }
    // A part of a print job longer than any receipt (split at the decoder's limit) is kept and
    // flagged, never counted: no till prints a 2 MiB sale, and its parts' "totals" are noise.
    const splitPart = r.check.problems.some((p) => p.startsWith(SPLIT));
    if (splitPart && (kind === 'sale' || kind === 'refund')) problems.push('part of an over-long print job: not counted');
    const counted = (kind === 'sale' || kind === 'refund') && !splitPart;
    const refund = kind === 'refund';
    const sign = (v: number): number => (refund ? -Math.abs(v) : v);

    let itemsSum = 0;
    for (const it of r.items) itemsSum += it.amount;
    for (const d of r.discounts) itemsSum += d.amount;
    const net = counted ? sign(r.total ?? itemsSum) : 0;
    if (r.currency !== this.currency) problems.push(`currency ${r.currency}, ledger keeps ${this.currency}`);
    // Flagged = the owner should look at it (a marked non-sale document has nothing to add up).
    const flagged = needsReview(r) || r.currency !== this.currency || problems.length > r.check.problems.length;
    const mid = r.member !== null && r.member !== '' ? (this.memberKey(r.member, true) as number) : null;

    const extra: Record<string, unknown> = {};
    if (r.discounts.length > 0) extra['discounts'] = r.discounts;
    if (r.payments.length > 0) extra['payments'] = r.payments;
    if (r.change !== null) extra['change'] = r.change;
    if (problems.length > 0) extra['problems'] = problems;

    const info = this.s.insReceipt.run(r.id, idk, kind, counted ? 1 : 0, flagged ? 1 : 0, r.store, r.till, r.receiptNo, r.time, ts, day, hour,
      mid, r.currency, r.total, net, r.items.length, r.check.itemsMatchTotal ? 1 : 0, r.check.confidence, r.profile,
      JSON.stringify(extra), source.journalFrom, source.journalTo);
    const rid = Number(info.lastInsertRowid);

    // Items are kept for every receipt (the status page shows reprints and voids too) ...
    const n = r.items.length;
    const products = new Array<{ pid: number; category: string; shelf: number | null }>(n);
    const flat = new Array<unknown>(n * 6);
    for (let line = 0; line < n; line++) {
      const it = r.items[line] as Receipt['items'][number];
      const p = this.product(it.sku, it.name);
      products[line] = p;
      const o = line * 6;
      flat[o] = rid; flat[o + 1] = line; flat[o + 2] = p.pid; flat[o + 3] = refund ? -Math.abs(it.qty) : it.qty;
      flat[o + 4] = it.unitPrice; flat[o + 5] = counted ? sign(it.amount) : it.amount;
    }
    this.insItems(flat);
    if (!counted) return { status: kind === 'reprint' ? 'reprint-skipped' : 'not-counted', flagged, counted };

    // ... but only sales and refunds move the aggregates (summed per batch, see aggregates.ts).
    const amounts = new Array<number>(n);
    const qtys = new Array<number>(n);
    let shelfDay: string | null = null;
    let shelfDays = -1;
    for (let line = 0; line < n; line++) {
      const p = products[line] as { pid: number; category: string; shelf: number | null };
      amounts[line] = flat[line * 6 + 5] as number;
      qtys[line] = flat[line * 6 + 3] as number;
      if (mid === null || p.shelf === null) continue;
      if (refund) this.s.cancelReminders.run(expiryWindow(day, p.shelf), mid, p.pid, ts);
      else {
        if (p.shelf !== shelfDays) { shelfDays = p.shelf; shelfDay = addDays(day, p.shelf); }
        this.s.insReminder.run(r.id, line, mid, p.pid, ts, shelfDay, r.id, line);
      }
    }
    this.staged = { rid, day, hour, mid, refund, net, lines: refund ? 0 : n, products, amounts, qtys };
    return { status: 'inserted', flagged, counted };
  }

  /**
   * The receipt a timeless sale is a copy of, or null. A reprint split in two (a wall-clock step
   * while it printed, issue 17 item 5; a printer pause longer than the idle gap) leaves a tail with
   * no header: no time, no reprint marker, so it parses as a sale. If one of the latest receipts
   * that did print a time has the same total and every one of its item amounts, it is that
   * receipt's copy. Only timeless documents are compared, and only with receipts that printed a
   * time, so a till that never prints times (every receipt timeless) never loses a sale to this;
   * a receipt that printed its own number is never anyone's copy.
   */
  private copyOf(r: Receipt): string | null {
    if (r.time !== null || r.receiptNo !== null || r.total === null || r.items.length === 0) return null;
    for (const c of this.s.copyCandidates.all(COPY_LOOKBACK_RECEIPTS, r.total) as { rid: number; id: string }[]) {
      const have = (this.s.itemAmounts.all(c.rid) as number[]).map(Math.abs);
      if (r.items.every((it) => {
        const at = have.indexOf(Math.abs(it.amount));
        if (at < 0) return false;
        have.splice(at, 1);
        return true;
      })) return c.id;
    }
    return null;
  }
}

/** The days a reminder for an item refunded on `day` can still expire on, as a JSON list. */
function expiryWindow(day: string, shelfDays: number): string {
  const days = [day];
  for (let k = 1; k <= shelfDays; k++) days.push(addDays(day, k));
  return JSON.stringify(days);
}
