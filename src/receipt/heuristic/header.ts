import type { ReceiptKind } from '../types.js';
import { COPY_RE, HEADER_NOISE_RE, NOT_RETURNABLE_RE, OTHER_RE, REFUND_RE, REPRINT_RE, SLIP_COPY_RE, VOID_RE } from '../keywords.js';
import type { DateHit, DateOrder, TimeHit } from '../text/dates.js';
import { cleanName } from '../text/normalise.js';
import { hasWords, isRule, lineDates, lineTimes, type Line } from './lines.js';

export interface FoundText {
  value: string;
  line: number;
  rule: string;
}

const COMPANY_RE = /\b(sdn\.?\s*bhd|bhd|berhad|enterprise|trading|ltd|limited|gmbh|inc|llc|co\.|corp|s\.a\.|sarl|s\.a\.s|plc|pty|restaurant|restoran|cafe|café|bakery|supermarket|mart|market|store|shop|kedai|hotel|bar|pub|grill|pizza|pharmacy|boulangerie|bäckerei|metzgerei)\b|有限公司|超市|商店|商行|餐厅|餐馆|酒店|饭店|便利店|药房|面包|烘焙|商场|百货/i;
const NOT_STORE_RE = /^(receipt|official\s*receipt|tax\s*invoice|invoice|cash\s*(sale|bill|receipt)|simplified\s*tax\s*invoice|sales?\s*(invoice|receipt)|bill|quittung|rechnung|kassenbon|beleg|re(ç|c)u|facture|ticket|welcome|thank\s*you|resit|copy|reprint|duplicate|customer\s*copy)\b|欢迎|谢谢|收据|小票|发票|收银小票|购物小票|客人就餐消费单|消费单|结账单|^[\d\s\-().+]+$/i;
const ADDRESS_RE = /\b(jalan|jln|lorong|taman|street|st\.|road|rd\.?|avenue|ave|blvd|lane|drive|dr\.|straße|strasse|str\.|rue|avenue|bd|no\.\s*\d|lot\s*\d|floor|level|suite|unit)\b|\d{5}|路|街|号|區|区|市|省/i;

const CONTINUATION_RE = /^(co\.|company|sdn\.?\s*bhd|s\/b|bhd|berhad|enterprise|trading|holdings|ltd|limited|gmbh|inc|llc|\(m\)|&)/i;

/** The shop's name: an emphasised or company-like line near the top, not an address or a title. */
export function findStore(lines: readonly Line[], headerEnd: number, order: DateOrder = 'DMY'): FoundText | null {
  const limit = Math.min(headerEnd, 8, lines.length);
  const candidates: { line: Line; score: number }[] = [];
  for (let i = 0; i < limit; i++) {
    const l = lines[i];
    if (l === undefined || l.text === '' || isRule(l.text) || l.amounts.length > 0) continue;
    if (!hasWords(l.text) || NOT_STORE_RE.test(l.text.replace(/^[*\s\-=]+/, '')) || HEADER_NOISE_RE.test(l.text)) continue;
    if (lineDates(l, order).length > 0) continue;
    let score = 10 - i;
    if (l.emphasis) score += 6;
    if (COMPANY_RE.test(l.text)) score += 5;
    if (ADDRESS_RE.test(l.text)) score -= 6;
    if (/[,]/.test(l.text)) score -= 2;
    candidates.push({ line: l, score });
  }
  const best = candidates.sort((a, b) => b.score - a.score || a.line.index - b.line.index)[0];
  if (best === undefined) return null;
  let text = best.line.text.replace(/^\*+|\*+$/g, '');
  let rule = best.line.emphasis ? 'store:emphasised' : 'store:top-line';
  // A name wrapped over two lines: "POPULAR BOOK" / "CO. (M) SDN BHD", "AIK HUAT HARDWARE" / "ENTERPRISE (SETIA ...".
  const above = lines[best.line.index - 1];
  if (CONTINUATION_RE.test(text) && above !== undefined && candidates.some((c) => c.line === above)) {
    text = `${above.text} ${text}`;
    rule += '+line-above';
  }
  const below = lines[best.line.index + 1];
  if (/\([^)]*$/.test(text) && below !== undefined && /^[^(]*\)/.test(below.text)) {
    text = `${text} ${below.text}`;
    rule += '+line-below';
  }
  const value = cleanName(text);
  return value === '' ? null : { value, line: best.line.index, rule };
}

const RECEIPT_NO_RE = /(?:单号|小票号|流水号|票号|交易号|订单号|单据号|收据号|账单号|(?<![a-z])(?:receipt|rcpt|invoice|inv|bill|doc(?:ument)?|trans(?:action)?|txn|trx|order|check|chk|docket|ticket|slip|beleg|bon|facture|resit|no\.?\s*resit)\s*(?:no|nr|num(?:ber)?|id|#)?)\.?\s*[:：#]?\s*#?\s*([A-Z0-9][A-Z0-9\-/]{1,24})/i;
const TILL_RE = /(?:机号|收银台|收银机|款台|pos机|(?<![a-z])(?:till|pos|terminal|term|register|reg|kasse|caisse|counter|lane|kaunter)\s*(?:no|nr|id|#)?)\.?\s*[:：#]?\s*([A-Z0-9][A-Z0-9\-]{0,11})(?![A-Z0-9])/i;
const MEMBER_RE = /(?:会员卡号|会员号|会员编号|会员手机号?|会员卡|会员|卡号|手机号|(?<![a-z])(?:vip\s*(?:no|card|id)?|member(?:ship)?\s*(?:no|id|#|number|card)?|loyalty\s*(?:no|card|id)?|card\s*no|mitglied(?:s)?(?:nummer|karte)?|kundennummer|(?:carte\s*)?fid(?:é|e)lit(?:é|e)|membre|no\.?\s*ahli|ahli|kad\s*ahli))\.?\s*[:：#]?\s*#?\s*([0-9A-Z*][0-9A-Z*\- ]{3,24}[0-9A-Z*])/i;
const PAYMENT_CONTEXT_RE = /visa|master|amex|eftpos|credit|debit|银联|银行卡|信用卡|unionpay|approval|auth|terminal|merchant|expiry|exp\s*date|aid:|tvr/i;

export function findReceiptNo(lines: readonly Line[]): FoundText | null {
  for (const l of lines) {
    const m = RECEIPT_NO_RE.exec(l.text);
    const v = m?.[1];
    if (v !== undefined && /\d/.test(v)) return { value: v, line: l.index, rule: 'receiptNo:keyword' };
  }
  return null;
}

export function findTill(lines: readonly Line[]): FoundText | null {
  for (const l of lines) {
    if (/gst|vat|co\.?\s*reg|company|roc/i.test(l.text)) continue; // registration numbers, not registers
    const m = TILL_RE.exec(l.text);
    const v = m?.[1];
    if (v !== undefined && /\d/.test(v)) return { value: v, line: l.index, rule: 'till:keyword' };
  }
  return null;
}

/** Member ids and phones, normalised: no spaces or dashes, upper case. Payment cards are skipped. */
export function normaliseMember(text: string): string {
  return text.replace(/[\s\-]/g, '').toUpperCase();
}

export function findMember(lines: readonly Line[]): FoundText | null {
  for (const l of lines) {
    const m = MEMBER_RE.exec(l.text);
    const v = m?.[1];
    if (v === undefined) continue;
    const digits = v.replace(/\D/g, '');
    if (digits.length < 4) continue;
    const near = lines.slice(Math.max(0, l.index - 3), l.index + 4).map((x) => x.lower).join(' ');
    if (/^card\s*no|卡号/i.test(m?.[0] ?? '') && PAYMENT_CONTEXT_RE.test(near)) continue;
    return { value: normaliseMember(v.trim()), line: l.index, rule: 'member:keyword' };
  }
  return null;
}

export interface FoundDateTime {
  date: DateHit;
  time: TimeHit | null;
  line: number;
  rule: string;
}

const DATE_KEY_RE = /date|datum|tarikh|tgl|日期|交易时间|销售时间|消费时间|时间|time|zeit|heure/i;
const PRINT_KEY_RE = /打印时间|print(ed)?\s*(time|at|on)|gedruckt|imprim/i;
const EXPIRY_RE = /exp(iry|ires?)?|valid|best\s*before|有效期|保质期|截止|gültig|valable|due\s*date/i;

/** The transaction date (and time): dated lines scored by keyword, print time and expiry lowest. */
export function findDateTime(lines: readonly Line[], order: DateOrder): FoundDateTime | null {
  let best: (FoundDateTime & { score: number }) | null = null;
  for (const l of lines) {
    const dates = lineDates(l, order);
    const d = dates[0];
    if (d === undefined) continue;
    let score = 0;
    if (DATE_KEY_RE.test(l.text)) score += 2;
    if (PRINT_KEY_RE.test(l.text)) score -= 1;
    if (EXPIRY_RE.test(l.text)) score -= 4;
    if (d.ambiguous) score -= 0.5;
    score -= l.index * 0.01;
    const sameLine = lineTimes(l).find((t) => t.start >= d.end || t.end <= d.start);
    let time: TimeHit | null = sameLine ?? null;
    if (time === null) {
      const next = lines[l.index + 1];
      const t = next === undefined || lineDates(next, order).length > 0 ? undefined : lineTimes(next)[0];
      time = t ?? null;
    }
    if (time !== null) score += 1;
    if (best === null || score > best.score) best = { date: d, time, line: l.index, rule: time === sameLine && time !== null ? 'date+time:same-line' : time !== null ? 'date+time:next-line' : 'date', score };
  }
  if (best === null) return null;
  if (best.time === null) {
    // A time printed on its own line elsewhere ("TIME 19:19", "时间: 12:58").
    const t = lines.map((l) => ({ l, t: lineTimes(l)[0] })).find((x) => x.t !== undefined && DATE_KEY_RE.test(x.l.text) && !PRINT_KEY_RE.test(x.l.text));
    if (t?.t !== undefined) return { date: best.date, time: t.t, line: best.line, rule: 'date+time:keyword-line' };
  }
  return { date: best.date, time: best.time, line: best.line, rule: best.rule };
}

/** The document kind from markers; a negative total makes a refund. */
export function findKind(lines: readonly Line[], total: number | null, itemCount: number, table: { start: number; end: number } = { start: 0, end: 0 }): FoundText {
  const marker = (re: RegExp, extra?: (l: Line) => boolean) => lines.find((l) => l.amounts.length === 0 && re.test(l.text) && (extra === undefined || extra(l)));
  // VOID inside the item table voids one line, not the receipt (unless it says the transaction).
  const voidLine = marker(VOID_RE, (l) => l.text.length <= 40 && (l.index < table.start || l.index >= table.end || /transaction|trans|receipt|sale|bill|交易|整单/i.test(l.text)));
  if (voidLine !== undefined) return { value: 'void', line: voidLine.index, rule: 'kind:void-marker' };
  const reprint = marker(REPRINT_RE) ?? marker(COPY_RE, (l) => !SLIP_COPY_RE.test(l.text) && !/\d/.test(l.text) && l.text.replace(/[^a-z]/gi, '').length <= 16);
  if (reprint !== undefined) return { value: 'reprint', line: reprint.index, rule: 'kind:reprint-marker' };
  const refund = marker(REFUND_RE, (l) => !NOT_RETURNABLE_RE.test(l.text) && l.text.replace(REFUND_RE, '').replace(/[^\p{L}]/gu, '').length <= 12);
  if (refund !== undefined) return { value: 'refund', line: refund.index, rule: 'kind:refund-marker' };
  if (total !== null && total < 0) return { value: 'refund', line: -1, rule: 'kind:negative-total' };
  const other = marker(OTHER_RE, (l) => l.text.length <= 40);
  if (other !== undefined && itemCount === 0) return { value: 'other', line: other.index, rule: 'kind:non-sale-marker' };
  if (other !== undefined && total === null) return { value: 'other', line: other.index, rule: 'kind:non-sale-marker' };
  if (total === null && itemCount === 0) return { value: 'other', line: -1, rule: 'kind:no-total-no-items' };
  return { value: 'sale', line: -1, rule: 'kind:default' };
}

export type { ReceiptKind };
