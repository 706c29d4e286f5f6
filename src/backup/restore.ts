/**
 * `tillbox restore`: puts a backup directory back into dataDir. Refused while anything holds the
 * databases open (the daemon must be stopped), for a backup whose checksums do not match, and for
 * databases newer than this tillbox. What it replaces is moved aside first, never deleted.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TillboxError } from '../errors.js';
import { MANIFEST_NAME, parseManifest, sha256File, type Manifest } from './manifest.js';

/** True when another connection (the daemon) has the database open: it holds a WAL read lock. */
export function inUse(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw err;
  } finally {
    db.close();
  }
}

/** Reads and checks a backup: manifest shape, every file present with its checksum, schemas known. */
export async function verifyBackup(dir: string, known: Readonly<Record<string, number>>): Promise<Manifest> {
  const mpath = join(dir, MANIFEST_NAME);
  if (!existsSync(mpath)) throw new TillboxError('TBX_BACKUP_INVALID', `${dir}: no ${MANIFEST_NAME} (not a backup, or one that did not finish)`);
  const m = parseManifest(readFileSync(mpath, 'utf8'));
  if (typeof m === 'string') throw new TillboxError('TBX_BACKUP_INVALID', `${mpath}: ${m}`);
  for (const f of m.files) {
    const p = join(dir, f.name);
    if (!existsSync(p)) throw new TillboxError('TBX_BACKUP_INVALID', `${dir}: ${f.name} is missing`);
    if ((await sha256File(p)) !== f.sha256) throw new TillboxError('TBX_BACKUP_INVALID', `${dir}: ${f.name} does not match its checksum in the manifest (damaged or changed)`);
    const max = known[f.name.replace(/\.db$/, '')];
    if (f.kind === 'sqlite' && max !== undefined && (f.schemaVersion ?? 0) > max) {
      throw new TillboxError('TBX_SCHEMA_TOO_NEW', `${f.name} in ${dir} has schema version ${String(f.schemaVersion)}, newer than this tillbox knows (${max}): restore it with the tillbox that made it (${m.tillbox})`);
    }
  }
  return m;
}

export interface RestoreResult {
  restored: string[];
  /** Where the files it replaced went (null: nothing was replaced). */
  setAside: string | null;
}

/**
 * Copies the backup's databases and state files into dataDir (and its config to `configPath`
 * when given). Each file lands under a temporary name and is renamed into place; stale -wal and
 * -shm files of the replaced databases are removed with them (a WAL from another file would be
 * replayed into the restored one).
 */
export function restoreFiles(dir: string, m: Manifest, dataDir: string, asideDir: string, configPath: string | undefined): RestoreResult {
  mkdirSync(dataDir, { recursive: true });
  const restored: string[] = [];
  let aside: string | null = null;
  const moveAside = (path: string, name: string): void => {
    if (!existsSync(path)) return;
    mkdirSync(asideDir, { recursive: true });
    aside = asideDir;
    renameSync(path, join(asideDir, name));
  };
  try {
    for (const f of m.files) {
      if (f.kind === 'config' && configPath === undefined) continue;
      const target = f.kind === 'config' ? (configPath as string) : join(dataDir, f.name);
      const tmp = `${target}.restoring`;
      copyFileSync(join(dir, f.name), tmp);
      moveAside(target, f.kind === 'config' ? 'config.yaml' : f.name);
      for (const side of ['-wal', '-shm']) {
        if (f.kind === 'sqlite') moveAside(`${target}${side}`, `${f.name}${side}`);
      }
      renameSync(tmp, target);
      restored.push(f.name);
    }
  } catch (err) {
    throw new TillboxError('TBX_BACKUP_FAILED', `restore into ${dataDir} stopped after ${restored.length} file(s) (${restored.join(', ') || 'none'}): ${(err as Error).message}; the files replaced so far are in ${asideDir}`, { cause: err });
  } finally {
    for (const f of m.files) rmSync(`${f.kind === 'config' ? (configPath ?? '') : join(dataDir, f.name)}.restoring`, { force: true });
  }
  return { restored, setAside: aside };
}
