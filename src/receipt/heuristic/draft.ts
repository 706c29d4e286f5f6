import type { DecodedDocument } from '../../escpos/types.js';
import { COPY_RE, REFUND_RE, REPRINT_RE, VOID_RE } from '../keywords.js';
import type { DateOrder } from '../text/dates.js';
import { isoDate, isoLocal } from '../text/dates.js';
import { findDateTime, findMember, findReceiptNo, findStore, findTill, type FoundText } from './header.js';
import { findItems, type FoundItem } from './items.js';
import { analyseLines, type Line } from './lines.js';
import { findTotals, type Found } from './totals.js';

/** Every field the parser found, with the rule and line that produced it (for --explain). */
export interface Draft {
  lines: Line[];
  store: FoundText | null;
  till: FoundText | null;
  receiptNo: FoundText | null;
  member: FoundText | null;
  date: FoundText | null;
  time: FoundText | null;
  items: FoundItem[];
  discounts: { name: string; amount: number; line: number; rule: string }[];
  total: Found | null;
  subtotal: Found | null;
  tax: Found | null;
  rounding: Found | null;
  change: Found | null;
  payments: { method: string; amount: number; line: number; rule: string }[];
  /** Lines that mark a kind (reprint, refund, void): left out of the content hash. */
  markerLines: Set<number>;
  itemTable: { start: number; end: number };
}

const MARKER_RE = new RegExp([REPRINT_RE, COPY_RE, REFUND_RE, VOID_RE].map((r) => `(?:${r.source})`).join('|'), 'i');

/** A receipt that prints £ or € reads ambiguous n/n/n dates day-first, whatever the default. */
function dateOrderFor(lines: readonly Line[], configured: DateOrder): { order: DateOrder; hint: boolean } {
  if (configured !== 'MDY') return { order: configured, hint: false };
  const dayFirst = lines.some((l) => /£|€|\b(eur|gbp|mwst|tva|ttc|vat)\b/i.test(l.text));
  return dayFirst ? { order: 'DMY', hint: true } : { order: configured, hint: false };
}

export function heuristicDraft(doc: DecodedDocument, dateOrder: DateOrder, timeZone: string): Draft {
  const lines = analyseLines(doc);
  const order = dateOrderFor(lines, dateOrder);
  const itemsFound = findItems(lines, order.order);
  const itemsSum = itemsFound.items.length === 0 ? null : itemsFound.items.reduce((sum, i) => sum + i.amount, 0) + itemsFound.discounts.reduce((sum, d) => sum + d.amount, 0);
  const totals = findTotals(lines, itemsFound.end, itemsSum);
  // Goods are printed above the subtotal and the total: a priced line below them is not an item.
  const firstItem = itemsFound.items[0]?.lines[0] ?? -1;
  const cut = Math.min(...[totals.subtotal?.line, totals.total?.rule.startsWith('keyword') ? totals.total.line : undefined].filter((x): x is number => x !== undefined && x > firstItem));
  if (Number.isFinite(cut)) {
    itemsFound.items = itemsFound.items.filter((i) => (i.lines[i.lines.length - 1] ?? 0) < cut);
    itemsFound.discounts = itemsFound.discounts.filter((d) => d.line < cut);
  }
  const dt = findDateTime(lines, order.order);
  const rule = (r: string) => (order.hint ? `${r}+day-first(currency)` : r);
  const markerLines = new Set<number>();
  for (const l of lines) if (l.amounts.length === 0 && MARKER_RE.test(l.text)) markerLines.add(l.index);
  return {
    lines,
    store: findStore(lines, Math.max(itemsFound.start, 1), order.order),
    till: findTill(lines),
    receiptNo: findReceiptNo(lines),
    member: findMember(lines),
    date: dt === null ? null : { value: isoDate(dt.date), line: dt.line, rule: rule(dt.rule) },
    time: dt === null || dt.time === null ? null : { value: isoLocal(dt.date, dt.time, timeZone), line: dt.line, rule: rule(dt.rule) },
    items: itemsFound.items,
    discounts: [
      ...itemsFound.discounts.map((d) => ({ ...d, rule: 'discount:in-item-table' })),
      ...totals.discounts.map((d) => ({ ...d, rule: 'discount:keyword' })),
    ],
    total: totals.total,
    subtotal: totals.subtotal,
    tax: totals.tax,
    rounding: totals.rounding,
    change: totals.change,
    payments: totals.payments.map((p) => ({ ...p, rule: `payment:${p.method}` })),
    markerLines,
    itemTable: { start: itemsFound.start, end: itemsFound.end },
  };
}
