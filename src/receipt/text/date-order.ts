/**
 * Which order a till prints its numeric dates in (DMY, MDY, YMD), from evidence rather than one
 * default. Pure: the caller learns across receipts (per till) and passes the learned order in.
 *
 * Precedence for the ambiguous dates of one receipt (03/04/2026):
 *   1. an explicit `parser.dateOrder` (config): the installer knows best;
 *   2. an unambiguous date on the same receipt (25/04/2026 says DMY);
 *   3. the order learned from the till's earlier unambiguous dates;
 *   4. what the receipt says about its country (currency, phone format, words, script);
 *   5. DMY, the order most of the world prints.
 */
import type { DateOrder } from './dates.js';

export type DateOrderSetting = DateOrder | 'auto';

/** Unambiguous dates seen, by the order they prove. */
export interface DateOrderVotes {
  DMY: number;
  MDY: number;
  YMD: number;
}

export type DateOrderSource = 'config' | 'receipt' | 'learned' | 'hint' | 'default';

export interface DateOrderDecision {
  order: DateOrder;
  source: DateOrderSource;
  /** Why, in words a person can check ("25/04/2026 is day-first", "$ and a US phone number"). */
  evidence: string[];
  /** This receipt's own unambiguous dates, for the caller to learn from. */
  votes: DateOrderVotes;
}

export const noVotes = (): DateOrderVotes => ({ DMY: 0, MDY: 0, YMD: 0 });

// Slash or dash numeric dates with the year last: a/b/yyyy. Dotted dates are day-first everywhere
// they are printed, so they prove nothing about the slash order.
const NUM3_RE = /(?<![\d.])(\d{1,2})\s?([/-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?![\d]|\.\d)/g;
const YEAR_FIRST_RE = /(?<!\d)(?:19|20)\d{2}\s?([/.-])\s?(\d{1,2})\s?\1\s?(\d{1,2})(?!\d)|\d{2,4}\s*年\s*\d{1,2}\s*月/g;

/** The unambiguous dates in some lines: a day over 12 on one side of a slash proves the order. */
export function dateOrderVotes(lines: readonly string[]): { votes: DateOrderVotes; evidence: string[] } {
  const votes = noVotes();
  const evidence: string[] = [];
  for (const line of lines) {
    if (!/\d/.test(line)) continue;
    for (const m of line.matchAll(NUM3_RE)) {
      const a = Number(m[1]);
      const b = Number(m[3]);
      if (a > 12 && a <= 31 && b >= 1 && b <= 12) {
        votes.DMY++;
        if (evidence.length < 3) evidence.push(`${m[0].trim()} is day-first`);
      } else if (b > 12 && b <= 31 && a >= 1 && a <= 12) {
        votes.MDY++;
        if (evidence.length < 3) evidence.push(`${m[0].trim()} is month-first`);
      }
    }
    for (const m of line.matchAll(YEAR_FIRST_RE)) {
      votes.YMD++;
      if (evidence.length < 3) evidence.push(`${m[0].trim()} is year-first`);
    }
  }
  return { votes, evidence };
}

/** The order most votes prove, or null with none (or a tie between day-first and month-first). */
export function orderFromVotes(v: DateOrderVotes): DateOrder | null {
  // YMD decides no slash date (a/b/yyyy is read day-first under YMD), so it only wins alone.
  if (v.DMY === 0 && v.MDY === 0) return v.YMD > 0 ? 'YMD' : null;
  if (v.DMY === v.MDY) return null;
  return v.DMY > v.MDY ? 'DMY' : 'MDY';
}

const US_STATES = 'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY';

interface HintRule {
  order: DateOrder;
  /** Points towards `order` when the pattern is found anywhere on the receipt. */
  weight: number;
  re: RegExp;
  why: string;
}

// Facts about where receipts come from, not about one shop. Weights: a currency or a country
// name is strong; a word or a phone layout is weaker on its own and adds up with the others.
const HINTS: readonly HintRule[] = [
  { order: 'MDY', weight: 2, re: /\(\d{3}\)\s?\d{3}[-.\s]\d{4}|(?<!\d)\d{3}[-.]\d{3}[-.]\d{4}(?!\d)/, why: 'a US/Canada phone number' },
  { order: 'MDY', weight: 1, re: /\$\s?\d/, why: 'a $ amount' },
  { order: 'MDY', weight: 2, re: /\b(?:USD|U\.S\.A?\.?|USA)\b/, why: 'USD/USA' },
  { order: 'MDY', weight: 2, re: new RegExp(`(?:,\\s?|\\s)(?:${US_STATES})\\s?\\d{5}(?:-\\d{4})?(?!\\d)|,\\s?(?:${US_STATES})$`, 'm'), why: 'a US state and ZIP code' },
  { order: 'MDY', weight: 1, re: /\b(?:sales\s?tax|change\s?due|tip|gratuity|server)\b/i, why: 'US receipt words' },
  { order: 'DMY', weight: 3, re: /\bRM\s?\d|\bMYR\b|\bmalaysia\b|\bsdn\.?\s?bhd\b|\bjalan\b|\bselangor\b|\bjohor\b|\bkuala\s?lumpur\b/i, why: 'Malaysian ringgit or address' },
  { order: 'DMY', weight: 2, re: /\bGST\b|\bSST\b|\bABN\b/, why: 'GST/SST/ABN (Malaysia, Singapore, Australia, India)' },
  { order: 'DMY', weight: 3, re: /€|£|\b(?:EUR|GBP|INR|AUD|NZD|SGD)\b/, why: 'a €/£ (or INR, AUD, NZD, SGD) amount' },
  { order: 'DMY', weight: 2, re: /\b(?:mwst|ust|summe|rückgeld|rueckgeld|gesamt|tva|ttc|espèces|especes|merci|danke|totale|iva|btw|kassa|bon|rechnung|quittung)\b/i, why: 'European receipt words' },
  { order: 'DMY', weight: 2, re: /\b(?:VAT|V\.A\.T\.)\b|\bUK\b|\blondon\b|\bltd\b|\bplc\b/i, why: 'VAT/UK words' },
  { order: 'DMY', weight: 2, re: /\+(?:33|34|39|41|43|44|49|60|61|65|91)[\s\d]/, why: 'a European/Asian/Australian dialling code' },
  { order: 'YMD', weight: 3, re: /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/, why: 'Chinese, Japanese or Korean text' },
];

/** What the receipt says about its country, as an order with its evidence; null when it says nothing. */
export function dateOrderHint(lines: readonly string[]): { order: DateOrder; evidence: string[] } | null {
  const text = lines.join('\n');
  const score: Record<DateOrder, number> = { DMY: 0, MDY: 0, YMD: 0 };
  const why: Record<DateOrder, string[]> = { DMY: [], MDY: [], YMD: [] };
  for (const h of HINTS) {
    if (!h.re.test(text)) continue;
    score[h.order] += h.weight;
    why[h.order].push(h.why);
  }
  // A lone $ or a thank-you is printed the world over: it needs a second sign to mean the US.
  if (score.MDY < 2) score.MDY = 0;
  const best = (['YMD', 'DMY', 'MDY'] as const).reduce((a, b) => (score[b] > score[a] ? b : a));
  return score[best] === 0 ? null : { order: best, evidence: why[best] };
}

/**
 * The order to read one receipt's ambiguous dates in. `setting` is config `parser.dateOrder`;
 * `learned` is what the caller learned from this till's earlier receipts (null: nothing yet).
 */
export function resolveDateOrder(lines: readonly string[], setting: DateOrderSetting, learned: DateOrder | null): DateOrderDecision {
  const own = dateOrderVotes(lines);
  if (setting !== 'auto') return { order: setting, source: 'config', evidence: [`parser.dateOrder: ${setting}`], votes: own.votes };
  const fromReceipt = orderFromVotes(own.votes);
  if (fromReceipt !== null && fromReceipt !== 'YMD') return { order: fromReceipt, source: 'receipt', evidence: own.evidence, votes: own.votes };
  if (learned !== null) return { order: learned, source: 'learned', evidence: [`learned from this till's earlier receipts: ${learned}`], votes: own.votes };
  const hint = dateOrderHint(lines);
  if (hint !== null) return { order: hint.order, source: 'hint', evidence: hint.evidence, votes: own.votes };
  if (fromReceipt === 'YMD') return { order: 'YMD', source: 'receipt', evidence: own.evidence, votes: own.votes };
  return { order: 'DMY', source: 'default', evidence: ['nothing on the receipt says otherwise: day-first'], votes: own.votes };
}
