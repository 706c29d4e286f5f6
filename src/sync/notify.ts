/**
 * The MQTT notification channel (src/shopper/channels.ts contract): one message per call on
 * `notification` at QoS 1, resolved on PUBACK. The member id never leaves the box: it is replaced
 * by the HMAC pseudonym, and without a pseudonym key the channel refuses to send and says why.
 */
import type { NotificationChannel, OutgoingNotification } from '../shopper/channels.js';
import { pseudonymFor } from './pseudonym.js';
import type { NotificationPayload } from './topics.js';

export interface NotifyDeps {
  pseudonymKey: string | undefined;
  pseudonymKeyVersion: number;
  /** Publish at QoS 1 and resolve on PUBACK; rejects when offline. */
  publish(payload: string): Promise<void>;
}

export const NO_KEY_MESSAGE =
  'mqtt notification channel: sync.pseudonymKey (or TILLBOX_SYNC_PSEUDONYMKEY) is not set; refusing to send member messages without a pseudonym';

export function notificationPayload(n: OutgoingNotification, key: string, keyVersion: number): NotificationPayload {
  if (n.member !== '' && (n.title.includes(n.member) || n.body.includes(n.member))) {
    throw new Error(`mqtt notification channel: notification ${n.id} has the member id in its text; refusing to send it`);
  }
  return {
    schema: 1,
    id: n.id,
    member: pseudonymFor(n.member, key, keyVersion),
    kind: n.kind,
    language: n.language,
    title: n.title,
    body: n.body,
    createdAt: n.createdAt,
  };
}

export function mqttNotificationChannel(deps: NotifyDeps): NotificationChannel {
  return {
    name: 'mqtt',
    async deliver(n: OutgoingNotification): Promise<void> {
      if (deps.pseudonymKey === undefined) throw new Error(NO_KEY_MESSAGE);
      await deps.publish(JSON.stringify(notificationPayload(n, deps.pseudonymKey, deps.pseudonymKeyVersion)));
    },
  };
}
