/**
 * The head-office ↔ box consent contract (docs/head-office.md "Shopper page"), as pure functions:
 * checking a sign-up form, building the `config/consent` message, and reading the box's
 * `response/consent` and retained `webpush` payloads. No I/O, no clock (the caller passes both).
 */
import { randomUUID } from 'node:crypto';

export const KINDS = ['expiry', 'monthly', 'buyAgain', 'offers'] as const;
export type ConsentKind = (typeof KINDS)[number];

export interface WebPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ConsentMessage {
  schema: 1;
  id: string;
  time: string;
  source: 'headoffice' | 'qr';
  wording: string;
  member?: string;
  basket?: string;
  withdraw: boolean;
  channels: {
    email?: { address: string; kinds: ConsentKind[] };
    webpush?: { subscription: WebPushSubscription; kinds: ConsentKind[] };
  };
}

/** What the sign-up form sent, after checking. */
export interface SignUp {
  email: string | null;
  webpush: WebPushSubscription | null;
  kinds: ConsentKind[];
}

export type SignUpProblem = 'consent' | 'channel' | 'email' | 'kinds' | 'webpush';

const EMAIL = /^[^\s@<>",;]{1,64}@[^\s@<>",;]{1,190}\.[^\s@<>",;.]{2,63}$/;
const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

function list(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

export function parseSubscription(v: unknown): WebPushSubscription | null {
  const raw = typeof v === 'string' ? (() => { try { return JSON.parse(v) as unknown; } catch { return null; } })() : v;
  if (raw === null || typeof raw !== 'object') return null;
  const s = raw as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
  if (typeof s.endpoint !== 'string' || s.endpoint.length > 2048 || !/^https:\/\/[^\s]+$/.test(s.endpoint)) return null;
  const p256dh = s.keys?.p256dh;
  const auth = s.keys?.auth;
  if (typeof p256dh !== 'string' || typeof auth !== 'string' || !B64URL.test(p256dh) || !B64URL.test(auth)) return null;
  // RFC 8291: p256dh is an uncompressed P-256 point (65 bytes), auth a 16-byte secret.
  if (Buffer.from(p256dh, 'base64url').length !== 65 || Buffer.from(auth, 'base64url').length !== 16) return null;
  return { endpoint: s.endpoint, keys: { p256dh, auth } };
}

/**
 * The form's fields (urlencoded or JSON): `consent` (must be ticked), `email`, `webpush` (a
 * subscription object or its JSON), `kinds` (one or more of KINDS). Every problem is returned.
 */
export function checkSignUp(body: Record<string, unknown>): { ok: true; signUp: SignUp } | { ok: false; problems: SignUpProblem[] } {
  const problems: SignUpProblem[] = [];
  const consent = text(body['consent']);
  if (consent !== 'yes' && consent !== 'on' && body['consent'] !== true) problems.push('consent');
  const emailText = (text(body['email']) ?? '').trim();
  const email = emailText === '' ? null : emailText;
  if (email !== null && (email.length > 254 || !EMAIL.test(email))) problems.push('email');
  const wp = body['webpush'];
  const webpush = wp === undefined || wp === '' || wp === null ? null : parseSubscription(wp);
  if (webpush === null && wp !== undefined && wp !== '' && wp !== null) problems.push('webpush');
  if (email === null && webpush === null && !problems.includes('webpush')) problems.push('channel');
  const kinds = [...new Set(list(body['kinds']))];
  if (kinds.length === 0 || kinds.some((k) => !(KINDS as readonly string[]).includes(k))) problems.push('kinds');
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, signUp: { email, webpush, kinds: kinds as ConsentKind[] } };
}

/** A consent message for one box: keyed by the basket's pseudonym when it has one, else by the basket id. */
export function consentMessage(s: SignUp, subject: { member: string | null; basket: string }, wording: string, now: Date, withdraw = false): ConsentMessage {
  const channels: ConsentMessage['channels'] = {};
  if (s.email !== null) channels.email = { address: s.email, kinds: s.kinds };
  if (s.webpush !== null) channels.webpush = { subscription: s.webpush, kinds: s.kinds };
  return {
    schema: 1,
    id: `ho-${randomUUID()}`,
    time: now.toISOString(),
    source: 'qr',
    wording,
    ...(subject.member !== null ? { member: subject.member } : { basket: subject.basket }),
    withdraw,
    channels,
  };
}

/** `response/consent` from a box: `{"id","ok":true}` or `{"id","ok":false,"error","message"}`. */
export function parseConsentResponse(payload: string): { id: string; ok: boolean; error: string | null; message: string | null } | null {
  let doc: unknown;
  try {
    doc = JSON.parse(payload);
  } catch {
    return null;
  }
  if (doc === null || typeof doc !== 'object') return null;
  const d = doc as { id?: unknown; ok?: unknown; error?: unknown; message?: unknown };
  if (typeof d.id !== 'string' || d.id.length > 64 || typeof d.ok !== 'boolean') return null;
  return { id: d.id, ok: d.ok, error: typeof d.error === 'string' ? d.error : null, message: typeof d.message === 'string' ? d.message : null };
}

/**
 * The box's retained `webpush` payload: its VAPID public key (an uncompressed P-256 point,
 * base64url). An empty payload (retained message cleared) is `null`; a malformed one `undefined`.
 */
export function parseWebPushKey(payload: string): string | null | undefined {
  if (payload === '') return null;
  let doc: unknown;
  try {
    doc = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const d = doc as { schema?: unknown; publicKey?: unknown } | null;
  if (d === null || typeof d !== 'object' || d.schema !== 1 || typeof d.publicKey !== 'string' || !/^[A-Za-z0-9_-]{87}$/.test(d.publicKey)) return undefined;
  const raw = Buffer.from(d.publicKey, 'base64url');
  return raw.length === 65 && raw[0] === 0x04 ? d.publicKey : undefined;
}
