/**
 * E-mail through a real SMTP server started here (smtp-server, with STARTTLS and AUTH): the zh
 * monthly summary and the en expiry reminder arrive at the consented addresses with the amounts
 * and items, over TLS, authenticated, with an unsubscribe link; a refused mailbox fails for good.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/demo/smtp-catcher.js';
import { emailChannel, type EmailChannel } from '../../src/shopper/channel-email.js';
import { queueMonthlySummaries } from '../../src/shopper/monthly.js';
import { createOutbox } from '../../src/shopper/outbox.js';
import { queueDueReminders } from '../../src/shopper/reminders/queue.js';
import { pseudonymFor } from '../../src/sync/pseudonym.js';
import { toolAvailable } from '../support/corpus.js';
import { tempLedger } from '../ledger/helpers.js';
import { makeServerCert, OPENSSL, shoppers } from './support.js';

const KEY = 'notify-test-pseudonym-key-000';
const cfg = { timezone: 'Asia/Shanghai', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8 };

describe.skipIf(!toolAvailable(OPENSSL))('e-mail channel against a real SMTP server', () => {
  let env: ReturnType<typeof tempLedger> | undefined;
  let smtp: SmtpCatcher | undefined;
  let channel: EmailChannel | undefined;
  afterEach(async () => {
    channel?.close();
    await smtp?.close();
    env?.cleanup();
  });

  it('delivers the zh summary and the en reminder over STARTTLS with AUTH, with amounts, items and unsubscribe', async () => {
    const pki = makeServerCert(mkdtempSync(join(tmpdir(), 'tillbox-pki-')));
    smtp = await startSmtpCatcher({ tls: { key: pki.key, cert: pki.cert }, auth: { user: 'shop', pass: 's3cret-pass' }, refuse: ['gone@example.cn'] });
    env = tempLedger();
    shoppers(env.ledger, ['8800000001', '8800000002', '8800000003']);
    channel = emailChannel({
      email: { host: '127.0.0.1', port: smtp.port, security: 'starttls', user: 'shop', password: 's3cret-pass', from: '示例超市 <shop@example.cn>', unsubscribeUrl: 'https://crm.example/u/{member}?c={channel}' },
      storeName: '示例超市',
      pseudonymise: (m) => pseudonymFor(m, KEY, 1),
      tls: { ca: pki.ca },
    });
    const outbox = createOutbox(env.ledger, [channel]);
    const c = outbox.consent;
    c.signUp('8800000001', { source: 'till', wording: 'v3', contacts: { email: 'anna@example.cn' }, grant: [{ channel: 'email', kinds: ['monthly'] }] });
    c.signUp('8800000002', { source: 'qr', wording: 'v3', contacts: { email: 'ben@example.co.uk' }, grant: [{ channel: 'email', kinds: ['expiry'] }] });
    c.signUp('8800000003', { source: 'cli', wording: 'v3', contacts: { email: 'gone@example.cn' }, grant: [{ channel: 'email', kinds: ['expiry'] }] });

    const r = queueDueReminders(env.ledger, outbox, { ...cfg, language: 'en' }, new Date('2026-11-22T01:30:00Z'));
    expect(r).toMatchObject({ messages: 2, noConsent: 1 }); // A consented to the summary only
    const m = await queueMonthlySummaries(env.ledger, outbox, 'zh', new Date('2026-12-01T01:00:00Z'));
    expect(m.messages).toBe(1); // B and C did not consent to summaries
    const d = await outbox.drain(new Date('2026-12-01T01:01:00Z'));
    expect(d).toMatchObject({ delivered: 2, gaveUp: 1 });

    expect(smtp.mails).toHaveLength(2);
    const zh = smtp.mails.find((x) => x.to.includes('anna@example.cn'));
    const en = smtp.mails.find((x) => x.to.includes('ben@example.co.uk'));
    expect(zh?.subject).toBe('11月消费小结：¥20.50');
    expect(zh?.text).toContain('2026年11月您共消费¥20.50，购物1次');
    expect(zh?.text).toContain('退订：https://crm.example/u/');
    expect(zh?.html).toContain('¥20.50');
    expect(zh?.html).toContain('<a href="https://crm.example/u/');
    expect(en?.subject).toBe('Expires tomorrow: 全麦面包');
    expect(en?.text).toContain('Expires tomorrow: 全麦面包');
    expect(en?.text).toContain('Unsubscribe: https://crm.example/u/');
    expect(en?.text).not.toContain('光明酸奶'); // the yoghurt expires Nov 27: not in this reminder
    for (const mail of smtp.mails) {
      expect(mail.secure).toBe(true);
      expect(mail.user).toBe('shop');
      expect(mail.headers['list-unsubscribe']).toMatch(/^<https:\/\/crm\.example\/u\/v1%3A[0-9a-f]{64}\?c=email>$/);
      expect(mail.raw).not.toMatch(/880000000\d/);
    }
    // The refused mailbox: failed at once (no retries for ever), and its address deleted.
    const gone = env.ledger.db.prepare(`SELECT d.status, d.attempts FROM deliveries d JOIN notifications n ON n.id = d.notification_id JOIN members m ON m.mid = n.mid WHERE m.member = '8800000003'`).all();
    expect(gone).toEqual([{ status: 'failed', attempts: 1 }]);
    expect(c.view('8800000003')?.contacts).toEqual({});
  });

  it('refuses to send in clear when STARTTLS is required and the server does not offer it', async () => {
    smtp = await startSmtpCatcher();
    env = tempLedger();
    shoppers(env.ledger, ['8800000001']);
    channel = emailChannel({ email: { host: '127.0.0.1', port: smtp.port, security: 'starttls', from: 'shop@example.cn' }, storeName: 'x' });
    const outbox = createOutbox(env.ledger, [channel], { baseDelayMs: 60_000, random: () => 0.5 });
    outbox.consent.signUp('8800000001', { source: 'till', wording: 'v3', contacts: { email: 'anna@example.cn' }, grant: [{ channel: 'email', kinds: ['expiry'] }] });
    queueDueReminders(env.ledger, outbox, { ...cfg, language: 'zh' }, new Date('2026-11-22T01:30:00Z'));
    const d = await outbox.drain(new Date('2026-11-22T01:31:00Z'));
    expect(d).toMatchObject({ delivered: 0, failed: 1, gaveUp: 0 });
    expect(smtp.mails).toHaveLength(0);
    expect(outbox.pendingCount()).toBe(1); // kept for a retry once the server is fixed
  });
});
