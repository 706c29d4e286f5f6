/**
 * From fitted BG/NBD and Gamma-Gamma models to store figures (expected active members,
 * expected purchases and sales over the horizon) and the at-risk list: members whose P(alive)
 * fell below a threshold and whose all-time spend puts them in the top fraction of members.
 */
import { expectedPurchases, expectedPurchasesNew, pAlive, type BgNbdFit, type CbsGroup } from './bgnbd.js';
import { expectedSpend, type GammaGammaFit } from './gammagamma.js';
import type { MemberColumns } from './members.js';
import type { InsightsOptions } from './options.js';
import type { SegmentId } from './rfm.js';

export interface ChurnFigures {
  /** Horizon in model time units. */
  horizon: number;
  /** Σ P(alive) over members: how many are expected to still be customers. */
  expectedActive: number | null;
  meanPAlive: number | null;
  /** Σ expected purchases of current members over the horizon. */
  expectedPurchasesHorizon: number | null;
  /** Expected purchases of a brand-new member in their first horizon. */
  expectedPurchasesNewMember: number | null;
  /** Σ expected purchases × expected spend × margin, minor units (simple undiscounted CLV). */
  expectedSalesHorizon: number | null;
}

export interface AtRiskMember {
  /** Raw member id: mask it before showing it to anyone. */
  member: string;
  pAlive: number;
  /** Expected purchases over the horizon. */
  expectedPurchases: number;
  /** Net spend up to now, minor units. */
  allTimeValue: number;
  /** Distinct purchase days. */
  purchaseDays: number;
  /** Local date YYYY-MM-DD of the last purchase. */
  lastPurchase: string;
  daysSinceLastPurchase: number;
  /** Gamma-Gamma expected spend per purchase, minor units; null without a spend model. */
  expectedSpend: number | null;
  /** expectedPurchases × expectedSpend × margin, minor units; null without a spend model. */
  clv: number | null;
  segment: SegmentId | null;
  tier: string | null;
}

export interface ChurnResult {
  figures: ChurnFigures;
  atRisk: AtRiskMember[];
}

interface Context {
  bg: BgNbdFit;
  gg: GammaGammaFit;
  groups: readonly CbsGroup[];
  /** Member index → group index (−1: no purchase). */
  groupOf: Int32Array;
  cols: MemberColumns;
  horizon: number;
  opts: InsightsOptions;
  /** RFM segment and value tier of member index m (null: not active in the window). */
  segmentAt: (m: number) => SegmentId | null;
  tierAt: (m: number) => string | null;
}

export function churn(ctx: Context): ChurnResult {
  const { bg, gg, groups, groupOf, cols, horizon, opts } = ctx;
  const none: ChurnFigures = {
    horizon,
    expectedActive: null,
    meanPAlive: null,
    expectedPurchasesHorizon: null,
    expectedPurchasesNewMember: null,
    expectedSalesHorizon: null,
  };
  const p = bg.params;
  if (p === null) return { figures: none, atRisk: [] };

  // Each distinct (x, t_x, T) once: ₂F₁ is the expensive part.
  const alive = new Float64Array(groups.length);
  const expected = new Float64Array(groups.length);
  let sumAlive = 0;
  let sumExpected = 0;
  groups.forEach((g, i) => {
    alive[i] = pAlive(p, g.x, g.tx, g.T);
    expected[i] = expectedPurchases(p, horizon, g.x, g.tx, g.T);
    sumAlive += g.weight * (alive[i] as number);
    sumExpected += g.weight * (expected[i] as number);
  });

  const spendOf = (m: number): number | null => {
    if (gg.params === null) return null;
    const x = (cols.purchaseDays[m] as number) - 1;
    const v = expectedSpend(gg.params, x, cols.repeatMean[m] as number);
    return Number.isFinite(v) ? v : null;
  };
  let sales: number | null = gg.params === null ? null : 0;
  for (let m = 0; m < cols.count && sales !== null; m++) {
    const g = groupOf[m] as number;
    if (g < 0) continue;
    const s = spendOf(m);
    sales = s === null ? null : sales + (expected[g] as number) * s * opts.margin;
  }

  const figures: ChurnFigures = {
    horizon,
    expectedActive: sumAlive,
    meanPAlive: bg.members > 0 ? sumAlive / bg.members : null,
    expectedPurchasesHorizon: sumExpected,
    expectedPurchasesNewMember: expectedPurchasesNew(p, horizon),
    expectedSalesHorizon: sales === null ? null : Math.round(sales),
  };

  // Valuable = all-time spend in the top atRiskValueShare of members with a purchase.
  const buyers: number[] = [];
  for (let m = 0; m < cols.count; m++) if ((groupOf[m] as number) >= 0) buyers.push(m);
  buyers.sort((i, j) => (cols.allTimeValue[j] as number) - (cols.allTimeValue[i] as number) || cmp(cols.ids[i] as string, cols.ids[j] as string));
  const valuable = buyers.slice(0, Math.max(0, Math.ceil(opts.atRiskValueShare * buyers.length - 1e-9)));
  const atRisk: AtRiskMember[] = [];
  for (const m of valuable) {
    if (atRisk.length >= opts.atRiskLimit) break;
    const g = groupOf[m] as number;
    const pa = alive[g] as number;
    if ((cols.purchaseDays[m] as number) < 2 || !(pa < opts.atRiskBelow)) continue;
    const id = cols.ids[m] as string;
    const s = spendOf(m);
    const e = expected[g] as number;
    const lastDay = cols.lastDay[m] as number;
    atRisk.push({
      member: id,
      pAlive: pa,
      expectedPurchases: e,
      allTimeValue: cols.allTimeValue[m] as number,
      purchaseDays: cols.purchaseDays[m] as number,
      lastPurchase: new Date(lastDay * 86_400_000).toISOString().slice(0, 10),
      daysSinceLastPurchase: cols.nowDay - lastDay,
      expectedSpend: s === null ? null : Math.round(s),
      clv: s === null ? null : Math.round(e * s * opts.margin),
      segment: ctx.segmentAt(m),
      tier: ctx.tierAt(m),
    });
  }
  return { figures, atRisk };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
