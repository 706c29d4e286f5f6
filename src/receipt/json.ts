import type { Receipt } from './types.js';
import { minorToDecimal } from './text/money.js';

/**
 * The public JSON shape of DESIGN.md: amounts as decimal numbers (11.6 for 1160 minor units),
 * built from the decimal string so no binary arithmetic touches money, each with its integer twin
 * in minor units (`amountMinor`, `totalMinor`, …: src/money-json.ts) so a reader never guesses the unit.
 */
export function receiptToJson(r: Receipt): object {
  const dec = (v: number | null | undefined) => (v === null || v === undefined ? null : minorToDecimal(v));
  const int = (v: number | null | undefined) => (v === undefined ? null : v);
  return {
    id: r.id,
    store: r.store,
    till: r.till,
    receiptNo: r.receiptNo,
    time: r.time,
    date: r.date ?? null,
    member: r.member,
    currency: r.currency,
    items: r.items.map((i) => ({ sku: i.sku, name: i.name, qty: i.qty, unitPrice: dec(i.unitPrice), unitPriceMinor: int(i.unitPrice), amount: dec(i.amount), amountMinor: i.amount })),
    discounts: r.discounts.map((d) => ({ name: d.name, amount: dec(d.amount), amountMinor: d.amount })),
    subtotal: dec(r.subtotal),
    subtotalMinor: int(r.subtotal),
    tax: dec(r.tax),
    taxMinor: int(r.tax),
    rounding: dec(r.rounding),
    roundingMinor: int(r.rounding),
    total: dec(r.total),
    totalMinor: int(r.total),
    payments: r.payments.map((p) => ({ method: p.method, amount: dec(p.amount), amountMinor: p.amount })),
    change: dec(r.change),
    changeMinor: int(r.change),
    kind: r.kind,
    check: { itemsMatchTotal: r.check.itemsMatchTotal, confidence: r.check.confidence, problems: r.check.problems },
    profile: r.profile,
  };
}
