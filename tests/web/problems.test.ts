/**
 * The page translates receipt problems, which the parser and the ledger write in English, with
 * patterns in src/web/assets/i18n.js. This checks every kind of message those modules produce has
 * a Chinese pattern, so rewording one there cannot silently leave the Chinese page in English.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the page's plain-JS module, no type declarations
import { problemText } from '../../src/web/assets/i18n.js';
import { checkReceipt, NOT_A_SALE, UNREADABLE, type Unchecked } from '../../src/receipt/validate.js';
import { item, receipt, tempLedger } from '../ledger/helpers.js';

const zh = (p: string): string => (problemText as (t: string, l: string) => string)(p, 'zh-CN');
const CJK = /[\u4e00-\u9fff]/;

function unchecked(over: Partial<Unchecked>): Unchecked {
  return {
    store: 'S', till: '1', receiptNo: '1', time: '2026-11-23T10:00:00+08:00', date: '2026-11-23', member: null, currency: 'CNY',
    items: [{ sku: null, name: '光明酸奶', qty: 2, unitPrice: 580, amount: 1160 }], discounts: [], total: 1160,
    payments: [], change: null, subtotal: null, tax: null, rounding: null, kind: 'sale', profile: 'test', ...over,
  };
}

describe('receipt problems on the Chinese page', () => {
  it('has a Chinese text for every message the parser\'s checks produce', () => {
    const messages = [
      ...checkReceipt(unchecked({ items: [{ sku: null, name: '光明酸奶', qty: 2, unitPrice: 580, amount: 1200 }], total: 1200 }), 0.9).problems,
      ...checkReceipt(unchecked({ total: null }), 0.9).problems,
      ...checkReceipt(unchecked({ items: [] }), 0.9).problems,
      ...checkReceipt(unchecked({ total: 1500 }), 0.9).problems,
      ...checkReceipt(unchecked({ total: 1500, discounts: [{ name: '会员折扣', amount: -100 }] }), 0.9).problems,
      ...checkReceipt(unchecked({ subtotal: 999 }), 0.9).problems,
      ...checkReceipt(unchecked({ payments: [{ method: 'cash', amount: 2000 }], change: 500 }), 0.9).problems,
      ...checkReceipt(unchecked({ kind: 'other' }), 0.9).problems,
      UNREADABLE,
      'low confidence', // web-deps' reason when a flagged receipt lists no problem
    ];
    expect(messages).toHaveLength(10);
    expect(messages).toContain(NOT_A_SALE);
    for (const m of messages) expect(zh(m), m).toMatch(CJK);
    expect(zh('items add up to 15.00, total is 11.60')).toBe('商品加起来是 15.00，小票合计是 11.60');
    expect((problemText as (t: string, l: string) => string)('no total found', 'en')).toBe('no total found');
  });

  it('has a Chinese text for the problems the ledger adds', () => {
    const env = tempLedger('Asia/Shanghai', 'CNY');
    try {
      env.ledger.ingest(receipt({ time: null, currency: 'USD', items: [item('光明酸奶', 580)] }), { journalFrom: 0, journalTo: 1 });
      const extra = JSON.parse(env.ledger.db.prepare('SELECT extra FROM receipts').pluck().get() as string) as { problems: string[] };
      expect(extra.problems).toHaveLength(2);
      for (const m of extra.problems) expect(zh(m), m).toMatch(CJK);
    } finally {
      env.cleanup();
    }
  });
});
