import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isTillboxError } from '../../src/errors.js';
import { openOutbox, type Outbox, type OutboxOptions } from '../../src/sync/outbox.js';
import { OUTBOX_SCHEMA_VERSION } from '../../src/sync/outbox-migrations.js';
import { tempDir } from '../support/tmp.js';

const DAY = 86_400_000;
const dirs: (() => void)[] = [];
const open: Outbox[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
  for (const c of dirs.splice(0)) c();
});

function fresh(opts: Partial<OutboxOptions> = {}): { file: string; make: (o?: Partial<OutboxOptions>) => Outbox } {
  const { dir, cleanup } = tempDir('tillbox-outbox-');
  dirs.push(cleanup);
  const file = join(dir, 'outbox.db');
  const make = (o: Partial<OutboxOptions> = {}): Outbox => {
    const ob = openOutbox(file, { maxRows: 100, maxAgeDays: 60, whenFull: 'drop-oldest', ...opts, ...o });
    open.push(ob);
    return ob;
  };
  return { file, make };
}

describe('outbox', () => {
  it('is WAL, synchronous FULL, migrated with user_version', () => {
    const { file, make } = fresh();
    make().close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(OUTBOX_SCHEMA_VERSION);
    db.close();
  });

  it('a file that is not a database, or a path that cannot exist, fails with TBX_OUTBOX_OPEN_FAILED naming the file', () => {
    const { file } = fresh();
    writeFileSync(file, 'this is not an SQLite database, it is a text file of about a hundred bytes or so....');
    expect(() => openOutbox(file, { maxRows: 10, maxAgeDays: 1, whenFull: 'drop-oldest' })).toThrow(expect.objectContaining({ code: 'TBX_OUTBOX_OPEN_FAILED', message: expect.stringContaining(file) }));
    // dataDir below a plain file: the directory cannot be made
    expect(() => openOutbox(join(file, 'data', 'outbox.db'), { maxRows: 10, maxAgeDays: 1, whenFull: 'drop-oldest' })).toThrow(expect.objectContaining({ code: 'TBX_OUTBOX_OPEN_FAILED' }));
  });

  it('is idempotent by id while waiting and after the ack (tombstone), across reopen', () => {
    const { make } = fresh();
    let ob = make();
    expect(ob.enqueue('a', '{"n":1}')).toBe('queued');
    expect(ob.enqueue('a', '{"n":2}')).toBe('duplicate');
    expect(ob.enqueue('b', '{}')).toBe('queued');
    const rows = ob.pendingAfter(0, 10);
    expect(rows.map((r) => [r.id, r.payload])).toEqual([['a', '{"n":1}'], ['b', '{}']]);
    expect(ob.markAcked([rows[0]?.seq ?? -1])).toBe(1);
    ob.close();
    ob = make();
    expect(ob.counters().backlog).toBe(1);
    expect(ob.counters().lastAckAt).not.toBeNull();
    expect(ob.enqueue('a', '{"n":3}')).toBe('duplicate');
    expect(ob.pendingAfter(0, 10).map((r) => r.id)).toEqual(['b']);
    // resync revives an acknowledged id at the end of the queue; a waiting one stays as it is
    expect(ob.enqueueMany([{ id: 'a', payload: '{"n":4}' }, { id: 'b', payload: 'x' }], { revive: true })).toEqual({ queued: 1, duplicate: 1, rejected: 0 });
    expect(ob.pendingAfter(0, 10).map((r) => [r.id, r.payload])).toEqual([['b', '{}'], ['a', '{"n":4}']]);
  });

  it('drop-oldest keeps the newest maxRows and counts the dropped, persistently', () => {
    const { make } = fresh({ maxRows: 100, whenFull: 'drop-oldest' });
    let ob = make();
    for (let i = 0; i < 130; i++) ob.enqueue(`id${i}`, String(i));
    expect(ob.counters()).toMatchObject({ backlog: 100, dropped: 30, droppedOldest: 30, rejectedNew: 0 });
    expect(ob.pendingAfter(0, 1)[0]?.id).toBe('id30');
    ob.close();
    ob = make();
    expect(ob.counters()).toMatchObject({ backlog: 100, dropped: 30, droppedOldest: 30 });
  });

  it('reject-new throws TBX_OUTBOX_FULL, keeps the old rows and counts the rejections', () => {
    const { make } = fresh({ maxRows: 100, whenFull: 'reject-new' });
    let ob = make();
    for (let i = 0; i < 100; i++) ob.enqueue(`id${i}`, String(i));
    let caught: unknown;
    try {
      ob.enqueue('new', 'x');
    } catch (err) {
      caught = err;
    }
    expect(isTillboxError(caught, 'TBX_OUTBOX_FULL')).toBe(true);
    expect(ob.enqueueMany([{ id: 'n2', payload: '' }, { id: 'id5', payload: '' }])).toEqual({ queued: 0, duplicate: 1, rejected: 1 });
    expect(ob.counters()).toMatchObject({ backlog: 100, dropped: 2, rejectedNew: 2, droppedOldest: 0 });
    expect(ob.pendingAfter(0, 1)[0]?.id).toBe('id0');
    // after an ack there is room again
    ob.markAcked([ob.pendingAfter(0, 1)[0]?.seq ?? -1]);
    expect(ob.enqueue('new', 'x')).toBe('queued');
    ob.close();
    ob = make();
    expect(ob.counters().rejectedNew).toBe(2);
  });

  it('ages out waiting rows (counted) and tombstones after maxAgeDays', () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const { make } = fresh({ maxAgeDays: 10, now: () => t });
    const ob = make();
    ob.enqueue('old', '1');
    ob.enqueue('acked', '2');
    ob.markAcked([ob.pendingAfter(0, 10)[1]?.seq ?? -1]);
    t += 5 * DAY;
    ob.enqueue('young', '3');
    expect(ob.prune()).toEqual({ expired: 0, tombstones: 0 });
    t += 6 * DAY;
    expect(ob.prune()).toEqual({ expired: 1, tombstones: 1 });
    expect(ob.counters()).toMatchObject({ backlog: 1, expired: 1, dropped: 1 });
    // the tombstone is gone, so the id may be queued again (head office de-duplicates)
    expect(ob.enqueue('acked', '2')).toBe('queued');
  });
});
