/**
 * Market-basket association rules X ⇒ Y (Agrawal, Imieliński & Swami 1993) from FP-growth
 * frequent itemsets. Conventions follow R's arules, so figures can be compared with it:
 * an itemset is frequent when count ≥ ceil(minSupport × N); a rule's itemset has at least
 * `minItems` (default 2) and at most `maxItems` (default 10) items, one item on the right;
 * a rule is kept when confidence ≥ minConfidence.
 */
import { frequentItemsets, type PackedTransactions } from './fpgrowth.js';

export interface RuleOptions {
  /** Fraction of baskets, 0 < minSupport ≤ 1. */
  minSupport: number;
  /** 0 ≤ minConfidence ≤ 1. */
  minConfidence: number;
  minItems?: number;
  maxItems?: number;
}

export interface Rule {
  lhs: string[];
  rhs: string;
  /** Baskets holding every item of lhs and rhs. */
  count: number;
  support: number;
  confidence: number;
  lift: number;
}

export interface RuleMining {
  baskets: number;
  distinctItems: number;
  minCount: number;
  frequentItemsets: number;
  /** Sorted by lift, then confidence, then support (all descending), then by text. */
  rules: Rule[];
}

/** Packs baskets into integer ids in one pass; duplicate items within a basket count once. */
export function packBaskets(baskets: Iterable<readonly string[]>): { tx: PackedTransactions; names: string[] } {
  const ids = new Map<string, number>();
  const names: string[] = [];
  let items: Int32Array<ArrayBuffer> = new Int32Array(1 << 16);
  let offsets: Int32Array<ArrayBuffer> = new Int32Array(1 << 12);
  let n = 0;
  let used = 0;
  // lastBasket[id] = the basket that last used item id: duplicates are skipped without a search.
  let lastBasket: Int32Array<ArrayBuffer> = new Int32Array(1024).fill(-1);
  for (const basket of baskets) {
    if (used + basket.length > items.length) items = grow(items, used + basket.length);
    for (const name of basket) {
      let id = ids.get(name);
      if (id === undefined) {
        id = names.length;
        ids.set(name, id);
        names.push(name);
        if (id >= lastBasket.length) {
          const bigger = new Int32Array(lastBasket.length * 2).fill(-1);
          bigger.set(lastBasket);
          lastBasket = bigger;
        }
      }
      if (lastBasket[id] === n) continue;
      lastBasket[id] = n;
      items[used++] = id;
    }
    if (n + 2 > offsets.length) offsets = grow(offsets, n + 2);
    n++;
    offsets[n] = used;
  }
  return { tx: { items: items.subarray(0, used), offsets: offsets.subarray(0, n + 1), transactions: n, itemCount: names.length }, names };
}

function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  let size = a.length * 2;
  while (size < need) size *= 2;
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/** ceil(fraction × N), forgiving the binary rounding of e.g. 0.07 × 100 = 7.000000000000001. */
export function minCountFor(minSupport: number, n: number): number {
  return Math.max(1, Math.ceil(minSupport * n - 1e-9));
}

export function mineRules(baskets: Iterable<readonly string[]>, opts: RuleOptions): RuleMining {
  return rulesFromPacked(packBaskets(baskets), opts);
}

export function rulesFromPacked(packed: { tx: PackedTransactions; names: string[] }, opts: RuleOptions): RuleMining {
  const { tx, names } = packed;
  const n = tx.transactions;
  const minItems = Math.max(2, opts.minItems ?? 2);
  const maxItems = opts.maxItems ?? 10;
  const minCount = minCountFor(opts.minSupport, n);
  const empty: RuleMining = { baskets: n, distinctItems: names.length, minCount, frequentItemsets: 0, rules: [] };
  if (n === 0) return empty;
  const sets = frequentItemsets(tx, minCount, maxItems);
  const countOf = new Map<string, number>();
  for (const s of sets) countOf.set(s.items.join(','), s.count);

  const rules: Rule[] = [];
  for (const s of sets) {
    if (s.items.length < minItems) continue;
    for (let k = 0; k < s.items.length; k++) {
      const y = s.items[k] as number;
      const lhs = s.items.filter((_, i) => i !== k);
      const lhsCount = countOf.get(lhs.join(','));
      const yCount = countOf.get(String(y));
      // Every subset of a frequent itemset is frequent, so both are always present.
      if (lhsCount === undefined || yCount === undefined) continue;
      const confidence = s.count / lhsCount;
      if (confidence < opts.minConfidence - 1e-12) continue;
      rules.push({
        lhs: lhs.map((i) => names[i] as string).sort(),
        rhs: names[y] as string,
        count: s.count,
        support: s.count / n,
        confidence,
        lift: (s.count * n) / (lhsCount * yCount),
      });
    }
  }
  rules.sort(
    (p, q) => q.lift - p.lift || q.confidence - p.confidence || q.support - p.support || ruleText(p).localeCompare(ruleText(q)),
  );
  return { baskets: n, distinctItems: names.length, minCount, frequentItemsets: sets.length, rules };
}

export function ruleText(r: Pick<Rule, 'lhs' | 'rhs'>): string {
  return `{${r.lhs.join(', ')}} => {${r.rhs}}`;
}
