import Database from 'better-sqlite3';
import { TillboxError } from '../errors.js';
import { lastSeqOf } from './schema.js';
import type { JournalChunk, JournalDirection } from './types.js';

export interface JournalReader {
  /**
   * Chunks with seq > afterSeq, oldest first, at most maxRows. Registers `cursorName` (at 0) if it
   * does not exist yet, so retention keeps everything this reader has not consumed.
   */
  read(cursorName: string, afterSeq: number, maxRows: number): JournalChunk[];
  /** Like read, without registering a cursor: for one-off readers (reparse, export) that must not pin retention. */
  readAfter(afterSeq: number, maxRows: number): JournalChunk[];
  /** Forget a cursor (a stage that is gone must not hold retention back for ever). */
  deleteCursor(name: string): void;
  /** The persisted position of a reader (0 when it has never saved one). */
  getCursor(name: string): number;
  /** Persist a reader's position: rows at or below `seq` are consumed and may be retained away. */
  setCursor(name: string, seq: number): void;
  /** Highest seq ever written (0 for an empty journal). */
  lastSeq(): number;
  /** Bytes journaled after `seq` in one direction (a stage's backlog). */
  bytesAfter(seq: number, dir: JournalDirection): number;
  /** Like readAfter with the bytes of chunks longer than `maxBytes` left out (empty): for watchers of small replies. */
  readSmallAfter(afterSeq: number, maxRows: number, maxBytes: number): JournalChunk[];
  /** The first seq written at or after `wallMs` (wall clock), or lastSeq()+1 when none. */
  firstSeqSince(wallMs: number): number;
  close(): void;
}

interface Row {
  seq: number;
  dir: JournalDirection;
  wall_ms: number;
  mono_us: number;
  boot_id: string;
  clock_synced: number;
  delivered: number;
  brk: number;
  bytes: Buffer;
}

/**
 * Opens the journal from any process (the analytics child, `tillbox reparse`). WAL lets it read
 * while the tap's writer appends; cursor updates are tiny write transactions (busy_timeout covers
 * the writer's group commits).
 */
export function openJournalReader(path: string): JournalReader {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new TillboxError('TBX_JOURNAL_OPEN_FAILED', `${path}: ${(err as Error).message}`, { cause: err });
  }
  // A journal not yet migrated to version 2 (read by `tillbox reparse` before the daemon ran
  // once) has no box column: none of its rows is the box's.
  const hasBox = (db.prepare(`SELECT count(*) FROM pragma_table_info('chunks') WHERE name = 'box'`).pluck().get() as number) > 0;
  const DIR = hasBox ? `CASE WHEN box = 1 THEN 'box>printer' ELSE dir END` : 'dir';
  // Before version 3 no row marks a link break (the old idle-gap rule alone applies).
  const hasBrk = (db.prepare(`SELECT count(*) FROM pragma_table_info('chunks') WHERE name = 'brk'`).pluck().get() as number) > 0;
  const BRK = hasBrk ? 'brk' : '0 AS brk';
  const select = db.prepare(`SELECT seq, ${DIR} AS dir, wall_ms, mono_us, boot_id, clock_synced, delivered, ${BRK}, bytes FROM chunks WHERE seq > ? ORDER BY seq LIMIT ?`);
  const getCur = db.prepare(`SELECT seq FROM cursors WHERE name = ?`);
  const ensureCur = db.prepare(`INSERT OR IGNORE INTO cursors (name, seq, updated_ms) VALUES (?, 0, ?)`);
  const setCur = db.prepare(`INSERT INTO cursors (name, seq, updated_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_ms = excluded.updated_ms`);
  const delCur = db.prepare(`DELETE FROM cursors WHERE name = ?`);
  const bytesAfter = db.prepare<[number, string], number>(`SELECT coalesce(sum(length(bytes)), 0) FROM chunks WHERE seq > ? AND ${DIR} = ?`).pluck();
  const selectSmall = db.prepare(`SELECT seq, ${DIR} AS dir, wall_ms, mono_us, boot_id, clock_synced, delivered, ${BRK}, CASE WHEN length(bytes) <= ? THEN bytes ELSE x'' END AS bytes FROM chunks WHERE seq > ? ORDER BY seq LIMIT ?`);
  const firstSince = db.prepare<[number], number | null>('SELECT min(seq) FROM chunks WHERE wall_ms >= ?').pluck();
  const known = new Set<string>();
  const rows = (afterSeq: number, maxRows: number): JournalChunk[] =>
    (select.all(afterSeq, maxRows) as Row[]).map((r) => ({
      seq: r.seq,
      dir: r.dir,
      wallTime: r.wall_ms,
      monoUs: r.mono_us,
      bootId: r.boot_id,
      clockSynced: r.clock_synced === 1,
      delivered: r.delivered === 1,
      linkBreak: r.brk === 1,
      bytes: r.bytes,
    }));

  return {
    read(cursorName, afterSeq, maxRows) {
      if (!known.has(cursorName)) {
        ensureCur.run(cursorName, Date.now());
        known.add(cursorName);
      }
      return rows(afterSeq, maxRows);
    },
    readAfter: rows,
    deleteCursor(name) {
      delCur.run(name);
      known.delete(name);
    },
    getCursor(name) {
      return (getCur.get(name) as { seq: number } | undefined)?.seq ?? 0;
    },
    setCursor(name, seq) {
      setCur.run(name, seq, Date.now());
      known.add(name);
    },
    lastSeq() {
      return lastSeqOf(db);
    },
    bytesAfter(seq, dir) {
      return bytesAfter.get(seq, dir) ?? 0;
    },
    readSmallAfter(afterSeq, maxRows, maxBytes) {
      return (selectSmall.all(maxBytes, afterSeq, maxRows) as Row[]).map((r) => ({
        seq: r.seq, dir: r.dir, wallTime: r.wall_ms, monoUs: r.mono_us, bootId: r.boot_id, clockSynced: r.clock_synced === 1, delivered: r.delivered === 1, linkBreak: r.brk === 1, bytes: r.bytes,
      }));
    },
    firstSeqSince(wallMs) {
      return firstSince.get(wallMs) ?? lastSeqOf(db) + 1;
    },
    close() {
      db.close();
    },
  };
}
