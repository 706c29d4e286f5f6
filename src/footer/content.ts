import { createHmac } from 'node:crypto';
import { formatDecimal, formatMoney } from '../shopper/money.js';
import { basketId } from '../sync/basket.js';
import { textColumns, type FooterLine } from './block.js';

/** What a footer can say about one receipt; every part optional (anonymous: QR and store rules). */
export interface FooterFacts {
  currency: string;
  /** Member month-to-date (this receipt included) and the same days of last month, minor units. */
  month?: { total: number; receipts: number; previousTotal: number };
  /** Items expiring soon: display name and days from today (0 today, 1 tomorrow ...). */
  expiring: { name: string; inDays: number }[];
  /** Products due for restocking. */
  buyAgain: string[];
  /** Store-rule messages, already in the footer's language, coupon codes included. */
  rules: string[];
}

/** Longest product name a footer line shows, in display columns (a CJK character is two). */
const NAME_COLUMNS = 12;

function short(s: string, ascii: boolean): string {
  if (textColumns(s) <= NAME_COLUMNS) return s;
  let out = '';
  for (const ch of s) {
    if (textColumns(out + ch) > NAME_COLUMNS - 1) break;
    out += ch;
  }
  return `${out}${ascii ? '.' : '…'}`;
}
// A single-byte code page cannot show a Chinese name: such items are left out rather than printed as ???.
const printable = (s: string, ascii: boolean): boolean => !ascii || /^[\x20-\x7e]+$/.test(s);

function money(minor: number, currency: string, ascii: boolean): string {
  return ascii ? `${currency} ${formatDecimal(minor, currency)}` : formatMoney(minor, currency);
}

function dayWord(inDays: number, lang: 'zh' | 'en'): string {
  if (lang === 'zh') return inDays <= 0 ? '今天到期' : inDays === 1 ? '明天到期' : `${inDays}天后到期`;
  return inDays <= 0 ? 'use by today' : inDays === 1 ? 'use by tomorrow' : `use within ${inDays} days`;
}

/**
 * The footer's text lines, in `lang`. `ascii`: the printer is in a single-byte code page, so the
 * text must be plain ASCII (lang is then 'en' and money carries the currency code).
 */
export function composeLines(f: FooterFacts, lang: 'zh' | 'en', ascii: boolean): FooterLine[] {
  const lines: FooterLine[] = [];
  if (f.month !== undefined) {
    const m = f.month;
    const delta = m.total - m.previousTotal;
    const spent = money(m.total, f.currency, ascii);
    const diff = money(Math.abs(delta), f.currency, ascii);
    if (lang === 'zh') {
      lines.push({ text: `本月已消费 ${spent}（${m.receipts} 次）`, bold: true });
      if (m.previousTotal > 0 && delta !== 0) lines.push({ text: `比上月同期${delta > 0 ? '多' : '少'} ${diff}` });
    } else {
      lines.push({ text: `This month: ${spent} (${m.receipts} visit${m.receipts === 1 ? '' : 's'})`, bold: true });
      if (m.previousTotal > 0 && delta !== 0) lines.push({ text: `${diff} ${delta > 0 ? 'more' : 'less'} than last month so far` });
    }
  }
  if (f.expiring.length > 0) {
    const items = f.expiring.filter((e) => printable(e.name, ascii)).slice(0, 2).map((e) => `${short(e.name, ascii)} ${dayWord(e.inDays, lang)}`);
    if (items.length > 0) lines.push({ text: lang === 'zh' ? `提醒：${items.join('，')}` : `Reminder: ${items.join(', ')}` });
  }
  if (f.buyAgain.length > 0) {
    const names = f.buyAgain.filter((n) => printable(n, ascii)).slice(0, 2).map((n) => short(n, ascii));
    if (names.length > 0) lines.push({ text: lang === 'zh' ? `该补货了：${names.join('、')}` : `Time to restock: ${names.join(', ')}` });
  }
  for (const r of f.rules) if (printable(r, ascii)) lines.push({ text: r });
  return lines;
}

/** Token length (base64url characters): 96 bits, enough to be unguessable, short for a small QR. */
export const TOKEN_CHARS = 16;

/**
 * {token} for the e-receipt URL: an HMAC-SHA-256, under the key head office shares, of the
 * receipt's basket id (sha256 of store id and receipt id, the `id` of the basket this receipt
 * is synced as), base64url, cut to TOKEN_CHARS. Head office never sees receipt ids, only basket
 * ids, so it recomputes the token from the basket id it stored (`basketToken`); the token names
 * the receipt without revealing the member.
 */
export function receiptToken(storeId: string, receiptId: string, key: string): string {
  return basketToken(basketId(storeId, receiptId), key);
}

/** The same token from a basket id, as head office computes it for each basket it receives. */
export function basketToken(basket: string, key: string): string {
  return createHmac('sha256', key).update(`tillbox-qr-v1\0${basket}`).digest('base64url').slice(0, TOKEN_CHARS);
}

/** footer.qr.url with {store} and {token} filled in. */
export function qrUrl(template: string, store: string, token: string): string {
  return template.replaceAll('{store}', encodeURIComponent(store)).replaceAll('{token}', token);
}
