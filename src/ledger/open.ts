import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { TillboxError } from '../errors.js';
import type { CatalogueEntry } from '../shopper/catalogue/classify.js';
import { rebuildCategories, reclassifyProducts, upsertCatalogue } from './catalogue.js';
import { Ingestor } from './ingest.js';
import { migrate } from './migrations.js';
import { zoneClock } from './time.js';
import type { IngestResult, Ledger, LedgerOptions } from './types.js';

/** For commands that read: a missing ledger is an error, not an empty new file. */
export function openExistingLedger(path: string, opts: LedgerOptions): Ledger {
  if (!existsSync(path)) {
    throw new TillboxError('TBX_LEDGER_OPEN_FAILED', `${path}: no ledger here yet (check dataDir in the config, or run the daemon first)`);
  }
  return openLedger(path, opts);
}

/** Opens (creating and migrating) the ledger database. Throws TBX_LEDGER_OPEN_FAILED. */
export function openLedger(path: string, opts: LedgerOptions): Ledger {
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = OFF');
    db.pragma(`cache_size = -${opts.cacheKiB ?? 8192}`);
    db.pragma('temp_store = MEMORY');
    // A reader (status page) and the writer may overlap; wait briefly rather than fail.
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (err) {
    if (err instanceof TillboxError) throw err; // schema too new / migration failed: keep the code
    throw new TillboxError('TBX_LEDGER_OPEN_FAILED', `${path}: cannot open the ledger (${(err as Error).message})`, { cause: err });
  }
  const zone = zoneClock(opts.timezone);
  const ingestor = new Ingestor(db, zone, opts.currency, opts.clock ?? Date.now);

  // Live path: one transaction (one fsync) per receipt, its aggregates written in it.
  const single = db.transaction((receipt: Parameters<Ledger['ingest']>[0], source: Parameters<Ledger['ingest']>[1]) => {
    const result = ingestor.ingestOne(receipt, source);
    ingestor.accept();
    ingestor.flush();
    return result;
  });
  // Bulk, optimistic: the whole batch in one transaction without savepoints. A savepoint per
  // receipt made SQLite copy every page a receipt touched into the statement journal first,
  // which cost about a third of bulk ingest; bad receipts are rare, so only a batch that
  // actually holds one pays for isolation (it is rolled back and redone by `isolated`).
  const optimistic = db.transaction((batch: Parameters<Ledger['ingestMany']>[0]) => {
    const out: IngestResult[] = [];
    for (const { receipt, source } of batch) {
      out.push(ingestor.ingestOne(receipt, source));
      ingestor.accept();
    }
    ingestor.flush();
    return out;
  });
  // Nested inside `isolated`: a savepoint per receipt, so a bad one rolls back alone.
  const one = db.transaction(ingestor.ingestOne.bind(ingestor));
  const cursor = db.prepare('SELECT coalesce(max(journal_to), 0) FROM receipts').pluck();
  const isolated = db.transaction((batch: Parameters<Ledger['ingestMany']>[0]) => {
    const out: (IngestResult | Error)[] = [];
    for (const { receipt, source } of batch) {
      try {
        out.push(one(receipt, source));
        ingestor.accept();
      } catch (err) {
        ingestor.reject();
        out.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    // The batch's aggregates, summed in memory, one upsert per row, in the same commit.
    ingestor.flush();
    return out;
  });

  return {
    db,
    zone,
    currency: opts.currency,
    ingest(receipt, source) {
      try {
        return single(receipt, source);
      } catch (err) {
        ingestor.abort();
        throw err;
      }
    },
    ingestMany(batch) {
      if (batch.length === 0) return [];
      try {
        return optimistic(batch);
      } catch {
        ingestor.abort(); // rolled back whole; redo with a savepoint per receipt
      }
      try {
        return isolated(batch);
      } catch (err) {
        ingestor.abort();
        throw err;
      }
    },
    clearDerived() {
      db.transaction(() => {
        db.exec(`DELETE FROM items; DELETE FROM receipts; DELETE FROM member_day; DELETE FROM store_day;
          DELETE FROM store_hour; DELETE FROM store_day_cat; DELETE FROM store_day_product;
          DELETE FROM reminders WHERE status <> 'sent';`);
      })();
      ingestor.resetCaches();
    },
    journalCursor: () => cursor.get() as number,
    importCatalogue(entries: readonly CatalogueEntry[], now = new Date()) {
      const n = db.transaction(() => {
        const written = upsertCatalogue(db, entries, now);
        reclassifyProducts(db);
        rebuildCategories(db);
        return written;
      })();
      ingestor.resetCaches();
      return n;
    },
    reclassify() {
      const n = db.transaction(() => {
        const changed = reclassifyProducts(db);
        rebuildCategories(db);
        return changed;
      })();
      ingestor.resetCaches();
      return n;
    },
    memberKey: (member) => ingestor.memberKey(member, false),
    close: () => db.close(),
  };
}
