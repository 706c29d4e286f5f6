import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '../../src/escpos/decoder.js';
import { parseReceipt, type Receipt } from '../../src/receipt/index.js';
import { corpusAvailable, corpusFile } from '../support/corpus.js';
import { shipped } from './helpers.js';

const have = corpusAvailable('escpos');

function parseCapture(file: string, withProfiles: boolean): Receipt[] {
  const docs = decodeAll(readFileSync(corpusFile('escpos', file)), { encoding: 'gb18030' }).filter((d) => d.lines.some((l) => l.text.trim() !== ''));
  return docs.map((doc) => parseReceipt(doc, { profiles: withProfiles ? shipped : [], currency: 'CNY', timezone: 'Asia/Shanghai', dateOrder: 'YMD' }).receipt);
}

describe.skipIf(!have)('golden: corpus captures, decoded and parsed', () => {
  for (const withProfiles of [true, false]) {
    const how = withProfiles ? 'with the shipped profiles' : 'with heuristics only';
    it(`GBK restaurant bill ${how}`, () => {
      const [r, ...rest] = parseCapture('snaildev_gbk_restaurant_receipt.bin', withProfiles);
      expect(rest).toEqual([]);
      expect(r?.profile).toBe(withProfiles ? 'cn-restaurant-bill' : 'heuristic');
      expect(r?.items.map((i) => ({ name: i.name, qty: i.qty, amount: i.amount }))).toEqual([
        { name: '健怡雪碧', qty: 4, amount: 4000 },
        { name: '鲟龙鱼', qty: 1.5, amount: 2800 },
      ]);
      expect(r?.total).toBe(6800);
      expect(r?.receiptNo).toBe('0012');
      expect(r?.date).toBe('2016-05-06');
      expect(r?.kind).toBe('sale');
      expect(r?.check.itemsMatchTotal).toBe(true);
    });
    it(`ExampleMart invoice ${how}`, () => {
      const [r] = parseCapture('escpos_tools_receipt_with_logo.bin', withProfiles);
      expect(r?.profile).toBe(withProfiles ? 'examplemart-invoice' : 'heuristic');
      expect(r?.store).toBe('ExampleMart Ltd');
      expect(r?.items.map((i) => [i.name, i.amount])).toEqual([
        ['Example item #1', 400],
        ['Another thing', 350],
        ['Something else', 100],
        ['A final item', 445],
      ]);
      expect(r?.subtotal).toBe(1295);
      expect(r?.tax).toBe(130);
      expect(r?.total).toBe(1425);
      expect(r?.time).toBe('2015-04-06T14:56:25+08:00');
      expect(r?.check.itemsMatchTotal).toBe(true);
    });
  }
  it('gives the same id whether a profile or the heuristics parsed the capture (reparse keeps identity)', () => {
    for (const file of ['snaildev_gbk_restaurant_receipt.bin', 'escpos_tools_receipt_with_logo.bin']) {
      expect(parseCapture(file, true)[0]?.id).toBe(parseCapture(file, false)[0]?.id);
    }
  });
  it('the feature test page (barcodes, styles) is not taken for a sale', () => {
    for (const r of parseCapture('crossescpos_feature_test_barcodes_qr.bin', true)) expect(r.kind === 'other' || r.total === null || r.check.confidence < 0.9).toBe(true);
  });
});
