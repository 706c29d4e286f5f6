import type Database from 'better-sqlite3';

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

export function migrateOutbox(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`outbox.db has schema version ${current}, newer than this tillbox knows (${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
