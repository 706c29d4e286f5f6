import type { DecodedDocument } from '../../escpos/types.js';
import { lineRole, type LineRole } from '../keywords.js';
import { findDates, findTimes, type DateHit, type DateOrder, type TimeHit } from '../text/dates.js';
import { findAmounts, type AmountToken } from '../text/money.js';
import { normalise } from '../text/normalise.js';

/** One printed line, analysed once and shared by every rule. */
export interface Line {
  index: number;
  /** As printed (layout spaces kept). */
  raw: string;
  /** Normalised (full-width folded), trimmed. */
  text: string;
  lower: string;
  amounts: AmountToken[];
  role: LineRole | null;
  /** Printed emphasised (bold, double width or height). */
  emphasis: boolean;
  /** Text left of the first amount, trimmed. */
  label: string;
  /** Memo of lineDates / lineTimes: dates are looked at by several rules. */
  memo: { dates?: Partial<Record<DateOrder, DateHit[]>>; times?: TimeHit[] };
}

export function lineDates(l: Line, order: DateOrder): DateHit[] {
  l.memo.dates ??= {};
  return (l.memo.dates[order] ??= findDates(l.text, order));
}

export function lineTimes(l: Line): TimeHit[] {
  l.memo.times ??= findTimes(l.text);
  return l.memo.times;
}

/**
 * Roles matter only where money is: a line with an amount, or a label whose amount is printed on
 * the next line. Other lines skip the keyword tables (most of the parse time otherwise).
 */
export function analyseLines(doc: DecodedDocument): Line[] {
  const lines = doc.lines.map((l, index) => {
    const text = normalise(l.text).trim();
    const lower = text.toLowerCase();
    const amounts = findAmounts(text);
    const first = amounts[0];
    const label = (first === undefined ? text : text.slice(0, first.start)).trim();
    const emphasis = l.spans.some((s) => s.style.bold || s.style.width > 1 || s.style.height > 1);
    const line: Line = { index, raw: l.text, text, lower, amounts, role: null, emphasis, label, memo: {} };
    return line;
  });
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === undefined || l.text === '') continue;
    if (l.amounts.length > 0 || (lines[i + 1]?.amounts.length ?? 0) > 0 || /\d\s*$/.test(l.text)) l.role = lineRole(l.lower);
  }
  return lines;
}

/** Does the line hold letters (any script) besides numbers and punctuation? */
export function hasWords(text: string): boolean {
  return /[\p{L}]{2,}/u.test(text);
}

/** A separator rule: ----, ====, ****, ____ or box-drawing. */
export function isRule(text: string): boolean {
  return /^[\s\-=*_~.#+]{4,}$/.test(text) && /[-=*_~]{4,}/.test(text);
}
