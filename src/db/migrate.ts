import type Database from 'better-sqlite3';
import { TillboxError } from '../errors.js';

/** A numbered migration: SQL, or a function run inside the migration transaction. */
export type Migration = string | ((db: Database.Database) => void);

/**
 * Brings a database from its `PRAGMA user_version` to `migrations.length`, every pending step in
 * ONE transaction: a step that fails rolls back the steps before it too, so the file is left
 * exactly at the version it had (and the upgrade path can fall back to the old package). A file
 * from a newer tillbox is refused, never "migrated" down or used half-understood.
 * Returns the version found and the version left.
 */
export function applyMigrations(db: Database.Database, what: string, migrations: readonly Migration[]): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > migrations.length) {
    throw new TillboxError(
      'TBX_SCHEMA_TOO_NEW',
      `${what} has schema version ${from}, newer than this tillbox knows (${migrations.length}): it was written by a newer tillbox; install that version again, or restore a backup taken before the upgrade`,
    );
  }
  if (from === migrations.length) return { from, to: from };
  let step = from;
  try {
    db.transaction(() => {
      for (; step < migrations.length; step++) {
        const m = migrations[step] as Migration;
        if (typeof m === 'string') db.exec(m);
        else m(db);
      }
      db.pragma(`user_version = ${migrations.length}`);
    })();
  } catch (err) {
    throw new TillboxError('TBX_MIGRATION_FAILED', `${what}: migration ${step + 1} (of ${from + 1}..${migrations.length}) failed, nothing changed (still version ${from}): ${(err as Error).message}`, { cause: err });
  }
  return { from, to: migrations.length };
}
