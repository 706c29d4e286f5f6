import type { Receipt } from './types.js';
import { minorToDecimal } from './text/money.js';

/**
 * The public JSON shape of DESIGN.md: amounts as decimal numbers (11.6 for 1160 minor units),
 * built from the decimal string so no binary arithmetic touches money.
 */
export function receiptToJson(r: Receipt): object {
  const dec = (v: number | null | undefined) => (v === null || v === undefined ? null : minorToDecimal(v));
  return {
    id: r.id,
    store: r.store,
    till: r.till,
    receiptNo: r.receiptNo,
    time: r.time,
    date: r.date ?? null,
    member: r.member,
    currency: r.currency,
    items: r.items.map((i) => ({ sku: i.sku, name: i.name, qty: i.qty, unitPrice: dec(i.unitPrice), amount: dec(i.amount) })),
    discounts: r.discounts.map((d) => ({ name: d.name, amount: dec(d.amount) })),
    subtotal: dec(r.subtotal),
    tax: dec(r.tax),
    rounding: dec(r.rounding),
    total: dec(r.total),
    payments: r.payments.map((p) => ({ method: p.method, amount: dec(p.amount) })),
    change: dec(r.change),
    kind: r.kind,
    check: { itemsMatchTotal: r.check.itemsMatchTotal, confidence: r.check.confidence, problems: r.check.problems },
    profile: r.profile,
  };
}
