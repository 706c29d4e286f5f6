/**
 * `tillbox backup`: a consistent copy of the box's databases while the daemon runs, with the
 * config and a manifest of versions and checksums. Copying a live WAL database with cp can take
 * the main file without its WAL (or half a checkpoint); SQLite's online backup API cannot.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TillboxError } from '../errors.js';
import { DATABASES, MANIFEST_FORMAT, MANIFEST_NAME, sha256File, STATE_FILES, type Manifest, type ManifestFile } from './manifest.js';

/**
 * Pages per backup step after the first: all of them. One step copies the whole file inside one
 * read transaction, so the copy is a snapshot of one instant. Smaller steps would let the daemon's
 * commits restart the copy again and again (the API restarts when another connection writes);
 * in WAL mode the read transaction never blocks the daemon's writes.
 */
const ALL_PAGES = 0x7fffffff;

/** Copies one database by the online backup API, then makes the copy self-contained and checks it. */
export async function backupDatabase(source: string, dest: string): Promise<{ schemaVersion: number }> {
  // Read-write connection but no writes: a read-only one cannot open a WAL file whose -shm is missing.
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(dest, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  const copy = new Database(dest);
  try {
    // DELETE journal mode: the copy is one file, no -wal beside it to lose; the daemon turns WAL
    // back on when it opens a restored file.
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('integrity_check', { simple: true }) as string;
    if (check !== 'ok') throw new TillboxError('TBX_BACKUP_FAILED', `${dest}: the copy fails integrity_check (${check})`);
    return { schemaVersion: copy.pragma('user_version', { simple: true }) as number };
  } finally {
    copy.close();
  }
}

export interface BackupOptions {
  dataDir: string;
  /** The config file in use, copied as config.yaml; undefined: built-in defaults, nothing to copy. */
  configPath: string | undefined;
  to: string;
  version: string;
  now?: () => Date;
}

/** Writes a backup directory; throws TBX_BACKUP_FAILED (and leaves no manifest) when any part fails. */
export async function writeBackup(opts: BackupOptions): Promise<Manifest> {
  if (existsSync(opts.to) && readdirSync(opts.to).length > 0) throw new TillboxError('TBX_BACKUP_FAILED', `${opts.to} exists and is not empty: choose a new directory`);
  try {
    mkdirSync(opts.to, { recursive: true, mode: 0o750 });
  } catch (err) {
    throw new TillboxError('TBX_BACKUP_FAILED', `${opts.to}: cannot create the backup directory (${(err as Error).message})`, { cause: err });
  }
  const files: ManifestFile[] = [];
  const add = async (name: string, kind: ManifestFile['kind'], extra: Partial<ManifestFile> = {}): Promise<void> => {
    const path = join(opts.to, name);
    files.push({ name, kind, bytes: statSync(path).size, sha256: await sha256File(path), ...extra });
  };
  try {
    // Plain state first (see DATABASES for the order and why).
    for (const name of STATE_FILES) {
      const src = join(opts.dataDir, name);
      if (!existsSync(src)) continue;
      copyFileSync(src, join(opts.to, name));
      await add(name, 'state');
    }
    for (const name of DATABASES) {
      const src = join(opts.dataDir, name);
      if (!existsSync(src)) continue;
      const { schemaVersion } = await backupDatabase(src, join(opts.to, name));
      await add(name, 'sqlite', { schemaVersion });
    }
    if (opts.configPath !== undefined) {
      copyFileSync(opts.configPath, join(opts.to, 'config.yaml'));
      await add('config.yaml', 'config');
    }
  } catch (err) {
    if (err instanceof TillboxError) throw err;
    throw new TillboxError('TBX_BACKUP_FAILED', `backup to ${opts.to} failed: ${(err as Error).message}`, { cause: err });
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    createdAt: (opts.now ?? (() => new Date()))().toISOString(),
    tillbox: opts.version,
    node: process.version,
    dataDir: opts.dataDir,
    configPath: opts.configPath ?? null,
    files,
  };
  // Written last: a directory without a manifest is an unfinished backup, and restore refuses it.
  writeFileSync(join(opts.to, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o640 });
  return manifest;
}

/** The default place: <dataDir>/backups/<label><UTC time>, e.g. backups/20261203T093625Z (-2, -3 … within one second). */
export function defaultBackupDir(dataDir: string, now: Date, label = ''): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = join(dataDir, 'backups', `${label}${stamp}`);
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  return dir;
}
