import Database from 'better-sqlite3';
import { applyMigrations } from '../db/migrate.js';

/**
 * The raw journal's SQLite layout. `seq` is AUTOINCREMENT so a sequence number is never handed out
 * twice, even after retention has emptied the table; readers' cursors stay meaningful for ever.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE chunks (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     dir TEXT NOT NULL CHECK (dir IN ('pos>printer', 'printer>pos')),
     wall_ms INTEGER NOT NULL,
     mono_us INTEGER NOT NULL,
     boot_id TEXT NOT NULL,
     clock_synced INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),
     delivered INTEGER NOT NULL CHECK (delivered IN (0, 1)),
     bytes BLOB NOT NULL
   );
   CREATE INDEX chunks_wall ON chunks (wall_ms);
   CREATE TABLE cursors (
     name TEXT PRIMARY KEY,
     seq INTEGER NOT NULL,
     updated_ms INTEGER NOT NULL
   );`,
  // 2: bytes the box itself wrote to the printer (an at-till footer block, src/tap/footer-hold.ts)
  // are journaled as their own rows, marked box = 1, with dir 'pos>printer' (the way they went).
  // Readers report them as dir 'box>printer', so nothing that decodes the POS's documents (the
  // pipeline, reparse, status watch) ever reads a footer as part of a receipt. ADD COLUMN with a
  // constant default rewrites nothing: a big journal migrates at once (no CHECK: SQLite would
  // scan every row to test it).
  `ALTER TABLE chunks ADD COLUMN box INTEGER NOT NULL DEFAULT 0;`,
  // 3: brk = 1 on the first POS chunk after the tap started or the POS side was (re)opened. Bytes
  // the till sent while its link was down never arrived, so what comes after is not the rest of
  // the document before, however short the silence (issue 14: a 2.5 s cable pull or a kill -9 with
  // a quick restart made one document of two receipts). The pipeline closes the document there.
  `ALTER TABLE chunks ADD COLUMN brk INTEGER NOT NULL DEFAULT 0;`,
];

export const JOURNAL_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (and migrates) the journal for writing.
 *
 * synchronous=FULL, on purpose: in WAL mode FULL fsyncs the WAL at every commit, so a commit that
 * returned is on the SD card. With group commits (one transaction per ~20 ms of traffic) a power cut
 * or kill -9 loses at most the last uncommitted group, and SQLite's WAL checksums guarantee no row is
 * ever half-written. NORMAL would be faster but may lose committed groups on power loss, and the
 * journal is the source of truth everything downstream re-derives from.
 */
export function openJournalForWrite(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db, path, MIGRATIONS);
  return db;
}

/** Highest seq ever handed out (survives retention emptying the table). */
export function lastSeqOf(db: Database.Database): number {
  const row = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'chunks'`).get() as { seq: number } | undefined;
  return row?.seq ?? 0;
}
