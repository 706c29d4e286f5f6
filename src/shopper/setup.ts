/**
 * The notification channels the config asks for, built once by the composition root
 * (src/daemon/analytics.ts). Channels that leave the box get the member only as the keyed
 * pseudonym; e-mail and Web Push get the consented contact from the outbox at delivery time.
 */
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import type { NotificationChannel } from './channels.js';
import { fileChannel } from './channel-file.js';
import { emailChannel, type EmailChannel } from './channel-email.js';
import { loadWebhookTemplate, webhookChannel } from './channel-webhook.js';
import { webPushChannel } from './channel-webpush.js';
import { loadOrCreateVapidKeys, type VapidKeys } from './vapid.js';

export interface ChannelSetup {
  /** Channels without the MQTT one (the sync module makes that; the caller adds it). */
  channels: NotificationChannel[];
  vapid: VapidKeys | undefined;
  ratePerMinute: Readonly<Record<string, number>>;
  close(): void;
}

export function vapidKeysFor(config: Pick<Config, 'dataDir' | 'notifications'>): VapidKeys | undefined {
  return config.notifications.webpush?.enabled === true ? loadOrCreateVapidKeys(config.dataDir) : undefined;
}

export function channelsFromConfig(config: Config, deps: { pseudonymise: ((member: string) => string) | undefined; vapid: VapidKeys | undefined; logger: Logger }): ChannelSetup {
  const n = config.notifications;
  const channels: NotificationChannel[] = [];
  const closers: (() => void)[] = [];
  if (n.file !== undefined) channels.push(fileChannel(n.file));
  if (n.webhook !== undefined) {
    // The webhook leaves the box: members go out only as keyed pseudonyms, so it needs the key.
    if (deps.pseudonymise === undefined) deps.logger.warn('notifications.webhook is set but sync.pseudonymKey is not: the webhook channel stays off');
    else {
      channels.push(webhookChannel({
        url: n.webhook, pseudonymise: deps.pseudonymise,
        ...(n.webhookSecret !== undefined ? { secret: n.webhookSecret } : {}),
        ...(n.webhookTemplate !== undefined ? { template: loadWebhookTemplate(n.webhookTemplate) } : {}),
      }));
      if (n.webhookSecret === undefined) deps.logger.warn('notifications.webhook is not signed: set notifications.webhookSecret so the receiver can tell the box from anyone else');
    }
  }
  if (n.email !== undefined) {
    const ch: EmailChannel = emailChannel({ email: n.email, storeName: config.store.name, ...(deps.pseudonymise !== undefined ? { pseudonymise: deps.pseudonymise } : {}) });
    channels.push(ch);
    closers.push(() => ch.close());
  }
  if (n.webpush?.enabled === true && deps.vapid !== undefined) {
    channels.push(webPushChannel({ keys: deps.vapid, subject: n.webpush.subject, ttlSeconds: n.webpush.ttlSeconds }));
  }
  return {
    channels,
    vapid: deps.vapid,
    ratePerMinute: { ...n.rateLimit },
    close: () => {
      for (const c of closers) c();
    },
  };
}

