/**
 * Walks a JSON value and lists every numeric field whose name looks like money but does not say
 * its unit. The convention (docs/cli.md "Money in JSON"): integer minor units in a field named
 * `…Minor`, next to a `currency`; a decimal string beside it for people. The only decimal
 * numbers allowed are the Receipt JSON's (DESIGN.md), listed in RECEIPT_DECIMALS.
 */
export const MONEY_NAME = /total|amount|price|net|spend|sales|refund|discount|paid|change|value|revenue|clv|monetary/i;

/** Receipt JSON (DESIGN.md): decimal numbers by contract, each with an `…Minor` integer beside it. */
export const RECEIPT_DECIMALS = new Set(['unitPrice', 'amount', 'subtotal', 'tax', 'rounding', 'total', 'change']);

/**
 * Numbers whose names match MONEY_NAME but are not money, each with the reason. A fraction
 * (`…Share`, 0..1) and member counts. Path patterns: `*` is one array index or key.
 */
export const NOT_MONEY: readonly { path: RegExp; why: string }[] = [
  { path: /Share$/, why: 'a fraction 0..1 of sales' },
  { path: /(^|\.)members\.total$/, why: 'a member count' },
  { path: /(Receipts|Rules)$/, why: 'a count (refundReceipts, totalRules)' },
  { path: /(^|\.)(segments|movement)\.\d+\.change$/, why: 'change in the number of members in a segment' },
  { path: /Bytes$/, why: 'a byte count (disk.totalBytes)' },
];

export interface WalkOptions {
  /** The value is (or holds, at these paths) Receipt JSON: its documented decimals are allowed when an `…Minor` twin is present. */
  receiptAt?: RegExp;
}

export function moneyViolations(value: unknown, opts: WalkOptions = {}, path = '', currency = false): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...moneyViolations(v, opts, path === '' ? String(i) : `${path}.${i}`, currency)));
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  const obj = value as Record<string, unknown>;
  const withCurrency = currency || typeof obj['currency'] === 'string';
  for (const [k, v] of Object.entries(obj)) {
    const p = path === '' ? k : `${path}.${k}`;
    if (typeof v === 'number' && MONEY_NAME.test(k) && !k.endsWith('Minor') && !NOT_MONEY.some((n) => n.path.test(p))) {
      const receiptDecimal = opts.receiptAt?.test(path) === true && RECEIPT_DECIMALS.has(k) && typeof obj[`${k}Minor`] === 'number';
      if (!receiptDecimal) out.push(`${p}=${v}`);
    }
    if (k.endsWith('Minor') && v !== null && !Number.isInteger(v)) out.push(`${p}=${String(v)} (not an integer)`);
    if (k.endsWith('Minor') && !withCurrency) out.push(`${p} (no currency here or above)`);
    out.push(...moneyViolations(v, opts, p, withCurrency));
  }
  return out;
}
