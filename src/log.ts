import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogRing } from './log-ring.js';

export type { Logger };

/**
 * The one root logger. Modules take it as an argument and call `child({ module })`.
 * Member ids, phone numbers and secrets must never be logged in clear; the redact paths
 * are a safety net for keys that could carry them, not a licence to log them.
 */
export function createLogger(opts: { level?: string; destination?: DestinationStream; ring?: LogRing } = {}): Logger {
  // With a ring (the owner's log view), every record goes to stdout and to the ring; the logger's
  // own level decides what is written at all (both streams take every level).
  const destination =
    opts.ring === undefined
      ? opts.destination
      : pino.multistream([
          { level: 'trace', stream: opts.destination ?? pino.destination({ dest: 1, sync: true }) },
          { level: 'trace', stream: opts.ring },
        ]);
  return pino(
    {
      level: opts.level ?? 'info',
      base: { app: 'tillbox' },
      redact: {
        paths: [
          'member', '*.member', 'memberId', '*.memberId', 'phone', '*.phone',
          'password', '*.password', 'config.mqtt.password', 'pseudonymKey', '*.pseudonymKey',
          'req.headers.cookie', 'req.headers.authorization',
          // Contacts (src/shopper/consent/): never logged on purpose; redacted should one slip in.
          'email', '*.email', 'mobile', '*.mobile', 'address', '*.address', 'contact', '*.contact', 'contacts', '*.contacts',
          'subscription', '*.subscription', 'endpoint', '*.endpoint', 'webhookSecret', '*.webhookSecret',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
