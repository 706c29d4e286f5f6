import { describe, expect, it } from 'vitest';
import { quintileScores, scoreRfm, segmentFor, segmentSizes, SEGMENT_ORDER, SEGMENTS, type RfmMetrics, type Score } from '../../src/insights/rfm.js';

const row = (member: string, recencyDays: number, frequency: number, monetary: number): RfmMetrics => ({ member, recencyDays, frequency, monetary });

describe('quintile scores', () => {
  it('ten distinct values: two per quintile', () => {
    expect([...quintileScores([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])]).toEqual([5, 1, 5, 1, 4, 2, 4, 2, 3, 3]);
  });

  it('ties share one score, placed by their mid-rank, whatever the input order', () => {
    // 6 of 10 members bought once: mid-rank 3.5 → percentile 0.3 → score 2; the rest 7..10.
    const values = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5];
    expect([...quintileScores(values)]).toEqual([2, 2, 2, 2, 2, 2, 4, 4, 5, 5]);
    const shuffled = [3, 1, 5, 1, 1, 2, 1, 4, 1, 1];
    const s = quintileScores(shuffled);
    shuffled.forEach((v, i) => {
      expect(s[i]).toBe({ 1: 2, 2: 4, 3: 4, 4: 5, 5: 5 }[v]);
    });
    // All equal: everyone in the middle quintile, nobody pushed to 1 or 5 by input order.
    expect([...quintileScores([7, 7, 7, 7, 7, 7, 7])]).toEqual([3, 3, 3, 3, 3, 3, 3]);
  });

  it('small stores: fewer than 5 members still get sensible scores', () => {
    expect([...quintileScores([])]).toEqual([]);
    expect([...quintileScores([42])]).toEqual([3]);
    expect([...quintileScores([1, 2])]).toEqual([2, 4]);
    expect([...quintileScores([1, 2, 3])]).toEqual([1, 3, 5]);
    expect([...quintileScores([1, 2, 3, 4])]).toEqual([1, 2, 4, 5]);
    expect([...quintileScores([5, 5, 9])]).toEqual([2, 2, 5]);
  });
});

describe('RFM scoring and segments', () => {
  it('inverts recency: the most recent buyer gets R = 5', () => {
    const scores = scoreRfm([row('a', 1, 1, 100), row('b', 30, 1, 100), row('c', 100, 1, 100), row('d', 200, 1, 100), row('e', 300, 1, 100)]);
    expect(scores.map((s) => s.r)).toEqual([5, 4, 3, 2, 1]);
    expect(scores.map((s) => s.f)).toEqual([3, 3, 3, 3, 3]);
  });

  it('maps R×F to the 10 segments', () => {
    const expectAt = (r: Score, f: Score, id: string): void => {
      expect(segmentFor(r, f)).toBe(id);
    };
    expectAt(5, 5, 'champions');
    expectAt(5, 4, 'champions');
    expectAt(3, 4, 'loyal');
    expectAt(4, 5, 'loyal');
    expectAt(5, 2, 'potential-loyalists');
    expectAt(4, 3, 'potential-loyalists');
    expectAt(5, 1, 'new');
    expectAt(4, 1, 'promising');
    expectAt(3, 3, 'need-attention');
    expectAt(3, 1, 'about-to-sleep');
    expectAt(2, 3, 'at-risk');
    expectAt(1, 4, 'at-risk');
    expectAt(1, 5, 'cant-lose');
    expectAt(2, 2, 'hibernating');
    const seen = new Set<string>();
    for (const r of [1, 2, 3, 4, 5] as Score[]) for (const f of [1, 2, 3, 4, 5] as Score[]) seen.add(segmentFor(r, f));
    expect(seen.size).toBe(10);
    for (const id of SEGMENT_ORDER) {
      expect(SEGMENTS[id].en.length).toBeGreaterThan(0);
      expect(SEGMENTS[id].zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('a one-member store is scored 3/3/3 (Need Attention), and sizes cover every segment', () => {
    const scores = scoreRfm([row('solo', 3, 4, 5000)]);
    expect(scores[0]).toMatchObject({ r: 3, f: 3, m: 3, segment: 'need-attention' });
    const sizes = segmentSizes(scores);
    expect(sizes).toHaveLength(10);
    expect(sizes.find((s) => s.segment === 'need-attention')).toMatchObject({ members: 1, share: 1, monetary: 5000, zh: '需要关注' });
    expect(segmentSizes([]).every((s) => s.members === 0 && s.share === 0)).toBe(true);
  });

  it('members with identical figures always land in the same segment', () => {
    const rows = [row('a', 10, 2, 300), row('b', 10, 2, 300), row('c', 50, 9, 900), row('d', 2, 1, 50)];
    const forward = scoreRfm(rows);
    const backward = scoreRfm([...rows].reverse());
    expect(forward[0]?.segment).toBe(forward[1]?.segment);
    for (const s of forward) expect(backward.find((b) => b.member === s.member)).toEqual(s);
  });
});
