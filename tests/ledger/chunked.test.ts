import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { inChunks } from '../../src/shopper/chunked.js';

describe('member jobs in chunks', () => {
  it('lets other work run between chunks, and each chunk commits on its own', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (n INTEGER)');
    const ins = db.prepare('INSERT INTO t VALUES (?)');
    const order: string[] = [];
    const items = Array.from({ length: 1200 }, (_, i) => i);
    const run = inChunks(db, items, 500, (n) => {
      if (n % 500 === 0) order.push(`chunk ${n}`);
      if (n === 1100) throw new Error('member 1100 is broken');
      ins.run(n);
    });
    setImmediate(() => order.push('other work'));
    await expect(run).rejects.toThrow('member 1100 is broken');
    // The timer queued after the job started ran before the job's last chunk ...
    expect(order.indexOf('other work')).toBeGreaterThan(0);
    expect(order.indexOf('other work')).toBeLessThan(order.indexOf('chunk 1000'));
    // ... and the two chunks before the broken one stay written; the broken chunk rolled back.
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1000);
    db.close();
  });
});
