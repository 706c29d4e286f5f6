import { describe, expect, it } from 'vitest';
import { isTillboxError } from '../../src/errors.js';
import { assignTiers, concentration, DEFAULT_TIERS } from '../../src/insights/tiers.js';

const members = (values: number[]) => values.map((value, i) => ({ member: `m${String(i).padStart(3, '0')}`, value }));

describe('value tiers', () => {
  it('top 5 % / next 15 % / rest of 100 members: 5, 15, 80, with integer sales', () => {
    const values = members(Array.from({ length: 100 }, (_, i) => (i + 1) * 100));
    const { tiers, tierOf } = assignTiers(values);
    expect(tiers.map((t) => [t.id, t.zh, t.members])).toEqual([
      ['key', '大客户', 5],
      ['major', '主要客户', 15],
      ['regular', '普通客户', 80],
    ]);
    // top 5: 100..96 (× 100) = 49000 of 505000
    expect(tiers[0]?.sales).toBe(49000);
    expect(tiers[0]?.minValue).toBe(9600);
    expect(Number.isInteger(tiers[1]?.sales)).toBe(true);
    expect(tiers.reduce((s, t) => s + t.sales, 0)).toBe(505000);
    expect(tierOf.get('m099')).toBe('key');
    expect(tierOf.get('m000')).toBe('regular');
  });

  it('tiny stores round tier sizes up: 3 members give 1 / 0 / 2', () => {
    const { tiers } = assignTiers(members([500, 100, 300]));
    expect(tiers.map((t) => t.members)).toEqual([1, 0, 2]);
    expect(tiers[1]?.minValue).toBeNull();
    expect(assignTiers([]).tiers.map((t) => t.members)).toEqual([0, 0, 0]);
  });

  it('ties at a tier edge are broken by member id, not input order', () => {
    const a = assignTiers(members(Array.from({ length: 20 }, () => 1000)), DEFAULT_TIERS);
    const b = assignTiers([...members(Array.from({ length: 20 }, () => 1000))].reverse(), DEFAULT_TIERS);
    expect([...a.tierOf.entries()].sort()).toEqual([...b.tierOf.entries()].sort());
    expect(a.tierOf.get('m000')).toBe('key');
  });

  it('rejects tier specs that do not end with the rest or exceed 100 %', () => {
    let err: unknown;
    try {
      assignTiers([], [{ id: 'x', share: 0.5, en: 'x', zh: 'x' }]);
    } catch (e) {
      err = e;
    }
    expect(isTillboxError(err, 'TBX_INPUT_INVALID')).toBe(true);
    expect(() =>
      assignTiers([], [
        { id: 'x', share: 0.7, en: 'x', zh: 'x' },
        { id: 'y', share: 0.7, en: 'y', zh: 'y' },
        { id: 'z', share: null, en: 'z', zh: 'z' },
      ]),
    ).toThrow(/more than 1/);
  });
});

describe('concentration', () => {
  it('top 20 % of members bring their share of sales; Gini 0 when equal', () => {
    const { ranked } = assignTiers(members([1000, 1000, 1000, 1000, 1000]));
    expect(concentration(ranked, 0.2)).toMatchObject({ topMembers: 1, topSales: 1000, totalSales: 5000, salesShare: 0.2 });
    expect(concentration(ranked).gini).toBeCloseTo(0, 12);
  });

  it('a skewed store: 2 of 10 members bring 90 %', () => {
    const { ranked } = assignTiers(members([4500, 4500, 125, 125, 125, 125, 125, 125, 125, 125]));
    const c = concentration(ranked, 0.2);
    expect(c.topMembers).toBe(2);
    expect(c.salesShare).toBeCloseTo(0.9, 12);
    expect(c.gini).toBeGreaterThan(0.6);
    expect(concentration([], 0.2)).toMatchObject({ members: 0, salesShare: null, gini: null });
  });
});
