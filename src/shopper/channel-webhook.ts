/**
 * POSTs each notification as JSON to a URL. The request leaves the box, so the member id is
 * replaced by `pseudonymise(member)` (the composition root passes the sync module's keyed HMAC);
 * without one the member field is null. A non-2xx answer or a timeout rejects, and the outbox
 * retries later; receivers de-duplicate on `id`.
 */
import type { NotificationChannel, OutgoingNotification } from './channels.js';

export interface WebhookOptions {
  url: string;
  pseudonymise?: (member: string) => string;
  timeoutMs?: number;
}

export function webhookChannel(opts: WebhookOptions): NotificationChannel {
  return {
    name: 'webhook',
    async deliver(n: OutgoingNotification): Promise<void> {
      const payload = {
        schema: 1, id: n.id, member: opts.pseudonymise !== undefined ? opts.pseudonymise(n.member) : null,
        kind: n.kind, language: n.language, title: n.title, body: n.body, createdAt: n.createdAt,
      };
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': n.id },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      // Drain the body so the connection can be reused.
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`webhook ${new URL(opts.url).host}: HTTP ${res.status}`);
    },
  };
}
