/**
 * POSTs each notification as JSON to a URL. The request leaves the box, so the member id is
 * replaced by `pseudonymise(member)` (the composition root passes the sync module's keyed HMAC);
 * without one the member field is null. When the member gave a mobile number for the webhook
 * channel, the outbox hands it over in `contact` and it goes in the body (an SMS gateway needs
 * it); no other contact ever does. With a secret, every request is signed (webhook-sign.ts).
 * The body is tillbox's own, or shaped by a JSON template whose string values may hold
 * {{placeholders}}, so an SMS gateway, a WeChat bridge or a WeCom bot takes it as it is.
 * A non-2xx answer or a timeout rejects, and the outbox retries later; receivers de-duplicate on
 * the delivery id.
 */
import { readFileSync } from 'node:fs';
import { TillboxError } from '../errors.js';
import type { NotificationChannel, OutgoingNotification } from './channels.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from './webhook-sign.js';

export interface WebhookOptions {
  url: string;
  pseudonymise?: (member: string) => string;
  timeoutMs?: number;
  /** HMAC-SHA-256 key; absent: unsigned (the old behaviour). */
  secret?: string;
  /** Parsed JSON template (see loadWebhookTemplate). */
  template?: unknown;
  /** Seconds since the epoch (tests pass their own). */
  nowS?: () => number;
}

export const TEMPLATE_FIELDS = ['id', 'kind', 'language', 'title', 'body', 'text', 'mobile', 'member', 'createdAt'] as const;

/** Reads and checks a template file: JSON, and every {{name}} one of TEMPLATE_FIELDS. */
export function loadWebhookTemplate(path: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TillboxError('TBX_CONFIG_INVALID', `notifications.webhookTemplate: ${path}: ${(err as Error).message}`, { cause: err });
  }
  const unknown = [...JSON.stringify(doc).matchAll(/\{\{([^}]*)\}\}/g)].map((m) => m[1] ?? '').filter((f) => !(TEMPLATE_FIELDS as readonly string[]).includes(f));
  if (unknown.length > 0) throw new TillboxError('TBX_CONFIG_INVALID', `notifications.webhookTemplate: ${path}: unknown placeholder {{${unknown[0]}}} (expected one of ${TEMPLATE_FIELDS.join(', ')})`);
  return doc;
}

/** Fills string values (and keys) of the template; a value that is exactly one placeholder may become null. */
export function fillTemplate(template: unknown, values: Readonly<Record<string, string | null>>): unknown {
  if (typeof template === 'string') {
    const only = /^\{\{([A-Za-z]+)\}\}$/.exec(template);
    if (only !== null) return values[only[1] ?? ''] ?? null;
    return template.replace(/\{\{([A-Za-z]+)\}\}/g, (_, name: string) => values[name] ?? '');
  }
  if (Array.isArray(template)) return template.map((t) => fillTemplate(t, values)).filter((v) => v !== null);
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, values)]));
  }
  return template;
}

export function webhookBody(n: OutgoingNotification, opts: Pick<WebhookOptions, 'pseudonymise' | 'template'>): string {
  const member = opts.pseudonymise !== undefined ? opts.pseudonymise(n.member) : null;
  const mobile = n.contact?.mobile ?? null;
  if (opts.template === undefined) {
    return JSON.stringify({
      schema: 1, id: n.id, member, kind: n.kind, language: n.language, title: n.title, body: n.body, createdAt: n.createdAt,
      contact: mobile === null ? null : { mobile },
    });
  }
  const values = { id: n.id, kind: n.kind, language: n.language, title: n.title, body: n.body, text: `${n.title}\n${n.body}`, mobile, member, createdAt: n.createdAt };
  return JSON.stringify(fillTemplate(opts.template, values));
}

export function webhookChannel(opts: WebhookOptions): NotificationChannel {
  const nowS = opts.nowS ?? (() => Math.floor(Date.now() / 1000));
  return {
    name: 'webhook',
    async deliver(n: OutgoingNotification): Promise<void> {
      const body = webhookBody(n, opts);
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': n.id, [DELIVERY_HEADER]: n.id };
      if (opts.secret !== undefined) {
        const ts = nowS();
        headers[TIMESTAMP_HEADER] = String(ts);
        headers[SIGNATURE_HEADER] = webhookSignature(opts.secret, ts, body);
      }
      const res = await fetch(opts.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
      // Drain the body so the connection can be reused.
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`webhook ${new URL(opts.url).host}: HTTP ${res.status}`);
    },
  };
}
