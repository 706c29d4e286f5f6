import { HEADER_NOISE_RE, ITEM_HEADER_RE } from '../keywords.js';
import type { DateOrder } from '../text/dates.js';
import { cleanName } from '../text/normalise.js';
import { hasWords, isRule, lineDates, lineTimes, type Line } from './lines.js';

export interface FoundItem {
  sku: string | null;
  name: string;
  qty: number;
  unitPrice: number | null;
  amount: number;
  /** Lines the item was read from. */
  lines: number[];
  rule: string;
}

export interface ItemsResult {
  items: FoundItem[];
  /** Negative lines inside the item table that are discounts, not goods. */
  discounts: { name: string; amount: number; line: number }[];
  /** First and last line of the item table, [start, end). */
  start: number;
  end: number;
}

const SUMMARY_ROLES = new Set(['subtotal', 'due', 'total', 'tax', 'tendered', 'change', 'rounding', 'count', 'service']);

const ITEM_HEADER_WORDS = new RegExp(ITEM_HEADER_RE.source, 'gi');

/** Where the item table starts: after a column-header line, else after the last header-ish line. */
function tableStart(lines: readonly Line[], end: number, order: DateOrder): number {
  for (let i = 0; i < end; i++) {
    const l = lines[i];
    if (l === undefined || l.amounts.length > 0) continue;
    const words = l.text.match(ITEM_HEADER_WORDS) ?? [];
    if (words.length >= 2) {
      const next = lines[i + 1];
      return next !== undefined && isRule(next.text) ? i + 2 : i + 1;
    }
  }
  // No column header: items start after the last line before the first priced line that is
  // clearly header (date, phone, registration, receipt number).
  let start = 0;
  for (let i = 0; i < end; i++) {
    const l = lines[i];
    if (l === undefined) continue;
    if (l.amounts.length > 0 && !isHeaderish(l, order)) break;
    if (isHeaderish(l, order) || isRule(l.text)) start = i + 1;
  }
  return start;
}

function isHeaderish(l: Line, order: DateOrder): boolean {
  return HEADER_NOISE_RE.test(l.text) || lineDates(l, order).length > 0 || lineTimes(l).length > 0;
}

const QTY_X_RE = /(?<![\d.])(\d{1,4}(?:[.,]\d{1,3})?)\s*(?:kg|g|lb|pcs|pc|ea|stk|x|×|\*|@)\s*(?:[x×*@]\s*)?$/i;
const LEAD_QTY_RE = /^(\d{1,3}(?:\.\d{1,3})?)\s*(?:x|×|\*)?\s+(?=\S)/i;
const SKU_RE = /(?<![\w])(\d{5,14})(?![\w])/;
const NUMBER_RE = /(?<![\w.,#])(\d{1,4}(?:\.\d{1,3})?)(?:\s*(?:kg|g|lb|pcs|pc|ea|stk|斤|公斤|件|个|瓶|份|盒|袋|包|只|条|x|×))?(?![\w.,])/gi;

/**
 * Items: priced lines between the header and the first summary line. A line with an amount and
 * no words of its own (barcode, qty, prices) takes its name from the text-only line above it
 * ("name on one line, numbers on the next"). Qty comes from "2 x", "1.5kg", a leading count or a
 * bare number column; unit price from a second amount when qty × unit = amount.
 */
export function findItems(lines: readonly Line[], order: DateOrder = 'DMY'): ItemsResult {
  let end = lines.length;
  let firstPriced = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === undefined) continue;
    if (l.amounts.length > 0 && firstPriced < 0 && !SUMMARY_ROLES.has(l.role ?? '')) firstPriced = i;
    if (l.role !== null && SUMMARY_ROLES.has(l.role) && l.role !== 'count' && (l.amounts.length > 0 || lines[i + 1]?.amounts.length) && firstPriced >= 0) {
      end = i;
      break;
    }
    if (l.role === 'count' && firstPriced >= 0) {
      end = i;
      break;
    }
  }
  const start = tableStart(lines, end, order);
  const items: FoundItem[] = [];
  const discounts: ItemsResult['discounts'] = [];
  let pendingName: { text: string; line: number } | null = null;
  for (let i = start; i < end; i++) {
    const l = lines[i];
    if (l === undefined) continue;
    if (isRule(l.text) || l.text === '') {
      pendingName = null;
      continue;
    }
    if (l.amounts.length === 0) {
      // A text line: the name of the next priced line, unless it is header noise.
      pendingName = hasWords(l.text) && !HEADER_NOISE_RE.test(l.text) && l.role !== 'ignore' ? { text: l.text, line: i } : null;
      continue;
    }
    if (l.role === 'ignore' || (l.role !== null && SUMMARY_ROLES.has(l.role)) || (HEADER_NOISE_RE.test(l.text) && !hasWords(stripNumbers(l.label)))) {
      pendingName = null;
      continue;
    }
    const amount = l.amounts[l.amounts.length - 1];
    if (amount === undefined) continue;
    if (l.role === 'discount' || (amount.value < 0 && /%|disc|less|off|save|优惠|折|减/i.test(l.text))) {
      discounts.push({ name: cleanName(l.label) || 'discount', amount: -Math.abs(amount.value), line: i });
      pendingName = null;
      continue;
    }
    const item = readItemLine(l, pendingName);
    if (item !== null) items.push(item);
    pendingName = null;
  }
  return { items, discounts, start, end };
}

function stripNumbers(text: string): string {
  return text.replace(/[\d.,:/\-#]+/g, ' ');
}

function readItemLine(l: Line, pendingName: { text: string; line: number } | null): FoundItem | null {
  const last = l.amounts[l.amounts.length - 1];
  if (last === undefined) return null;
  const amount = last.value;
  const first = l.amounts[0];
  let label = l.label;
  let qty: number | null = null;
  let unitPrice: number | null = null;
  let rule = 'line';

  // "2 x 1.50" / "1.5kg × 12.80" / "1x29.98": qty written right before the unit price.
  if (l.amounts.length >= 2 && first !== undefined) {
    const before = l.text.slice(0, first.start);
    const m = QTY_X_RE.exec(before);
    if (m !== null) {
      qty = Number((m[1] ?? '1').replace(',', '.'));
      unitPrice = first.value;
      label = before.slice(0, m.index).trim();
      rule = 'qty-x-unit';
    }
  }
  // Three amounts: qty printed with decimals, unit, amount (1.00 3.50 3.50).
  if (qty === null && l.amounts.length >= 3) {
    const [a, bb] = [l.amounts[l.amounts.length - 3], l.amounts[l.amounts.length - 2]];
    if (a !== undefined && bb !== undefined && Math.abs(Math.round((a.value / 100) * bb.value) - amount) <= 1) {
      qty = a.value / 100;
      unitPrice = bb.value;
      rule = 'qty-unit-amount';
    }
  }
  // Two amounts: unit and amount, with a bare qty number somewhere on the line.
  let sku: string | null = null;
  const skuMatch = SKU_RE.exec(label);
  if (skuMatch !== null) {
    sku = skuMatch[1] ?? null;
    label = (label.slice(0, skuMatch.index) + ' ' + label.slice(skuMatch.index + (skuMatch[0]?.length ?? 0))).trim();
  }
  if (qty === null) {
    const numbers = [...label.matchAll(NUMBER_RE)].map((m) => ({ n: Number(m[1]), index: m.index, len: m[0].length }));
    const unit = l.amounts.length >= 2 ? l.amounts[l.amounts.length - 2] : undefined;
    if (unit !== undefined) {
      const fits = numbers.filter((n) => n.n > 0 && Math.abs(Math.round(n.n * unit.value) - amount) <= 1);
      const chosen = fits[fits.length - 1];
      if (chosen !== undefined) {
        qty = chosen.n;
        unitPrice = unit.value;
        label = (label.slice(0, chosen.index) + label.slice(chosen.index + chosen.len)).trim();
        rule = 'qty-unit-amount';
      } else if (Math.abs(unit.value) === Math.abs(amount)) {
        unitPrice = unit.value;
        qty = 1;
        rule = 'unit-amount';
      }
    }
    if (qty === null) {
      // A number column after the name (Chinese bills: name, qty, unit word, amount) or a leading count.
      const trailing = numbers.filter((n) => n.index > 0 && hasWords(label.slice(0, n.index)));
      const lead = LEAD_QTY_RE.exec(label);
      const t = trailing[trailing.length - 1];
      if (t !== undefined && t.n > 0 && t.n < 1000) {
        qty = t.n;
        label = (label.slice(0, t.index) + label.slice(t.index + t.len)).trim();
        rule = 'qty-column';
      } else if (lead !== null && Number(lead[1]) > 0) {
        qty = Number(lead[1]);
        label = label.slice(lead[0].length);
        rule = 'leading-qty';
      }
    }
  }
  let name = cleanName(label.replace(/\s{2,}.*$/, (rest) => (hasWords(rest) ? rest : '')));
  const lines = [l.index];
  if (!hasWords(name) && pendingName !== null) {
    name = cleanName(pendingName.text);
    lines.unshift(pendingName.line);
    rule += '+name-above';
  }
  if (name === '' && sku === null) return null;
  return { sku, name, qty: qty ?? 1, unitPrice, amount, lines, rule };
}
