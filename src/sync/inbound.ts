/**
 * Inbound messages: retained config/catalogue and config/profiles, and request/{op}. Each is
 * validated before anything changes; a bad one gets an error reply on response/config or
 * response/{op} and changes nothing. Pure parsing lives here; the effects are callbacks.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { TillboxError, isTillboxError } from '../errors.js';
import type { ResponsePayload } from './topics.js';

/** One catalogue row pushed by head office (same shape as the ledger's CatalogueEntry). */
export interface CatalogueRow {
  sku: string;
  name: string | null;
  category: string;
  /** null: the category's default. */
  shelfLifeDays: number | null;
}

const MAX_CATALOGUE_ROWS = 200_000;

/**
 * Size limits per inbound topic, checked on the raw payload before it is decoded or parsed: a
 * payload's text and its parsed JSON live on the analytics child's heap (256 MB old space,
 * ANALYTICS_NODE_FLAGS), and a 134 MB catalogue killed it with out-of-memory before anything was
 * acknowledged, so the broker redelivered it on every reconnect (issue 17). 200,000 rows of real
 * catalogue data (names of ~30 CJK characters) take about 30 MB.
 */
export const MAX_CATALOGUE_BYTES = 32 * 1024 * 1024;
export const MAX_PROFILES_BYTES = 1024 * 1024;
export const MAX_REQUEST_BYTES = 64 * 1024;

/** The limit for a config topic, or for request/{op}. */
export function inboundLimit(kind: string): number {
  if (kind === 'catalogue') return MAX_CATALOGUE_BYTES;
  if (kind === 'profiles') return MAX_PROFILES_BYTES;
  return MAX_REQUEST_BYTES;
}

/** Throws TBX_MQTT_PAYLOAD_TOO_LARGE without reading the payload when it is over `limit` bytes. */
export function checkSize(payload: Buffer, limit: number, what: string): void {
  if (payload.length > limit) {
    throw new TillboxError('TBX_MQTT_PAYLOAD_TOO_LARGE', `${what}: ${payload.length} bytes is over the limit of ${limit} bytes; acknowledged and refused unread (split it, or send fewer rows)`);
  }
}

/** The `transaction` of a payload too large to parse, if it sits near the start (first 1 KiB). */
export function transactionHint(payload: Buffer): string | null {
  const m = /"transaction"\s*:\s*"([^"\\]{1,128})"/.exec(payload.subarray(0, 1024).toString('utf8'));
  return m?.[1] ?? null;
}

function invalid(message: string): TillboxError {
  return new TillboxError('TBX_MQTT_PAYLOAD_INVALID', message);
}

function parseJsonObject(payload: Buffer, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch {
    throw invalid(`${what}: not valid JSON`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid(`${what}: expected a JSON object`);
  return doc as Record<string, unknown>;
}

/** `{ "schema": 1, "rows": [{ "sku", "name"?, "category", "shelfLifeDays"? }] }`; every problem at once (first 20). */
export function parseCatalogue(payload: Buffer): CatalogueRow[] {
  const doc = parseJsonObject(payload, 'config/catalogue');
  if (doc['schema'] !== 1) throw invalid('config/catalogue: schema: expected 1');
  const rows = doc['rows'];
  if (!Array.isArray(rows)) throw invalid('config/catalogue: rows: expected an array');
  if (rows.length > MAX_CATALOGUE_ROWS) throw invalid(`config/catalogue: rows: at most ${MAX_CATALOGUE_ROWS}`);
  const problems: string[] = [];
  const out: CatalogueRow[] = [];
  rows.forEach((r: unknown, i) => {
    const at = `rows[${i}]`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return void problems.push(`${at}: expected an object`);
    const row = r as Record<string, unknown>;
    const extra = Object.keys(row).filter((k) => !['sku', 'name', 'category', 'shelfLifeDays'].includes(k));
    if (extra.length > 0) problems.push(`${at}.${extra[0]}: unknown key`);
    const { sku, name, category, shelfLifeDays } = row;
    if (typeof sku !== 'string' || !/^[A-Za-z0-9._/-]{1,32}$/.test(sku)) problems.push(`${at}.sku: expected a product code of 1-32 letters, digits or . _ / -`);
    if (name !== undefined && name !== null && (typeof name !== 'string' || name.length > 200)) problems.push(`${at}.name: expected text (at most 200 characters) or null`);
    if (typeof category !== 'string' || !/^[a-z0-9-]{1,32}$/.test(category)) problems.push(`${at}.category: expected a category id (a-z, 0-9, -)`);
    const life = shelfLifeDays;
    if (life !== undefined && life !== null && (typeof life !== 'number' || !Number.isInteger(life) || life < 0 || life > 3650)) {
      problems.push(`${at}.shelfLifeDays: expected an integer 0-3650 or null`);
    }
    out.push({ sku: sku as string, name: typeof name === 'string' ? name : null, category: category as string, shelfLifeDays: typeof life === 'number' ? life : null });
  });
  if (problems.length > 0) throw invalid(`config/catalogue: ${problems.slice(0, 20).join('; ')}${problems.length > 20 ? `; … ${problems.length - 20} more` : ''}`);
  return out;
}

/** `{ "schema": 1, "profiles": ["<YAML text>", …] }`: each must parse as a YAML mapping with a `name`. */
export function parseProfiles(payload: Buffer): string[] {
  const doc = parseJsonObject(payload, 'config/profiles');
  if (doc['schema'] !== 1) throw invalid('config/profiles: schema: expected 1');
  const profiles = doc['profiles'];
  if (!Array.isArray(profiles) || profiles.length === 0) throw invalid('config/profiles: profiles: expected a non-empty array of YAML texts');
  const problems: string[] = [];
  profiles.forEach((text: unknown, i) => {
    if (typeof text !== 'string') return void problems.push(`profiles[${i}]: expected YAML text`);
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (err) {
      return void problems.push(`profiles[${i}]: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return void problems.push(`profiles[${i}]: expected a YAML mapping`);
    if (typeof (parsed as Record<string, unknown>)['name'] !== 'string') problems.push(`profiles[${i}].name: required`);
  });
  if (problems.length > 0) throw invalid(`config/profiles: ${problems.join('; ')}`);
  return profiles as string[];
}

export interface Request {
  transaction: string | null;
  op: string;
  body: Record<string, unknown>;
}

/** request/{op} payload: a JSON object with a `transaction` string (echoed back) and op arguments. */
export function parseRequest(op: string, payload: Buffer): Request {
  let body: Record<string, unknown>;
  try {
    body = parseJsonObject(payload, `request/${op}`);
  } catch (err) {
    throw Object.assign(err as Error, { transaction: null });
  }
  const t = body['transaction'];
  const transaction = typeof t === 'string' && t.length <= 128 ? t : null;
  if (transaction === null) throw Object.assign(invalid(`request/${op}: transaction: expected a string of at most 128 characters`), { transaction: null });
  return { transaction, op, body };
}

/** resync's `from`: a calendar date YYYY-MM-DD (store time). */
export function parseResyncFrom(body: Record<string, unknown>): string {
  const from = body['from'];
  if (typeof from !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(from) || Number.isNaN(Date.parse(`${from}T00:00:00Z`))) {
    throw invalid('request/resync: from: expected a date YYYY-MM-DD');
  }
  return from;
}

export function errorResponse(transaction: string | null, err: unknown): ResponsePayload {
  const code = isTillboxError(err) ? err.code : 'TBX_INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return { transaction, ok: false, error: { code, message } };
}

/** Retained config arrives again on every reconnect; apply a given payload once. */
export function payloadDigest(payload: Buffer): string {
  return createHash('sha256').update(payload).digest('hex');
}
