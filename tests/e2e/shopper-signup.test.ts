/**
 * Issue 12, end to end: "sign-up reaches the box over MQTT and the next reminder goes out by the
 * chosen channel". All real parts: a private mosquitto, a scratch PostgreSQL database, an SMTP
 * server (smtp-server), real HTTP, and the box's real analytics code (startAnalytics) reading a
 * real journal into a real ledger. The chain: a member's receipt with bread in it is filed on the
 * box, its basket (pseudonym only) reaches head office and is stored with its QR token; the
 * shopper signs up on head office's page for expiry reminders by e-mail; head office publishes
 * config/consent; the box applies it and answers on response/consent; head office says confirmed;
 * the box's next reminder tick (the one a restarted box runs at once) mails the bread's reminder.
 * Time is the wall clock: the receipt is dated two days before now, so the bread (shelf life
 * 3 days) expires tomorrow (shop time) and its reminder (daysBefore 1, hour 0, no quiet hours) is due.
 */
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { startAnalytics, type Analytics } from '../../src/daemon/analytics.js';
import { DEMO_PRODUCTS, renderReceipt } from '../../src/demo/receipts.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/demo/smtp-catcher.js';
import { encodeReceiptText } from '../../src/escpos/index.js';
import { receiptToken } from '../../src/footer/content.js';
import { startHeadOffice, type HeadOffice } from '../../src/headoffice/consumer.js';
import { buildShopperApp } from '../../src/headoffice/web/app.js';
import { readBootId } from '../../src/journal/host-clock.js';
import { JournalStore } from '../../src/journal/store.js';
import { createLogger } from '../../src/log.js';
import { basketId } from '../../src/sync/basket.js';
import { pseudonymFor } from '../../src/sync/pseudonym.js';
import { toolAvailable } from '../support/corpus.js';
import { MOSQUITTO, startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { pgAvailable, scratchDatabase, type ScratchDatabase } from '../support/pg.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { collect, type Collector } from '../sync/fixtures/collector.js';
import { csrfOf, postHeaders } from '../headoffice/fixtures/rig.js';

const enabled = toolAvailable(MOSQUITTO) && (await pgAvailable());

const STORE = 'store-001';
const BOX = 'box-01';
const MEMBER = '8800123456';
const EMAIL = 'shopper.e2e@example.org';
const QR_KEY = 'e2e-head-office-qr-key-0001';
const PSEUDONYM_KEY = 'e2e-box-only-pseudonym-key-0123';
const TZ_OFFSET_MS = 8 * 3600_000; // Asia/Shanghai, no DST
const DAY_MS = 86_400_000;
const product = (sku: string) => DEMO_PRODUCTS.find((p) => p.sku === sku) as (typeof DEMO_PRODUCTS)[number];
const BREAD = product('6921555501238'); // 全麦面包, bakery: 3 days
const YOGHURT = product('6901209205422'); // 光明酸奶, 7 days: not due
const TISSUE = product('6903148126578'); // 维达抽纸3包, not perishable

describe.skipIf(!enabled)('shopper sign-up at head office reaches the box; the next reminder goes out by e-mail', () => {
  const undo: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const u of undo.splice(0).reverse()) {
      try {
        await u();
      } catch {
        // keep undoing the rest
      }
    }
  });

  it('basket → head office → sign-up → config/consent → box applies and confirms → one reminder mail naming the bread', async () => {
    // --- the parts: broker, SMTP server, PostgreSQL, head office and its shopper page ---
    const broker: Mosquitto = await startMosquitto();
    undo.push(() => broker.close());
    const smtp: SmtpCatcher = await startSmtpCatcher();
    undo.push(() => smtp.close());
    const scratch: ScratchDatabase = scratchDatabase('tillbox_e2e_signup');
    await scratch.create();
    undo.push(() => scratch.drop());
    let hoLog = '';
    const hoLogger = createLogger({ level: 'debug', destination: { write: (line: string) => void (hoLog += line) } });
    const ho: HeadOffice = await startHeadOffice({ mqttUrl: broker.url, dbUrl: scratch.url, group: 'ho', name: 'e2e', logger: hoLogger, qrKey: QR_KEY });
    undo.push(() => ho.stop());
    const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
    undo.push(() => pool.end());
    const app = await buildShopperApp({ db: pool, publish: (t, p) => ho.publish(t, p), qrKey: QR_KEY, logger: hoLogger, trustProxy: true });
    await app.listen({ port: 0, host: '127.0.0.1' });
    undo.push(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // Watches the box's topics, to see what went over the broker.
    const wire: Collector = await collect(broker.url, [`tillbox/${STORE}/${BOX}/config/consent`, `tillbox/${STORE}/${BOX}/response/consent`]);
    undo.push(() => wire.close());

    // --- the box: a journal with one member receipt, two days old ---
    const t = tempDir('tillbox-e2e-signup-');
    undo.push(t.cleanup);
    const dataDir = join(t.dir, 'data');
    mkdirSync(dataDir);
    const soldAt = Date.now() - 2 * DAY_MS;
    const receipt = renderReceipt({
      receiptNo: '20261201-00900001', localTime: new Date(Math.floor((soldAt + TZ_OFFSET_MS) / 60_000) * 60_000), member: MEMBER, kind: 'sale',
      lines: [{ product: BREAD, qty: 1, amount: BREAD.price }, { product: YOGHURT, qty: 2, amount: 2 * YOGHURT.price }, { product: TISSUE, qty: 1, amount: TISSUE.price }],
    });
    const journal = new JournalStore(join(dataDir, 'journal.db'));
    journal.append([{ dir: 'pos>printer', bytes: encodeReceiptText(receipt.lines, { encoding: 'gb18030' }), wallTime: soldAt, mono: 1_000_000, delivered: true }], readBootId(), false);
    journal.close();
    const config: Config = configFromObject({
      store: { id: STORE, name: 'E2E Mart', timezone: 'Asia/Shanghai' },
      box: { id: BOX },
      dataDir,
      web: { port: 0 },
      mqtt: { url: broker.url, keepalive: 5 },
      sync: { member: 'pseudonym', pseudonymKey: PSEUDONYM_KEY, timeResolution: 'minute' },
      reminders: { daysBefore: 1, hour: 0, quietStart: 0, quietEnd: 0 },
      notifications: {
        language: 'en', monthlySummary: false,
        email: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'E2E Mart <shop@example.cn>', unsubscribeUrl: 'https://crm.example/u/{member}?c={channel}' },
      },
    });
    let boxLog = '';
    const boxLogger = createLogger({ level: 'debug', destination: { write: (line: string) => void (boxLog += line) } });
    let box: Analytics | undefined = await startAnalytics({ config, logger: boxLogger, version: 'e2e', listen: false });
    undo.push(() => box?.stop());

    const ledger = new Database(join(dataDir, 'ledger.db'), { readonly: true });
    undo.push(() => void ledger.close());
    const rid = ledger.prepare('SELECT id FROM receipts WHERE receipt_no = ? AND counted = 1').pluck().get('20261201-00900001') as string | undefined;
    expect(rid, 'the member receipt is filed on the box').toBeDefined();
    const mid = ledger.prepare('SELECT mid FROM members WHERE member = ?').pluck().get(MEMBER) as number;
    const reminders = () => ledger.prepare(`SELECT p.name, r.status FROM reminders r JOIN products p ON p.pid = r.pid WHERE r.mid = ? ORDER BY r.expires_day`).all(mid) as { name: string; status: string }[];
    expect(reminders()).toEqual([{ name: BREAD.name, status: 'pending' }, { name: YOGHURT.name, status: 'pending' }]);

    // --- the basket reaches head office, stored with its QR token and the pseudonym only ---
    // The token the box's footer prints in the QR code (receiptToken) is the one head office stored.
    const id = basketId(STORE, rid as string);
    const token = receiptToken(STORE, rid as string, QR_KEY);
    const pseudonym = pseudonymFor(MEMBER, PSEUDONYM_KEY, 1);
    const stored = await waitFor(async () => (await pool.query<{ token: string; member: string | null; box: string }>('SELECT token, member, box FROM tillbox_baskets WHERE id = $1', [id])).rows[0], 15_000, 50);
    expect(stored).toEqual({ token, member: pseudonym, box: BOX });

    // The box's first reminder tick (5 s after its start) finds the bread due but no consent:
    // nothing is sent and the reminder stays pending for when consent comes.
    await waitFor(() => boxLog.includes('"noConsent":1'), 15_000, 50);
    expect(smtp.mails).toHaveLength(0);
    expect(reminders().map((r) => r.status)).toEqual(['pending', 'pending']);

    // --- the shopper signs up on the receipt's page: e-mail, expiry reminders, consent ticked ---
    const path = `/r/${STORE}/${token}`;
    const pageRes = await fetch(`${base}${path}?lang=en`);
    expect(pageRes.status).toBe(200);
    const pageHtml = await pageRes.text();
    expect(pageHtml).toContain(BREAD.name);
    const signup = await fetch(`${base}${path}/signup?lang=en`, {
      method: 'POST', headers: postHeaders(base, { 'x-forwarded-for': '198.51.100.7' }),
      body: JSON.stringify({ csrf: csrfOf(pageHtml), email: EMAIL, kinds: ['expiry'], consent: 'yes' }),
    });
    expect(signup.status).toBe(202);
    const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^tbx_shopper=/);

    // Head office published exactly one config/consent to this box, keyed by the pseudonym.
    const sent = await waitFor(() => wire.on(`tillbox/${STORE}/${BOX}/config/consent`)[0], 10_000, 25);
    const msg = JSON.parse(sent) as { id: string; member: string; withdraw: boolean; channels: Record<string, unknown> };
    expect(msg).toMatchObject({ member: pseudonym, withdraw: false, channels: { email: { address: EMAIL, kinds: ['expiry'] } } });

    // --- the box applies it: contact and consent in its ledger; it answers ok on response/consent ---
    const reply = await waitFor(() => wire.on(`tillbox/${STORE}/${BOX}/response/consent`)[0], 10_000, 25);
    expect(JSON.parse(reply)).toEqual({ id: msg.id, ok: true });
    expect(ledger.prepare('SELECT kind, value, source FROM contacts WHERE mid = ?').all(mid)).toEqual([{ kind: 'email', value: EMAIL, source: 'qr' }]);
    expect(ledger.prepare('SELECT channel, kind, granted, source FROM consent WHERE mid = ? AND granted = 1').all(mid)).toEqual([{ channel: 'email', kind: 'expiry', granted: 1, source: 'qr' }]);

    // --- head office marks it confirmed ---
    const state = async (): Promise<string> => ((await (await fetch(`${base}/api/signup?lang=en`, { headers: { cookie } })).json()) as { state: string }).state;
    await waitFor(async () => (await state()) === 'confirmed', 10_000, 50);
    expect(await (await fetch(`${base}/me?lang=en`, { headers: { cookie } })).text()).toContain('Confirmed by the store');

    // --- the next reminder tick: a restarted box runs it at once (5 s after start) ---
    await box.stop();
    box = undefined;
    box = await startAnalytics({ config, logger: boxLogger, version: 'e2e', listen: false });
    const mail = await waitFor(() => smtp.mails[0], 20_000, 50);
    // Give a duplicate (a second tick, a retry) a moment to show up.
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.mails).toHaveLength(1);
    expect(mail.to).toEqual([EMAIL]);
    expect(mail.subject).toBe(`Expires tomorrow: ${BREAD.name}`);
    expect(mail.text).toContain(`Expires tomorrow: ${BREAD.name}`);
    expect(mail.text).not.toContain(YOGHURT.name);
    // The unsubscribe link carries the pseudonym; no header or part carries the member id.
    expect(mail.headers['list-unsubscribe']).toBe(`<https://crm.example/u/${encodeURIComponent(pseudonym)}?c=email>`);
    expect(mail.raw).not.toContain(MEMBER);
    expect(reminders()).toEqual([{ name: BREAD.name, status: 'sent' }, { name: YOGHURT.name, status: 'pending' }]);

    // No member id in clear at head office (log, tables) or on the wire; no address in its log.
    for (const text of [hoLog, sent, reply]) expect(text).not.toContain(MEMBER);
    expect(hoLog).toContain('consent message published');
    expect(hoLog).not.toContain(EMAIL);
    const dump = (await pool.query<{ all: string | null }>(`SELECT string_agg(t::text, ' ') AS all FROM (SELECT * FROM tillbox_baskets) t`)).rows[0]?.all ?? '';
    expect(dump).toContain(pseudonym);
    expect(dump).not.toContain(MEMBER);
    // nor in the box's own log lines
    expect(boxLog).not.toContain(MEMBER);
    expect(boxLog).not.toContain(EMAIL);
  }, 60_000);
});
