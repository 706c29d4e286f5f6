/**
 * Consent on a real ledger file: a withdrawal stops everything, queued messages included; a
 * member without consent is never sent anything and the page, the API and /metrics count zero
 * for them; the owner's sign-up at the till needs the owner and JSON; a channel's rate limit holds
 * the rest for the next minute; schema 2 consent migrates.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { notificationsWebDeps } from '../../src/daemon/notify-web-deps.js';
import { MIGRATIONS } from '../../src/ledger/migrations.js';
import { openLedger } from '../../src/ledger/open.js';
import { statusQueries } from '../../src/ledger/queries-status.js';
import type { NotificationChannel, OutgoingNotification } from '../../src/shopper/channels.js';
import { createOutbox } from '../../src/shopper/outbox.js';
import { queueDueReminders } from '../../src/shopper/reminders/queue.js';
import { hashPassword } from '../../src/web/auth/password.js';
import { tempDir } from '../support/tmp.js';
import { tempLedger } from '../ledger/helpers.js';
import { fakeDeps } from '../web/support/fake-deps.js';
import { cookieFrom, testApp } from '../web/support/app.js';
import { shoppers } from './support.js';

const cfg = { timezone: 'Asia/Shanghai', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8, language: 'zh' as const };

/** A channel that records what it was handed (the point here is the outbox's decisions, not the wire). */
function recording(name: string): NotificationChannel & { got: OutgoingNotification[] } {
  const got: OutgoingNotification[] = [];
  return { name, got, deliver: async (n) => void got.push(n) };
}

describe('consent', () => {
  let env: ReturnType<typeof tempLedger> | undefined;
  afterEach(() => env?.cleanup());

  it('withdrawing is one action: consent off, queued deliveries on every channel cancelled, contacts no longer needed deleted', async () => {
    env = tempLedger();
    shoppers(env.ledger, ['8800000001', '8800000002']);
    const email = recording('email');
    const hook = recording('webhook');
    const outbox = createOutbox(env.ledger, [email, hook]);
    for (const m of ['8800000001', '8800000002']) {
      outbox.consent.signUp(m, { source: 'qr', wording: 'v3', contacts: { email: `${m}@example.cn`, mobile: '13812345678' }, grant: [{ channel: 'email', kinds: ['expiry', 'monthly'] }, { channel: 'webhook', kinds: ['expiry'] }] });
    }
    expect(queueDueReminders(env.ledger, outbox, cfg, new Date('2026-11-22T01:30:00Z')).messages).toBe(2);
    expect(outbox.pendingCount()).toBe(4);

    const r = outbox.consent.withdraw('8800000001', { source: 'till', wording: 'v3' });
    expect(r).toEqual({ consents: 3, cancelled: 2, contactsDeleted: 2 });
    expect(outbox.pendingCount()).toBe(2);
    const d = await outbox.drain(new Date('2026-11-22T01:31:00Z'));
    expect(d).toMatchObject({ delivered: 2, withdrawn: 0 });
    expect([...email.got, ...hook.got].map((n) => n.member)).toEqual(['8800000002', '8800000002']);
    const states = env.ledger.db.prepare(`SELECT d.channel, d.status, d.last_error AS why FROM deliveries d JOIN notifications n ON n.id = d.notification_id
      JOIN members m ON m.mid = n.mid WHERE m.member = '8800000001' ORDER BY 1`).all();
    expect(states).toEqual([{ channel: 'email', status: 'withdrawn', why: 'consent withdrawn' }, { channel: 'webhook', status: 'withdrawn', why: 'consent withdrawn' }]);
    // The record keeps when and where it was withdrawn.
    expect(outbox.consent.view('8800000001')).toMatchObject({ contacts: {}, consent: expect.arrayContaining([expect.objectContaining({ channel: 'email', kind: 'monthly', granted: false, source: 'till' })]) });
    // And nothing comes back on a later run (the yoghurt, due Nov 26).
    expect(queueDueReminders(env.ledger, outbox, cfg, new Date('2026-11-26T01:30:00Z'))).toMatchObject({ messages: 1, noConsent: 1 });
    await outbox.drain(new Date('2026-11-26T01:31:00Z'));
    expect(email.got.map((n) => n.title)).toContain('明天到期: 光明酸奶');
    expect([...email.got, ...hook.got].filter((n) => n.member === '8800000001')).toEqual([]);
  });

  it('a member without consent gets nothing, and the page, the API and /metrics count zero for them', async () => {
    env = tempLedger();
    shoppers(env.ledger, ['8800000001', '8800000002', '8800000003']);
    const email = recording('email');
    const outbox = createOutbox(env.ledger, [email]);
    // Only member 3 signs up, and then for e-mail without giving an address: still nobody to reach.
    outbox.consent.signUp('8800000003', { source: 'till', wording: 'v3', grant: [{ channel: 'email', kinds: ['expiry'] }] });
    const now = Date.parse('2026-11-21T04:00:00Z'); // Nov 21 12:00: bread (Nov 23) is due tomorrow
    const raw = statusQueries(env.ledger).reminderCounts(new Date(now), 1);
    expect(raw.dueTomorrow).toBe(3); // what the old card showed: three reminders for nobody
    const n = notificationsWebDeps(env.ledger, outbox, 1, () => now);
    expect(n.state().reminders).toMatchObject({ dueTomorrow: 0, messagesTomorrow: { email: 0 } });
    expect(n.state().reach).toEqual({ email: {} });

    const t = testApp({ passwordHash: await hashPassword('owner-password-1') }, {}, { ...fakeDeps(), notifications: n });
    expect((await t.app.inject({ url: '/api/notifications' })).statusCode).toBe(401);
    const login = await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: 'owner-password-1' } });
    const cookie = cookieFrom(login.headers['set-cookie']);
    const metrics = (await t.app.inject({ url: '/metrics', headers: { cookie } })).body;
    expect(metrics).toContain('tillbox_notify_expiry_messages_tomorrow{channel="email"} 0');
    expect(metrics).toContain('tillbox_notify_reach_members{channel="email",kind="expiry"} 0');

    // The cashier records the address at the till: now one member is reachable, and counted.
    const form = { email: 'c@example.cn', channels: { email: ['expiry'] }, wording: 'till-v1' };
    expect((await t.app.inject({ method: 'POST', url: '/api/members/8800000003/consent', payload: form })).statusCode).toBe(401);
    const asText = await t.app.inject({ method: 'POST', url: '/api/members/8800000003/consent', headers: { cookie, 'content-type': 'text/plain' }, payload: JSON.stringify(form) });
    expect(asText.statusCode).toBeGreaterThanOrEqual(400);
    const bad = await t.app.inject({ method: 'POST', url: '/api/members/8800000003/consent', headers: { cookie }, payload: { ...form, email: 'not-an-address' } });
    expect(bad.json()).toMatchObject({ error: 'bad_request', message: expect.stringContaining('email:') });
    const ok = await t.app.inject({ method: 'POST', url: '/api/members/8800000003/consent', headers: { cookie }, payload: form });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ known: true, contacts: { email: 'c***@e***.cn' } });
    expect(ok.body).not.toContain('c@example.cn');
    const state = (await t.app.inject({ url: '/api/notifications', headers: { cookie } })).json() as { reminders: { dueTomorrow: number; messagesTomorrow: Record<string, number> } };
    expect(state.reminders).toMatchObject({ dueTomorrow: 1, messagesTomorrow: { email: 1 } });
    expect((await t.app.inject({ url: '/metrics', headers: { cookie } })).body).toContain('tillbox_notify_expiry_messages_tomorrow{channel="email"} 1');
    // No contact in the log either.
    expect(t.logs.join('\n')).not.toContain('c@example.cn');

    // The run itself: members 1 and 2 get nothing; 3 gets the reminder.
    queueDueReminders(env.ledger, outbox, cfg, new Date('2026-11-22T01:30:00Z'));
    await outbox.drain(new Date('2026-11-22T01:31:00Z'));
    expect(email.got.map((g) => g.member)).toEqual(['8800000003']);
  });

  it('holds deliveries past a channel\'s rate limit for the next minute without counting an attempt', async () => {
    env = tempLedger();
    const members = ['8800000001', '8800000002', '8800000003', '8800000004', '8800000005'];
    shoppers(env.ledger, members);
    const email = recording('email');
    const mono = { now: 0 };
    const outbox = createOutbox(env.ledger, [email], { ratePerMinute: { email: 2 }, monoNow: () => mono.now });
    for (const m of members) outbox.consent.signUp(m, { source: 'till', wording: 'v3', contacts: { email: `${m}@example.cn` }, grant: [{ channel: 'email', kinds: ['expiry'] }] });
    queueDueReminders(env.ledger, outbox, cfg, new Date('2026-11-22T01:30:00Z'));
    const at = new Date('2026-11-22T01:31:00Z');
    expect(await outbox.drain(at)).toMatchObject({ delivered: 2, deferred: 3, failed: 0 });
    mono.now = 30_000;
    expect(await outbox.drain(at)).toMatchObject({ delivered: 0, deferred: 3 });
    mono.now = 60_001;
    expect(await outbox.drain(at)).toMatchObject({ delivered: 2, deferred: 1 });
    expect(env.ledger.db.prepare(`SELECT max(attempts) FROM deliveries WHERE status = 'pending'`).pluck().get()).toBe(0);
    expect(email.got).toHaveLength(4);
  });

  it('migrates schema 2 consent (per channel) to one row per kind, offers not included', () => {
    const { dir, cleanup } = tempDir('tillbox-consent-mig-');
    try {
      const file = join(dir, 'ledger.db');
      const old = new Database(file);
      old.exec(MIGRATIONS[0] as string);
      old.exec(MIGRATIONS[1] as string);
      old.pragma('user_version = 2');
      old.prepare(`INSERT INTO members (mid, member) VALUES (1, '8800000001')`).run();
      old.prepare(`INSERT INTO consent (mid, channel, granted, updated_at) VALUES (1, 'mqtt', 1, '2026-10-01T00:00:00.000Z'), (1, 'file', 0, '2026-10-02T00:00:00.000Z')`).run();
      old.close();
      const ledger = openLedger(file, { timezone: 'Asia/Shanghai', currency: 'CNY' });
      try {
        expect(ledger.db.pragma('user_version', { simple: true })).toBe(3);
        const rows = ledger.db.prepare('SELECT channel, kind, granted, source, wording FROM consent ORDER BY channel, kind').all();
        expect(rows).toEqual([
          ...['buyAgain', 'expiry', 'monthly'].map((kind) => ({ channel: 'file', kind, granted: 0, source: 'migrated', wording: 'v0' })),
          ...['buyAgain', 'expiry', 'monthly'].map((kind) => ({ channel: 'mqtt', kind, granted: 1, source: 'migrated', wording: 'v0' })),
        ]);
      } finally {
        ledger.close();
      }
    } finally {
      cleanup();
    }
  });
});
