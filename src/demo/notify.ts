/**
 * The demo's shoppers who signed up: one by e-mail, one by Web Push. A local SMTP catcher and a
 * local push endpoint stand in for the mail server and the browser's push service, and write
 * what they receive to dataDir/mail/ and dataDir/push/ so a person can read it; the page's
 * consent card shows the deliveries. After the back-dated receipts are filed, last month's
 * summaries and today's due reminders are queued at once rather than on the 1st at 09:00.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../ledger/open.js';
import { createConsentStore } from '../shopper/consent/store.js';
import { queueMonthlySummaries } from '../shopper/monthly.js';
import { createOutbox } from '../shopper/outbox.js';
import { queueDueReminders } from '../shopper/reminders/queue.js';
import { OPENSSL, startPushReceiver, type DemoPush } from './push-receiver.js';
import { DEMO_MEMBERS } from './receipts.js';
import { startSmtpCatcher, type SmtpCatcher } from './smtp-catcher.js';

export const DEMO_EMAIL = 'wang.li@demo.invalid';

export interface DemoNotify {
  /** The notifications section of the demo config. */
  notifications: Record<string, unknown>;
  /** Environment for the daemon (trust the push endpoint's certificate). */
  env: Record<string, string>;
  /** What to print at start. */
  lines: string[];
  signUp(ledgerFile: string, timezone: string): void;
  queueNow(ledgerFile: string, timezone: string, now: Date): Promise<{ summaries: number; reminders: number }>;
  close(): Promise<void>;
}

export async function startDemoNotify(dataDir: string, storeName: string): Promise<DemoNotify> {
  const mailDir = join(dataDir, 'mail');
  const pushDir = join(dataDir, 'push');
  mkdirSync(mailDir, { recursive: true });
  let n = 0;
  let smtp: SmtpCatcher | undefined;
  const lines: string[] = [];
  try {
    smtp = await startSmtpCatcher({
      onMail: (m) => writeFileSync(join(mailDir, `${String(++n).padStart(4, '0')}.txt`), `To: ${m.to.join(', ')}\nSubject: ${m.subject}\n\n${m.text}`),
    });
    lines.push(`  e-mail       smtp://127.0.0.1:${smtp.port} (local catcher; received mail in ${mailDir})`);
  } catch {
    lines.push('  e-mail       off (npm install smtp-server for the local catcher)');
  }
  let push: DemoPush | undefined;
  if (existsSync(OPENSSL)) {
    let p = 0;
    mkdirSync(pushDir, { recursive: true });
    push = await startPushReceiver(join(dataDir, 'demo-push-tls'), (text) => writeFileSync(join(pushDir, `${String(++p).padStart(4, '0')}.json`), `${text}\n`));
    lines.push(`  web push     ${new URL(push.subscription.endpoint).origin} (local push endpoint; decrypted messages in ${pushDir})`);
  } else lines.push(`  web push     off (needs ${OPENSSL} for the local endpoint's certificate)`);

  const kinds = ['expiry', 'monthly', 'buyAgain', 'offers'] as const;
  const channelStubs = [{ name: 'email', deliver: async () => undefined }, { name: 'webpush', deliver: async () => undefined }];
  return {
    notifications: {
      file: join(dataDir, 'notifications.jsonl'),
      ...(smtp !== undefined ? { email: { host: '127.0.0.1', port: smtp.port, security: 'none', from: `${storeName} <shop@demo.invalid>`, unsubscribeUrl: 'https://crm.example/u/{member}?c={channel}' } } : {}),
      ...(push !== undefined ? { webpush: { enabled: true, subject: 'mailto:shop@demo.invalid' } } : {}),
    },
    env: push !== undefined ? { NODE_EXTRA_CA_CERTS: push.caFile } : {},
    lines,
    signUp(ledgerFile, timezone) {
      const ledger = openLedger(ledgerFile, { timezone, currency: 'CNY' });
      try {
        const store = createConsentStore(ledger);
        const base = { source: 'till' as const, wording: 'demo-v1' };
        if (smtp !== undefined) store.signUp(DEMO_MEMBERS[0] as string, { ...base, contacts: { email: DEMO_EMAIL }, grant: [{ channel: 'email', kinds }] });
        if (push !== undefined) store.signUp(DEMO_MEMBERS[1] as string, { ...base, source: 'qr', contacts: { webpush: push.subscription }, grant: [{ channel: 'webpush', kinds }] });
      } finally {
        ledger.close();
      }
    },
    async queueNow(ledgerFile, timezone, now) {
      const ledger = openLedger(ledgerFile, { timezone, currency: 'CNY' });
      try {
        // Only queued here (the stubs never deliver): the daemon's outbox drains within a minute.
        const outbox = createOutbox(ledger, channelStubs);
        const reminders = queueDueReminders(ledger, outbox, { timezone, daysBefore: 1, hour: 0, quietStart: 0, quietEnd: 0, language: 'zh' }, now).messages;
        const summaries = (await queueMonthlySummaries(ledger, outbox, 'zh', now)).messages;
        return { summaries, reminders };
      } finally {
        ledger.close();
      }
    },
    async close() {
      await smtp?.close();
      await push?.close();
    },
  };
}
