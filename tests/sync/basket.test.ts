import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { basketId, buildBasket, coarsenTime, type BasketOptions } from '../../src/sync/basket.js';
import { pseudonymFor } from '../../src/sync/pseudonym.js';
import { scrubSku, scrubText } from '../../src/sync/scrub.js';
import { privacyProblems } from './fixtures/privacy.js';
import { ALL_MEMBERS, makeReceipt, SKUS } from './fixtures/receipts.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'basket.v2.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const members = new Set(ALL_MEMBERS);
const KEY = 'k'.repeat(32);
const base: BasketOptions = { storeId: 'store-001', boxId: 'box-01', timeResolution: 'hour', member: 'none', pseudonymKeyVersion: 1 };
const categoryOf = (item: { name: string }): string | null => (item.name.includes('奶') ? 'dairy' : null);

describe('basket v2', () => {
  it('is schema-valid and free of personal data for 1,000 generated receipts, with and without pseudonyms', () => {
    for (const member of ['none', 'pseudonym'] as const) {
      for (let i = 0; i < 1000; i++) {
        const b = buildBasket(makeReceipt(i), categoryOf, { ...base, member, pseudonymKey: KEY });
        const raw = JSON.stringify(b);
        expect(validate(b), JSON.stringify(validate.errors)).toBe(true);
        expect(privacyProblems(raw, members), raw).toEqual([]);
      }
    }
  });

  it('has no member field at all by default, and a versioned HMAC pseudonym when asked', () => {
    const r = makeReceipt(1);
    expect(r.member).not.toBeNull();
    expect(buildBasket(r, categoryOf, base)).not.toHaveProperty('member');
    const b = buildBasket(r, categoryOf, { ...base, member: 'pseudonym', pseudonymKey: KEY, pseudonymKeyVersion: 3 });
    expect(b.member).toMatch(/^v3:[0-9a-f]{64}$/);
    expect(b.member).toBe(pseudonymFor(r.member ?? '', KEY, 3));
    // Another key gives an unrelated pseudonym; no member gives no field.
    expect(pseudonymFor(r.member ?? '', 'x'.repeat(32), 3)).not.toBe(b.member);
    expect(buildBasket(makeReceipt(0), categoryOf, { ...base, member: 'pseudonym', pseudonymKey: KEY })).not.toHaveProperty('member');
  });

  it('keeps a stable id per store and receipt, whatever else changes', () => {
    const r = makeReceipt(5);
    const a = buildBasket(r, categoryOf, base);
    const reparsed = { ...r, items: r.items.slice(1), total: 1 };
    expect(buildBasket(reparsed, () => null, { ...base, timeResolution: 'minute' }).id).toBe(a.id);
    expect(a.id).toBe(basketId('store-001', r.id));
    expect(buildBasket(r, categoryOf, { ...base, storeId: 'store-002' }).id).not.toBe(a.id);
    expect(a.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('coarsens time to the hour by default, keeping the offset', () => {
    expect(coarsenTime('2026-11-23T10:15:32+08:00', 'hour')).toBe('2026-11-23T10:00:00+08:00');
    expect(coarsenTime('2026-11-23T10:15:32.120Z', 'minute')).toBe('2026-11-23T10:15:00Z');
    expect(coarsenTime(null, 'hour')).toBeNull();
    expect(coarsenTime('yesterday', 'hour')).toBeNull();
    expect(buildBasket(makeReceipt(3), categoryOf, base).time).toMatch(/T\d{2}:00:00\+08:00$/);
  });

  it('keeps money in integer minor units and maps payment methods to a closed set', () => {
    const r = makeReceipt(1);
    const b = buildBasket(r, categoryOf, base);
    expect(b.schema).toBe(2);
    expect(b.totalMinor).toBe(r.total);
    expect(b.items.map((i) => i.amountMinor)).toEqual(r.items.map((i) => i.amount));
    expect(b.payments).toEqual([{ method: 'other', amountMinor: r.total }]);
    // No field of v1's unit-less names is left, and v1's schema rejects a v2 basket.
    expect(JSON.stringify(b)).not.toMatch(/"(amount|total)":/);
    const v1 = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'basket.v1.json'), 'utf8')) as object);
    expect(v1(b)).toBe(false);
    expect(b.items[0]?.category).toBe(categoryOf(r.items[0] ?? { name: '' }));
  });

  it('scrubs phone and card numbers, masked numbers, e-mail and cashier names, and keeps product names', () => {
    expect(scrubText('光明酸奶 200g')).toBe('光明酸奶 200g');
    expect(scrubText('会员价 鸡蛋')).toBe('会员价 鸡蛋');
    expect(scrubText('Nameko mushroom')).toBe('Nameko mushroom');
    expect(scrubText('送货 138 1234 5678 谢谢')).toBe('送货 * 谢谢');
    expect(scrubText('收银员 张三')).toBe('');
    expect(scrubText('Milk Cashier: John')).toBe('Milk');
    expect(scrubText('card 6222-0212-3456-7890')).toBe('card *');
    expect(scrubText('138****5678 bread')).toBe('* bread');
    expect(scrubText('mail a.b@example.com')).toBe('mail *');
    expect(scrubSku(SKUS[0] ?? '')).toBe(SKUS[0]);
    expect(scrubSku('13812345678')).toBeNull();
    expect(scrubSku('4111111111111111')).toBeNull();
    expect(scrubSku('A-1002')).toBe('A-1002');
  });
});
