/**
 * Receipt → basket payload, schema version 2 (schemas/basket.v2.json). Pure: no clock, no I/O.
 * Money stays integer minor units of `currency` (fen for CNY, cents for EUR) in fields named
 * `…Minor`; there is no floating point anywhere in the payload's amounts. Version 1 (the same
 * payload with `amount`/`total`) is what boxes before 0.2 publish; head office accepts both.
 */
import { createHash } from 'node:crypto';
import type { Receipt, ReceiptItem, ReceiptKind } from '../receipt/types.js';
import { pseudonymFor } from './pseudonym.js';
import { scrubPaymentMethod, scrubSku, scrubText, type PaymentMethod } from './scrub.js';

export type CategoryOf = (item: ReceiptItem) => string | null;

/**
 * A basket carries at most this many items, discounts and payments: a receipt with more (a print
 * job without a cut, split by the decoder at 2,000 lines, parses to thousands of "items") is
 * truncated, and `truncated` says how many of each were left out. Item fields are length-capped
 * by the scrubber, so a basket is at most about MAX_BASKET_ITEMS × 0.5 KB (typically 40 bytes an item).
 */
export const MAX_BASKET_ITEMS = 500;
export const MAX_BASKET_DISCOUNTS = 100;
export const MAX_BASKET_PAYMENTS = 20;

export interface BasketItem {
  sku: string | null;
  name: string;
  category: string | null;
  qty: number;
  /** Integer minor units; negative on refunds. */
  amountMinor: number;
}

/** Fields v1 and v2 share; only the money fields' names differ. */
interface BasketCommon {
  /** Idempotency key: the same receipt in the same store always gives the same id. */
  id: string;
  store: string;
  box: string;
  /** Local time with offset, coarsened to the hour (or minute); null when the receipt has none. */
  time: string | null;
  kind: ReceiptKind;
  currency: string;
  /** Only with sync.member = pseudonym: `v{keyVersion}:` + 64 hex digits. Absent otherwise. */
  member?: string;
  /** Present only when the receipt had more than a basket carries: how many entries were left out. */
  truncated?: { items?: number; discounts?: number; payments?: number };
}

export interface BasketV2 extends BasketCommon {
  schema: 2;
  items: BasketItem[];
  discounts: { name: string; amountMinor: number }[];
  /** Integer minor units: what the receipt says was due; null when it prints none. */
  totalMinor: number | null;
  payments: { method: PaymentMethod; amountMinor: number }[];
}

/** Schema version 1 (schemas/basket.v1.json): published by older boxes, still accepted by head office. */
export interface BasketV1 extends BasketCommon {
  schema: 1;
  items: (Omit<BasketItem, 'amountMinor'> & { amount: number })[];
  discounts: { name: string; amount: number }[];
  total: number | null;
  payments: { method: PaymentMethod; amount: number }[];
}

/** The basket schema this box publishes. */
export const BASKET_SCHEMA = 2;

export interface BasketOptions {
  storeId: string;
  boxId: string;
  timeResolution: 'hour' | 'minute';
  member: 'none' | 'pseudonym';
  pseudonymKey?: string | undefined;
  pseudonymKeyVersion: number;
}

/** sha256("tillbox-basket-v1", store id, receipt id), 32 hex digits; the same in every schema version. */
export function basketId(storeId: string, receiptId: string): string {
  return createHash('sha256').update(`tillbox-basket-v1\0${storeId}\0${receiptId}`, 'utf8').digest('hex').slice(0, 32);
}

export function buildBasket(r: Receipt, categoryOf: CategoryOf, opts: BasketOptions): BasketV2 {
  const basket: BasketV2 = {
    schema: 2,
    id: basketId(opts.storeId, r.id),
    store: opts.storeId,
    box: opts.boxId,
    time: coarsenTime(r.time, opts.timeResolution),
    kind: r.kind,
    currency: r.currency,
    items: r.items.slice(0, MAX_BASKET_ITEMS).map((item) => ({
      sku: scrubSku(item.sku),
      name: scrubText(item.name),
      category: scrubCategory(categoryOf(item)),
      qty: Number.isFinite(item.qty) ? item.qty : 0,
      amountMinor: item.amount,
    })),
    discounts: r.discounts.slice(0, MAX_BASKET_DISCOUNTS).map((d) => ({ name: scrubText(d.name), amountMinor: d.amount })),
    totalMinor: r.total,
    payments: r.payments.slice(0, MAX_BASKET_PAYMENTS).map((p) => ({ method: scrubPaymentMethod(p.method), amountMinor: p.amount })),
  };
  const left = { items: r.items.length - MAX_BASKET_ITEMS, discounts: r.discounts.length - MAX_BASKET_DISCOUNTS, payments: r.payments.length - MAX_BASKET_PAYMENTS };
  if (left.items > 0 || left.discounts > 0 || left.payments > 0) {
    basket.truncated = {};
    for (const k of ['items', 'discounts', 'payments'] as const) if (left[k] > 0) basket.truncated[k] = left[k];
  }
  if (opts.member === 'pseudonym' && r.member !== null) {
    if (opts.pseudonymKey === undefined) throw new Error('sync.member is pseudonym but sync.pseudonymKey is not set');
    basket.member = pseudonymFor(r.member, opts.pseudonymKey, opts.pseudonymKeyVersion);
  }
  return basket;
}

function scrubCategory(category: string | null): string | null {
  if (category === null) return null;
  const c = scrubText(category, 32);
  return c === '' ? null : c;
}

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** "2026-11-23T10:15:32+08:00" → "2026-11-23T10:00:00+08:00" (hour) or "…T10:15:00+08:00" (minute). */
export function coarsenTime(time: string | null, resolution: 'hour' | 'minute'): string | null {
  if (time === null) return null;
  const m = ISO_TIME.exec(time);
  if (m === null) return null;
  const [, date, hh, mm, zone] = m;
  return `${date}T${hh}:${resolution === 'hour' ? '00' : mm}:00${zone ?? ''}`;
}
