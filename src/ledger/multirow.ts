import type { Database, Statement } from 'better-sqlite3';

const CHUNK = 32;

/**
 * One INSERT with up to 32 VALUES rows instead of one statement call per row: per-call overhead,
 * not SQLite's B-tree work, dominated ingest (a receipt has ~20 lines). Statements are prepared
 * once per row count and cached. Rows come as one flat array (`columns` values per row), so a
 * receipt's lines need no per-row arrays.
 */
export function multiRowInsert(db: Database, head: string, columns: number, tail = ''): (flat: unknown[]) => void {
  const cache: (Statement | undefined)[] = [];
  const one = `(${new Array<string>(columns).fill('?').join(', ')})`;
  const stmt = (n: number): Statement => {
    let s = cache[n];
    if (s === undefined) {
      s = db.prepare(`${head} VALUES ${new Array<string>(n).fill(one).join(', ')} ${tail}`);
      cache[n] = s;
    }
    return s;
  };
  const step = CHUNK * columns;
  return (flat) => {
    if (flat.length % columns !== 0) throw new Error(`multiRowInsert: ${flat.length} values is not a whole number of ${columns}-column rows`);
    if (flat.length <= step) {
      if (flat.length > 0) stmt(flat.length / columns).run(flat);
      return;
    }
    for (let i = 0; i < flat.length; i += step) {
      const part = flat.slice(i, i + step);
      stmt(part.length / columns).run(part);
    }
  };
}
