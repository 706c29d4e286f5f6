import { lineRole, type LineRole } from '../keywords.js';
import { hasWords, type Line } from './lines.js';

export interface Found {
  value: number;
  line: number;
  rule: string;
}

export interface Totals {
  total: Found | null;
  subtotal: Found | null;
  tax: Found | null;
  rounding: Found | null;
  change: Found | null;
  payments: { method: string; amount: number; line: number }[];
  /** Discount lines after the item table (order-level discounts). */
  discounts: { name: string; amount: number; line: number }[];
}

const METHODS: readonly [string, RegExp][] = [
  ['wechat', /微信|wechat|weixin/i],
  ['alipay', /支付宝|alipay/i],
  ['unionpay', /银联|銀聯|unionpay|云闪付/i],
  ['voucher', /voucher|coupon|gift\s*card|礼券|购物卡|储值卡|代金券|gutschein|bon\s*d.achat|baucar/i],
  ['card', /visa|master|amex|credit|debit|eftpos|kredit|carte|\bcb\b|\bec\b|girocard|card|kad|刷卡|银行卡|信用卡|借记卡/i],
  ['cash', /cash|tunai|\bbar\b|bargeld|esp(è|e)ces|现金|現金|收现/i],
];

export function paymentMethod(lower: string): string {
  for (const [method, re] of METHODS) if (re.test(lower)) return method;
  return 'other';
}

/**
 * Role-bearing pieces of the summary. A line holding two labelled figures side by side ("TOTAL
 * SAVING 0.00   TOTAL 41.50", "QTY 8   ROUNDING 0.02") is split so each figure keeps its own label.
 */
function segments(lines: readonly Line[]): { l: Line; i: number; value: number | null }[] {
  const out: { l: Line; i: number; value: number | null }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === undefined) continue;
    if (l.amounts.length >= 2) {
      let from = 0;
      const parts: { l: Line; i: number; value: number | null }[] = [];
      for (const a of l.amounts) {
        const label = l.text.slice(from, a.start);
        from = a.end;
        if (!/[\p{L}]{2,}/u.test(label)) continue;
        const lower = label.toLowerCase();
        const role = lineRole(lower);
        if (role !== null) parts.push({ l: { ...l, lower, label: label.trim(), role }, i, value: a.value });
      }
      if (parts.length >= 2) {
        out.push(...parts);
        continue;
      }
    }
    if (l.role !== null) out.push({ l, i, value: null });
  }
  return out;
}

/** The amount a role line carries: its last amount, or an unlabelled amount on the next line. */
function valueOf(lines: readonly Line[], i: number): { value: number; line: number } | null {
  const l = lines[i];
  if (l === undefined) return null;
  const last = l.amounts[l.amounts.length - 1];
  if (last !== undefined) return { value: last.value, line: i };
  const next = lines[i + 1];
  const amount = next?.amounts[next.amounts.length - 1];
  if (next !== undefined && amount !== undefined && next.role === null && !hasWords(next.label)) return { value: amount.value, line: i + 1 };
  return null;
}

const PRIORITY: Partial<Record<LineRole, number>> = { due: 3, total: 2 };

/**
 * Totals, payments and change from the summary lines. The total is the amount the receipt says was
 * due: a "due" phrase beats a bare "total"; a rounded figure printed after a rounding line beats the
 * unrounded one; when cash tendered and change are both printed, tendered − change picks between
 * candidates. Tendered cash and change are never taken as the total.
 */
export function findTotals(lines: readonly Line[], itemEnd: number, itemsSum: number | null = null): Totals {
  const out: Totals = { total: null, subtotal: null, tax: null, rounding: null, change: null, payments: [], discounts: [] };
  const candidates: (Found & { priority: number })[] = [];
  const taxes: Found[] = [];
  let tendered = 0;
  let sawTendered = false;
  for (const seg of segments(lines)) {
    const { l, i } = seg;
    if (l.role === null) continue;
    const v = seg.value !== null ? { value: seg.value, line: i } : valueOf(lines, i);
    if (v === null) {
      // Currencies printed without cents ("Total 134,999", "GrandTotal: 1108"): whole units, weaker.
      const whole = l.role === 'due' || l.role === 'total' ? /(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.(\d))?\s*$/.exec(l.text) : null;
      if (whole?.[1] !== undefined) {
        const value = Number(whole[1].replace(/,/g, '')) * 100 + Number(whole[2] ?? 0) * 10;
        candidates.push({ value, line: i, rule: `keyword:${l.role}:whole-units`, priority: (PRIORITY[l.role] ?? 2) - 0.5 });
      }
      continue;
    }
    const priority = PRIORITY[l.role];
    if (priority !== undefined) {
      candidates.push({ ...v, rule: `keyword:${l.role}`, priority });
      continue;
    }
    switch (l.role) {
      case 'subtotal':
        out.subtotal ??= { ...v, rule: 'keyword:subtotal' };
        // Only chosen as the total when tendered − change confirms it, or nothing else is printed.
        candidates.push({ ...v, rule: 'keyword:subtotal', priority: 0.5 });
        break;
      case 'tax':
        taxes.push({ ...v, rule: /total/.test(l.lower) ? 'keyword:total-tax' : 'keyword:tax' });
        break;
      case 'rounding':
        // A "rounding" line carrying a whole figure is the rounded total, not the adjustment.
        if (Math.abs(v.value) < 100) out.rounding = { ...v, rule: 'keyword:rounding' };
        else candidates.push({ ...v, rule: 'keyword:rounded-total', priority: 2.5 });
        break;
      case 'change':
        out.change ??= { value: Math.abs(v.value), line: v.line, rule: 'keyword:change' };
        break;
      case 'tendered':
        if (v.value !== 0) {
          // Some tills print tendered cash negative ("CASH -50.00"): it is still money in.
          const amount = Math.abs(v.value);
          out.payments.push({ method: paymentMethod(l.lower), amount, line: v.line });
          tendered += amount;
          sawTendered = true;
        }
        break;
      case 'discount':
        if (i >= itemEnd && v.value !== 0) out.discounts.push({ name: l.label || l.text, amount: -Math.abs(v.value), line: v.line });
        break;
      default:
        break;
    }
  }
  const totalTax = taxes.find((t) => t.rule === 'keyword:total-tax');
  if (totalTax !== undefined) out.tax = totalTax;
  else if (taxes.length > 0) out.tax = { value: taxes.reduce((s, t) => s + t.value, 0), line: taxes[0]?.line ?? 0, rule: 'keyword:tax' };

  // subtotal + tax printed as a figure of its own after the subtotal: that sum was due.
  if (out.subtotal !== null && out.tax !== null) {
    const due = out.subtotal.value + out.tax.value;
    for (const l of lines.slice(out.subtotal.line + 1)) {
      if (l.role === 'tendered' || l.role === 'change') continue;
      if (l.amounts.some((a) => a.value === due)) {
        candidates.push({ value: due, line: l.index, rule: 'subtotal+tax', priority: 2.8 });
        break;
      }
    }
  }

  // A rounded figure printed without a label right after the rounding line.
  if (out.rounding !== null) {
    const after = lines[out.rounding.line + 1];
    const amt = after?.amounts[after.amounts.length - 1];
    if (after !== undefined && amt !== undefined && (after.role === null || after.role === 'total' || after.role === 'due') && !hasWords(after.label.replace(/\b(rm|total)\b/gi, ''))) {
      candidates.push({ value: amt.value, line: after.index, rule: 'after-rounding', priority: 2.5 });
    }
  }

  // What tendered − change says was due: all payments together, or any one of them (a "Payment"
  // line often repeats the cash line it summarises).
  const change = out.change?.value ?? null;
  const paidMinusChange = sawTendered && change !== null ? [...new Set([tendered, ...out.payments.map((p) => p.amount)])].map((p) => p - change).filter((v) => v > 0) : [];
  // The items' sum printed again below the item table is a total even without a keyword.
  if (itemsSum !== null && itemsSum > 0 && !candidates.some((c) => c.priority >= 1)) {
    const l = lines.slice(itemEnd).find((x) => x.role !== 'tendered' && x.role !== 'change' && x.amounts.some((a) => a.value === itemsSum));
    if (l !== undefined) candidates.push({ value: itemsSum, line: l.index, rule: 'items-sum-printed', priority: 1.8 });
  }
  out.total = chooseTotal(candidates, out.rounding, paidMinusChange);
  // No total printed: tendered − change, when it is unambiguous or confirmed by a payment line
  // or by the items' sum; else what a card (exact tender) paid.
  const implied = paidMinusChange.length === 1 ? paidMinusChange[0] : paidMinusChange.find((v) => v === itemsSum || out.payments.some((p) => p.amount === v));
  if (out.total === null && implied !== undefined) out.total = { value: implied, line: out.change?.line ?? 0, rule: 'tendered-minus-change' };
  const exact = out.payments.filter((p) => p.method !== 'cash' && p.method !== 'other');
  if (itemsSum !== null && (out.total === null || out.total.rule === 'keyword:subtotal') && out.change === null && exact.length > 0) {
    out.total = { value: exact.reduce((sum, p) => sum + p.amount, 0), line: exact[0]?.line ?? 0, rule: 'card-payment' };
  }
  if (out.total === null) out.total = largestAmount(lines);
  return out;
}

function chooseTotal(all: (Found & { priority: number })[], rounding: Found | null, paidMinusChange: number[]): Found | null {
  if (all.length === 0) return null;
  const agreeing = all.filter((c) => paidMinusChange.includes(c.value));
  if (agreeing.length > 0) return pick(agreeing, 'tendered-minus-change');
  // A printed zero ("Total due 0.00" after payment) or a bare subtotal only when nothing else is there.
  const nonZero = all.filter((c) => c.value !== 0 && c.priority >= 1);
  const candidates = nonZero.length > 0 ? nonZero : all;
  if (rounding !== null && rounding.value !== 0) {
    // total + rounding printed somewhere after the rounding line: that is what was due.
    const before = candidates.filter((c) => c.line < rounding.line);
    const rounded = candidates.filter((c) => c.line > rounding.line && before.some((b) => b.value + rounding.value === c.value));
    if (rounded.length > 0) return pick(rounded, 'rounded');
  }
  return pick(candidates, null);
}

function pick(cands: (Found & { priority: number })[], why: string | null): Found {
  const top = Math.max(...cands.map((c) => c.priority));
  const best = cands.filter((c) => c.priority === top);
  const chosen = best.reduce((a, b) => (Math.abs(b.value) >= Math.abs(a.value) ? b : a));
  return { value: chosen.value, line: chosen.line, rule: why === null ? chosen.rule : `${chosen.rule}+${why}` };
}

/** No total phrase at all: the largest amount that is not tendered, change or a count. */
function largestAmount(lines: readonly Line[]): Found | null {
  let best: Found | null = null;
  for (const l of lines) {
    if (l.role === 'tendered' || l.role === 'change' || l.role === 'count' || l.role === 'ignore' || l.role === 'tax') continue;
    for (const a of l.amounts) if (best === null || a.value > best.value) best = { value: a.value, line: l.index, rule: 'largest-amount' };
  }
  return best;
}
