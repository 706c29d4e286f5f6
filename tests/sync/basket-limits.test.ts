/**
 * Issue 17 item 2 at the basket: a 4 MiB print job without a cut was filed as one "sale" of
 * 97,541 items and an 8.68 MB basket. Now the decoder splits it (2,000 lines a document, each
 * part flagged) and a basket carries at most MAX_BASKET_ITEMS items, with a `truncated` marker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { decodeAll, encodeReceiptText } from '../../src/escpos/index.js';
import { needsReview, parseReceipt } from '../../src/receipt/index.js';
import { buildBasket, MAX_BASKET_DISCOUNTS, MAX_BASKET_ITEMS, MAX_BASKET_PAYMENTS, type BasketOptions } from '../../src/sync/basket.js';
import { makeReceipt } from './fixtures/receipts.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'basket.v2.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const opts: BasketOptions = { storeId: 'store-001', boxId: 'box-01', timeResolution: 'hour', member: 'none', pseudonymKeyVersion: 1 };
const parseOpts = { profiles: [], currency: 'CNY', timezone: 'Asia/Shanghai', dateOrder: 'YMD' as const };

describe('basket limits', () => {
  it(`a receipt with more than ${MAX_BASKET_ITEMS} items gives a truncated, schema-valid basket`, () => {
    const r = makeReceipt(3);
    const many = {
      ...r,
      items: Array.from({ length: 5000 }, (_, i) => ({ sku: null, name: `item ${i} ${'长名字'.repeat(30)}`, qty: 1, unitPrice: 100, amount: 100 })),
      discounts: Array.from({ length: 150 }, () => ({ name: 'off', amount: -1 })),
      payments: Array.from({ length: 30 }, () => ({ method: 'cash', amount: 1 })),
    };
    const b = buildBasket(many, () => 'dairy', opts);
    expect(b.items).toHaveLength(MAX_BASKET_ITEMS);
    expect(b.discounts).toHaveLength(MAX_BASKET_DISCOUNTS);
    expect(b.payments).toHaveLength(MAX_BASKET_PAYMENTS);
    expect(b.truncated).toEqual({ items: 5000 - MAX_BASKET_ITEMS, discounts: 50, payments: 10 });
    expect(b.totalMinor).toBe(r.total); // as printed
    expect(validate(b), JSON.stringify(validate.errors)).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThan(MAX_BASKET_ITEMS * 512);
    // An ordinary receipt has no marker.
    expect(buildBasket(r, () => null, opts)).not.toHaveProperty('truncated');
  });

  it('4 MiB of item lines without a cut: flagged parts of at most 2,000 lines, baskets bounded', () => {
    const lines = Array.from({ length: 150_000 }, (_, i) => `鲜牛奶 ${i % 997}ml      ${1 + (i % 3)}    ${((i % 500) / 10 + 1).toFixed(2)}`);
    const bytes = encodeReceiptText(lines, { encoding: 'gb18030', cut: false });
    expect(bytes.length).toBeGreaterThan(3.5 * 1024 * 1024);
    const docs = decodeAll(bytes);
    expect(docs.length).toBeGreaterThanOrEqual(75);
    let biggest = 0;
    for (const doc of docs) {
      const receipt = parseReceipt(doc, parseOpts).receipt;
      expect(needsReview(receipt)).toBe(true);
      expect(receipt.check.problems.some((p) => p.startsWith("split at the decoder's document limit"))).toBe(true);
      expect(receipt.items.length).toBeLessThanOrEqual(2000);
      const basket = buildBasket(receipt, () => null, opts);
      expect(basket.items.length).toBeLessThanOrEqual(MAX_BASKET_ITEMS);
      biggest = Math.max(biggest, Buffer.byteLength(JSON.stringify(basket)));
    }
    expect(biggest).toBeLessThan(256 * 1024);
  }, 60_000);
});
