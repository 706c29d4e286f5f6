import type Database from 'better-sqlite3';
import { lastSeqOf, openJournalForWrite } from './schema.js';
import type { JournalDirection } from './types.js';

export interface AppendRow {
  dir: JournalDirection;
  bytes: Uint8Array;
  wallTime: number;
  mono: number;
  delivered: boolean;
  brk?: true;
}

export interface RetentionResult {
  deletedRows: number;
  /** Rows at or below this seq may be deleted (the lowest reader cursor, or 0 with no cursor). */
  keptFromSeq: number;
  usedBytes: number;
}

/** Rough per-row storage overhead (row header, rowid, index entry) used to size deletions. */
const ROW_OVERHEAD = 64;
const DELETE_BATCH = 5000;

/**
 * The journal's write side: synchronous appends in one transaction per group and retention.
 * Runs inside the writer worker; it is plain synchronous code so it can be tested in-process.
 */
export class JournalStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly appendGroup: (rows: readonly AppendRow[], bootId: string, synced: boolean) => void;

  constructor(path: string) {
    this.db = openJournalForWrite(path);
    this.insert = this.db.prepare(
      `INSERT INTO chunks (dir, box, wall_ms, mono_us, boot_id, clock_synced, delivered, brk, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.appendGroup = this.db.transaction((rows: readonly AppendRow[], bootId: string, synced: boolean) => {
      for (const r of rows) {
        const box = r.dir === 'box>printer';
        this.insert.run(box ? 'pos>printer' : r.dir, box ? 1 : 0, r.wallTime, Math.round(r.mono), bootId, synced ? 1 : 0, r.delivered ? 1 : 0, r.brk === true ? 1 : 0, Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength));
      }
    });
  }

  /** One group commit; returns the last seq written. */
  append(rows: readonly AppendRow[], bootId: string, synced: boolean): number {
    if (rows.length > 0) this.appendGroup(rows, bootId, synced);
    return this.lastSeq();
  }

  lastSeq(): number {
    return lastSeqOf(this.db);
  }

  /** Bytes of the database file in use (pages not on the free list). */
  usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  /**
   * Deletes consumed rows that are too old or make the journal too big. A row is consumed when
   * every reader cursor is at or past it; with no cursor at all nothing counts as consumed, so a
   * pipeline that has never run loses nothing (the size limit is then not enforced: documented).
   */
  retain(maxBytes: number, maxAgeDays: number, nowMs: number): RetentionResult {
    const minCursor = (this.db.prepare(`SELECT MIN(seq) AS m FROM cursors`).get() as { m: number | null }).m ?? 0;
    let deletedRows = 0;
    const cutoffMs = nowMs - maxAgeDays * 86_400_000;
    const delAge = this.db.prepare(`DELETE FROM chunks WHERE seq IN (SELECT seq FROM chunks WHERE seq <= ? AND wall_ms < ? ORDER BY seq LIMIT ?)`);
    for (;;) {
      const n = delAge.run(minCursor, cutoffMs, DELETE_BATCH).changes;
      deletedRows += n;
      if (n < DELETE_BATCH) break;
    }
    let used = this.usedBytes();
    if (used > maxBytes) {
      let excess = used - maxBytes;
      const oldest = this.db.prepare(`SELECT seq, length(bytes) AS n FROM chunks WHERE seq <= ? ORDER BY seq LIMIT ?`);
      const delUpTo = this.db.prepare(`DELETE FROM chunks WHERE seq <= ?`);
      while (excess > 0) {
        const rows = oldest.all(minCursor, DELETE_BATCH) as { seq: number; n: number }[];
        if (rows.length === 0) break;
        let upTo = 0;
        for (const r of rows) {
          upTo = r.seq;
          excess -= r.n + ROW_OVERHEAD;
          if (excess <= 0) break;
        }
        deletedRows += delUpTo.run(upTo).changes;
      }
      used = this.usedBytes();
    }
    return { deletedRows, keptFromSeq: minCursor, usedBytes: used };
  }

  close(): void {
    this.db.close();
  }
}
