import { describe, expect, it } from 'vitest';
import { aggregatePurchases } from '../../src/insights/members.js';
import { aggregateForHeadOffice, computeInsights } from '../../src/insights/report.js';
import { isTillboxError } from '../../src/errors.js';
import { DAY, NOW, smallStore } from './fixtures.js';

describe('computeInsights on a generated small shop', () => {
  const store = smallStore();
  const baskets = [
    ...Array.from({ length: 30 }, () => ['豆浆', '油条']),
    ...Array.from({ length: 10 }, () => ['豆浆', '包子', '油条']),
    ...Array.from({ length: 60 }, (_, i) => [`item${i % 12}`]),
  ];
  const report = computeInsights({ purchases: store.purchases, baskets, now: NOW, options: { timeZone: 'Asia/Shanghai', minSupport: 0.05, windowDays: 180 } });

  it('scores active members into segments and tiers', () => {
    expect(report.members.total).toBe(200);
    // Lapsed members have no purchase in the 180-day window.
    expect(report.members.activeInWindow).toBeLessThanOrEqual(180);
    expect(report.rfm.scored).toBe(report.members.activeInWindow);
    expect(report.rfm.segments.reduce((s, x) => s + x.members, 0)).toBe(report.rfm.scored);
    expect(report.rfm.grid.flat().reduce((s, x) => s + x, 0)).toBe(report.rfm.scored);
    const champions = report.rfm.segments.find((s) => s.segment === 'champions');
    expect(champions?.members).toBeGreaterThan(10);
    expect(report.tiers.reduce((s, t) => s + t.members, 0)).toBe(report.rfm.scored);
    expect(report.tiers.every((t) => Number.isInteger(t.sales))).toBe(true);
    expect(report.concentration.salesShare).toBeGreaterThan(0.2);
  });

  it('fits the churn and spend models and lists the lapsed big spenders as at risk', () => {
    expect(report.bgnbd.status).toBe('fitted');
    expect(report.gammaGamma.status).toBe('fitted');
    const atRisk = new Set(report.atRisk.map((m) => m.member));
    const lapsedFound = store.lapsed.filter((id) => atRisk.has(id)).length;
    expect(lapsedFound).toBeGreaterThanOrEqual(15);
    for (const id of store.loyal) expect(atRisk.has(id)).toBe(false);
    for (const m of report.atRisk) {
      expect(m.pAlive).toBeLessThan(0.5);
      expect(m.lastPurchase).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(m.daysSinceLastPurchase).toBeGreaterThan(200);
      expect(m.segment).toBeNull(); // no purchase in the window: not RFM-scored
      expect(Number.isInteger(m.clv)).toBe(true);
    }
    // Most valuable first.
    for (let i = 1; i < report.atRisk.length; i++) expect((report.atRisk[i - 1]?.allTimeValue ?? 0) >= (report.atRisk[i]?.allTimeValue ?? 0)).toBe(true);
    expect(report.bgnbd.expectedActive).toBeGreaterThan(40);
    expect(report.bgnbd.expectedActive).toBeLessThan(200);
  });

  it('finds what sells together', () => {
    expect(report.rules.top[0]?.lift).toBeGreaterThan(1);
    const texts = report.rules.top.map((r) => `${r.lhs.join('+')}=>${r.rhs}`);
    expect(texts).toContain('包子=>豆浆');
  });

  it('the head-office aggregate carries no member identifier', () => {
    const agg = aggregateForHeadOffice(report);
    const json = JSON.stringify(agg);
    for (const id of [...store.loyal, ...store.lapsed, ...store.occasional]) expect(json).not.toContain(id);
    expect(agg.atRiskCount).toBe(report.atRisk.length);
    expect(agg.segments).toHaveLength(10);
  });
});

describe('edge cases', () => {
  it('a store where nobody came back: BG/NBD says no-repeat-buyers and nothing blows up', () => {
    const purchases = Array.from({ length: 50 }, (_, i) => ({ member: `m${i}`, time: new Date(NOW.getTime() - (i + 1) * DAY), amount: 1000 + i }));
    const r = computeInsights({ purchases, baskets: [], now: NOW });
    expect(r.bgnbd).toMatchObject({ status: 'no-repeat-buyers', params: null, logLikelihood: null, members: 50, repeatBuyers: 0 });
    expect(r.bgnbd.expectedActive).toBeNull();
    expect(r.bgnbd.expectedPurchasesNewMember).toBeNull();
    expect(r.gammaGamma).toMatchObject({ status: 'too-few-buyers', params: null, populationMeanSpend: null });
    expect(r.atRisk).toEqual([]);
    expect(r.rfm.scored).toBe(50);
    // Everyone bought once: F ties at one score; recency still separates them.
    expect(new Set(r.rfm.segments.filter((s) => s.members > 0).map((s) => s.segment)).size).toBeGreaterThan(1);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r); // no NaN or Infinity anywhere
  });

  it('an empty store gives an empty, well-formed report', () => {
    const r = computeInsights({ purchases: [], baskets: [], now: NOW });
    expect(r.bgnbd.status).toBe('no-members');
    expect(r.rfm.scored).toBe(0);
    expect(r.tiers.map((t) => t.members)).toEqual([0, 0, 0]);
    expect(r.concentration.salesShare).toBeNull();
    expect(r.rules.totalRules).toBe(0);
  });

  it('a store of three members is scored and tiered', () => {
    const purchases = [
      { member: 'a', time: new Date(NOW.getTime() - 2 * DAY), amount: 5000 },
      { member: 'a', time: new Date(NOW.getTime() - 20 * DAY), amount: 5000 },
      { member: 'b', time: new Date(NOW.getTime() - 40 * DAY), amount: 800 },
      { member: 'c', time: new Date(NOW.getTime() - 90 * DAY), amount: 1200 },
    ];
    const r = computeInsights({ purchases, baskets: [], now: NOW });
    expect(r.rfm.scored).toBe(3);
    expect(r.tiers.map((t) => t.members)).toEqual([1, 0, 2]);
    expect(r.concentration.topMembers).toBe(1);
    expect(r.concentration.salesShare).toBeCloseTo(10000 / 12000, 12);
  });

  it('merges same-day purchases by the shop’s calendar, not UTC’s; refunds lower spend only', () => {
    // 23:30 and 00:30 Shanghai time are two days there but one UTC day.
    const purchases = [
      { member: 'x', time: new Date('2026-11-01T15:30:00Z'), amount: 1000 },
      { member: 'x', time: new Date('2026-11-01T16:30:00Z'), amount: 2000 },
      { member: 'x', time: new Date('2026-11-02T03:00:00Z'), amount: 500 },
      { member: 'x', time: new Date('2026-11-03T03:00:00Z'), amount: -700 },
      { member: 'x', time: new Date('2027-01-01T00:00:00Z'), amount: 999 },
      { member: 'x', time: new Date('nonsense'), amount: 1 },
    ];
    const sh = aggregatePurchases(purchases, NOW, { windowDays: 365, timeZone: 'Asia/Shanghai' });
    const utc = aggregatePurchases(purchases, NOW, { windowDays: 365, timeZone: 'UTC' });
    expect(sh.purchaseDays[0]).toBe(2); // 11-01 23:30; 11-02 00:30 + 11:00
    expect(sh.repeatMean[0]).toBe(2500);
    expect(utc.purchaseDays[0]).toBe(2); // 11-01 (15:30 + 16:30); 11-02
    expect(utc.repeatMean[0]).toBe(500);
    expect(sh.allTimeValue[0]).toBe(2800);
    expect(sh.windowFrequency[0]).toBe(3);
    expect(sh.ignoredFuture).toBe(1);
    expect(sh.ignoredInvalid).toBe(1);
  });

  it('rejects bad options with TBX_INPUT_INVALID, naming them all', () => {
    let err: unknown;
    try {
      computeInsights({ purchases: [], baskets: [], now: NOW, options: { minSupport: 0, timeZone: 'Mars/Olympus' } });
    } catch (e) {
      err = e;
    }
    expect(isTillboxError(err, 'TBX_INPUT_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(/minSupport.*timeZone/);
  });
});
