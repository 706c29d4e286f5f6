import type Database from 'better-sqlite3';
import { applyMigrations } from '../db/migrate.js';

/** Numbered migrations of outbox.db, tracked with PRAGMA user_version. Append only. */
const MIGRATIONS: readonly string[] = [
  // 1: pending rows and ack tombstones in one table; persistent counters.
  `CREATE TABLE outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     payload TEXT,
     created_at INTEGER NOT NULL,
     acked_at INTEGER
   );
   CREATE INDEX outbox_pending ON outbox (seq) WHERE acked_at IS NULL;
   CREATE INDEX outbox_pending_age ON outbox (created_at) WHERE acked_at IS NULL;
   CREATE INDEX outbox_tombstone_age ON outbox (acked_at) WHERE acked_at IS NOT NULL;
   CREATE TABLE counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL);`,
];

export const OUTBOX_SCHEMA_VERSION = MIGRATIONS.length;

/** Migrates outbox.db (one transaction; a newer file is refused with TBX_SCHEMA_TOO_NEW). */
export function migrateOutbox(db: Database.Database, what = 'outbox.db'): void {
  applyMigrations(db, what, MIGRATIONS);
}
