import type { Receipt } from './types.js';
import { formatMinor } from './text/money.js';

export type Unchecked = Omit<Receipt, 'id' | 'check'>;

export const NOT_A_SALE = 'not a sale document';
/** An `other` document without any non-sale marker: it may be a sale whose paper ran out. */
export const UNREADABLE = 'no items and no total found: a torn receipt, or a layout tillbox cannot read';

/** Problem prefixes for what the decoder reported about the print data (escpos/limits.ts). */
export const DAMAGED = 'print data damaged';
export const SPLIT = 'split at the decoder\'s document limit';

/** A decoder problem: the document holds damaged data, or is one part of an over-long print job. */
export function isDecoderProblem(p: string): boolean {
  return p.startsWith(DAMAGED) || p.startsWith(SPLIT);
}

/**
 * Whether the owner should look at it (always when the decoder reported damage or a split): a sale, refund, reprint or void that does not add up, or a
 * document that is not clearly anything. A marked non-sale document (shift report, coupon, kitchen
 * ticket) has nothing to add up and is fine.
 */
export function needsReview(r: Receipt): boolean {
  if (r.check.problems.some(isDecoderProblem)) return true;
  if (r.kind === 'other') return r.check.problems.some((p) => p !== NOT_A_SALE);
  return !r.check.itemsMatchTotal;
}

/**
 * Checks a parsed receipt without changing it: qty × unit price = amount (within one minor unit,
 * the rounding a scale or a per-line round-half-up can introduce), items + discounts (+ tax when
 * printed as added on top) + rounding = total, tendered − change = total. Every failure is a
 * problem on the receipt and lowers its confidence; nothing is corrected.
 */
export function checkReceipt(r: Unchecked, base: number): Receipt['check'] {
  const problems: string[] = [];
  let confidence = base;
  const money = (v: number) => formatMinor(v);
  if (r.kind === 'other') return { itemsMatchTotal: false, confidence: round(base * 0.9), problems: [NOT_A_SALE] };

  let lineProblems = 0;
  r.items.forEach((item, i) => {
    if (item.unitPrice === null) return;
    const expected = Math.round(item.qty * item.unitPrice);
    if (Math.abs(expected - item.amount) > 1) {
      problems.push(`item ${i + 1} "${item.name}": ${item.qty} × ${money(item.unitPrice)} = ${money(expected)}, printed ${money(item.amount)}`);
      lineProblems++;
    }
  });
  confidence -= Math.min(0.3, lineProblems * 0.1);

  let itemsMatchTotal = false;
  if (r.total === null) {
    problems.push('no total found');
    confidence -= 0.5;
  } else if (r.items.length === 0) {
    problems.push('no items found');
    confidence -= 0.3;
  } else {
    const sum = r.items.reduce((s, i) => s + i.amount, 0) + r.discounts.reduce((s, d) => s + d.amount, 0);
    const rounding = r.rounding ?? 0;
    const tax = r.tax ?? 0;
    const ways = [sum, sum + rounding, sum + tax, sum + tax + rounding];
    itemsMatchTotal = ways.includes(r.total);
    if (!itemsMatchTotal) {
      problems.push(`items${r.discounts.length > 0 ? ' and discounts' : ''} add up to ${money(sum)}, total is ${money(r.total)}`);
      confidence -= 0.3;
    }
    if (r.subtotal !== undefined && r.subtotal !== null && r.subtotal !== sum && r.subtotal !== sum - r.discounts.reduce((s, d) => s + d.amount, 0)) {
      problems.push(`subtotal ${money(r.subtotal)} differs from items ${money(sum)}`);
      confidence -= 0.05;
    }
  }
  const paid = r.payments.reduce((s, p) => s + p.amount, 0);
  if (r.total !== null && r.payments.length > 0 && r.change !== null && paid - r.change !== r.total) {
    problems.push(`paid ${money(paid)} − change ${money(r.change)} ≠ total ${money(r.total)}`);
    confidence -= 0.1;
  }
  if (r.time === null && (r.date ?? null) === null) confidence -= 0.05;
  return { itemsMatchTotal, confidence: round(Math.max(0, Math.min(1, confidence))), problems };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
