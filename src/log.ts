import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * The one root logger. Modules take it as an argument and call `child({ module })`.
 * Member ids, phone numbers and secrets must never be logged in clear; the redact paths
 * are a safety net for keys that could carry them, not a licence to log them.
 */
export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
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
    opts.destination,
  );
}
