/** The manifest.json of a tillbox backup directory, and the file list a backup holds. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export const MANIFEST_FORMAT = 1;
export const MANIFEST_NAME = 'manifest.json';

/**
 * The databases, in the order they are copied: the ledger before the journal, so every receipt the
 * ledger holds has its raw bytes in the journal copy (a reparse can always rebuild it), and the
 * pipeline position (a plain file, copied first) is never ahead of the ledger copy.
 */
export const DATABASES = ['ledger.db', 'outbox.db', 'journal.db'] as const;
export type DatabaseName = (typeof DATABASES)[number];
/** Small state files of dataDir worth keeping; missing ones are skipped. */
export const STATE_FILES = ['pipeline-position.json', 'insights.json', 'admin.hash'] as const;

export interface ManifestFile {
  name: string;
  kind: 'sqlite' | 'state' | 'config';
  bytes: number;
  sha256: string;
  /** sqlite only: PRAGMA user_version of the copy. */
  schemaVersion?: number;
}

export interface Manifest {
  format: number;
  createdAt: string;
  tillbox: string;
  node: string;
  dataDir: string;
  /** The config file copied as config.yaml, where it was (null: built-in defaults). */
  configPath: string | null;
  files: ManifestFile[];
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('error', reject).on('data', (c) => h.update(c)).on('end', () => resolve(h.digest('hex')));
  });
}

/** A manifest read from disk, checked for shape (not yet for checksums); an error text when not one. */
export function parseManifest(text: string): Manifest | string {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  const o = m as Partial<Manifest>;
  if (typeof o !== 'object' || o === null || typeof o.format !== 'number' || !Array.isArray(o.files)) return 'not a tillbox backup manifest';
  if (o.format > MANIFEST_FORMAT) return `manifest format ${o.format} is newer than this tillbox reads (${MANIFEST_FORMAT})`;
  for (const f of o.files) {
    if (typeof f?.name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(f.name) || typeof f.sha256 !== 'string') return 'a file entry has no valid name or checksum';
  }
  return o as Manifest;
}
