/**
 * The whole insights computation: one pass over purchases, one over baskets, then the models.
 * Pure: no clock (the caller passes `now`), no I/O, no logger. Member ids in the report are raw;
 * masking them for display is the caller's job. aggregateForHeadOffice drops every member id.
 */
import { mineRules, type Rule } from './basket-rules.js';
import { fitBgNbd, type BgNbdFit, type CbsGroup } from './bgnbd.js';
import { churn, type AtRiskMember, type ChurnFigures } from './churn.js';
import { fitGammaGamma, type GammaGammaFit, type SpendSummary } from './gammagamma.js';
import { aggregatePurchases, type Purchase } from './members.js';
import { resolveOptions, type InsightsOptions } from './options.js';
import { quintileScores, segmentFor, segmentSizesFromColumns, SEGMENT_ORDER, type Score, type SegmentId, type SegmentSize } from './rfm.js';
import { concentrationOf, tierColumns, type Concentration, type TierSpec, type TierSummary } from './tiers.js';

export interface InsightsInput {
  purchases: Iterable<Purchase>;
  /** Item (or category) names of each basket. */
  baskets: Iterable<readonly string[]>;
  now: Date;
  options?: Partial<InsightsOptions>;
}

export interface InsightsReport {
  version: 1;
  generatedAt: string;
  options: Omit<InsightsOptions, 'tiers'>;
  purchases: { events: number; ignoredFuture: number; ignoredInvalid: number };
  members: { total: number; activeInWindow: number; repeatBuyers: number };
  rfm: {
    scored: number;
    segments: SegmentSize[];
    /** grid[r−1][f−1] = members with that R and F score. */
    grid: number[][];
  };
  tiers: TierSummary[];
  concentration: Concentration;
  bgnbd: BgNbdFit & { timeUnitDays: number } & ChurnFigures;
  gammaGamma: GammaGammaFit & {
    /** pγ/(q−1), minor units: expected spend per purchase of a member we know nothing about. */
    populationMeanSpend: number | null;
  };
  atRisk: AtRiskMember[];
  rules: {
    baskets: number;
    distinctItems: number;
    minCount: number;
    frequentItemsets: number;
    totalRules: number;
    top: Rule[];
  };
}

export function computeInsights(input: InsightsInput): InsightsReport {
  const opts = resolveOptions(input.options);
  const now = input.now;
  const cols = aggregatePurchases(input.purchases, now, { windowDays: opts.windowDays, timeZone: opts.timeZone });
  const unit = opts.timeUnitDays;

  // RFM, tiers and concentration over the window, in columns: one row per active member.
  const active: number[] = [];
  for (let m = 0; m < cols.count; m++) if ((cols.windowFrequency[m] as number) > 0) active.push(m);
  const k = active.length;
  const negRecency = new Float64Array(k);
  const frequency = new Float64Array(k);
  const monetary = new Float64Array(k);
  const activeIds: string[] = new Array<string>(k);
  const rowOf = new Int32Array(cols.count).fill(-1);
  active.forEach((m, i) => {
    negRecency[i] = -(cols.nowDay - (cols.windowLastDay[m] as number));
    frequency[i] = cols.windowFrequency[m] as number;
    monetary[i] = cols.windowMonetary[m] as number;
    activeIds[i] = cols.ids[m] as string;
    rowOf[m] = i;
  });
  const rScores = quintileScores(negRecency);
  const fScores = quintileScores(frequency);
  const segmentIdx = new Uint8Array(k);
  const grid = [0, 1, 2, 3, 4].map(() => [0, 0, 0, 0, 0]);
  for (let i = 0; i < k; i++) {
    const r = rScores[i] as Score;
    const f = fScores[i] as Score;
    segmentIdx[i] = SEGMENT_ORDER.indexOf(segmentFor(r, f));
    const row = grid[r - 1] as number[];
    row[f - 1] = (row[f - 1] as number) + 1;
  }
  const tiered = tierColumns(monetary, activeIds, opts.tiers);
  const sortedValues = Float64Array.from(tiered.order, (i) => monetary[i] as number);

  // BG/NBD on every member with a purchase up to now; Gamma-Gamma on repeat buyers.
  // Identical (x, t_x, T) are one group: keyed by x, then by the two day spans packed into one
  // exact number (spans < 2^21 days).
  const groupKey = new Map<number, Map<number, number>>();
  const groups: CbsGroup[] = [];
  const groupOf = new Int32Array(cols.count).fill(-1);
  const spend: SpendSummary[] = [];
  for (let m = 0; m < cols.count; m++) {
    const days = cols.purchaseDays[m] as number;
    if (days === 0) continue;
    const first = cols.firstDay[m] as number;
    const x = days - 1;
    const txDays = (cols.lastDay[m] as number) - first;
    const tDays = cols.nowDay - first;
    let byX = groupKey.get(x);
    if (byX === undefined) {
      byX = new Map();
      groupKey.set(x, byX);
    }
    const key = txDays * 0x200000 + tDays;
    let g = byX.get(key);
    if (g === undefined) {
      g = groups.length;
      byX.set(key, g);
      groups.push({ x, tx: txDays / unit, T: tDays / unit, weight: 0 });
    }
    (groups[g] as CbsGroup).weight++;
    groupOf[m] = g;
    if (x > 0 && (cols.repeatMean[m] as number) > 0) spend.push({ x, mean: cols.repeatMean[m] as number });
  }
  groupKey.clear();
  const bg = fitBgNbd(groups);
  const gg = fitGammaGamma(spend);
  const horizon = opts.horizonDays / unit;
  const { figures, atRisk } = churn({
    bg, gg, groups, groupOf, cols, horizon, opts,
    segmentAt: (m) => (rowOf[m] as number) < 0 ? null : (SEGMENT_ORDER[segmentIdx[rowOf[m] as number] as number] as SegmentId),
    tierAt: (m) => (rowOf[m] as number) < 0 ? null : ((opts.tiers[tiered.tierIndex[rowOf[m] as number] as number] as TierSpec).id),
  });

  const mining = mineRules(input.baskets, {
    minSupport: opts.minSupport,
    minConfidence: opts.minConfidence,
    maxItems: opts.maxRuleItems,
  });

  const { tiers: _tiers, ...plainOptions } = opts;
  return {
    version: 1,
    generatedAt: now.toISOString(),
    options: plainOptions,
    purchases: { events: cols.events, ignoredFuture: cols.ignoredFuture, ignoredInvalid: cols.ignoredInvalid },
    members: { total: bg.members, activeInWindow: k, repeatBuyers: bg.repeatBuyers },
    rfm: { scored: k, segments: segmentSizesFromColumns(segmentIdx, monetary), grid },
    tiers: tiered.tiers,
    concentration: concentrationOf(sortedValues, opts.concentrationShare),
    bgnbd: { ...bg, timeUnitDays: unit, ...figures },
    gammaGamma: {
      ...gg,
      populationMeanSpend: gg.params !== null && gg.params.q > 1 ? (gg.params.p * gg.params.gamma) / (gg.params.q - 1) : null,
    },
    atRisk,
    rules: {
      baskets: mining.baskets,
      distinctItems: mining.distinctItems,
      minCount: mining.minCount,
      frequentItemsets: mining.frequentItemsets,
      totalRules: mining.rules.length,
      top: mining.rules.slice(0, opts.topRules),
    },
  };
}

/** What may leave the box for head office: aggregates only, no member identifier of any kind. */
export interface HeadOfficeInsights {
  version: 1;
  generatedAt: string;
  windowDays: number;
  members: InsightsReport['members'];
  segments: { segment: SegmentId; members: number; share: number; monetary: number }[];
  tiers: { id: string; members: number; sales: number; salesShare: number }[];
  concentration: { topShare: number; salesShare: number | null; gini: number | null };
  bgnbd: {
    status: BgNbdFit['status'];
    params: BgNbdFit['params'];
    timeUnitDays: number;
    expectedActive: number | null;
    expectedPurchasesHorizon: number | null;
    expectedPurchasesNewMember: number | null;
  };
  gammaGamma: { status: GammaGammaFit['status']; params: GammaGammaFit['params']; populationMeanSpend: number | null };
  atRiskCount: number;
  rules: { baskets: number; top: Pick<Rule, 'lhs' | 'rhs' | 'support' | 'confidence' | 'lift' | 'count'>[] };
}

export function aggregateForHeadOffice(report: InsightsReport): HeadOfficeInsights {
  return {
    version: 1,
    generatedAt: report.generatedAt,
    windowDays: report.options.windowDays,
    members: { ...report.members },
    segments: report.rfm.segments.map((s) => ({ segment: s.segment, members: s.members, share: s.share, monetary: s.monetary })),
    tiers: report.tiers.map((t) => ({ id: t.id, members: t.members, sales: t.sales, salesShare: t.salesShare })),
    concentration: { topShare: report.concentration.topShare, salesShare: report.concentration.salesShare, gini: report.concentration.gini },
    bgnbd: {
      status: report.bgnbd.status,
      params: report.bgnbd.params,
      timeUnitDays: report.bgnbd.timeUnitDays,
      expectedActive: report.bgnbd.expectedActive,
      expectedPurchasesHorizon: report.bgnbd.expectedPurchasesHorizon,
      expectedPurchasesNewMember: report.bgnbd.expectedPurchasesNewMember,
    },
    gammaGamma: { status: report.gammaGamma.status, params: report.gammaGamma.params, populationMeanSpend: report.gammaGamma.populationMeanSpend },
    atRiskCount: report.atRisk.length,
    rules: {
      baskets: report.rules.baskets,
      top: report.rules.top.map((r) => ({ lhs: [...r.lhs], rhs: r.rhs, support: r.support, confidence: r.confidence, lift: r.lift, count: r.count })),
    },
  };
}
