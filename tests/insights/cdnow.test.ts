/**
 * CDNOW sample (Fader & Hardie): the published BG/NBD and Gamma-Gamma fits, from the derived
 * (x, t_x, T) file and, separately, from the raw purchase log rebuilt by our own aggregation.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedPurchases, expectedPurchasesNew, fitBgNbd, groupCbs, pAlive, type BgNbdFit } from '../../src/insights/bgnbd.js';
import { fitGammaGamma } from '../../src/insights/gammagamma.js';
import { aggregatePurchases, type Purchase } from '../../src/insights/members.js';
import { computeInsights } from '../../src/insights/report.js';
import { corpusAvailable, corpusFile } from '../support/corpus.js';

const have = corpusAvailable('cdnow');
const CAL_END = new Date(Date.UTC(1997, 8, 30)); // calibration ends 1997-09-30 (inclusive)

interface CbsRow {
  id: string;
  x: number;
  tx: number;
  T: number;
  zbar: number;
}

function readCbs(): CbsRow[] {
  const lines = readFileSync(corpusFile('cdnow', 'derived_cbs_sample_exact.csv'), 'utf8').trim().split(/\r?\n/);
  return lines.slice(1).map((l) => {
    const c = l.split(',');
    return { id: String(c[0]), x: Number(c[2]), tx: Number(c[3]), T: Number(c[4]), zbar: Number(c[6]) };
  });
}

function readLog(): Purchase[] {
  const out: Purchase[] = [];
  for (const line of readFileSync(corpusFile('cdnow', 'CDNOW_sample.txt'), 'utf8').split(/\r?\n/)) {
    const c = line.trim().split(/\s+/);
    if (c.length < 5) continue;
    const ymd = c[2] as string;
    const time = new Date(Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)) - 1, Number(ymd.slice(6, 8))));
    out.push({ member: String(Number(c[1])), time, amount: Math.round(Number(c[4]) * 100) });
  }
  return out;
}

function expectPublishedFit(fit: BgNbdFit): void {
  expect(fit.status).toBe('fitted');
  const p = fit.params;
  if (p === null) throw new Error('no params');
  expect(Math.abs(p.r / 0.2426 - 1)).toBeLessThan(0.01);
  expect(Math.abs(p.alpha / 4.4137 - 1)).toBeLessThan(0.01);
  expect(Math.abs(p.a / 0.793 - 1)).toBeLessThan(0.01);
  expect(Math.abs(p.b / 2.4262 - 1)).toBeLessThan(0.01);
  expect(Math.abs((fit.logLikelihood ?? 0) - -9582.43)).toBeLessThan(0.05);
  expect(fit.members).toBe(2357);
  expect(fit.repeatBuyers).toBe(946);
}

describe.skipIf(!have)('CDNOW: BG/NBD and Gamma-Gamma against the published figures', () => {
  let cbs: CbsRow[] = [];
  let fit: BgNbdFit;
  beforeAll(() => {
    cbs = readCbs();
    fit = fitBgNbd(groupCbs(cbs));
  });

  it('fits r, α, a, b within 1 % and the log-likelihood within 0.05 from the derived file', () => {
    expectPublishedFit(fit);
  });

  it('the big-store path (sample fit, then polish on all) lands on the same optimum', () => {
    // Ten copies of every CDNOW member: same MLE, ten times the log-likelihood, 23,570 members.
    const tenfold = groupCbs(cbs).map((g) => ({ ...g, weight: g.weight * 10 }));
    const big = fitBgNbd(tenfold);
    expect(big.members).toBe(23570);
    expect(big.status).toBe('fitted');
    expect(Math.abs((big.logLikelihood ?? 0) / 10 - -9582.43)).toBeLessThan(0.05);
    expect(Math.abs((big.params?.r ?? 0) / 0.2426 - 1)).toBeLessThan(0.01);
    expect(Math.abs((big.params?.b ?? 0) / 2.4262 - 1)).toBeLessThan(0.01);
  });

  it('P(alive) and conditional / unconditional expectations match the paper', () => {
    const p = fit.params;
    if (p === null) throw new Error('no params');
    expect(Math.abs(pAlive(p, 26, 30.857, 31) - 0.9689)).toBeLessThan(0.001);
    expect(Math.abs(expectedPurchases(p, 52, 26, 30.857, 31) - 25.757)).toBeLessThan(0.01);
    expect(Math.abs(expectedPurchasesNew(p, 52) - 1.444)).toBeLessThan(0.001);
    // Someone who never came back is alive by assumption; the expectation shrinks with time away.
    expect(pAlive(p, 0, 0, 30)).toBe(1);
    expect(expectedPurchases(p, 52, 5, 10, 38)).toBeLessThan(expectedPurchases(p, 52, 5, 37, 38));
  });

  it('fits Gamma-Gamma on the 946 repeat buyers: p 6.25, q 3.74, γ 15.44 within 2 %', () => {
    const rows = cbs.filter((r) => r.x > 0).map((r) => ({ x: r.x, mean: r.zbar }));
    expect(rows).toHaveLength(946);
    const gg = fitGammaGamma(rows);
    expect(gg.status).toBe('fitted');
    expect(Math.abs((gg.params?.p ?? 0) / 6.25 - 1)).toBeLessThan(0.02);
    expect(Math.abs((gg.params?.q ?? 0) / 3.74 - 1)).toBeLessThan(0.02);
    expect(Math.abs((gg.params?.gamma ?? 0) / 15.44 - 1)).toBeLessThan(0.02);
  });

  it('rebuilds (x, t_x, T) and the repeat spend from CDNOW_sample.txt exactly like the derived file', () => {
    const cols = aggregatePurchases(readLog(), CAL_END, { windowDays: 365, timeZone: 'UTC' });
    const byId = new Map(cols.ids.map((id, m) => [id, m]));
    expect(cols.count).toBe(2357);
    let compared = 0;
    for (const row of cbs) {
      const m = byId.get(row.id);
      if (m === undefined) throw new Error(`member ${row.id} missing`);
      const first = cols.firstDay[m] as number;
      expect((cols.purchaseDays[m] as number) - 1).toBe(row.x);
      expect(((cols.lastDay[m] as number) - first) / 7).toBeCloseTo(row.tx, 5);
      expect((cols.nowDay - first) / 7).toBeCloseTo(row.T, 5);
      expect((cols.repeatMean[m] as number) / 100).toBeCloseTo(row.zbar, 3);
      compared++;
    }
    expect(compared).toBe(2357);
    expect(cols.ignoredFuture).toBeGreaterThan(0); // the 1997-10 … 1998-06 holdout purchases
  });

  it('computeInsights on the raw log reproduces both published fits (amounts in cents: γ × 100)', () => {
    const report = computeInsights({ purchases: readLog(), baskets: [], now: CAL_END, options: { timeZone: 'UTC', timeUnitDays: 7, horizonDays: 364 } });
    expectPublishedFit(report.bgnbd);
    expect(Math.abs((report.bgnbd.expectedPurchasesNewMember ?? 0) - 1.444)).toBeLessThan(0.001);
    const gg = report.gammaGamma.params;
    expect(report.gammaGamma.buyers).toBe(946);
    expect(Math.abs((gg?.p ?? 0) / 6.25 - 1)).toBeLessThan(0.02);
    expect(Math.abs((gg?.q ?? 0) / 3.74 - 1)).toBeLessThan(0.02);
    expect(Math.abs((gg?.gamma ?? 0) / 1544 - 1)).toBeLessThan(0.02);
    // Expected active members can't exceed members, nor fall below the repeat buyers' P(alive) floor of 0.
    expect(report.bgnbd.expectedActive).toBeGreaterThan(0);
    expect(report.bgnbd.expectedActive).toBeLessThanOrEqual(2357);
    for (const r of report.atRisk) {
      expect(r.pAlive).toBeLessThan(0.5);
      expect(r.purchaseDays).toBeGreaterThanOrEqual(2);
    }
  });
});
