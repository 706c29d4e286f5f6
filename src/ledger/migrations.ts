import type { Database } from 'better-sqlite3';
import { applyMigrations } from '../db/migrate.js';

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
 * - Ingest arrives in time order, so rowid, ts and day keys append at the right edge of their
 *   B-trees; a key that is a hash or a member id lands on a random page instead, and once such
 *   an index outgrows the page cache every commit rewrites (and first reads) a page per row.
 *   So random keys are kept few and narrow (sizes from dbstat on the 2 M-receipt bench ledger):
 *   - the receipt id lookup is `idk`, the id's first 52 bits as an integer (id-key.ts): 37 MB
 *     where the index on the text id took 69 MB; ingest compares the full id on the rows found.
 *   - a member's receipts are found through member_day.rids (that day's counted receipt rids,
 *     comma-separated), not through an index on receipts (mid, day): member_day is written
 *     per member and day anyway, so the list costs no extra random page.
 * - reminders are a rowid table (rows appended in ingest order). The pending ones are found by
 *   (expires_day, mid, pid), which serves both the daily job (by day) and a refund's
 *   cancellation (one seek per day the refunded item could still expire on). A reminder is
 *   created only with its receipt, so it is unique by construction; the one state a reparse
 *   could not derive again is "sent", so sent reminders survive clearDerived() and are indexed
 *   by the receipt's stable id + line (not rid), and ingest skips a reminder already sent.
 *   (A UNIQUE (receipt_id, line) over all reminders was the largest random index of all: about
 *   three reminders per receipt in the bench, 160 MB at 2 M receipts.)
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
    id TEXT NOT NULL,
    idk INTEGER NOT NULL,
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
  CREATE INDEX receipts_idk ON receipts (idk);
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
    rids TEXT NOT NULL,
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
    notification_id TEXT
  );
  CREATE INDEX reminders_pending ON reminders (expires_day, mid, pid) WHERE status = 'pending';
  CREATE UNIQUE INDEX reminders_sent ON reminders (receipt_id, line) WHERE status = 'sent';
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
  // 2: at-till footers (src/footer/): what the box printed itself, and the coupons it issued.
  // Neither is derived from the journal (the journal holds only what the POS sent), so
  // clearDerived() keeps both and a reparse never counts a footer as part of a receipt.
  // A coupon names its member by a hash (the member may not be in the ledger yet when it prints).
  `
  CREATE TABLE footer_prints (
    id INTEGER PRIMARY KEY,
    receipt_id TEXT NOT NULL,
    printed_at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('printed', 'dry-run')),
    hold_ms REAL,
    text TEXT NOT NULL,
    bytes BLOB NOT NULL
  );
  CREATE INDEX footer_prints_receipt ON footer_prints (receipt_id);
  CREATE TABLE coupons (
    code TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL,
    receipt_id TEXT NOT NULL,
    member_hash TEXT,
    day TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    synced INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX coupons_rule_day ON coupons (rule_id, day);
  CREATE INDEX coupons_rule_member ON coupons (rule_id, member_hash) WHERE member_hash IS NOT NULL;
  `,
  // 3: contacts and consent per channel AND kind of message (issue 12, src/shopper/consent/).
  // A member's contact points (e-mail, mobile, one Web Push subscription as JSON) and, for each
  // (channel, kind), whether it is granted, when, where it was given (till page, head office,
  // QR sign-up, CLI) and which consent wording the shopper saw. The old per-channel consent
  // covered the kinds that existed then (expiry, monthly, buyAgain; never offers) and becomes
  // one row per kind with source 'migrated', wording 'v0'. consent_messages makes the inbound
  // config/consent message idempotent by its id (the reply is kept and sent again on a repeat).
  // None of these is derived from the journal: clearDerived() keeps them; forget deletes them.
  `
  CREATE TABLE contacts (
    mid INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('email', 'mobile', 'webpush')),
    value TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (mid, kind)
  ) WITHOUT ROWID;
  ALTER TABLE consent RENAME TO consent_v1;
  CREATE TABLE consent (
    mid INTEGER NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('expiry', 'monthly', 'buyAgain', 'offers')),
    granted INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('till', 'headoffice', 'qr', 'cli', 'migrated')),
    wording TEXT NOT NULL,
    PRIMARY KEY (mid, channel, kind)
  ) WITHOUT ROWID;
  INSERT INTO consent (mid, channel, kind, granted, updated_at, source, wording)
    SELECT c.mid, c.channel, k.kind, c.granted, c.updated_at, 'migrated', 'v0'
    FROM consent_v1 c CROSS JOIN (SELECT 'expiry' AS kind UNION ALL SELECT 'monthly' UNION ALL SELECT 'buyAgain') k;
  DROP TABLE consent_v1;
  CREATE TABLE consent_messages (
    id TEXT PRIMARY KEY,
    received_at TEXT NOT NULL,
    reply TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
];

export const LEDGER_SCHEMA_VERSION = MIGRATIONS.length;

/** Migrates ledger.db (one transaction; a newer file is refused with TBX_SCHEMA_TOO_NEW). */
export function migrate(db: Database, what = 'ledger.db'): number {
  return applyMigrations(db, what, MIGRATIONS).to;
}
