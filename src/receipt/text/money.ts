/**
 * Money tokens in receipt text, read into integer minor units (fen, cents). An amount has exactly
 * two decimals ("12.80", "12,80", "1,234.56", "1.234,56", ".87", "9.00-", "(5.59)", "RM 60.30",
 * "¥68.00"); numbers without two decimals are quantities, codes or dates, never money.
 */
export interface AmountToken {
  /** Minor units, negative for "-1.00", "1.00-" and "(1.00)". */
  value: number;
  /** UTF-16 offsets of the token in the line (sign and currency included). */
  start: number;
  end: number;
  /** Currency symbol or code printed with the amount, if any. */
  currency: string | null;
}

const CURRENCY = String.raw`RM|S\$|US\$|A\$|HK\$|\$|£|€|¥|￥|EUR|USD|GBP|MYR|RMB|CNY|SGD|CHF|Rp|元`;

const AMOUNT_RE = new RegExp(
  String.raw`(?<![\d.,/])(\()?(-\s?)?(?:(${CURRENCY})\s?)?(-\s?)?(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:'\d{3})+|\d*)([.,])(\d{2})(?!\d|[.,:/]\d|\s?%|\s?[AaPp]\.?[Mm]\b)(\))?(-(?![\d]))?(?:\s?(${CURRENCY})(?![A-Za-z]))?`,
  'g',
);

/** Every money token in a (normalised) line, left to right. */
export function findAmounts(line: string): AmountToken[] {
  const out: AmountToken[] = [];
  AMOUNT_RE.lastIndex = 0;
  for (let m = AMOUNT_RE.exec(line); m !== null; m = AMOUNT_RE.exec(line)) {
    const intPart = m[5] ?? '';
    const sep = m[6] ?? '.';
    // "1.234" style thousands with a comma decimal, or plain digits.
    if (intPart.includes(sep)) continue;
    const whole = intPart === '' ? 0 : Number(intPart.replace(/[,.']/g, ''));
    let value = whole * 100 + Number(m[7]);
    const negative = m[2] !== undefined || m[4] !== undefined || (m[1] !== undefined && m[8] !== undefined) || m[9] !== undefined;
    if (negative) value = -value;
    // A bare ".5" preceded by a letter is a code (e.g. "V1.50a" is fine, "A.87" is not a price).
    out.push({ value, start: m.index, end: m.index + m[0].length, currency: m[3] ?? m[10] ?? null });
  }
  return out;
}

/** The one amount a short string holds ("12.80", "RM 5.00"), or null. */
export function parseAmount(text: string): number | null {
  const found = findAmounts(text.trim());
  return found.length === 1 ? (found[0]?.value ?? null) : null;
}

/** Minor units to a decimal string with two places: 1160 -> "11.60", -5 -> "-0.05". */
export function formatMinor(minor: number, digits = 2): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const scale = 10 ** digits;
  const frac = digits === 0 ? '' : `.${String(abs % scale).padStart(digits, '0')}`;
  return `${sign}${Math.floor(abs / scale)}${frac}`;
}

/** Minor units to a JSON number with exact decimal text (11.6 for 1160): built from the string, not by division. */
export function minorToDecimal(minor: number, digits = 2): number {
  return Number(formatMinor(minor, digits));
}
