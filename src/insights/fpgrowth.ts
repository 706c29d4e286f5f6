/**
 * FP-growth (Han, Pei & Yin 2000) over transactions of small integer item ids: every itemset
 * whose count is at least `minCount`. Transactions are handed in packed (one Int32Array of ids,
 * offsets into it) so that millions of baskets cost a few bytes each.
 */

export interface PackedTransactions {
  /** Item ids of every transaction back to back; each transaction's ids are distinct. */
  items: Int32Array;
  /** Transaction i is items[offsets[i] .. offsets[i+1]); length = transactions + 1. */
  offsets: Int32Array;
  transactions: number;
  /** Ids are 0 .. itemCount−1. */
  itemCount: number;
}

export interface Itemset {
  /** Item ids, ascending. */
  items: number[];
  count: number;
}

/** A prefix tree of transactions whose items are written as ranks (0 = most frequent). */
class FpTree {
  item: number[] = [-1];
  count: number[] = [0];
  parent: number[] = [-1];
  /** Next node carrying the same item (header-table chain), −1 at the end. */
  link: number[] = [-1];
  readonly head: Int32Array;
  readonly total: Float64Array;
  private readonly children = new Map<number, number>();

  constructor(private readonly ranks: number) {
    this.head = new Int32Array(ranks).fill(-1);
    this.total = new Float64Array(ranks);
  }

  /** Inserts a path of ranks, ascending, with a weight. */
  insert(path: ArrayLike<number>, len: number, weight: number): void {
    let node = 0;
    for (let i = 0; i < len; i++) {
      const rank = path[i] as number;
      const key = node * this.ranks + rank;
      let child = this.children.get(key);
      if (child === undefined) {
        child = this.item.length;
        this.item.push(rank);
        this.count.push(0);
        this.parent.push(node);
        this.link.push(this.head[rank] as number);
        this.head[rank] = child;
        this.children.set(key, child);
      }
      this.count[child] = (this.count[child] as number) + weight;
      this.total[rank] = (this.total[rank] as number) + weight;
      node = child;
    }
  }

  /** Lets go of the child index once the tree is built: mining only walks parents and links. */
  seal(): void {
    this.children.clear();
  }
}

/**
 * All itemsets with count ≥ minCount and at most maxItems items. Items are ranked once by
 * global frequency; conditional trees keep that order (valid for FP-growth, and it saves
 * re-sorting every conditional pattern base).
 */
export function frequentItemsets(tx: PackedTransactions, minCount: number, maxItems = Number.POSITIVE_INFINITY): Itemset[] {
  const counts = new Float64Array(tx.itemCount);
  for (let i = 0; i < tx.items.length; i++) {
    const id = tx.items[i] as number;
    counts[id] = (counts[id] as number) + 1;
  }
  const frequent: number[] = [];
  for (let id = 0; id < tx.itemCount; id++) if ((counts[id] as number) >= minCount) frequent.push(id);
  frequent.sort((p, q) => (counts[q] as number) - (counts[p] as number) || p - q);
  const rankOf = new Int32Array(tx.itemCount).fill(-1);
  frequent.forEach((id, rank) => {
    rankOf[id] = rank;
  });

  const tree = new FpTree(frequent.length);
  const buf = new Int32Array(Math.max(1, maxRowLength(tx)));
  for (let t = 0; t < tx.transactions; t++) {
    let len = 0;
    for (let i = tx.offsets[t] as number; i < (tx.offsets[t + 1] as number); i++) {
      const rank = rankOf[tx.items[i] as number] as number;
      if (rank >= 0) buf[len++] = rank;
    }
    if (len === 0) continue;
    const row = buf.subarray(0, len).sort();
    tree.insert(row, len, 1);
  }
  tree.seal();

  const out: Itemset[] = [];
  const emit = (ranks: number[], count: number): void => {
    out.push({ items: ranks.map((r) => frequent[r] as number).sort((p, q) => p - q), count });
  };
  mine(tree, frequent.length, [], minCount, maxItems, emit);
  return out;
}

function maxRowLength(tx: PackedTransactions): number {
  let m = 0;
  for (let t = 0; t < tx.transactions; t++) m = Math.max(m, (tx.offsets[t + 1] as number) - (tx.offsets[t] as number));
  return m;
}

function mine(tree: FpTree, ranks: number, suffix: number[], minCount: number, maxItems: number, emit: (r: number[], c: number) => void): void {
  const path: number[] = [];
  for (let rank = ranks - 1; rank >= 0; rank--) {
    const support = tree.total[rank] as number;
    if (support < minCount) continue;
    const itemset = [rank, ...suffix];
    emit(itemset, support);
    if (itemset.length >= maxItems || rank === 0) continue;

    // Conditional pattern base: the prefix path above every node of this rank.
    const condCounts = new Float64Array(rank);
    for (let n = tree.head[rank] as number; n !== -1; n = tree.link[n] as number) {
      const w = tree.count[n] as number;
      for (let p = tree.parent[n] as number; p > 0; p = tree.parent[p] as number) {
        const r = tree.item[p] as number;
        condCounts[r] = (condCounts[r] as number) + w;
      }
    }
    let any = false;
    for (let r = 0; r < rank; r++) if ((condCounts[r] as number) >= minCount) any = true;
    if (!any) continue;

    const cond = new FpTree(rank);
    for (let n = tree.head[rank] as number; n !== -1; n = tree.link[n] as number) {
      path.length = 0;
      for (let p = tree.parent[n] as number; p > 0; p = tree.parent[p] as number) {
        const r = tree.item[p] as number;
        if ((condCounts[r] as number) >= minCount) path.push(r);
      }
      if (path.length === 0) continue;
      path.reverse();
      cond.insert(path, path.length, tree.count[n] as number);
    }
    cond.seal();
    mine(cond, rank, itemset, minCount, maxItems, emit);
  }
}
