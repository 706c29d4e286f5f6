/**
 * Topic names under tillbox/{storeId}/{boxId}/ and the typed payload of each (README "MQTT").
 */
import type { NotificationKind, NotificationLanguage } from '../shopper/channels.js';

export interface Topics {
  base: string;
  basket: string;
  status: string;
  notification: string;
  insights: string;
  /** Coupon codes printed on at-till footers (src/footer/coupon-sync.ts). */
  coupon: string;
  /** Retained: the box's VAPID public key (WebPushKeyPayload), published on every connect. */
  webpush: string;
  /** Subscriptions (QoS 1): retained config/catalogue and config/profiles, and request/{op}. */
  configFilter: string;
  requestFilter: string;
  config(name: 'catalogue' | 'profiles' | 'consent'): string;
  request(op: string): string;
  response(op: string): string;
}

export function topicsFor(storeId: string, boxId: string): Topics {
  const base = `tillbox/${storeId}/${boxId}`;
  return {
    base,
    basket: `${base}/basket`,
    status: `${base}/status`,
    notification: `${base}/notification`,
    insights: `${base}/insights`,
    coupon: `${base}/coupon`,
    webpush: `${base}/webpush`,
    configFilter: `${base}/config/+`,
    requestFilter: `${base}/request/+`,
    config: (name) => `${base}/config/${name}`,
    request: (op) => `${base}/request/${op}`,
    response: (op) => `${base}/response/${op}`,
  };
}

/** Figures the sync module does not own; the daemon supplies them through `health()`. */
export interface ExternalHealth {
  parseFailures?: number;
  [figure: string]: number | string | boolean | null | undefined;
}

/** Retained on `status`. The last will is `{ "state": "offline", "reason": "connection lost" }`. */
export interface StatusPayload {
  state: 'online' | 'offline';
  reason?: string;
  at: string;
  backlog: number;
  dropped: number;
  lastAckAt: string | null;
  parseFailures: number | null;
  uptimeS: number;
  health?: ExternalHealth;
}

/** On `notification`, QoS 1. `member` is always a pseudonym. */
export interface NotificationPayload {
  schema: 1;
  id: string;
  member: string;
  kind: NotificationKind;
  language: NotificationLanguage;
  title: string;
  body: string;
  createdAt: string;
}

/** On `response/{op}` (and `response/config` for inbound config). */
export interface ResponsePayload {
  transaction: string | null;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

/** `coupon` (QoS 1): codes printed on footers, so head office can honour them. No member data. */
export interface CouponPayload {
  schema: 1;
  store: string;
  box: string;
  coupons: {
    code: string;
    rule: string;
    /** Store-local day it was issued. */
    day: string;
    issuedAt: string;
    /** The basket id (as on the basket topic) of the receipt it was printed on. */
    basket: string;
  }[];
}

/** Retained on `webpush`: what head office's shopper page subscribes browsers with. */
export interface WebPushKeyPayload {
  schema: 1;
  /** The VAPID public key, base64url (an uncompressed P-256 point), as applicationServerKey. */
  publicKey: string;
}

/** On `response/consent`: the reply to a config/consent message, by its id. Never an address. */
export interface ConsentReplyPayload {
  id: string | null;
  ok: boolean;
  error?: string;
  message?: string;
}
