/**
 * Webhook signatures: HMAC-SHA-256 over "<timestamp>.<raw body>" with the shared secret, sent as
 * `x-tillbox-signature: sha256=<hex>` next to `x-tillbox-timestamp: <unix seconds>` and
 * `x-tillbox-delivery: <notification id>`. A receiver recomputes the HMAC over the bytes it got
 * (before parsing), compares in constant time, refuses a timestamp more than
 * WEBHOOK_REPLAY_WINDOW_S off its clock, and remembers delivery ids for that window so the same
 * signed request replayed inside it is refused too. `verifyWebhook` does all of that.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_REPLAY_WINDOW_S = 300;
export const SIGNATURE_HEADER = 'x-tillbox-signature';
export const TIMESTAMP_HEADER = 'x-tillbox-timestamp';
export const DELIVERY_HEADER = 'x-tillbox-delivery';

export function webhookSignature(secret: string, timestamp: number, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export type WebhookVerdict = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'signature' | 'replay' };

/**
 * `seen` holds delivery id → timestamp of accepted requests (the receiver keeps it; entries older
 * than the window may be dropped). Headers as node gives them (lower-case names).
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  nowS: number,
  seen: Map<string, number>,
): WebhookVerdict {
  const one = (h: string): string | undefined => {
    const v = headers[h];
    return Array.isArray(v) ? v[0] : v;
  };
  const sig = one(SIGNATURE_HEADER);
  const ts = Number(one(TIMESTAMP_HEADER));
  const id = one(DELIVERY_HEADER);
  if (sig === undefined || id === undefined || !Number.isInteger(ts)) return { ok: false, reason: 'missing' };
  if (Math.abs(nowS - ts) > WEBHOOK_REPLAY_WINDOW_S) return { ok: false, reason: 'stale' };
  const want = Buffer.from(webhookSignature(secret, ts, body));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'signature' };
  const key = `${id}\0${ts}`;
  if (seen.has(key)) return { ok: false, reason: 'replay' };
  for (const [k, t] of seen) if (t < nowS - WEBHOOK_REPLAY_WINDOW_S) seen.delete(k);
  seen.set(key, ts);
  return { ok: true };
}
