/**
 * `tillbox members contact|consent|forget` on a ledger file: contacts shown masked; after
 * forget, no contact, no consent and no clear member id is left anywhere in ledger.db or its
 * WAL (the file's bytes are scanned), while the store's figures still add up.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.js';
import { createOutbox } from '../../src/shopper/outbox.js';
import { queueDueReminders } from '../../src/shopper/reminders/queue.js';
import { tillbox } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { item, receipt } from '../ledger/helpers.js';

const ID = '8800000001';
const OTHER = '8800000002';
const SECRETS = [ID, 'anna.li@example.cn', '13812345678', 'push.example/send/SECRET-PATH', createHash('sha256').update(ID).digest('hex')];

describe('tillbox members', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('contact and consent from the CLI, masked; forget leaves no contact, consent or clear id in ledger.db', async () => {
    const t = tempDir('tillbox-forget-');
    cleanup = t.cleanup;
    const cfgFile = join(t.dir, 'tillbox.yaml');
    writeFileSync(cfgFile, `dataDir: ${t.dir}\nstore: { timezone: Asia/Shanghai, currency: CNY }\n`);
    const file = join(t.dir, 'ledger.db');
    const ledger = openLedger(file, { timezone: 'Asia/Shanghai', currency: 'CNY' });
    for (let i = 0; i < 40; i++) {
      const m = i % 2 === 0 ? ID : OTHER;
      ledger.ingest(receipt({ member: m, time: `2026-11-${String(1 + (i % 20)).padStart(2, '0')}T10:${String(i).padStart(2, '0')}:00+08:00`, items: [item('光明酸奶', 1160, 2), item('全麦面包', 890)] }), { journalFrom: i, journalTo: i + 1 });
    }
    ledger.db.prepare(`INSERT INTO coupons (code, rule_id, receipt_id, member_hash, day, issued_at) VALUES ('C1', 'r', 'x', ?, '2026-11-20', 'now')`).run(SECRETS[4]);
    const outbox = createOutbox(ledger, [{ name: 'webpush', deliver: async () => undefined }]);
    outbox.consent.signUp(ID, { source: 'headoffice', wording: 'v3', contacts: { webpush: { endpoint: `https://${SECRETS[3]}`, keys: { p256dh: Buffer.alloc(65, 4).toString('base64url'), auth: Buffer.alloc(16, 1).toString('base64url') } } }, grant: [{ channel: 'webpush', kinds: ['expiry'] }] });
    queueDueReminders(ledger, outbox, { timezone: 'Asia/Shanghai', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8, language: 'zh' }, new Date('2026-11-22T01:30:00Z'));
    ledger.close();

    const env = {};
    const contact = await tillbox(['members', 'contact', ID, '--email', 'anna.li@example.cn', '--mobile', '13812345678', '-c', cfgFile], { env });
    expect(contact.code).toBe(0);
    expect(contact.out).toContain('email a***@e***.cn');
    expect(contact.out).toContain('mobile *********78');
    const consent = await tillbox(['members', 'consent', ID, '--channel', 'email,webhook', '--kinds', 'expiry,monthly', '--wording', 'till-2026-11', '-c', cfgFile], { env });
    expect(consent.code).toBe(0);
    expect(consent.out).toMatch(/email\s+expiry\s+granted .* source cli wording till-2026-11/);
    for (const out of [contact.out, consent.out]) for (const s of SECRETS) expect(out).not.toContain(s);
    expect((await tillbox(['members', 'consent', ID, '--channel', 'sms', '-c', cfgFile], { env })).err).toMatch(/--channel 'sms': expected/);
    expect((await tillbox(['members', 'forget', ID, '-c', cfgFile], { env })).code).toBe(2); // needs --yes

    // Before: the secrets are in the file (so the scan below can find them).
    const before = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
    expect(before.includes(ID)).toBe(true);
    const forget = await tillbox(['members', 'forget', ID, '--yes', '--json', '-c', cfgFile], { env });
    expect(forget.code).toBe(0);
    expect(JSON.parse(forget.out)).toMatchObject({ contacts: 3, receipts: 20, notifications: 1 });

    const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
    for (const s of SECRETS) expect(bytes.includes(Buffer.from(s)), s).toBe(false);
    expect(bytes.includes(Buffer.from(OTHER))).toBe(true); // the other member is untouched

    const after = openLedger(file, { timezone: 'Asia/Shanghai', currency: 'CNY' });
    try {
      expect(after.db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(0);
      expect(after.db.prepare('SELECT count(*) FROM consent').pluck().get()).toBe(0);
      expect(after.memberKey(ID)).toBeUndefined();
      // History kept under the pseudonym: the store's November still adds up.
      expect(after.db.prepare(`SELECT sum(receipts) FROM store_day`).pluck().get()).toBe(40);
      expect(after.db.prepare(`SELECT count(*) FROM members WHERE member LIKE 'forgotten:%'`).pluck().get()).toBe(1);
    } finally {
      after.close();
    }
    expect((await tillbox(['members', 'forget', ID, '--yes', '-c', cfgFile], { env })).err).toContain('TBX_CONSENT_MEMBER_UNKNOWN');
  });
});
