import { createHash } from 'node:crypto';
import type { Ledger } from '../ledger/types.js';
import { addDays, daysBetween } from '../ledger/time.js';
import type { Receipt, ReceiptItem } from '../receipt/types.js';
import { categoryById } from '../shopper/catalogue/categories.js';
import { planBuyAgain, purchaseHistory } from '../shopper/reminders/buy-again.js';
import type { FooterFacts } from './content.js';
import { matchRules, type StoreRule } from './rules.js';

export interface FactsOptions {
  today: string;
  language: 'zh' | 'en';
  daysBefore: number;
  member: boolean;
  expiring: boolean;
  buyAgain: boolean;
  rules: readonly StoreRule[];
  categoryOf: (item: ReceiptItem) => string;
  /** The receipt is already in the ledger (a preview): do not add it to the month again. */
  alreadyFiled?: boolean;
  /**
   * Coupons promised but not in the ledger yet: on a block awaiting the tap's outcome, or printed
   * and waiting for the next filing. Limits count them with the filed ones, so a burst between two
   * filings cannot pass a limit.
   */
  unfiled?: readonly CouponIssue[];
}

/** A coupon a footer would issue; recorded in the ledger only once the footer is printed. */
export interface CouponIssue {
  code: string;
  ruleId: string;
  receiptId: string;
  /** sha256 of the member id, hex (per-member limits; null for anonymous). */
  memberHash: string | null;
  day: string;
}

type Db = Ledger['db'];
type Statements = ReturnType<typeof prepare>;
const prepared = new WeakMap<Db, Statements>();

/** The footer's ledger statements, prepared once per database. */
function prepare(db: Db) {
  return {
    monthSum: db.prepare('SELECT coalesce(sum(net), 0) AS total, coalesce(sum(receipts), 0) AS receipts FROM member_day WHERE mid = ? AND day BETWEEN ? AND ?'),
    shelf: db.prepare('SELECT shelf_life_days FROM products WHERE sku = ? AND name = ?').pluck(),
    pending: db.prepare(`SELECT p.name, min(r.expires_day) AS day FROM reminders r JOIN products p USING (pid)
      WHERE r.mid = ? AND r.status = 'pending' AND r.expires_day BETWEEN ? AND ? GROUP BY p.name ORDER BY day LIMIT 4`),
    perDay: db.prepare('SELECT count(*) FROM coupons WHERE rule_id = ? AND day = ?').pluck(),
    perMember: db.prepare('SELECT count(*) FROM coupons WHERE rule_id = ? AND member_hash = ?').pluck(),
    insPrint: db.prepare('INSERT INTO footer_prints (receipt_id, printed_at, outcome, hold_ms, text, bytes) VALUES (?, ?, ?, ?, ?, ?)'),
    insCoupon: db.prepare('INSERT INTO coupons (code, rule_id, receipt_id, member_hash, day, issued_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
  };
}

function statements(db: Db): Statements {
  let s = prepared.get(db);
  if (s === undefined) {
    s = prepare(db);
    prepared.set(db, s);
  }
  return s;
}

/**
 * Ledger reads for one receipt's footer (read-only: nothing is written until the tap says the
 * footer was printed). The receipt itself is not in the ledger yet (the pipeline follows the
 * journal a moment later), so its total and items are added here.
 */
export function footerFacts(ledger: Ledger, r: Receipt, o: FactsOptions): { facts: FooterFacts; coupons: CouponIssue[] } {
  const q = statements(ledger.db);
  const mid = r.member !== null ? (ledger.memberKey(r.member) ?? null) : null;
  const facts: FooterFacts = { currency: r.currency, expiring: [], buyAgain: [], rules: [] };
  const day = o.today;

  if (o.member && r.member !== null) {
    const from = `${day.slice(0, 7)}-01`;
    const dom = daysBetween(from, day);
    const prevFrom = `${addDays(from, -1).slice(0, 7)}-01`;
    const prevTo = addDays(prevFrom, dom) < from ? addDays(prevFrom, dom) : addDays(from, -1);
    const sum = q.monthSum;
    const now = mid !== null ? (sum.get(mid, from, day) as { total: number; receipts: number }) : { total: 0, receipts: 0 };
    const prev = mid !== null ? (sum.get(mid, prevFrom, prevTo) as { total: number }) : { total: 0 };
    const add = o.alreadyFiled === true ? 0 : 1;
    facts.month = { total: now.total + add * (r.total ?? 0), receipts: now.receipts + add, previousTotal: prev.total };
  }

  if (o.expiring) {
    const window = o.daysBefore + 1;
    const shelf = q.shelf;
    for (const item of r.items) {
      if (item.amount <= 0) continue;
      const known = shelf.get(item.sku ?? '', item.name) as number | null | undefined;
      const days = known !== undefined ? known : (categoryById(o.categoryOf(item))?.shelfLifeDays ?? null);
      if (days !== null && days <= window && !facts.expiring.some((e) => e.name === item.name)) facts.expiring.push({ name: item.name, inDays: days });
    }
    if (mid !== null) {
      const rows = q.pending.all(mid, day, addDays(day, window)) as { name: string; day: string }[];
      for (const row of rows) if (!facts.expiring.some((e) => e.name === row.name)) facts.expiring.push({ name: row.name, inDays: daysBetween(day, row.day) });
    }
    facts.expiring.sort((a, b) => a.inDays - b.inDays);
  }

  if (o.buyAgain && mid !== null) {
    const bought = new Set(r.items.map((i) => i.name));
    facts.buyAgain = planBuyAgain(purchaseHistory(ledger, mid, day), day).map((b) => b.product).filter((p) => !bought.has(p));
  }

  const coupons: CouponIssue[] = [];
  const { perDay, perMember } = q;
  const memberHash = r.member === null ? null : createHash('sha256').update(r.member).digest('hex');
  for (const rule of matchRules(o.rules, r, o.categoryOf, day)) {
    let text = rule.print[o.language];
    if (rule.coupon !== undefined) {
      const c = rule.coupon;
      // One code per receipt and rule, the same again if the same receipt is asked twice.
      const code = `${c.code}-${createHash('sha256').update(`${rule.id}\n${r.id}`).digest('hex').slice(0, 6).toUpperCase()}`;
      const waiting = (o.unfiled ?? []).filter((u) => u.ruleId === rule.id && u.code !== code);
      if ((perDay.get(rule.id, day) as number) + waiting.filter((u) => u.day === day).length >= c.perDay) continue;
      if (memberHash !== null && (perMember.get(rule.id, memberHash) as number) + waiting.filter((u) => u.memberHash === memberHash).length >= c.perMember) continue;
      coupons.push({ code, ruleId: rule.id, receiptId: r.id, memberHash, day });
      text = `${text} ${code}`;
    }
    facts.rules.push(text);
  }
  return { facts, coupons };
}

/** Records issued coupons (idempotent by code) and a printed footer, in one transaction. */
export function recordFooter(ledger: Ledger, rec: { receiptId: string; at: string; outcome: 'printed' | 'dry-run'; holdMs: number | null; text: string; bytes: Buffer; coupons: readonly CouponIssue[] }): void {
  const q = statements(ledger.db);
  ledger.db.transaction(() => {
    q.insPrint.run(rec.receiptId, rec.at, rec.outcome, rec.holdMs, rec.text, rec.bytes);
    if (rec.outcome === 'printed') for (const c of rec.coupons) q.insCoupon.run(c.code, c.ruleId, c.receiptId, c.memberHash, c.day, rec.at);
  })();
}
