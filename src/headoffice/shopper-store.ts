/**
 * PostgreSQL side of the shopper page: the boxes' VAPID public keys (from their retained
 * `webpush` topic), the consent messages head office passed on and each one's outcome, and the
 * sessions of shoppers who signed up. What is kept about a shopper, and only after sign-up: which
 * basket and pseudonym (if the basket had one) the sign-up came from, the channel names and kinds
 * chosen, the wording version, and the box's answer. The e-mail address and the web-push
 * subscription are passed to the box in the consent message and never written here.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';

export const WEBPUSH_TABLE = 'tillbox_box_webpush';
export const CONSENT_TABLE = 'tillbox_consent_requests';
export const SESSIONS_TABLE = 'tillbox_shopper_sessions';

export const SHOPPER_DDL = `
CREATE TABLE IF NOT EXISTS ${WEBPUSH_TABLE} (
  store       text NOT NULL,
  box         text NOT NULL,
  public_key  text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store, box)
);
CREATE TABLE IF NOT EXISTS ${CONSENT_TABLE} (
  id          text PRIMARY KEY,
  store       text NOT NULL,
  box         text NOT NULL,
  basket      text NOT NULL,
  member      text,
  channels    text[] NOT NULL,
  kinds       text[] NOT NULL,
  wording     text NOT NULL,
  withdraw    boolean NOT NULL DEFAULT false,
  state       text NOT NULL DEFAULT 'pending',
  error       text,
  message     text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz
);
CREATE TABLE IF NOT EXISTS ${SESSIONS_TABLE} (
  token_hash  text PRIMARY KEY,
  store       text NOT NULL,
  box         text NOT NULL,
  basket      text NOT NULL,
  member      text,
  request     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);`;

export type ConsentState = 'pending' | 'confirmed' | 'failed';

export interface ConsentRequestRow {
  id: string;
  store: string;
  box: string;
  basket: string;
  member: string | null;
  channels: string[];
  kinds: string[];
  wording: string;
  withdraw: boolean;
}

export async function storeWebPushKey(db: pg.ClientBase, store: string, box: string, publicKey: string | null): Promise<void> {
  if (publicKey === null) {
    await db.query(`DELETE FROM ${WEBPUSH_TABLE} WHERE store = $1 AND box = $2`, [store, box]);
    return;
  }
  await db.query(
    `INSERT INTO ${WEBPUSH_TABLE} (store, box, public_key) VALUES ($1, $2, $3)
     ON CONFLICT (store, box) DO UPDATE SET public_key = EXCLUDED.public_key, received_at = now()`,
    [store, box, publicKey],
  );
}

export async function webPushKey(db: pg.Pool | pg.ClientBase, store: string, box: string): Promise<string | null> {
  const row = (await db.query<{ public_key: string }>(`SELECT public_key FROM ${WEBPUSH_TABLE} WHERE store = $1 AND box = $2`, [store, box])).rows[0];
  return row?.public_key ?? null;
}

export async function insertConsentRequest(db: pg.Pool | pg.ClientBase, r: ConsentRequestRow): Promise<void> {
  await db.query(
    `INSERT INTO ${CONSENT_TABLE} (id, store, box, basket, member, channels, kinds, wording, withdraw) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [r.id, r.store, r.box, r.basket, r.member, r.channels, r.kinds, r.wording, r.withdraw],
  );
}

/** The box's answer on response/consent; only a pending request of that same box changes. */
export async function answerConsentRequest(db: pg.ClientBase, store: string, box: string, id: string, ok: boolean, error: string | null, message: string | null): Promise<boolean> {
  const res = await db.query(
    `UPDATE ${CONSENT_TABLE} SET state = $4, error = $5, message = $6, answered_at = now() WHERE id = $1 AND store = $2 AND box = $3 AND state = 'pending'`,
    [id, store, box, ok ? 'confirmed' : 'failed', error?.slice(0, 64) ?? null, message?.slice(0, 300) ?? null],
  );
  return res.rowCount === 1;
}

export async function markConsentFailed(db: pg.Pool | pg.ClientBase, id: string, error: string, message: string): Promise<void> {
  await db.query(`UPDATE ${CONSENT_TABLE} SET state = 'failed', error = $2, message = $3, answered_at = now() WHERE id = $1 AND state = 'pending'`, [id, error, message]);
}

export async function consentState(db: pg.Pool | pg.ClientBase, id: string): Promise<{ state: ConsentState; error: string | null; channels: string[]; withdraw: boolean } | null> {
  const row = (await db.query<{ state: ConsentState; error: string | null; channels: string[]; withdraw: boolean }>(`SELECT state, error, channels, withdraw FROM ${CONSENT_TABLE} WHERE id = $1`, [id])).rows[0];
  return row ?? null;
}

export interface ShopperSession {
  store: string;
  box: string;
  basket: string;
  member: string | null;
  request: string;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new session; the cookie carries the random token, the table only its hash. */
export async function createSession(db: pg.Pool | pg.ClientBase, s: ShopperSession, lifetimeDays: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  // Expired sessions go when new ones come, so the table holds at most the live ones and a day's worth.
  await db.query(`DELETE FROM ${SESSIONS_TABLE} WHERE expires_at < now() - interval '1 day'`);
  await db.query(
    `INSERT INTO ${SESSIONS_TABLE} (token_hash, store, box, basket, member, request, expires_at) VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7))`,
    [hashToken(token), s.store, s.box, s.basket, s.member, s.request, lifetimeDays],
  );
  return token;
}

export async function sessionFor(db: pg.Pool | pg.ClientBase, token: string | undefined): Promise<ShopperSession | null> {
  if (token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = (await db.query<ShopperSession>(`SELECT store, box, basket, member, request FROM ${SESSIONS_TABLE} WHERE token_hash = $1 AND expires_at > now()`, [hashToken(token)])).rows[0];
  return row ?? null;
}

export async function setSessionRequest(db: pg.Pool | pg.ClientBase, token: string, request: string): Promise<void> {
  await db.query(`UPDATE ${SESSIONS_TABLE} SET request = $2 WHERE token_hash = $1`, [hashToken(token), request]);
}

export async function deleteSession(db: pg.Pool | pg.ClientBase, token: string): Promise<void> {
  await db.query(`DELETE FROM ${SESSIONS_TABLE} WHERE token_hash = $1`, [hashToken(token)]);
}
