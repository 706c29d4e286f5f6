/**
 * Contacts and consent: the words and shapes shared by the store (store.ts), the inbound MQTT
 * message (message.ts), the CLI, the page and the channels. Pure: no database, no I/O.
 */
import type { NotificationKind } from '../channels.js';

/** Kinds of message a shopper says yes or no to, one by one. */
export const CONSENT_KINDS = ['expiry', 'monthly', 'buyAgain', 'offers'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/** Where a consent (or its withdrawal) was given. 'migrated': carried over from schema 2. */
export const CONSENT_SOURCES = ['till', 'headoffice', 'qr', 'cli'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number] | 'migrated';

export const CONTACT_KINDS = ['email', 'mobile', 'webpush'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** A browser's Web Push subscription (PushSubscription.toJSON() without expirationTime). */
export interface PushSubscriptionJson {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A member's contact points, in clear: only the channel that uses one ever sees it. */
export interface Contacts {
  email?: string;
  mobile?: string;
  webpush?: PushSubscriptionJson;
}

/**
 * Which contact a channel delivers to, and whether it cannot deliver without one. The webhook
 * carries the mobile number when the shopper gave one (an SMS gateway needs it; a bridge that
 * maps pseudonyms itself does not), so it is optional there.
 */
export const CHANNEL_CONTACT: Readonly<Record<string, { contact: ContactKind; required: boolean } | undefined>> = {
  email: { contact: 'email', required: true },
  webpush: { contact: 'webpush', required: true },
  webhook: { contact: 'mobile', required: false },
};

const KIND_OF: Record<NotificationKind, ConsentKind> = { 'expiry-reminder': 'expiry', 'monthly-summary': 'monthly', 'buy-again': 'buyAgain' };

/** The consent kind a notification needs. */
export function consentKindOf(kind: NotificationKind): ConsentKind {
  return KIND_OF[kind];
}

/** The notification kinds a consent kind covers ('offers' has none yet: nothing sends offers). */
export function notificationKindsOf(kind: ConsentKind): NotificationKind[] {
  return (Object.keys(KIND_OF) as NotificationKind[]).filter((k) => KIND_OF[k] === kind);
}

export const MAX_EMAIL_LENGTH = 254;
export const MAX_ENDPOINT_LENGTH = 2048;
export const MAX_WORDING_LENGTH = 64;

/** Deliberately simple: one @, a dot in the domain, no spaces or angle brackets (RFC 5321 length). */
export function validEmail(s: string): boolean {
  return s.length <= MAX_EMAIL_LENGTH && /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/.test(s);
}

/** E.164-like: an optional +, 6 to 15 digits. */
export function validMobile(s: string): boolean {
  return /^\+?[0-9]{6,15}$/.test(s);
}

function b64urlBytes(s: unknown): number {
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]+={0,2}$/.test(s)) return -1;
  return Buffer.from(s, 'base64url').length;
}

/** What is wrong with a subscription, or null: https endpoint, a P-256 point and a 16-byte auth secret (RFC 8291 §3). */
export function subscriptionProblem(sub: unknown): string | null {
  if (typeof sub !== 'object' || sub === null || Array.isArray(sub)) return 'expected an object { endpoint, keys: { p256dh, auth } }';
  const { endpoint, keys } = sub as Record<string, unknown>;
  if (typeof endpoint !== 'string' || endpoint.length > MAX_ENDPOINT_LENGTH || !/^https:\/\/[^\s/]+/.test(endpoint)) return `endpoint: expected an https:// URL of at most ${MAX_ENDPOINT_LENGTH} characters`;
  if (typeof keys !== 'object' || keys === null) return 'keys: expected { p256dh, auth }';
  const k = keys as Record<string, unknown>;
  if (b64urlBytes(k['p256dh']) !== 65) return 'keys.p256dh: expected base64url of an uncompressed P-256 public key (65 bytes)';
  if (b64urlBytes(k['auth']) !== 16) return 'keys.auth: expected base64url of a 16-byte secret';
  return null;
}

/** "a***@e***.com": enough for the owner to recognise, nothing a bystander can use. */
export function maskEmail(s: string): string {
  const at = s.lastIndexOf('@');
  const dot = s.lastIndexOf('.');
  if (at < 1 || dot < at) return '***';
  return `${s[0]}***@${s[at + 1] ?? ''}***${s.slice(dot)}`;
}

/** "*********78": the last two digits. */
export function maskMobile(s: string): string {
  return `${'*'.repeat(Math.max(0, s.length - 2))}${s.slice(-2)}`;
}

/** The push service's host only: the endpoint path is a per-browser secret. */
export function maskSubscription(sub: PushSubscriptionJson): string {
  try {
    return new URL(sub.endpoint).host;
  } catch {
    return '***';
  }
}
