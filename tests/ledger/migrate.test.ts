/**
 * Schema migrations: all pending steps in one transaction (a failing step leaves the file at its
 * old version, earlier steps undone), a file from a newer tillbox refused with a coded error, and
 * `tillbox migrate` (the package's upgrade step) putting every database back from its backup when
 * one migration fails.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { applyMigrations } from '../../src/db/migrate.js';
import { isTillboxError } from '../../src/errors.js';
import { openLedger } from '../../src/ledger/open.js';
import { tillbox } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { JOURNAL_SCHEMA_VERSION } from '../../src/journal/schema.js';

/** What a migration changes: the schema version, the tables and their rows. */
function contents(path: string): { version: number; tables: Record<string, unknown[]> } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    return { version: db.pragma('user_version', { simple: true }) as number, tables: Object.fromEntries(names.map((n) => [n, db.prepare(`SELECT * FROM "${n}"`).all()])) };
  } finally {
    db.close();
  }
}

describe('applyMigrations', () => {
  it('a failing step rolls back every step of the run: the file keeps its version and tables', () => {
    const db = new Database(':memory:');
    applyMigrations(db, 'test.db', ['CREATE TABLE a (x)']);
    let caught: unknown;
    try {
      applyMigrations(db, 'test.db', ['CREATE TABLE a (x)', 'CREATE TABLE b (x)', 'CREATE TABLE c (x', 'CREATE TABLE d (x)']);
    } catch (err) {
      caught = err;
    }
    expect(isTillboxError(caught, 'TBX_MIGRATION_FAILED')).toBe(true);
    expect((caught as Error).message).toContain('migration 3');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['a']);
  });

  it('refuses a database from a newer tillbox with TBX_SCHEMA_TOO_NEW, and opening the ledger keeps that code', () => {
    const t = tempDir('tbx-mig-');
    try {
      const file = join(t.dir, 'ledger.db');
      const db = new Database(file);
      db.pragma('user_version = 42');
      db.close();
      let caught: unknown;
      try {
        openLedger(file, { timezone: 'Asia/Shanghai', currency: 'CNY' });
      } catch (err) {
        caught = err;
      }
      expect(isTillboxError(caught, 'TBX_SCHEMA_TOO_NEW')).toBe(true);
      expect((caught as Error).message).toMatch(/schema version 42, newer than this tillbox knows/);
    } finally {
      t.cleanup();
    }
  });
});

describe('tillbox migrate', () => {
  it('backs up, and when the ledger migration fails puts journal and ledger back from that backup', async () => {
    const t = tempDir('tbx-migrate-');
    try {
      const dataDir = join(t.dir, 'data');
      mkdirSync(dataDir);
      const config = join(t.dir, 'tillbox.yaml');
      writeFileSync(config, stringify({ dataDir }));
      // Two files from "the previous tillbox" (schema 0). The journal migrates fine; the ledger
      // holds a table its migration creates, so migration 1 fails half-way through.
      const journal = new Database(join(dataDir, 'journal.db'));
      journal.exec("CREATE TABLE before_upgrade (x); INSERT INTO before_upgrade VALUES ('raw')");
      journal.close();
      const old = new Database(join(dataDir, 'ledger.db'));
      old.exec("CREATE TABLE receipts (note TEXT); INSERT INTO receipts VALUES ('kept')");
      old.close();
      const before = { journal: contents(join(dataDir, 'journal.db')), ledger: contents(join(dataDir, 'ledger.db')) };

      const r = await tillbox(['migrate', '--config', config]);
      expect(r.code).toBe(1);
      expect(r.err).toContain('TBX_MIGRATION_FAILED');
      expect(r.err).toContain('all databases were put back from the backup');
      expect(r.out).toContain(`journal.db: schema 0 -> ${JOURNAL_SCHEMA_VERSION}`);
      // Both files hold what they held, at their old version (the journal had been migrated: it was put back).
      expect(contents(join(dataDir, 'journal.db'))).toEqual(before.journal);
      expect(contents(join(dataDir, 'ledger.db'))).toEqual(before.ledger);
      expect(before.journal.version).toBe(0);
      expect(readdirSync(join(dataDir, 'backups')).some((d) => d.startsWith('pre-migrate-'))).toBe(true);

      // Fixed (the conflicting table gone), it migrates, and a second run has nothing to do.
      const fix = new Database(join(dataDir, 'ledger.db'));
      fix.exec('DROP TABLE receipts');
      fix.close();
      const ok = await tillbox(['migrate', '--config', config]);
      expect(ok.code, ok.err).toBe(0);
      expect((await tillbox(['migrate', '--config', config])).out).toContain('schemas up to date');
    } finally {
      t.cleanup();
    }
  });
});
