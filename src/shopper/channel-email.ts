/**
 * E-mail over SMTP (nodemailer, pooled connections): to the address the member gave for the
 * e-mail channel, which the outbox puts in `contact` right before delivery. STARTTLS is required
 * when security is starttls (a server that does not offer it is refused, never downgraded),
 * TLS from the first byte with tls. The Message-ID is derived from the notification id, so a
 * redelivery after a crash is recognisable; the address is never logged or put in an error.
 */
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { Config } from '../config/types.js';
import { PermanentDeliveryError, type NotificationChannel, type OutgoingNotification } from './channels.js';
import { renderEmail } from './email-template.js';

export type EmailConfig = NonNullable<Config['notifications']['email']>;

export interface EmailChannelOptions {
  email: EmailConfig;
  storeName: string;
  /** The member's pseudonym (as in baskets) for the unsubscribe link; undefined: no link. */
  pseudonymise?: (member: string) => string;
  /** Extra TLS options (tests trust their own CA this way). */
  tls?: { rejectUnauthorized?: boolean; ca?: string | Buffer };
}

export interface EmailChannel extends NotificationChannel {
  close(): void;
}

/** A 5xx answer to RCPT TO names the address as undeliverable for good (RFC 5321 §4.2.1). */
function permanent(err: unknown): PermanentDeliveryError | null {
  const e = err as { responseCode?: number; command?: string };
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600 && /RCPT/i.test(e.command ?? '')) {
    return new PermanentDeliveryError(`email: the server refused the recipient (SMTP ${e.responseCode})`, { contactGone: true });
  }
  return null;
}

export function unsubscribeLink(template: string | undefined, pseudonym: string | undefined, channel: string): string | null {
  if (template === undefined || pseudonym === undefined) return null;
  return template.replaceAll('{member}', encodeURIComponent(pseudonym)).replaceAll('{channel}', encodeURIComponent(channel));
}

export function emailChannel(opts: EmailChannelOptions): EmailChannel {
  const e = opts.email;
  const ca = e.ca !== undefined ? readFileSync(e.ca) : opts.tls?.ca;
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 4,
    host: e.host,
    port: e.port,
    secure: e.security === 'tls',
    requireTLS: e.security === 'starttls',
    ignoreTLS: e.security === 'none',
    ...(e.user !== undefined ? { auth: { user: e.user, pass: e.password ?? '' } } : {}),
    tls: { ...(ca !== undefined ? { ca } : {}), ...(opts.tls?.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.tls.rejectUnauthorized } : {}) },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  const fromAddress = /<([^>]+)>/.exec(e.from)?.[1] ?? e.from;
  return {
    name: 'email',
    async deliver(n: OutgoingNotification): Promise<void> {
      const to = n.contact?.email;
      if (to === undefined) throw new PermanentDeliveryError('email: the member has no e-mail address');
      const url = unsubscribeLink(e.unsubscribeUrl, opts.pseudonymise?.(n.member), 'email');
      const parts = renderEmail(n.language, n.title, n.body, { storeName: opts.storeName, unsubscribeUrl: url });
      try {
        await transport.sendMail({
          from: e.from,
          to,
          subject: parts.subject,
          text: parts.text,
          html: parts.html,
          messageId: `<${n.id}@tillbox.invalid>`,
          headers: { 'List-Unsubscribe': url !== null ? `<${url}>` : `<mailto:${fromAddress}?subject=unsubscribe>` },
        });
      } catch (err) {
        throw permanent(err) ?? new Error(`email: not sent (${(err as { code?: string }).code ?? 'error'}${(err as { responseCode?: number }).responseCode !== undefined ? ` SMTP ${(err as { responseCode?: number }).responseCode}` : ''})`);
      }
    },
    close: () => transport.close(),
  };
}
