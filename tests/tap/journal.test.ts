import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { openJournalReader } from '../../src/journal/reader.js';
import { JournalStore } from '../../src/journal/store.js';
import { JournalWriter } from '../../src/journal/writer.js';
import { tempDir, waitFor } from '../support/tmp.js';

const WORKER = new URL('../../dist/journal/writer-worker.js', import.meta.url);
const quiet = createLogger({ level: 'silent' });
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function dbPath(): string {
  const t = tempDir('tbx-journal-');
  cleanups.push(t.cleanup);
  return join(t.dir, 'journal.db');
}

describe('journal store and reader', () => {
  it('appends in groups, keeps order and flags, and reads after a cursor', () => {
    const path = dbPath();
    const store = new JournalStore(path);
    const last = store.append(
      [
        { dir: 'pos>printer', bytes: Buffer.from([0x1b, 0x40, 0x41]), wallTime: 1000, mono: 5, delivered: true },
        { dir: 'printer>pos', bytes: Buffer.from([0x12]), wallTime: 1001, mono: 6, delivered: true },
        { dir: 'pos>printer', bytes: Buffer.from([0x1b, 0x70, 0x00]), wallTime: 1002, mono: 7, delivered: false },
      ],
      'boot-a',
      true,
    );
    expect(last).toBe(3);
    const reader = openJournalReader(path);
    const rows = reader.read('pipeline', 0, 10);
    expect(rows.map((r) => [r.seq, r.dir, [...r.bytes], r.delivered])).toEqual([
      [1, 'pos>printer', [0x1b, 0x40, 0x41], true],
      [2, 'printer>pos', [0x12], true],
      [3, 'pos>printer', [0x1b, 0x70, 0x00], false],
    ]);
    expect(rows[0]).toMatchObject({ wallTime: 1000, monoUs: 5, bootId: 'boot-a', clockSynced: true });
    expect(reader.read('pipeline', 2, 10).map((r) => r.seq)).toEqual([3]);
    expect(reader.getCursor('pipeline')).toBe(0);
    reader.setCursor('pipeline', 2);
    reader.close();
    const again = openJournalReader(path);
    expect(again.getCursor('pipeline')).toBe(2);
    expect(again.readAfter(1, 10).map((r) => r.seq)).toEqual([2, 3]);
    expect(again.getCursor('never-registered')).toBe(0);
    again.deleteCursor('pipeline');
    expect(again.getCursor('pipeline')).toBe(0);
    expect(again.lastSeq()).toBe(3);
    again.close();
    store.close();
  });

  it('retention never deletes rows a cursor has not consumed, and never reuses seq', () => {
    const path = dbPath();
    const store = new JournalStore(path);
    const day = 86_400_000;
    const old = Array.from({ length: 50 }, (_, i) => ({ dir: 'pos>printer' as const, bytes: Buffer.alloc(2000, i), wallTime: 1000 + i, mono: i, delivered: true }));
    store.append(old, 'b', false);
    // No cursor yet: nothing is consumed, nothing goes, however old.
    expect(store.retain(1 << 20, 1, 400 * day).deletedRows).toBe(0);
    const reader = openJournalReader(path);
    reader.read('pipeline', 0, 1);
    reader.setCursor('pipeline', 20);
    reader.read('other', 0, 1);
    reader.setCursor('other', 30);
    const r = store.retain(1 << 20, 1, 400 * day);
    expect(r.deletedRows).toBe(20);
    expect(r.keptFromSeq).toBe(20);
    expect(reader.read('pipeline', 0, 100).map((x) => x.seq)[0]).toBe(21);
    // Consume everything, retain everything away, and the next seq still continues.
    reader.setCursor('pipeline', 50);
    reader.setCursor('other', 50);
    expect(store.retain(1 << 20, 1, 400 * day).deletedRows).toBe(30);
    expect(store.append([{ dir: 'printer>pos', bytes: Buffer.from([1]), wallTime: 400 * day, mono: 1, delivered: true }], 'b', false)).toBe(51);
    reader.close();
    store.close();
  });

  it('size retention trims the oldest consumed rows only', () => {
    const path = dbPath();
    const store = new JournalStore(path);
    const now = Date.now();
    for (let g = 0; g < 40; g++) {
      store.append(Array.from({ length: 10 }, () => ({ dir: 'pos>printer' as const, bytes: Buffer.alloc(8000, g), wallTime: now, mono: g, delivered: true })), 'b', false);
    }
    const before = store.usedBytes();
    expect(before).toBeGreaterThan(3_000_000);
    const reader = openJournalReader(path);
    reader.setCursor('pipeline', 300);
    const r = store.retain(1_200_000, 90, now);
    expect(r.deletedRows).toBeGreaterThan(0);
    const first = reader.read('pipeline', 0, 1)[0]?.seq ?? 0;
    expect(first).toBeGreaterThan(1);
    expect(first).toBeLessThanOrEqual(301);
    // Only consumed rows (seq <= 300) may go, so the 100 unconsumed ones are all there.
    expect(reader.read('pipeline', 300, 1000)).toHaveLength(100);
    reader.close();
    store.close();
  });
});

describe('journal writer (worker thread)', () => {
  it.skipIf(!existsSync(WORKER))('group-commits posted chunks in order and closes cleanly', async () => {
    const path = dbPath();
    const w = new JournalWriter({ dbPath: path, maxBytes: 1 << 24, maxAgeDays: 30, logger: quiet, workerUrl: WORKER });
    await w.start();
    for (let i = 0; i < 1000; i++) w.record(i % 3 === 0 ? 'printer>pos' : 'pos>printer', Buffer.from([i & 0xff, (i >> 8) & 0xff]), true, Date.now(), i);
    await waitFor(() => w.snapshot().committed === 1000);
    expect(w.snapshot()).toMatchObject({ posted: 1000, dropped: 0, lagChunks: 0, lastSeq: 1000 });
    await w.stop();
    const reader = openJournalReader(path);
    const rows = reader.read('t', 0, 2000);
    expect(rows).toHaveLength(1000);
    rows.forEach((r, i) => {
      expect(r.seq).toBe(i + 1);
      expect([...r.bytes]).toEqual([i & 0xff, (i >> 8) & 0xff]);
    });
    reader.close();
  });

  it('an unopenable journal is TBX_JOURNAL_OPEN_FAILED', async () => {
    const w = new JournalWriter({ dbPath: '/proc/definitely/not/here/journal.db', maxBytes: 1 << 24, maxAgeDays: 30, logger: quiet, workerUrl: WORKER });
    await expect(w.start()).rejects.toMatchObject({ code: 'TBX_JOURNAL_OPEN_FAILED' });
  });

  it('drops and counts beyond its bounded queue instead of growing', async () => {
    const path = dbPath();
    const w = new JournalWriter({ dbPath: path, maxBytes: 1 << 24, maxAgeDays: 30, logger: quiet, workerUrl: WORKER, maxInFlightChunks: 100 });
    await w.start();
    // Posted synchronously, faster than any commit can be acknowledged: the bound must bite.
    for (let i = 0; i < 500; i++) w.record('pos>printer', Buffer.from([i & 0xff]), true, Date.now(), i);
    const s = w.snapshot();
    expect(s.dropped).toBe(400);
    await waitFor(() => w.snapshot().committed === 100);
    // The hole ends the document: the first POS chunk journaled after it is a link break (the
    // pipeline must not join the bytes before the hole to those after it), and only that one.
    await waitFor(() => w.snapshot().lagChunks === 0);
    w.record('pos>printer', Buffer.from('after the hole'), true, Date.now(), 600);
    w.record('pos>printer', Buffer.from('and on'), true, Date.now(), 601);
    await waitFor(() => w.snapshot().committed === 102);
    await w.stop();
    const reader = openJournalReader(path);
    const rows = reader.read('t', 0, 1000);
    reader.close();
    expect(rows.filter((r) => r.linkBreak).map((r) => r.bytes.toString())).toEqual(['after the hole']);
  });

  it('a writer that dies is restarted; record() keeps returning and losses are counted', async () => {
    const w = new JournalWriter({ dbPath: dbPath(), maxBytes: 1 << 24, maxAgeDays: 30, logger: quiet, workerUrl: new URL('./fixtures/dying-worker.mjs', import.meta.url) });
    await w.start();
    for (let i = 0; i < 5; i++) w.record('pos>printer', Buffer.from([i]), true, Date.now(), i);
    await waitFor(() => w.snapshot().workerRestarts >= 1 && w.snapshot().writerUp);
    for (let i = 0; i < 5; i++) w.record('printer>pos', Buffer.from([i]), true, Date.now(), i);
    const s = w.snapshot();
    expect(s.posted).toBe(10);
    expect(s.dropped).toBeGreaterThanOrEqual(5);
    await w.stop(500);
  });
});
