/**
 * RFM: recency, frequency and monetary value per member over a window, scored 1–5 by
 * quintile of rank, and the common 10-segment map on the R and F scores.
 *
 * Scoring rule (exact): sort members by the metric; a group of tied members takes the mean of
 * the 1-based positions it occupies (its mid-rank m); with n members the score is
 * 1 + floor(5 · (m − ½) / n), i.e. the quintile of the percentile rank (m − ½)/n ∈ (0, 1).
 * Consequences: equal metrics always get equal scores (a score never depends on input order);
 * quintile edges are drawn on ranks, not values, so they cannot collide when many members share
 * a value (a tied block lands wholly in the quintile of its middle, and a neighbouring quintile
 * may then be empty); a store with fewer than 5 members still gets scores spread across 1–5
 * (one member scores 3, two members score 2 and 4, ...). Recency is inverted: fewer days since
 * the last purchase rank higher.
 */

export interface RfmMetrics {
  member: string;
  /** Whole days from the last purchase in the window to `now`. */
  recencyDays: number;
  /** Purchases (receipts) in the window. */
  frequency: number;
  /** Net spend in the window, integer minor units. */
  monetary: number;
}

export type Score = 1 | 2 | 3 | 4 | 5;

export type SegmentId =
  | 'champions'
  | 'loyal'
  | 'potential-loyalists'
  | 'new'
  | 'promising'
  | 'need-attention'
  | 'about-to-sleep'
  | 'at-risk'
  | 'cant-lose'
  | 'hibernating';

export const SEGMENTS: Readonly<Record<SegmentId, { en: string; zh: string }>> = {
  champions: { en: 'Champions', zh: '冠军客户' },
  loyal: { en: 'Loyal', zh: '忠诚客户' },
  'potential-loyalists': { en: 'Potential Loyalists', zh: '潜力客户' },
  new: { en: 'New', zh: '新客户' },
  promising: { en: 'Promising', zh: '有望客户' },
  'need-attention': { en: 'Need Attention', zh: '需要关注' },
  'about-to-sleep': { en: 'About to Sleep', zh: '即将沉睡' },
  'at-risk': { en: 'At Risk', zh: '流失风险' },
  'cant-lose': { en: "Can't Lose", zh: '不能失去' },
  hibernating: { en: 'Hibernating', zh: '沉睡客户' },
};

export const SEGMENT_ORDER = Object.keys(SEGMENTS) as SegmentId[];

/**
 * The R×F grid, row = R score 1..5, column = F score 1..5 (the widely used map:
 * R 1–2: F 1–2 Hibernating, F 3–4 At Risk, F 5 Can't Lose; R 3: F 1–2 About to Sleep, F 3 Need
 * Attention, F 4–5 Loyal; R 4: F 1 Promising, F 2–3 Potential Loyalists, F 4–5 Loyal;
 * R 5: F 1 New, F 2–3 Potential Loyalists, F 4–5 Champions).
 */
const GRID: readonly (readonly SegmentId[])[] = [
  ['hibernating', 'hibernating', 'at-risk', 'at-risk', 'cant-lose'],
  ['hibernating', 'hibernating', 'at-risk', 'at-risk', 'cant-lose'],
  ['about-to-sleep', 'about-to-sleep', 'need-attention', 'loyal', 'loyal'],
  ['promising', 'potential-loyalists', 'potential-loyalists', 'loyal', 'loyal'],
  ['new', 'potential-loyalists', 'potential-loyalists', 'champions', 'champions'],
];

export function segmentFor(r: Score, f: Score): SegmentId {
  return (GRID[r - 1] as readonly SegmentId[])[f - 1] as SegmentId;
}

/** Scores 1–5 by the mid-rank rule above; higher values score higher. */
export function quintileScores(values: ArrayLike<number>): Uint8Array {
  const n = values.length;
  const scores = new Uint8Array(n);
  if (n === 0) return scores;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((p, q) => (values[p] as number) - (values[q] as number));
  let start = 0;
  while (start < n) {
    const v = values[order[start] as number] as number;
    let end = start + 1;
    while (end < n && values[order[end] as number] === v) end++;
    const midRank = (start + 1 + end) / 2;
    const score = Math.min(5, 1 + Math.floor((5 * (midRank - 0.5)) / n));
    for (let k = start; k < end; k++) scores[order[k] as number] = score;
    start = end;
  }
  return scores;
}

export interface RfmScore extends RfmMetrics {
  r: Score;
  f: Score;
  m: Score;
  segment: SegmentId;
}

export function scoreRfm(rows: readonly RfmMetrics[]): RfmScore[] {
  const n = rows.length;
  const negRecency = new Float64Array(n);
  const freq = new Float64Array(n);
  const money = new Float64Array(n);
  rows.forEach((row, i) => {
    negRecency[i] = -row.recencyDays;
    freq[i] = row.frequency;
    money[i] = row.monetary;
  });
  const rs = quintileScores(negRecency);
  const fs = quintileScores(freq);
  const ms = quintileScores(money);
  return rows.map((row, i) => {
    const r = rs[i] as Score;
    const f = fs[i] as Score;
    return { ...row, r, f, m: ms[i] as Score, segment: segmentFor(r, f) };
  });
}

export interface SegmentSize {
  segment: SegmentId;
  en: string;
  zh: string;
  members: number;
  /** Fraction of scored members. */
  share: number;
  /** Net spend of the segment's members in the window, minor units. */
  monetary: number;
}

/** One entry per segment, in SEGMENT_ORDER, including empty ones. */
export function segmentSizes(scores: readonly Pick<RfmScore, 'segment' | 'monetary'>[]): SegmentSize[] {
  const members = new Map<SegmentId, number>();
  const money = new Map<SegmentId, number>();
  for (const s of scores) {
    members.set(s.segment, (members.get(s.segment) ?? 0) + 1);
    money.set(s.segment, (money.get(s.segment) ?? 0) + s.monetary);
  }
  return SEGMENT_ORDER.map((segment) => {
    const count = members.get(segment) ?? 0;
    return {
      segment,
      ...SEGMENTS[segment],
      members: count,
      share: scores.length === 0 ? 0 : count / scores.length,
      monetary: money.get(segment) ?? 0,
    };
  });
}

/** Segment sizes from columns: per scored member its SEGMENT_ORDER index and its spend. */
export function segmentSizesFromColumns(segmentIndex: Uint8Array, monetary: Float64Array): SegmentSize[] {
  const members = new Float64Array(SEGMENT_ORDER.length);
  const money = new Float64Array(SEGMENT_ORDER.length);
  for (let i = 0; i < segmentIndex.length; i++) {
    const s = segmentIndex[i] as number;
    members[s] = (members[s] as number) + 1;
    money[s] = (money[s] as number) + (monetary[i] as number);
  }
  const n = segmentIndex.length;
  return SEGMENT_ORDER.map((segment, s) => ({
    segment,
    ...SEGMENTS[segment],
    members: members[s] as number,
    share: n === 0 ? 0 : (members[s] as number) / n,
    monetary: money[s] as number,
  }));
}
