/**
 * Coupons in the reference head-office consumer: the `…/coupon` topic (src/footer/coupon-sync.ts
 * publishes it after the box printed them) into its own PostgreSQL table, idempotent by coupon
 * (store, code), so a resend after a lost PUBACK is a no-op. A payload that is not a coupon
 * message goes to the rejected table like a bad basket. No member data arrives on this topic.
 */
import type pg from 'pg';
import type { CouponPayload } from '../sync/topics.js';
import { insertRejected } from './store.js';

export const COUPONS_TABLE = 'tillbox_coupons';
/** Most coupons one message may carry (the box sends at most COUPONS_PER_MESSAGE = 100). */
export const MAX_COUPONS_PER_MESSAGE = 1000;

const DDL = `
CREATE TABLE IF NOT EXISTS ${COUPONS_TABLE} (
  store       text NOT NULL,
  code        text NOT NULL,
  box         text NOT NULL,
  rule        text NOT NULL,
  day         date NOT NULL,
  issued_at   timestamptz NOT NULL,
  basket      text NOT NULL,
  consumer    text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store, code)
);
CREATE INDEX IF NOT EXISTS ${COUPONS_TABLE}_basket ON ${COUPONS_TABLE} (basket);`;

export interface CouponStats {
  inserted: number;
  duplicates: number;
  rejected: number;
}

const TEXT = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The payload as a coupon message, or why it is not one. */
export function checkCoupons(doc: unknown): CouponPayload | string {
  const p = doc as Partial<CouponPayload> | null;
  if (p === null || typeof p !== 'object') return 'not an object';
  if (p.schema !== 1) return '/schema must be 1';
  if (!TEXT(p.store, 64) || !TEXT(p.box, 64)) return '/store and /box must be short strings';
  if (!Array.isArray(p.coupons) || p.coupons.length === 0 || p.coupons.length > MAX_COUPONS_PER_MESSAGE) return `/coupons must hold 1..${MAX_COUPONS_PER_MESSAGE} coupons`;
  for (const [i, c] of p.coupons.entries()) {
    if (!TEXT(c?.code, 64) || !TEXT(c.rule, 64) || !TEXT(c.basket, 128) || typeof c.day !== 'string' || !DAY.test(c.day) || !TEXT(c.issuedAt, 40) || Number.isNaN(Date.parse(c.issuedAt))) {
      return `/coupons/${i}: expected code, rule, day (YYYY-MM-DD), issuedAt (ISO time) and basket`;
    }
  }
  return p as CouponPayload;
}

/** The consumer's coupon part: its tables, its topic, and the handler for one message. */
export function couponStore(db: pg.ClientBase, consumer: string) {
  const stats: CouponStats = { inserted: 0, duplicates: 0, rejected: 0 };
  return {
    stats,
    /** The shared-subscription topic for `group`. */
    topic: (group: string): string => `$share/${group}/tillbox/+/+/coupon`,
    handles: (topic: string): boolean => topic.endsWith('/coupon'),
    ensureTable: async (): Promise<void> => {
      // Same advisory lock as the basket tables: two consumers may start together.
      await db.query('SELECT pg_advisory_lock(727275)');
      try {
        await db.query(DDL);
      } finally {
        await db.query('SELECT pg_advisory_unlock(727275)');
      }
    },
    /** Stores one message; throws only on a database error (the caller then withholds the PUBACK). */
    store: async (topic: string, payload: Buffer): Promise<void> => {
      const text = payload.toString('utf8');
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        doc = undefined;
      }
      const msg = doc === undefined ? 'not JSON' : checkCoupons(doc);
      if (typeof msg === 'string') {
        stats.rejected++;
        await insertRejected(db, topic, `coupon: ${msg}`, text, consumer);
        return;
      }
      // One statement for the whole message: all its coupons commit together or not at all.
      const rows = msg.coupons;
      const values = rows.map((_, i) => `($1, $${i * 6 + 3}, $2, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6}, $${i * 6 + 7}, $${i * 6 + 8})`).join(', ');
      const res = await db.query(
        `INSERT INTO ${COUPONS_TABLE} (store, code, box, rule, day, issued_at, basket, consumer) VALUES ${values} ON CONFLICT (store, code) DO NOTHING`,
        [msg.store, msg.box, ...rows.flatMap((c) => [c.code, c.rule, c.day, c.issuedAt, c.basket, consumer])],
      );
      stats.inserted += res.rowCount ?? 0;
      stats.duplicates += rows.length - (res.rowCount ?? 0);
    },
  };
}
