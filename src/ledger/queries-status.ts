/**
 * What the status page and API read from the ledger, in the shapes of src/web/deps.ts (the web
 * layer masks member ids). Statements are prepared once per `statusQueries(ledger)` call.
 */
import type { Receipt, ReceiptItem, ReceiptKind } from '../receipt/types.js';
import { categoryById } from '../shopper/catalogue/categories.js';
import type { DaySales, HourSales, MemberSummary, ReceiptRow, ReminderCounts, StoreSummary } from '../web/deps.js';
import { idKey } from './id-key.js';
import { monthPeriod } from './period.js';
import { summaryQueries } from './queries-summary.js';
import { addDays } from './time.js';
import type { Ledger } from './types.js';

interface RawRow {
  rid: number; id: string; kind: ReceiptKind; counted: number; flagged: number; store: string | null; till: string | null;
  receipt_no: string | null; time: string | null; ts: number; member: string | null; currency: string; total: number | null;
  item_count: number; items_match: number; confidence: number; profile: string; extra: string; journal_from: number; journal_to: number;
}

export interface StoredReceipt {
  receipt: Receipt;
  /** Where its bytes are in the raw journal. */
  journalFrom: number;
  journalTo: number;
  /** Counted in totals (sales and refunds); reprints, voids and others are kept but not counted. */
  counted: boolean;
  /** Needs a person: items do not add up, another currency, no time. */
  flagged: boolean;
  /** ISO time the ledger filed it under (printed time, else capture time). */
  filedAt: string;
}

export interface FlaggedRow extends ReceiptRow {
  problems: string[];
}

const COLS = `r.rid, r.id, r.kind, r.counted, r.flagged, r.store, r.till, r.receipt_no, r.time, r.ts, m.member, r.currency, r.total,
  r.item_count, r.items_match, r.confidence, r.profile, r.extra, r.journal_from, r.journal_to`;

export function statusQueries(ledger: Ledger) {
  const db = ledger.db;
  const zone = ledger.zone;
  const summaries = summaryQueries(db, ledger.currency);
  const recent = db.prepare(`SELECT ${COLS} FROM receipts r LEFT JOIN members m ON m.mid = r.mid ORDER BY r.rid DESC LIMIT ?`);
  const byId = db.prepare(`SELECT ${COLS} FROM receipts r LEFT JOIN members m ON m.mid = r.mid WHERE r.idk = ? AND r.id = ?`);
  const items = db.prepare(`SELECT p.sku, p.name, i.qty, i.unit_price AS unitPrice, i.amount FROM items i JOIN products p ON p.pid = i.pid
    WHERE i.rid = ? ORDER BY i.line`);
  const flagged = db.prepare(`SELECT ${COLS} FROM receipts r LEFT JOIN members m ON m.mid = r.mid WHERE r.flagged = 1 ORDER BY r.rid DESC LIMIT ?`);
  const storeDay = db.prepare('SELECT * FROM store_day WHERE day = ?');
  const days = db.prepare('SELECT day, net, receipts FROM store_day WHERE day BETWEEN ? AND ?');
  const hours = db.prepare('SELECT hour, net, receipts FROM store_hour WHERE day = ?');
  const reminderDays = db.prepare(`SELECT expires_day AS day, count(*) AS n FROM reminders WHERE status = 'pending' AND expires_day BETWEEN ? AND ? GROUP BY expires_day`);
  const lastVisit = db.prepare('SELECT max(day) FROM member_day WHERE mid = ?').pluck();
  // Bounded by the ts index: only receipts filed since `sinceTs` are looked at.
  const inRange = db.prepare(`SELECT r.id, r.receipt_no, r.time, r.ts FROM receipts r WHERE r.ts >= ? AND r.journal_from <= ? AND r.journal_to >= ? ORDER BY r.rid DESC LIMIT 20`);
  const sentSince = db.prepare(`SELECT count(*) FROM notifications WHERE kind = 'expiry-reminder' AND created_at >= ?`).pluck();

  const toRow = (r: RawRow): ReceiptRow => ({
    id: r.id, time: r.time ?? zone.iso(r.ts), receiptNo: r.receipt_no, till: r.till, member: r.member, kind: r.kind,
    itemCount: r.item_count, total: r.total, currency: r.currency, confidence: r.confidence, itemsMatchTotal: r.items_match === 1,
  });
  const problemsOf = (r: RawRow): string[] => (JSON.parse(r.extra) as { problems?: string[] }).problems ?? [];

  return {
    recentReceipts(limit: number): ReceiptRow[] {
      return (recent.all(limit) as RawRow[]).map(toRow);
    },
    receipt(id: string): StoredReceipt | null {
      const r = byId.get(idKey(id), id) as RawRow | undefined;
      if (r === undefined) return null;
      const extra = JSON.parse(r.extra) as { discounts?: Receipt['discounts']; payments?: Receipt['payments']; change?: number; problems?: string[] };
      const lines = (items.all(r.rid) as (ReceiptItem & { sku: string })[]).map((i) => ({ ...i, sku: i.sku === '' ? null : i.sku }));
      return {
        receipt: {
          id: r.id, store: r.store, till: r.till, receiptNo: r.receipt_no, time: r.time, member: r.member, currency: r.currency,
          items: lines, discounts: extra.discounts ?? [], total: r.total, payments: extra.payments ?? [], change: extra.change ?? null,
          kind: r.kind, check: { itemsMatchTotal: r.items_match === 1, confidence: r.confidence, problems: extra.problems ?? [] }, profile: r.profile,
        },
        journalFrom: r.journal_from, journalTo: r.journal_to, counted: r.counted === 1, flagged: r.flagged === 1, filedAt: zone.iso(r.ts),
      };
    },
    flaggedReceipts(limit: number): FlaggedRow[] {
      return (flagged.all(limit) as RawRow[]).map((r) => ({ ...toRow(r), problems: problemsOf(r) }));
    },
    storeSummary(day: string): StoreSummary {
      const s = storeDay.get(day) as { receipts: number; sales: number; refunds: number; net: number; member_receipts: number; items: number } | undefined;
      return { day, receipts: s?.receipts ?? 0, sales: s?.sales ?? 0, refunds: s?.refunds ?? 0, net: s?.net ?? 0, memberReceipts: s?.member_receipts ?? 0, items: s?.items ?? 0 };
    },
    /** 30 days ending `today` (store-local), oldest first, zeros included. */
    salesLast30Days(today: string): DaySales[] {
      const from = addDays(today, -29);
      const got = new Map((days.all(from, today) as { day: string; net: number; receipts: number }[]).map((d) => [d.day, d]));
      return Array.from({ length: 30 }, (_, k) => {
        const day = addDays(from, k);
        const d = got.get(day);
        return { day, sales: d?.net ?? 0, receipts: d?.receipts ?? 0 };
      });
    },
    salesByHour(day: string): HourSales[] {
      const got = new Map((hours.all(day) as { hour: number; net: number; receipts: number }[]).map((h) => [h.hour, h]));
      return Array.from({ length: 24 }, (_, hour) => ({ hour, sales: got.get(hour)?.net ?? 0, receipts: got.get(hour)?.receipts ?? 0 }));
    },
    /** The web page's member card; null when the member has no receipts at all. */
    memberSummary(member: string, month: string): MemberSummary | null {
      const mid = ledger.memberKey(member);
      if (mid === undefined) return null;
      const s = summaries.member(mid, member, monthPeriod(month));
      const last = lastVisit.get(mid) as string | null;
      if (last === null) return null;
      return {
        member, month, receipts: s.receipts, spend: s.total, currency: s.currency,
        categories: s.categories.map((c) => ({ name: categoryById(c.category)?.zh ?? c.category, en: categoryById(c.category)?.en ?? c.category, amount: c.amount })),
        lastVisit: last,
      };
    },
    /** By expected-expiry day minus daysBefore (the day each reminder is due). */
    reminderCounts(now: Date, daysBefore: number): ReminderCounts {
      const today = zone.parts(now.getTime()).day;
      const rows = reminderDays.all(addDays(today, daysBefore), addDays(today, daysBefore + 7)) as { day: string; n: number }[];
      let dueToday = 0, dueTomorrow = 0, next7Days = 0;
      for (const r of rows) {
        const due = addDays(r.day, -daysBefore);
        if (due === today) dueToday += r.n;
        else if (due === addDays(today, 1)) dueTomorrow += r.n;
        if (due < addDays(today, 7)) next7Days += r.n;
      }
      return { dueToday, dueTomorrow, next7Days, sentLast7Days: sentSince.get(zone.iso(now.getTime() - 7 * 86_400_000)) as number };
    },
    /** Receipts filed since `sinceTs` (ms) whose journal range overlaps seqs from..to. */
    receiptsInJournalRange(from: number, to: number, sinceTs: number): { id: string; receiptNo: string | null; time: string }[] {
      return (inRange.all(sinceTs, to, from) as { id: string; receipt_no: string | null; time: string | null; ts: number }[]).map((r) => ({
        id: r.id, receiptNo: r.receipt_no, time: r.time ?? zone.iso(r.ts),
      }));
    },
    receiptsToday(now: Date): number {
      return (storeDay.get(zone.parts(now.getTime()).day) as { receipts: number } | undefined)?.receipts ?? 0;
    },
    summaries,
  };
}

export type StatusQueries = ReturnType<typeof statusQueries>;
