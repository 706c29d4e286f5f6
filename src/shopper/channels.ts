/**
 * The notification contract: what the outbox hands to a delivery channel, and what a channel is.
 *
 * Channels are pluggable. This folder implements `file` (JSON lines, for the demo) and `webhook`
 * (HTTP POST); the sync module implements the MQTT `notification` topic against this interface.
 * The outbox (src/shopper/outbox.ts) calls `deliver` once per (notification, channel) until it
 * resolves; a rejected promise means "not delivered, try again later" (with back-off), so a
 * channel must be safe to call again with the same notification: receivers de-duplicate on `id`.
 */

import type { Contacts } from './consent/types.js';

export type NotificationKind = 'monthly-summary' | 'expiry-reminder' | 'buy-again';

export type NotificationLanguage = 'zh' | 'en';

export interface OutgoingNotification {
  /**
   * Stable id: the same logical message always has the same id (e.g. derived from kind, member
   * and period/day), so a redelivery after a crash or a retry can be recognised and dropped.
   */
  readonly id: string;
  /**
   * The member's id IN CLEAR, exactly as the ledger knows it. Only channels that stay on the box
   * (the demo `file` channel) may write it as is. Every channel whose output leaves the box
   * (MQTT, webhook) MUST replace it with a keyed pseudonym (HMAC, see sync.pseudonymKey) or drop
   * it, and no channel may log it.
   */
  readonly member: string;
  readonly kind: NotificationKind;
  readonly language: NotificationLanguage;
  /** One line, already rendered from the template in `language`. */
  readonly title: string;
  /** Plain text, already rendered, may contain newlines. Contains no member id. */
  readonly body: string;
  /** ISO 8601 with offset: when the message was queued. */
  readonly createdAt: string;
  /**
   * Set by the outbox at delivery time for channels that deliver to a person (e-mail, Web Push,
   * webhook): ONLY the contact this member gave for THIS channel, read from the ledger right
   * before the delivery (a contact changed or deleted since queueing is honoured).
   */
  readonly contact?: Contacts;
}

export interface NotificationChannel {
  /** Short stable name used for consent and delivery bookkeeping: 'file', 'webhook', 'mqtt', 'email', 'webpush'. */
  readonly name: string;
  /** Resolves once the message is accepted (written, HTTP 2xx, PUBACK); rejects to be retried. */
  deliver(n: OutgoingNotification): Promise<void>;
}

/**
 * A rejection that retrying cannot fix (a push subscription the push service says is gone, an
 * address the mail server refuses for good): the outbox marks the delivery failed at once.
 */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
  /** The member's contact for this channel is gone for good: the outbox deletes it. */
  readonly contactGone: boolean;
  constructor(message: string, opts: { contactGone?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PermanentDeliveryError';
    this.contactGone = opts.contactGone ?? false;
  }
}
