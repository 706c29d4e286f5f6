/**
 * Value tiers and sales concentration. Members are ranked by value (net spend, integer minor
 * units) from highest to lowest, ties broken by member id so the result never depends on input
 * order. With n members and cumulative tier shares s₁ < s₂ < …, tier k holds ranks
 * ceil(s_{k−1}·n)+1 … ceil(s_k·n); the last tier (share null) holds the rest. So a store with
 * 3 members and 5 % / 15 % / rest tiers has 1 大客户, 0 主要客户 and 2 普通客户.
 */
import { TillboxError } from '../errors.js';

export interface TierSpec {
  id: string;
  /** Fraction of members in this tier; null for "everyone left". */
  share: number | null;
  en: string;
  zh: string;
}

export const DEFAULT_TIERS: readonly TierSpec[] = [
  { id: 'key', share: 0.05, en: 'Key customers', zh: '大客户' },
  { id: 'major', share: 0.15, en: 'Major customers', zh: '主要客户' },
  { id: 'regular', share: null, en: 'Regular customers', zh: '普通客户' },
];

export interface MemberValue {
  member: string;
  /** Minor units. */
  value: number;
}

export interface TierSummary {
  id: string;
  en: string;
  zh: string;
  members: number;
  /** Sum of the tier's values, minor units. */
  sales: number;
  /** Fraction of all members' sales (0 when total sales are not positive). */
  salesShare: number;
  /** Lowest value in the tier (minor units), null when empty. */
  minValue: number | null;
}

export interface TierResult {
  tiers: TierSummary[];
  /** Member id → tier id. */
  tierOf: Map<string, string>;
  /** Members in rank order (highest value first). */
  ranked: MemberValue[];
}

export function rankByValue(values: readonly MemberValue[]): MemberValue[] {
  return [...values].sort((p, q) => q.value - p.value || cmp(p.member, q.member));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface TierColumns {
  tiers: TierSummary[];
  /** Per input row, the index into `tiers`. */
  tierIndex: Uint8Array;
  /** Row indices, highest value first (ties by id). */
  order: Uint32Array;
}

/** The columnar form (no object per member) that computeInsights uses on big stores. */
export function tierColumns(values: Float64Array, ids: readonly string[], specs: readonly TierSpec[] = DEFAULT_TIERS): TierColumns {
  const problem = validateTiers(specs);
  if (problem !== null) throw new TillboxError('TBX_INPUT_INVALID', `tiers: ${problem}`);
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((p, q) => (values[q] as number) - (values[p] as number) || cmp(ids[p] as string, ids[q] as string));
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i] as number;
  const tierIndex = new Uint8Array(n);
  const tiers: TierSummary[] = [];
  let cumShare = 0;
  let from = 0;
  specs.forEach((spec, t) => {
    let to: number;
    if (spec.share === null) to = n;
    else {
      cumShare += spec.share;
      to = Math.max(0, Math.min(n, Math.ceil(cumShare * n - 1e-9)));
    }
    let sales = 0;
    for (let i = from; i < to; i++) {
      const row = order[i] as number;
      sales += values[row] as number;
      tierIndex[row] = t;
    }
    tiers.push({
      id: spec.id,
      en: spec.en,
      zh: spec.zh,
      members: to - from,
      sales,
      salesShare: total > 0 ? sales / total : 0,
      minValue: to > from ? (values[order[to - 1] as number] as number) : null,
    });
    from = to;
  });
  return { tiers, tierIndex, order };
}

export function assignTiers(values: readonly MemberValue[], specs: readonly TierSpec[] = DEFAULT_TIERS): TierResult {
  const cols = tierColumns(Float64Array.from(values, (v) => v.value), values.map((v) => v.member), specs);
  const tierOf = new Map<string, string>();
  values.forEach((v, i) => tierOf.set(v.member, (specs[cols.tierIndex[i] as number] as TierSpec).id));
  const ranked = Array.from(cols.order, (i) => values[i] as MemberValue);
  return { tiers: cols.tiers, tierOf, ranked };
}

/** Null when the specs are usable, else what is wrong with them. */
export function validateTiers(specs: readonly TierSpec[]): string | null {
  const last = specs[specs.length - 1];
  if (last === undefined || last.share !== null) return 'the last tier must have share null (the rest)';
  let sum = 0;
  for (const s of specs.slice(0, -1)) {
    if (s.share === null || !(s.share > 0)) return `tier ${s.id} needs a share > 0`;
    sum += s.share;
  }
  if (sum > 1 + 1e-9) return 'shares add up to more than 1';
  return null;
}

export interface Concentration {
  /** The top fraction of members looked at, e.g. 0.2. */
  topShare: number;
  /** ceil(topShare × n) members. */
  topMembers: number;
  members: number;
  /** Minor units. */
  topSales: number;
  totalSales: number;
  /** topSales / totalSales; null when total sales are not positive. */
  salesShare: number | null;
  /** Gini coefficient of member values (0 = all equal); null when total is not positive. */
  gini: number | null;
}

/** "The top 20 % of members bring N % of sales", from values ranked highest first. */
export function concentration(ranked: readonly MemberValue[], topShare = 0.2): Concentration {
  return concentrationOf(Float64Array.from(ranked, (v) => v.value), topShare);
}

/** The same from a column of values already sorted highest first. */
export function concentrationOf(sortedDesc: Float64Array, topShare = 0.2): Concentration {
  const n = sortedDesc.length;
  const k = Math.max(0, Math.min(n, Math.ceil(topShare * n - 1e-9)));
  let total = 0;
  let top = 0;
  // Gini from the ascending order: G = (2 Σ i·v_i) / (n Σ v) − (n + 1)/n, i = 1..n.
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const v = sortedDesc[i] as number;
    total += v;
    if (i < k) top += v;
    weighted += (n - i) * v;
  }
  const ok = total > 0;
  return {
    topShare,
    topMembers: k,
    members: n,
    topSales: top,
    totalSales: total,
    salesShare: ok ? top / total : null,
    gini: ok ? (2 * weighted) / (n * total) - (n + 1) / n : null,
  };
}
