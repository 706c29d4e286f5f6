/**
 * PostgreSQL side of the reference head-office consumer: one table of baskets keyed by basket id
 * (so a redelivered or resynced basket is a no-op), and one of payloads that failed validation
 * (kept, not lost, so a schema bug on a box can be replayed once fixed).
 */
import type pg from 'pg';
import type { BasketV1, BasketV2 } from '../sync/basket.js';

export const BASKETS_TABLE = 'tillbox_baskets';
export const REJECTED_TABLE = 'tillbox_baskets_rejected';

const DDL = `
CREATE TABLE IF NOT EXISTS ${BASKETS_TABLE} (
  id          text PRIMARY KEY,
  store       text NOT NULL,
  box         text NOT NULL,
  time        timestamptz,
  kind        text NOT NULL,
  currency    char(3) NOT NULL,
  total_minor bigint,
  schema      smallint NOT NULL DEFAULT 1,
  member      text,
  payload     jsonb NOT NULL,
  consumer    text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE ${BASKETS_TABLE} ADD COLUMN IF NOT EXISTS schema smallint NOT NULL DEFAULT 1;
ALTER TABLE ${BASKETS_TABLE} ADD COLUMN IF NOT EXISTS token text;
CREATE INDEX IF NOT EXISTS ${BASKETS_TABLE}_store_time ON ${BASKETS_TABLE} (store, time);
CREATE INDEX IF NOT EXISTS ${BASKETS_TABLE}_store_token ON ${BASKETS_TABLE} (store, token) WHERE token IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${BASKETS_TABLE}_member_time ON ${BASKETS_TABLE} (member, time) WHERE member IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${REJECTED_TABLE} (
  seq         bigserial PRIMARY KEY,
  topic       text NOT NULL,
  reason      text NOT NULL,
  payload     text NOT NULL,
  consumer    text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);`;

export async function ensureTables(db: pg.ClientBase, extraDdl = ''): Promise<void> {
  // Two consumers starting together may race on CREATE TABLE IF NOT EXISTS (a known PostgreSQL
  // behaviour: concurrent creation can fail with a unique violation); an advisory lock serialises it.
  await db.query('SELECT pg_advisory_lock(727274)');
  try {
    await db.query(DDL + extraDdl);
  } finally {
    await db.query('SELECT pg_advisory_unlock(727274)');
  }
}

/**
 * true: inserted; false: this basket id was already there. Each call is its own committed statement.
 * v1 and v2 land in the same columns (total_minor from `total` or `totalMinor`); `payload` keeps
 * the basket as received and `schema` says how to read it. The id is the same in both versions,
 * so a receipt resent as v2 after a box upgrade is a duplicate, not a second sale.
 * `token`: the receipt's QR token (footer/content.ts basketToken), when head office has the QR key.
 */
export async function insertBasket(db: pg.ClientBase, b: BasketV1 | BasketV2, consumer: string, token: string | null = null): Promise<boolean> {
  const total = b.schema === 1 ? b.total : b.totalMinor;
  const res = await db.query(
    `INSERT INTO ${BASKETS_TABLE} (id, store, box, time, kind, currency, total_minor, schema, member, payload, consumer, token)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
    [b.id, b.store, b.box, b.time, b.kind, b.currency, total, b.schema, b.member ?? null, JSON.stringify(b), consumer, token],
  );
  return res.rowCount === 1;
}

/**
 * Fills the QR token of baskets stored before head office had the key (or before the column
 * existed), in batches so a large table is not locked in one statement. Returns how many.
 */
export async function backfillTokens(db: pg.ClientBase, tokenOf: (basketId: string) => string, batch = 1000): Promise<number> {
  let done = 0;
  for (;;) {
    const ids = (await db.query<{ id: string }>(`SELECT id FROM ${BASKETS_TABLE} WHERE token IS NULL LIMIT $1`, [batch])).rows.map((r) => r.id);
    if (ids.length === 0) return done;
    await db.query(`UPDATE ${BASKETS_TABLE} AS b SET token = v.token FROM unnest($1::text[], $2::text[]) AS v(id, token) WHERE b.id = v.id`, [ids, ids.map(tokenOf)]);
    done += ids.length;
  }
}

export async function insertRejected(db: pg.ClientBase, topic: string, reason: string, payload: string, consumer: string): Promise<void> {
  await db.query(`INSERT INTO ${REJECTED_TABLE} (topic, reason, payload, consumer) VALUES ($1, $2, $3, $4)`, [topic, reason.slice(0, 2000), payload, consumer]);
}
