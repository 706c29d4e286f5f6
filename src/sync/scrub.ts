/**
 * Removes free text that can carry personal data before anything leaves the box: phone numbers,
 * card numbers and other long digit runs, e-mail addresses, and "cashier: name"-style labels with
 * what follows them. Pure string functions; used on item, discount and category names.
 */

/** Seven or more digits, possibly split by spaces, dots or dashes (phones, cards, member ids). */
const LONG_DIGITS = /\+?\d(?:[\s.-]?\d){6,}/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** Partly masked numbers as receipts print them: 138****5678, 6222 **** **** 1234. */
const MASKED_DIGITS = /\d[\d\s-]*[*xX•]{2,}[\d\s*xX•-]*\d/g;
/**
 * A label naming a person (or their card/phone), and the rest of the text after it. Words that
 * never name a product stand alone; ambiguous ones ("name", "会员" as in 会员价) need a colon.
 */
const PERSON_LABEL = /(?:收银员|操作员|营业员|\b(?:cashier|operator|clerk|served\s+by)\b|(?:收银|店员|导购|姓名|会员号?|会员卡|卡号|手机号?|电话|\b(?:name|member(?:ship)?(?:\s*(?:no|id|card))?|card\s*(?:no|number)|phone|tel)\b)\s*[.:：#])\s*.*$/giu;

export const REMOVED = '*';

export function scrubText(text: string, maxLength = 64): string {
  const out = text
    .replace(PERSON_LABEL, '')
    .replace(EMAIL, REMOVED)
    .replace(MASKED_DIGITS, REMOVED)
    .replace(LONG_DIGITS, REMOVED)
    .replace(/\s+/g, ' ')
    .trim();
  return [...out].slice(0, maxLength).join('');
}

/**
 * A product code worth keeping: a valid GTIN (EAN-8, UPC-A, EAN-13, GTIN-14, by check digit),
 * a short numeric code (up to 6 digits) or a short alphanumeric code. Anything else (an 11-digit
 * phone number, a 16-digit card number, text) is dropped to null.
 */
export function scrubSku(sku: string | null): string | null {
  if (sku === null) return null;
  const s = sku.trim();
  if (/^\d{1,6}$/.test(s)) return s;
  if (/^\d+$/.test(s)) return [8, 12, 13, 14].includes(s.length) && gtinCheckDigitOk(s) ? s : null;
  // Codes with letters, at most 6 digits in a row (a phone number with a letter prefix is not a SKU).
  if (/^[A-Za-z0-9._/-]{1,32}$/.test(s) && !/\d{7,}/.test(s)) return s;
  return null;
}

function gtinCheckDigitOk(code: string): boolean {
  const digits = [...code].map(Number);
  const check = digits.pop();
  let sum = 0;
  // Weights 3,1,3,1… from the digit next to the check digit, leftwards (GS1 General Specifications 7.9).
  digits.reverse().forEach((d, i) => {
    sum += d * (i % 2 === 0 ? 3 : 1);
  });
  return (10 - (sum % 10)) % 10 === check;
}

/** Payment methods head office understands; anything else (e.g. a card holder's name) becomes 'other'. */
export const PAYMENT_METHODS = ['cash', 'card', 'wechat', 'alipay', 'unionpay', 'voucher', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export function scrubPaymentMethod(method: string): PaymentMethod {
  const m = method.trim().toLowerCase();
  return (PAYMENT_METHODS as readonly string[]).includes(m) ? (m as PaymentMethod) : 'other';
}
