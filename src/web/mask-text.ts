/**
 * Member ids and phone numbers in decoded receipt text, masked before the text reaches a screen.
 * Receipts print them in many forms ("会员卡号: 8800123456", "VIP 8800…", "Card No: …",
 * "Tel +86 138-1234-5678", a label garbled by the wrong code page), so masking goes by what the
 * parser found and by pattern, most specific first, on each line:
 *
 *  1. the values the parser found (known member ids), wherever they appear;
 *  2. a number after a personal label (member, card, VIP, loyalty, phone, tel … in Chinese or
 *     English, also partial labels such as 员卡号), or after a label the decoder garbled
 *     (U+FFFD, Latin-1 mojibake, ?), when it has at least MIN_LABELLED_DIGITS digits;
 *  3. phone numbers without a label: +country forms, (area) forms, dashed groups, mainland
 *     mobiles (also written 138 1234 5678);
 *  4. any other run of at least MIN_BARE_DIGITS digits.
 *
 * Steps 3 and 4 leave alone what is not personal: money (digits with a decimal point), dates and
 * times (2026-11-23, 23/11/2026, 10:15:32, compact 20261123 / 23112026 / 202611231015 / 20261123101532), the
 * number after a receipt/transaction/till label, SKUs the parser found (`keep`), and runs of a
 * barcode's length (8, 12, 13, 14 digits) on a line that also prints an amount (an item line). The
 * check digit is not required: in-store and weighed-goods codes often do not carry a GS1 one. Every replacement
 * keeps the text's length and layout: each hidden digit becomes one `*`.
 */
import { maskMember } from './mask-member.js';

/** A labelled number shorter than this is not an id (quantities, "VIP 2"). */
export const MIN_LABELLED_DIGITS = 5;
/** An unlabelled digit run this long is treated as an id unless it is a date, money, or a barcode. */
export const MIN_BARE_DIGITS = 8;
/**
 * A printed line is at most 80 columns; a decoded "line" longer than this is damage (a document
 * without line feeds) and has every digit masked, which also keeps the patterns below linear.
 */
export const MAX_MASKED_LINE_CHARS = 1024;

const D = '[0-9\\uFF10-\\uFF19]'; // ASCII and full-width digits (GB18030 receipts print both)
const isDigit = (c: string): boolean => /[0-9\uFF10-\uFF19]/.test(c);
const asciiDigits = (s: string): string => [...s].filter(isDigit).map((c) => String((c.codePointAt(0) ?? 48) >= 0xff10 ? (c.codePointAt(0) ?? 0) - 0xff10 : Number(c))).join('');

// A written number: digits with single spaces, dashes or brackets between groups, maybe +country.
const VALUE = `(?:\\+\\s?)?\\(?${D}(?:${D}|\\)|[ -](?=\\(?${D}))*(?!${D}|[.,．]${D})`;
const PERSONAL_LABEL =
  '会员|會員|员卡|員卡|卡号|卡號|手机|手機|电话|電話|联系|聯繫|号码|號碼|顾客|顧客|客户|客戶|积分卡|積分卡|' +
  'member(?:ship)?|mem\\b|vip|loyalty|card|customer|cust\\b|client|account|acct|tel(?:ephone)?|phone|mobile|mob\\b|cell|contact';
const LABEL_TAIL = '(?:\\s*(?:no|nr|num(?:ber)?|id|code|card|reg(?:istration)?|[#＃]|号码|号|號|卡号|卡|编号|編號)\\.?)*\\s*(?:[:：#＃=]\\s*)?';
const PERSONAL = new RegExp(`((?:${PERSONAL_LABEL})${LABEL_TAIL})(${VALUE})`, 'giu');
// A label token (no spaces, digits or colons) holding at least one garbled character; written with a
// lookbehind and a lookahead so each token is tried once (linear, not cubic, on a long token).
const GARBLED = new RegExp(`((?<![^\\s0-9:：])(?=[^\\s0-9:：]*[\\uFFFD\\u0080-\\u024F?])[^\\s0-9:：]+\\s*[:：#＃]\\s*)(${VALUE})`, 'gu');

const SAFE_LABEL =
  '单号|單號|流水号?|小票号?|票号|交易号|订单号|機號|机号|收银员?|收銀員?|工号|款台|台号|' +
  '发票|發票|税号|稅號|' +
  'receipt|rcpt|trans(?:action)?|txn|invoice|inv|bill|doc|order|ref(?:erence)?|till|pos|cashier|terminal|batch|auth(?:\\s*code)?|' +
  'gst|vat|tax|sst|company|co\\b';
const PROTECTED: readonly RegExp[] = [
  new RegExp(`(?:${SAFE_LABEL})${LABEL_TAIL}[A-Za-z]{0,4}[#/-]?${VALUE}`, 'giu'), // e.g. INVOICE # : OR1803…, GST NO: 0008…
  new RegExp(`(?<![0-9\\uFF10-\\uFF19,])${D}[0-9\\uFF10-\\uFF19,]*[.．]${D}+`, 'gu'), // money, weights
  new RegExp(`(?<!${D})(?:19|20)${D}{2}([-/.年])${D}{1,2}(?:\\1|月)${D}{1,2}日?(?!${D})`, 'gu'),
  new RegExp(`(?<!${D})${D}{1,2}([-/.])${D}{1,2}\\1(?:19|20)?${D}{2}(?!${D})`, 'gu'),
  new RegExp(`(?<!${D})${D}{1,2}[:：]${D}{2}(?:[:：]${D}{2})?(?!${D})`, 'gu'),
];
const COMPACT_DATE = /^(?:(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:(?:[01]\d|2[0-3])[0-5]\d(?:[0-5]\d)?)?|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2})$/;
const MONEY = new RegExp(`${D}[.．]${D}{2}(?!${D})`, 'u');

const PHONES: readonly RegExp[] = [
  new RegExp(`\\+\\s?${D}{1,3}(?:[ -]?\\(?${D}{1,4}\\)?)(?:[ -]?${D}{2,5}){1,4}(?!${D})`, 'gu'),
  new RegExp(`\\(${D}{2,4}\\)\\s?${D}{3,4}[ -]?${D}{4}(?!${D})`, 'gu'),
  new RegExp(`(?<!${D})${D}{2,4}-${D}{2,8}(?:[ -]${D}{2,8}){0,2}(?!${D})`, 'gu'), // 010-62345678, 07-386 7524
  new RegExp(`(?<!${D})1[3-9]${D}[ -]?${D}{4}[ -]?${D}{4}(?!${D})`, 'gu'),
];
const BARE = new RegExp(`(?<!${D})${D}{${MIN_BARE_DIGITS},}(?!${D})`, 'gu');

/** Masks member ids and phone numbers in decoded text. `known`: ids the parser found; `keep`: SKUs it found. */
export function maskText(text: string, known: readonly (string | null)[] = [], keep: readonly (string | null)[] = []): string {
  let out = text;
  for (const id of known) if (id !== null && [...id].length >= 3) out = out.replace(knownPattern(id), (m) => maskDigitsIn(m));
  const kept = new Set(keep.filter((k): k is string => k !== null && k.length > 0));
  return out.split('\n').map((line) => maskLine(line, kept)).join('\n');
}

function maskLine(line: string, keep: ReadonlySet<string>): string {
  if (line.length > MAX_MASKED_LINE_CHARS) return line.replace(/[0-9\uFF10-\uFF19]/gu, '*');
  let out = line.replace(PERSONAL, (_m, label: string, value: string) => label + (asciiDigits(value).length >= MIN_LABELLED_DIGITS ? maskDigitsIn(value) : value));
  out = out.replace(GARBLED, (_m, label: string, value: string) => label + (asciiDigits(value).length >= MIN_LABELLED_DIGITS ? maskDigitsIn(value) : value));
  const spans: [number, number][] = [];
  for (const re of PROTECTED) for (const m of out.matchAll(re)) spans.push([m.index, m.index + m[0].length]);
  const isProtected = (start: number, end: number): boolean => spans.some(([s, e]) => start < e && end > s);
  const itemLine = MONEY.test(out);
  for (const re of PHONES) {
    out = out.replace(re, (m: string, ...rest: unknown[]) => {
      const at = offsetOf(rest);
      return asciiDigits(m).length >= 7 && !isProtected(at, at + m.length) ? maskDigitsIn(m) : m;
    });
  }
  return out.replace(BARE, (m: string, ...rest: unknown[]) => {
    const at = offsetOf(rest);
    const digits = asciiDigits(m);
    if (isProtected(at, at + m.length) || keep.has(m) || keep.has(digits) || COMPACT_DATE.test(digits)) return m;
    if (itemLine && GTIN_LENGTHS.includes(digits.length)) return m;
    return maskDigitsIn(m);
  });
}

/** String.replace passes (…groups, offset, whole[, namedGroups]); the offset is the first number after the groups. */
function offsetOf(rest: unknown[]): number {
  const n = rest.find((x) => typeof x === 'number');
  return typeof n === 'number' ? n : 0;
}

/** The id as printed, also with spaces or dashes between its characters. */
function knownPattern(id: string): RegExp {
  const chars = [...id].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(chars.join('[ -]?'), 'gu');
}

/** Masks the digits (and letters of an alphanumeric id) of a written value, keeping its layout. */
function maskDigitsIn(written: string): string {
  const positions: number[] = [];
  const chars = [...written];
  chars.forEach((c, i) => {
    if (isDigit(c) || /\p{L}/u.test(c)) positions.push(i);
  });
  const masked = maskMember(positions.map((i) => chars[i]).join(''));
  const maskedChars = [...masked];
  positions.forEach((pos, k) => {
    chars[pos] = maskedChars[k] ?? '*';
  });
  return chars.join('');
}

const GTIN_LENGTHS: readonly number[] = [8, 12, 13, 14];
