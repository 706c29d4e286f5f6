/**
 * Web Push (RFC 8030) with VAPID (RFC 8292), payload encrypted aes128gcm (RFC 8291) to the
 * subscription the member's browser made on the head-office shopper page; `web-push` does the
 * crypto and the HTTP. A 404 or 410 from the push service means the subscription is gone: the
 * delivery fails for good and the outbox deletes the subscription.
 */
import type { Agent } from 'node:https';
import webpush from 'web-push';
import { PermanentDeliveryError, type NotificationChannel, type OutgoingNotification } from './channels.js';
import type { VapidKeys } from './vapid.js';

/** Push services accept 4096 bytes of payload; the encryption adds 86 (RFC 8291 §4 with one record). */
export const MAX_PUSH_PAYLOAD_BYTES = 3000;

export interface WebPushOptions {
  keys: VapidKeys;
  subject: string;
  ttlSeconds: number;
  /** An https.Agent (tests trust their own push endpoint's certificate this way). */
  agent?: Agent;
  timeoutMs?: number;
}

/** What the service worker on the shopper page receives. No member id. */
export interface PushMessage {
  schema: 1;
  id: string;
  kind: OutgoingNotification['kind'];
  language: OutgoingNotification['language'];
  title: string;
  body: string;
  createdAt: string;
}

export function pushPayload(n: OutgoingNotification): string {
  const msg: PushMessage = { schema: 1, id: n.id, kind: n.kind, language: n.language, title: n.title, body: n.body, createdAt: n.createdAt };
  let text = JSON.stringify(msg);
  // A long summary is cut (on a character, not a byte) rather than refused by the push service.
  while (Buffer.byteLength(text) > MAX_PUSH_PAYLOAD_BYTES && msg.body.length > 0) {
    msg.body = `${[...msg.body].slice(0, Math.floor([...msg.body].length * 0.8)).join('')}…`;
    text = JSON.stringify(msg);
  }
  return text;
}

export function webPushChannel(opts: WebPushOptions): NotificationChannel {
  return {
    name: 'webpush',
    async deliver(n: OutgoingNotification): Promise<void> {
      const sub = n.contact?.webpush;
      if (sub === undefined) throw new PermanentDeliveryError('webpush: the member has no subscription');
      try {
        await webpush.sendNotification(sub, pushPayload(n), {
          vapidDetails: { subject: opts.subject, publicKey: opts.keys.publicKey, privateKey: opts.keys.privateKey },
          TTL: opts.ttlSeconds,
          contentEncoding: 'aes128gcm',
          timeout: opts.timeoutMs ?? 15_000,
          topic: n.id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32),
          ...(opts.agent !== undefined ? { agent: opts.agent } : {}),
        });
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 404 || status === 410) throw new PermanentDeliveryError(`webpush: subscription gone (HTTP ${status})`, { contactGone: true });
        // The push service's host only: the endpoint path identifies the browser.
        throw new Error(`webpush: not delivered (${status !== undefined ? `HTTP ${status}` : ((err as { code?: string }).code ?? 'error')})`);
      }
    },
  };
}
