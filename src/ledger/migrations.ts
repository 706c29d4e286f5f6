import type { Database } from 'better-sqlite3';

/**
 * Numbered migrations: entry i brings the schema from user_version i to i + 1. Never edit a
 * released entry; append a new one.
 *
 * Layout choices (why, not what):
 * - receipts keep a small integer rowid (`rid`); items are a WITHOUT ROWID table keyed by
 *   (rid, line), so a receipt's items sit together on disk and a member's month reads a handful
 *   of pages.
 * - item names and SKUs live once in `products`; an item row is a few integers.
 * - member_day and store_day(+_hour, _cat, _product) are maintained inside the ingest
 *   transaction, so summaries read pre-aggregated rows instead of scanning years of items.
 * - reminders are identified by the receipt's stable id + line (not rid) so their sent/cancelled
 *   state survives clearDerived() + reparse. They are a rowid table (rows appended in ingest
 *   order) with that pair in a UNIQUE index: receipt ids are hashes, so a WITHOUT ROWID table
 *   keyed by them put each new row on a random page of the whole table, and a bulk commit
 *   rewrote most of it; now only the narrower index is randomly ordered.
 * - receipts_member_day carries `counted`, so a member's summary finds its counted receipts'
 *   rids from the index alone, without visiting the receipt rows.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE members (
    mid INTEGER PRIMARY KEY,
    member TEXT NOT NULL UNIQUE
  );
  CREATE TABLE products (
    pid INTEGER PRIMARY KEY,
    sku TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    shelf_life_days INTEGER,
    class_source TEXT NOT NULL,
    UNIQUE (sku, name)
  );
  CREATE TABLE catalogue (
    sku TEXT PRIMARY KEY,
    name TEXT,
    category TEXT NOT NULL,
    shelf_life_days INTEGER,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE receipts (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    counted INTEGER NOT NULL,
    flagged INTEGER NOT NULL,
    store TEXT, till TEXT, receipt_no TEXT,
    time TEXT,
    ts INTEGER NOT NULL,
    day TEXT NOT NULL,
    hour INTEGER NOT NULL,
    mid INTEGER,
    currency TEXT NOT NULL,
    total INTEGER,
    net INTEGER NOT NULL,
    item_count INTEGER NOT NULL,
    items_match INTEGER NOT NULL,
    confidence REAL NOT NULL,
    profile TEXT NOT NULL,
    extra TEXT NOT NULL,
    journal_from INTEGER NOT NULL,
    journal_to INTEGER NOT NULL
  );
  CREATE INDEX receipts_member_day ON receipts (mid, day, counted) WHERE mid IS NOT NULL;
  CREATE INDEX receipts_ts ON receipts (ts);
  CREATE INDEX receipts_flagged ON receipts (rid) WHERE flagged = 1;
  CREATE TABLE items (
    rid INTEGER NOT NULL,
    line INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    qty REAL NOT NULL,
    unit_price INTEGER,
    amount INTEGER NOT NULL,
    PRIMARY KEY (rid, line)
  ) WITHOUT ROWID;
  CREATE TABLE member_day (
    mid INTEGER NOT NULL, day TEXT NOT NULL,
    receipts INTEGER NOT NULL, net INTEGER NOT NULL, items INTEGER NOT NULL,
    PRIMARY KEY (mid, day)
  ) WITHOUT ROWID;
  CREATE TABLE store_day (
    day TEXT PRIMARY KEY,
    receipts INTEGER NOT NULL, sales INTEGER NOT NULL, refunds INTEGER NOT NULL, net INTEGER NOT NULL,
    items INTEGER NOT NULL, member_receipts INTEGER NOT NULL, member_net INTEGER NOT NULL,
    refund_receipts INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE store_hour (
    day TEXT NOT NULL, hour INTEGER NOT NULL, receipts INTEGER NOT NULL, net INTEGER NOT NULL,
    PRIMARY KEY (day, hour)
  ) WITHOUT ROWID;
  CREATE TABLE store_day_cat (
    day TEXT NOT NULL, category TEXT NOT NULL, amount INTEGER NOT NULL, qty REAL NOT NULL,
    PRIMARY KEY (day, category)
  ) WITHOUT ROWID;
  CREATE TABLE store_day_product (
    day TEXT NOT NULL, pid INTEGER NOT NULL, amount INTEGER NOT NULL, qty REAL NOT NULL,
    PRIMARY KEY (day, pid)
  ) WITHOUT ROWID;
  CREATE TABLE reminders (
    receipt_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    mid INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    purchased_ts INTEGER NOT NULL,
    expires_day TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'cancelled', 'expired')),
    notification_id TEXT,
    UNIQUE (receipt_id, line)
  );
  CREATE INDEX reminders_pending ON reminders (expires_day) WHERE status = 'pending';
  CREATE INDEX reminders_member ON reminders (mid, pid) WHERE status = 'pending';
  CREATE TABLE consent (
    mid INTEGER NOT NULL, channel TEXT NOT NULL, granted INTEGER NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (mid, channel)
  ) WITHOUT ROWID;
  CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    mid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE deliveries (
    notification_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'withdrawn', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ts INTEGER NOT NULL,
    last_error TEXT,
    delivered_at TEXT,
    PRIMARY KEY (notification_id, channel)
  ) WITHOUT ROWID;
  CREATE INDEX deliveries_due ON deliveries (next_attempt_ts) WHERE status = 'pending';
  `,
];

export function migrate(db: Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`ledger schema version ${current} is newer than this tillbox knows (${MIGRATIONS.length}); upgrade tillbox`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
