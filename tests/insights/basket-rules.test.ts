import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minCountFor, mineRules, ruleText } from '../../src/insights/basket-rules.js';
import { corpusAvailable, corpusFile } from '../support/corpus.js';
import { rng } from './fixtures.js';


/** Every rule by brute force: all itemsets of the item universe, counted basket by basket. */
function bruteForce(baskets: string[][], minSupport: number, minConfidence: number, maxItems: number): Map<string, { count: number; confidence: number; lift: number }> {
  const items = [...new Set(baskets.flat())].sort();
  const n = baskets.length;
  const sets = baskets.map((b) => new Set(b));
  const count = (xs: string[]): number => sets.filter((s) => xs.every((x) => s.has(x))).length;
  const minCount = Math.ceil(minSupport * n - 1e-9);
  const out = new Map<string, { count: number; confidence: number; lift: number }>();
  const total = 1 << items.length;
  for (let mask = 1; mask < total; mask++) {
    const xs = items.filter((_, i) => (mask >> i) & 1);
    if (xs.length < 2 || xs.length > maxItems) continue;
    const c = count(xs);
    if (c < minCount) continue;
    for (const y of xs) {
      const lhs = xs.filter((x) => x !== y);
      const conf = c / count(lhs);
      if (conf < minConfidence) continue;
      out.set(ruleText({ lhs, rhs: y }), { count: c, confidence: conf, lift: conf / (count([y]) / n) });
    }
  }
  return out;
}

describe('basket rules', () => {
  it('agree with brute-force enumeration on generated baskets', () => {
    const rand = rng(42);
    const names = ['milk', 'bread', 'eggs', 'butter', 'jam', 'tea', 'rice', 'tofu', 'beer', 'chips'];
    for (let round = 0; round < 4; round++) {
      const baskets: string[][] = [];
      for (let i = 0; i < 300; i++) {
        const b: string[] = [];
        for (const [k, name] of names.entries()) if (rand() < 0.45 / (1 + k * 0.3)) b.push(name);
        if (rand() < 0.3) b.push(b[0] ?? 'milk'); // duplicates inside a basket count once
        baskets.push(b);
      }
      const minSupport = [0.02, 0.05, 0.1, 0.013][round] as number;
      const got = mineRules(baskets, { minSupport, minConfidence: 0.2, maxItems: 5 });
      const want = bruteForce(baskets.map((b) => [...new Set(b)]), minSupport, 0.2, 5);
      expect(want.size).toBeGreaterThan(10);
      expect(got.rules.length).toBe(want.size);
      for (const r of got.rules) {
        const w = want.get(ruleText(r));
        expect(w, ruleText(r)).toBeDefined();
        expect(r.count).toBe(w?.count);
        expect(r.confidence).toBeCloseTo(w?.confidence ?? -1, 12);
        expect(r.lift).toBeCloseTo(w?.lift ?? -1, 12);
      }
      for (let i = 1; i < got.rules.length; i++) expect((got.rules[i - 1]?.lift ?? 0) >= (got.rules[i]?.lift ?? 0)).toBe(true);
    }
  });

  it('minimum count is ceil(fraction × N), robust to binary rounding', () => {
    expect(minCountFor(0.006, 9835)).toBe(60);
    expect(minCountFor(0.07, 100)).toBe(7);
    expect(minCountFor(0.5, 3)).toBe(2);
    expect(minCountFor(0.0001, 10)).toBe(1);
  });

  it('empty input gives no rules', () => {
    expect(mineRules([], { minSupport: 0.1, minConfidence: 0.1 }).rules).toEqual([]);
    expect(mineRules([['a'], [], ['b']], { minSupport: 0.1, minConfidence: 0.1 }).rules).toEqual([]);
  });
});

describe.skipIf(!corpusAvailable('groceries'))('Groceries (Hahsler et al.): the arules reference', () => {
  it('support 0.006, confidence 0.25, ≥ 2 items: 463 rules (150/297/16), top {herbs} ⇒ {root vegetables}', () => {
    const text = readFileSync(corpusFile('groceries', 'groceries_lantz.csv'), 'utf8');
    const baskets = text
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .map((l) => l.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    const m = mineRules(baskets, { minSupport: 0.006, minConfidence: 0.25, minItems: 2 });
    expect(m.baskets).toBe(9835);
    expect(m.distinctItems).toBe(169);
    expect(m.minCount).toBe(60);
    expect(m.rules).toHaveLength(463);
    const bySize = new Map<number, number>();
    for (const r of m.rules) bySize.set(r.lhs.length + 1, (bySize.get(r.lhs.length + 1) ?? 0) + 1);
    expect(Object.fromEntries(bySize)).toEqual({ 2: 150, 3: 297, 4: 16 });
    const top = m.rules[0];
    expect(top?.lhs).toEqual(['herbs']);
    expect(top?.rhs).toBe('root vegetables');
    expect(top?.support).toBeCloseTo(0.0070158, 7);
    expect(top?.confidence).toBeCloseTo(0.43125, 10);
    expect(top?.lift).toBeCloseTo(3.956477, 6);
    expect(top?.count).toBe(69);
  });
});
