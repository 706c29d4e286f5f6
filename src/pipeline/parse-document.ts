import type { DecodedDocument } from '../escpos/types.js';
import { parseReceipt, type ParseOptions } from '../receipt/index.js';
import type { Receipt } from '../receipt/types.js';
import type { TillDateOrders } from './date-orders.js';

/** The per-till date order to read with and to learn into (pipeline/date-orders.ts). */
export interface DateLearning {
  orders: TillDateOrders;
  till: string;
}

/**
 * One decoded document to a Receipt, the same way in the daemon and in `tillbox reparse`:
 * blank documents (a lone init or feed between jobs) are not receipts; a parser exception is
 * returned, not thrown, so one bad document never stops the stream.
 */
export function documentToReceipt(doc: DecodedDocument, opts: ParseOptions, learn?: DateLearning): Receipt | null | Error {
  if (doc.lines.every((l) => l.text.trim() === '')) return null;
  try {
    if (learn === undefined) return parseReceipt(doc, opts).receipt;
    const { receipt, dateOrder } = parseReceipt(doc, { ...opts, learnedDateOrder: learn.orders.order(learn.till) });
    learn.orders.observe(learn.till, dateOrder.votes);
    return receipt;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Sales and refunds are baskets for head office; reprints, voids and other documents are not. */
export function isBasket(r: Receipt): boolean {
  return r.kind === 'sale' || r.kind === 'refund';
}
