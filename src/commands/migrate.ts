/**
 * `tillbox migrate [--config FILE] [--backup-to DIR]`: the upgrade step the package runs between
 * stopping the old daemon and starting the new one. Backs up, brings journal, ledger and outbox to
 * this build's schemas, and when any migration fails puts every database back from that backup,
 * so the previous tillbox can run on them again.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultBackupDir, writeBackup } from '../backup/backup.js';
import { DATABASES, type DatabaseName } from '../backup/manifest.js';
import { inUse, restoreFiles } from '../backup/restore.js';
import { loadConfig } from '../config/load.js';
import { isTillboxError, TillboxError } from '../errors.js';
import { openJournalForWrite } from '../journal/schema.js';
import { migrate as migrateLedger } from '../ledger/migrations.js';
import { migrateOutbox } from '../sync/outbox-migrations.js';
import { parseCommandArgs } from './args.js';
import { configFileOf } from './config-path.js';
import type { CommandIO } from './types.js';
import { packageVersion, SCHEMA_VERSIONS } from './version.js';

const MIGRATE: Record<DatabaseName, (path: string) => void> = {
  'journal.db': (path) => openJournalForWrite(path).close(),
  'ledger.db': (path) => withDb(path, (db) => migrateLedger(db, path)),
  'outbox.db': (path) => withDb(path, (db) => migrateOutbox(db, path)),
};

function withDb(path: string, f: (db: Database.Database) => void): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    f(db);
  } finally {
    db.close();
  }
}

function versionOf(path: string): number {
  let v = 0;
  withDb(path, (db) => {
    v = db.pragma('user_version', { simple: true }) as number;
  });
  return v;
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { config: { type: 'string', short: 'c' }, 'backup-to': { type: 'string' } }, false);
  const configPath = configFileOf(values.config, io.cwd);
  const config = loadConfig(configPath, io.env);
  const dataDir = resolve(io.cwd, config.dataDir);
  const present = DATABASES.filter((d) => existsSync(join(dataDir, d)));
  const busy = present.filter((d) => inUse(join(dataDir, d)));
  if (busy.length > 0) throw new TillboxError('TBX_MIGRATION_FAILED', `${busy.join(', ')} in ${dataDir} are open in another process: stop the daemon first (systemctl stop tillbox)`);
  const target = (d: DatabaseName): number => SCHEMA_VERSIONS[d.replace('.db', '') as keyof typeof SCHEMA_VERSIONS];
  const before = new Map(present.map((d) => [d, versionOf(join(dataDir, d))]));
  const newer = present.filter((d) => (before.get(d) ?? 0) > target(d));
  if (newer.length > 0) {
    throw new TillboxError('TBX_SCHEMA_TOO_NEW', `${newer.map((d) => `${d} (version ${String(before.get(d))}, this tillbox knows ${target(d)})`).join(', ')}: written by a newer tillbox; install that version again, or restore a backup taken before`);
  }
  // Journal first: the order only matters for what a failure has to put back (everything, always).
  const pending = (['journal.db', 'outbox.db', 'ledger.db'] as const).filter((d) => present.includes(d) && (before.get(d) ?? 0) < target(d));
  if (pending.length === 0) {
    io.stdout.write(`schemas up to date in ${dataDir}: ${present.map((d) => `${d} ${String(before.get(d))}`).join(', ') || 'no databases yet'}\n`);
    return 0;
  }
  const to = values['backup-to'] !== undefined ? resolve(io.cwd, values['backup-to']) : defaultBackupDir(dataDir, new Date(), 'pre-migrate-');
  const manifest = await writeBackup({ dataDir, configPath, to, version: packageVersion() });
  io.stdout.write(`backup before migrating: ${to}\n`);
  for (const d of pending) {
    try {
      MIGRATE[d](join(dataDir, d));
      io.stdout.write(`  ${d}: schema ${String(before.get(d))} -> ${target(d)}\n`);
    } catch (err) {
      // One failed: every database goes back to the backup (those already migrated too), so the
      // set stays one the previous tillbox wrote and can run.
      const dbs = { ...manifest, files: manifest.files.filter((f) => f.kind === 'sqlite') };
      restoreFiles(to, dbs, dataDir, defaultBackupDir(dataDir, new Date(), 'failed-migration-'), undefined);
      const why = isTillboxError(err) ? `${err.message} [${err.code}]` : (err as Error).message;
      throw new TillboxError('TBX_MIGRATION_FAILED', `${d}: ${why}; all databases were put back from the backup ${to} (the previous tillbox can run on them)`, { cause: err });
    }
  }
  return 0;
}


/** `tillbox migrate --help`: the usage line, and a line per option of the parse table. */
export const usage = 'usage: tillbox migrate [--config FILE] [--backup-to DIR]\n  Daemon stopped. Backs up, migrates journal, ledger and outbox; on any failure restores them all from that backup.';
export const optionHelp: Readonly<Record<string, string>> = {
  config: 'config file (default: ./tillbox.yaml, else /etc/tillbox/tillbox.yaml)',
  'backup-to': 'where the backup goes (default: <dataDir>/backups/pre-migrate-<UTC time>)',
};
