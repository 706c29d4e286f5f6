/**
 * Dates and times as receipts print them: 2026-11-23, 2026/11/23, 23/11/2026, 11/23/2026 (by the
 * configured order), 23.11.26, 2026年11月23日, 23 Nov 2026, Nov 23, 2026, 23Nov'26, 20261123, and
 * month names in English, Malay, German and French. Pure: no clock; two-digit years 00–69 are 20yy,
 * 70–99 are 19yy.
 */
export type DateOrder = 'DMY' | 'MDY' | 'YMD';

export interface DateHit {
  y: number;
  m: number;
  d: number;
  start: number;
  end: number;
  /** True when day and month could be swapped and the configured order decided. */
  ambiguous: boolean;
}

export interface TimeHit {
  h: number;
  min: number;
  s: number;
  start: number;
  end: number;
}

const MONTHS: Record<string, number> = {};
const monthNames: [number, string[]][] = [
  [1, ['jan', 'january', 'januari', 'januar', 'janvier', 'janv', 'jän', 'jaenner']],
  [2, ['feb', 'february', 'februari', 'februar', 'février', 'fevrier', 'févr', 'fevr']],
  [3, ['mar', 'march', 'mac', 'mac', 'mär', 'märz', 'maerz', 'mrz', 'mars']],
  [4, ['apr', 'april', 'avril', 'avr']],
  [5, ['may', 'mei', 'mai']],
  [6, ['jun', 'june', 'juni', 'juin']],
  [7, ['jul', 'july', 'julai', 'juli', 'juillet', 'juil']],
  [8, ['aug', 'august', 'ogos', 'ogo', 'août', 'aout']],
  [9, ['sep', 'sept', 'september', 'septembre']],
  [10, ['oct', 'october', 'okt', 'oktober', 'octobre']],
  [11, ['nov', 'november', 'novembre']],
  [12, ['dec', 'december', 'dis', 'disember', 'dez', 'dezember', 'déc', 'décembre', 'decembre']],
];
for (const [n, names] of monthNames) for (const name of names) MONTHS[name] = n;
const MONTH_ALT = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');

const SEP = String.raw`[\/\-.]`;
// Numeric dates: y-m-d with a 4-digit year first, else three groups read by the date order.
const YMD_RE = new RegExp(String.raw`(?<!\d)(\d{4})\s?(${SEP})\s?(\d{1,2})\s?\2\s?(\d{1,2})(?!\d)`, 'g');
const NUM3_RE = new RegExp(String.raw`(?<![\d.])(\d{1,2})\s?(${SEP})\s?(\d{1,2})\s?${SEP}\s?(\d{4}|\d{2})(?![\d]|\.\d)`, 'g');
const CJK_RE = /(\d{2,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?/g;
const COMPACT_RE = /(?<![\d.,])(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d.,])/g;
const D_MON_Y_RE = new RegExp(String.raw`(?<![\dA-Za-z#])(\d{1,2})(?:st|nd|rd|th)?(?:\s*of)?[\s\-\/.]*(${MONTH_ALT})\.?[\s\-\/.,]*['´’]?(\d{4}|\d{2})(?![\d])`, 'gi');
const MON_D_Y_RE = new RegExp(String.raw`(?<![A-Za-z])(${MONTH_ALT})\.?[\s\-\/.]*(\d{1,2})(?:st|nd|rd|th)?[\s,\-\/.]*['´’]?(\d{4}|\d{2})(?![\d])`, 'gi');

function year(text: string): number {
  const n = Number(text);
  // Two-digit years: 70–99 are 1970–1999 (old captures), the rest 20xx. No clock is read.
  return text.length <= 2 ? (n >= 70 ? 1900 + n : 2000 + n) : n;
}

function valid(y: number, m: number, d: number): boolean {
  if (y < 1970 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 31;
  return d <= days;
}

const MONTH_WORD_RE = new RegExp(`(?<![a-z\u00e0-\u00ff])(?:${MONTH_ALT})(?![a-z\u00e0-\u00ff])`, 'i');

/** Cheap pre-check: a numeric date has two separators between digits, a 年, or 8 digits from 20xx. */
const NUMERIC_HINT_RE = /\d\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d|年|(?<!\d)20\d{6}(?!\d)/;

/** A word that names a month: the month-name patterns are costly, so look first. */
function hasMonthWord(line: string): boolean {
  return MONTH_WORD_RE.test(line);
}

/** Every plausible date in a (normalised) line, left to right. */
export function findDates(line: string, order: DateOrder): DateHit[] {
  const hits: DateHit[] = [];
  // Every form needs at least two digits in a row, or a digit and a CJK date mark.
  const month = hasMonthWord(line);
  if (!month && !NUMERIC_HINT_RE.test(line)) return hits;
  const push = (y: number, m: number, d: number, start: number, end: number, ambiguous = false) => {
    if (!valid(y, m, d)) return;
    if (hits.some((h) => start < h.end && end > h.start)) return;
    hits.push({ y, m, d, start, end, ambiguous });
  };
  for (const m of line.matchAll(CJK_RE)) push(year(m[1] ?? ''), Number(m[2]), Number(m[3]), m.index, m.index + m[0].length);
  for (const m of line.matchAll(YMD_RE)) push(Number(m[1]), Number(m[3]), Number(m[4]), m.index, m.index + m[0].length);
  for (const m of line.matchAll(NUM3_RE)) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const y = year(m[4] ?? '');
    // Dotted dates are day-first in every locale that prints them (de, fr, ms).
    const dayFirst = m[2] === '.' ? true : order !== 'MDY';
    if (a > 12 && b <= 12) push(y, b, a, m.index, m.index + m[0].length);
    else if (b > 12 && a <= 12) push(y, a, b, m.index, m.index + m[0].length);
    else if (dayFirst) push(y, b, a, m.index, m.index + m[0].length, a !== b);
    else push(y, a, b, m.index, m.index + m[0].length, a !== b);
  }
  if (!month) {
    for (const m of line.matchAll(COMPACT_RE)) push(Number(m[1]), Number(m[2]), Number(m[3]), m.index, m.index + m[0].length);
    return hits.sort((a, b) => a.start - b.start);
  }
  for (const m of line.matchAll(D_MON_Y_RE)) push(year(m[3] ?? ''), MONTHS[(m[2] ?? '').toLowerCase()] ?? 0, Number(m[1]), m.index, m.index + m[0].length);
  for (const m of line.matchAll(MON_D_Y_RE)) push(year(m[3] ?? ''), MONTHS[(m[1] ?? '').toLowerCase()] ?? 0, Number(m[2]), m.index, m.index + m[0].length);
  for (const m of line.matchAll(COMPACT_RE)) push(Number(m[1]), Number(m[2]), Number(m[3]), m.index, m.index + m[0].length);
  return hits.sort((a, b) => a.start - b.start);
}

const TIME_RE = /(?<![\d:.])([01]?\d|2[0-3])\s?[:：时]\s?([0-5]\d)(?:\s?[:：分]\s?([0-5]\d))?(?:\s?秒)?(?![\d])(?:\s?([AaPp])\.?\s?[Mm]\.?)?/g;
const CJK_NOON_RE = /(上午|下午|晚上)\s*$/;

/** Every plausible clock time in a (normalised) line. */
export function findTimes(line: string): TimeHit[] {
  const out: TimeHit[] = [];
  for (const m of line.matchAll(TIME_RE)) {
    let h = Number(m[1]);
    const ampm = m[4]?.toLowerCase();
    const before = line.slice(Math.max(0, m.index - 3), m.index);
    const cjk = CJK_NOON_RE.exec(before)?.[1];
    if (ampm === 'p' || cjk === '下午' || cjk === '晚上') {
      if (h < 12) h += 12;
    } else if ((ampm === 'a' || cjk === '上午') && h === 12) h = 0;
    out.push({ h, min: Number(m[2]), s: m[3] === undefined ? 0 : Number(m[3]), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function isoDate(d: { y: number; m: number; d: number }): string {
  return `${pad(d.y, 4)}-${pad(d.m)}-${pad(d.d)}`;
}

/**
 * Local wall-clock time in an IANA zone to ISO 8601 with that zone's offset at that moment.
 * Uses Intl's zone data; no clock is read.
 */
export function isoLocal(date: { y: number; m: number; d: number }, time: { h: number; min: number; s: number } | null, timeZone: string): string {
  const t = time ?? { h: 0, min: 0, s: 0 };
  const asUtc = Date.UTC(date.y, date.m - 1, date.d, t.h, t.min, t.s);
  // The offset at the instant the local time names: guess with the offset at asUtc, then correct once.
  let offset = zoneOffsetMinutes(asUtc, timeZone);
  offset = zoneOffsetMinutes(asUtc - offset * 60_000, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const tz = `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  const day = isoDate(date);
  return time === null ? day : `${day}T${pad(t.h)}:${pad(t.min)}:${pad(t.s)}${tz}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/** Offsets change on whole hours (or half hours) only: memoised per zone and UTC hour. */
function zoneOffsetMinutes(utcMs: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(utcMs / 1_800_000)}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  if (offsets.size > 50_000) offsets.clear();
  const v = computeOffset(utcMs, timeZone);
  offsets.set(key, v);
  return v;
}

function computeOffset(utcMs: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
  return Math.round((local - Math.floor(utcMs / 1000) * 1000) / 60_000);
}
