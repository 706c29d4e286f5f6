import { describe, expect, it } from 'vitest';
import { decodeAll } from '../../src/escpos/decoder.js';
import { parseReceipt } from '../../src/receipt/index.js';
import { parseLines, shipped } from './helpers.js';
import { seededRandom as rng } from '../../src/demo/random.js';


const PIECES = ['TOTAL', '合计', '应收', 'CASH', 'CHANGE', '找零', 'REFUND', '重打印', 'VOID', 'Member No:', '会员号:', '12.80', '-3.00', '1,234.56', '2026-11-23', '23/11/2026', '10:15', 'x', '@', 'kg', '  ', '品名 数量 单价 金额', '----', 'ROUNDING', '(5.59)', '9.00-', '€', '£', 'Qty', '0.456'];

describe('robustness', () => {
  it('never throws on random text and always returns integer money and a known kind', () => {
    const r = rng(42);
    for (let n = 0; n < 300; n++) {
      const lines = Array.from({ length: 1 + Math.floor(r() * 25) }, () => Array.from({ length: 1 + Math.floor(r() * 5) }, () => PIECES[Math.floor(r() * PIECES.length)] ?? '').join(' '));
      const receipt = parseLines(lines, { profiles: shipped });
      expect(['sale', 'refund', 'reprint', 'void', 'other']).toContain(receipt.kind);
      for (const v of [receipt.total, ...receipt.items.map((i) => i.amount), ...receipt.discounts.map((d) => d.amount), ...receipt.payments.map((p) => p.amount)]) {
        if (v !== null) expect(Number.isInteger(v)).toBe(true);
      }
      expect(receipt.check.confidence).toBeGreaterThanOrEqual(0);
      expect(receipt.check.confidence).toBeLessThanOrEqual(1);
    }
  });
  it('never throws on random bytes through the decoder', () => {
    const r = rng(7);
    for (let n = 0; n < 100; n++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(r() * 600) }, () => Math.floor(r() * 256)));
      for (const doc of decodeAll(bytes, { encoding: 'gb18030' })) {
        expect(() => parseReceipt(doc, { profiles: shipped, currency: 'CNY', timezone: 'Asia/Shanghai', dateOrder: 'YMD' })).not.toThrow();
      }
    }
  });
});
