import type { DecodedDocument } from '../../escpos/types.js';
import { COPY_RE, REFUND_RE, REPRINT_RE, VOID_RE } from '../keywords.js';
import type { DateOrder } from '../text/dates.js';
import { isoDate, isoLocal } from '../text/dates.js';
import { resolveDateOrder, type DateOrderDecision, type DateOrderSetting } from '../text/date-order.js';
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
  /** How ambiguous dates were read, and this receipt's unambiguous dates (to learn from). */
  dateOrder: DateOrderDecision;
  itemTable: { start: number; end: number };
}

const MARKER_RE = new RegExp([REPRINT_RE, COPY_RE, REFUND_RE, VOID_RE].map((r) => `(?:${r.source})`).join('|'), 'i');

/**
 * The order for this receipt's ambiguous dates. An explicit MDY still reads a receipt that prints
 * £ or € day-first (a US till does not print euros); 'auto' weighs the receipt, the learned order
 * and the receipt's country signs (text/date-order.ts).
 */
function dateOrderFor(lines: readonly Line[], setting: DateOrderSetting, learned: DateOrder | null): { order: DateOrder; suffix: string; decision: DateOrderDecision } {
  const decision = resolveDateOrder(lines.map((l) => l.text), setting, learned);
  if (setting === 'MDY' && lines.some((l) => /£|€|\b(eur|gbp|mwst|tva|ttc|vat)\b/i.test(l.text))) return { order: 'DMY', suffix: '+day-first(currency)', decision: { ...decision, order: 'DMY', source: 'hint', evidence: ['£/€ on a receipt: day-first'] } };
  return { order: decision.order, suffix: decision.source === 'config' ? '' : `+order(${decision.source} ${decision.order})`, decision };
}

export function heuristicDraft(doc: DecodedDocument, dateOrder: DateOrderSetting, timeZone: string, learnedOrder: DateOrder | null = null): Draft {
  const lines = analyseLines(doc);
  const order = dateOrderFor(lines, dateOrder, learnedOrder);
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
  // The old currency rule always says so; an auto order only where it decided something.
  const rule = (r: string) => (order.suffix.startsWith('+day-first') || dt?.date.ambiguous === true ? `${r}${order.suffix}` : r);
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
    dateOrder: order.decision,
    itemTable: { start: itemsFound.start, end: itemsFound.end },
  };
}
