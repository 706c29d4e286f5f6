/** Minor units → text, by integer arithmetic (never floating point on money). */
const EXPONENT: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3 };
const SYMBOL: Record<string, string> = { CNY: '¥', GBP: '£', USD: '$', EUR: '€', JPY: '¥', HKD: 'HK$', TWD: 'NT$', SGD: 'S$', MYR: 'RM', KRW: '₩' };

export function formatMoney(minor: number, currency: string): string {
  const exp = EXPONENT[currency] ?? 2;
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const unit = 10 ** exp;
  const whole = Math.floor(abs / unit).toLocaleString('en-US');
  const frac = exp === 0 ? '' : `.${String(abs % unit).padStart(exp, '0')}`;
  return `${sign}${SYMBOL[currency] ?? `${currency} `}${whole}${frac}`;
}

/** 0.3812 → "38%" */
export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Minor units → plain decimal for CSV ("-12.50"), no symbol or grouping. */
export function formatDecimal(minor: number, currency: string): string {
  const exp = EXPONENT[currency] ?? 2;
  if (exp === 0) return String(minor);
  const abs = Math.abs(minor);
  const unit = 10 ** exp;
  return `${minor < 0 ? '-' : ''}${Math.floor(abs / unit)}.${String(abs % unit).padStart(exp, '0')}`;
}
