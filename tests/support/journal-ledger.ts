/**
 * Journal rows in, ledger out: the rows are written by the journal's own store into a real SQLite
 * file (as the tap's writer stamps them), then the real analytics code files them into a real
 * ledger, which is returned read-only. `stops` collects what the caller's afterEach must undo.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/load.js';
import { startAnalytics, type Analytics } from '../../src/daemon/analytics.js';
import { readBootId } from '../../src/journal/host-clock.js';
import { JournalStore, type AppendRow } from '../../src/journal/store.js';
import { createLogger } from '../../src/log.js';
import { tempDir } from './tmp.js';

export async function ledgerFromJournal(rows: AppendRow[], stops: (() => Promise<void> | void)[], bootId = readBootId()): Promise<{ db: Database.Database; analytics: Analytics }> {
  const t = tempDir('tbx-journal-ledger-');
  stops.push(t.cleanup);
  const dataDir = join(t.dir, 'data');
  mkdirSync(dataDir);
  const store = new JournalStore(join(dataDir, 'journal.db'));
  store.append(rows, bootId, false);
  store.close();
  const config = loadConfig(undefined, { TILLBOX_DATADIR: dataDir, TILLBOX_WEB_PORT: '0' });
  const analytics = await startAnalytics({ config, logger: createLogger({ level: 'silent' }), version: 'test', listen: false });
  stops.push(() => analytics.stop());
  analytics.drain();
  const db = new Database(join(dataDir, 'ledger.db'), { readonly: true });
  stops.push(() => void db.close());
  return { db, analytics };
}
