import { readFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import type { NotificationChannel, OutgoingNotification } from '../../src/shopper/channels.js';
import { fileChannel } from '../../src/shopper/channel-file.js';
import { webhookChannel } from '../../src/shopper/channel-webhook.js';
import { startShopperJobs } from '../../src/shopper/jobs.js';
import { queueMonthlySummaries } from '../../src/shopper/monthly.js';
import { createOutbox } from '../../src/shopper/outbox.js';
import { queueDueReminders } from '../../src/shopper/reminders/queue.js';
import { item, receipt, tempLedger } from './helpers.js';

const cfg = { timezone: 'Asia/Shanghai', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8, language: 'zh' as const };

function note(id: string, member: string): OutgoingNotification {
  return { id, member, kind: 'expiry-reminder', language: 'zh', title: '明天到期: 光明酸奶', body: '明天到期: 光明酸奶', createdAt: '2026-11-23T09:00:00+08:00' };
}

function lines(path: string): OutgoingNotification[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as OutgoingNotification) : [];
}

describe('notifications: outbox, consent, channels', () => {
  let env: ReturnType<typeof tempLedger>;
  afterEach(() => env.cleanup());

  it('queues expiry reminders only for members who consented, and a withdrawn consent stops a queued message', async () => {
    env = tempLedger();
    const file = join(env.dir, 'messages.jsonl');
    const outbox = createOutbox(env.ledger, [fileChannel(file)]);
    // Two members buy yoghurt (7 days) and bread (3 days) on Nov 20; bread expires Nov 23.
    env.ledger.ingest(receipt({ member: 'A-8800000001', time: '2026-11-20T10:00:00+08:00' }), { journalFrom: 0, journalTo: 1 });
    env.ledger.ingest(receipt({ member: 'B-8800000002', time: '2026-11-20T11:00:00+08:00' }), { journalFrom: 1, journalTo: 2 });
    env.ledger.ingest(receipt({ member: 'C-8800000003', time: '2026-11-20T12:00:00+08:00', items: [item('全麦面包', 890)] }), { journalFrom: 2, journalTo: 3 });
    outbox.setConsent('A-8800000001', 'file', true);
    outbox.setConsent('B-8800000002', 'webhook', true); // a channel this box does not run
    outbox.setConsent('C-8800000003', 'file', true);

    const r = queueDueReminders(env.ledger, outbox, cfg, new Date('2026-11-22T01:30:00Z')); // Nov 22 09:30
    expect(r).toEqual({ messages: 2, items: 2, expired: 0, noConsent: 1 });
    outbox.setConsent('C-8800000003', 'file', false); // withdrawn before delivery
    const d = await outbox.drain(new Date('2026-11-22T01:31:00Z'));
    expect(d).toMatchObject({ delivered: 1, withdrawn: 1, failed: 0 });
    const got = lines(file);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ member: 'A-8800000001', kind: 'expiry-reminder', language: 'zh', title: '明天到期: 全麦面包', id: expect.stringMatching(/^expiry-2026-11-22-\d+$/) });
    expect(got[0]?.body).not.toContain('A-8800000001');
    // B's reminder stays pending (no consent on a configured channel); A's is sent, not queued twice.
    const again = queueDueReminders(env.ledger, outbox, cfg, new Date('2026-11-22T02:30:00Z'));
    expect(again.messages).toBe(0);
    const status = env.ledger.db.prepare(`SELECT m.member, p.name, r.status FROM reminders r JOIN members m USING (mid) JOIN products p USING (pid) WHERE p.name = '全麦面包' ORDER BY 1`).all();
    expect(status).toEqual([
      { member: 'A-8800000001', name: '全麦面包', status: 'sent' },
      { member: 'B-8800000002', name: '全麦面包', status: 'pending' },
      { member: 'C-8800000003', name: '全麦面包', status: 'sent' },
    ]);
    expect(outbox.pendingCount()).toBe(0);
  });

  it('enqueue is idempotent by id and stores nothing without consent', () => {
    env = tempLedger();
    const outbox = createOutbox(env.ledger, [fileChannel(join(env.dir, 'x.jsonl'))]);
    expect(outbox.enqueue(note('n1', 'nobody'))).toEqual([]);
    outbox.setConsent('m1', 'file', true);
    expect(outbox.enqueue(note('n1', 'm1'))).toEqual(['file']);
    expect(outbox.enqueue(note('n1', 'm1'))).toEqual(['file']);
    expect(env.ledger.db.prepare('SELECT count(*) FROM notifications').pluck().get()).toBe(1);
    expect(env.ledger.db.prepare('SELECT count(*) FROM deliveries').pluck().get()).toBe(1);
    expect(outbox.consents('m1')).toEqual(['file']);
  });

  it('webhook: POSTs JSON with the member pseudonymised, retries with back-off after a failure', async () => {
    env = tempLedger();
    const bodies: Record<string, unknown>[] = [];
    let fail = 1;
    const server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c: Buffer) => { data += c.toString('utf8'); });
      req.on('end', () => {
        if (fail-- > 0) { res.writeHead(503).end(); return; }
        bodies.push({ ...(JSON.parse(data) as Record<string, unknown>), idempotencyKey: req.headers['idempotency-key'] });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const hook = webhookChannel({ url: `http://127.0.0.1:${port}/notify`, pseudonymise: (m) => `p:${m.length}` });
      const outbox = createOutbox(env.ledger, [hook], { baseDelayMs: 60_000, random: () => 0.5 });
      outbox.setConsent('8800123456', 'webhook', true);
      outbox.enqueue(note('n-web', '8800123456'));
      const t0 = new Date('2026-11-23T02:00:00Z');
      expect(await outbox.drain(t0)).toMatchObject({ delivered: 0, failed: 1 });
      // Not due again before the back-off (60 s × jitter 1.0) has passed ...
      expect(await outbox.drain(new Date(t0.getTime() + 59_000))).toMatchObject({ delivered: 0, failed: 0 });
      // ... and delivered after it.
      expect(await outbox.drain(new Date(t0.getTime() + 60_000))).toMatchObject({ delivered: 1 });
      expect(bodies).toEqual([{ schema: 1, id: 'n-web', member: 'p:10', kind: 'expiry-reminder', language: 'zh', title: '明天到期: 光明酸奶', body: '明天到期: 光明酸奶', createdAt: '2026-11-23T09:00:00+08:00', contact: null, idempotencyKey: 'n-web' }]);
      expect(JSON.stringify(bodies)).not.toContain('8800123456');
      const row = env.ledger.db.prepare('SELECT status, attempts, last_error FROM deliveries').get();
      // The failure was recorded, then cleared by the successful attempt.
      expect(row).toEqual({ status: 'delivered', attempts: 2, last_error: null });
    } finally {
      server.close();
    }
  });

  it('gives up after maxAttempts and never lets one failing channel block another', async () => {
    env = tempLedger();
    const broken: NotificationChannel = { name: 'broken', deliver: () => Promise.reject(new Error('down')) };
    const file = join(env.dir, 'ok.jsonl');
    const outbox = createOutbox(env.ledger, [broken, fileChannel(file)], { maxAttempts: 2, baseDelayMs: 1 });
    outbox.setConsent('m', 'broken', true);
    outbox.setConsent('m', 'file', true);
    outbox.enqueue(note('n2', 'm'));
    const t = Date.parse('2026-11-23T02:00:00Z');
    const first = await outbox.drain(new Date(t));
    expect(first).toMatchObject({ delivered: 1, failed: 1, gaveUp: 0 });
    const second = await outbox.drain(new Date(t + 10_000));
    expect(second).toMatchObject({ failed: 1, gaveUp: 1 });
    expect(lines(file)).toHaveLength(1);
    expect(env.ledger.db.prepare("SELECT status FROM deliveries WHERE channel = 'broken'").pluck().get()).toBe('failed');
  });

  it('monthly summaries on the 1st: one per consenting member, zh template, no double queueing', async () => {
    env = tempLedger();
    const outbox = createOutbox(env.ledger, [fileChannel(join(env.dir, 's.jsonl'))]);
    env.ledger.ingest(receipt({ time: '2026-10-15T10:00:00+08:00', items: [item('光明酸奶', 1000)] }), { journalFrom: 0, journalTo: 1 });
    env.ledger.ingest(receipt({ time: '2026-11-03T10:00:00+08:00', items: [item('光明酸奶', 1160), item('全麦面包', 890)] }), { journalFrom: 1, journalTo: 2 });
    env.ledger.ingest(receipt({ time: '2026-11-20T10:00:00+08:00', member: 'other-member', items: [item('鸡蛋', 1590)] }), { journalFrom: 2, journalTo: 3 });
    outbox.setConsent('8800123456', 'file', true);
    const now = new Date('2026-12-01T01:00:00Z'); // Dec 1 09:00 Shanghai
    expect(await queueMonthlySummaries(env.ledger, outbox, 'zh', now)).toEqual({ month: '2026-11', messages: 1 });
    expect((await queueMonthlySummaries(env.ledger, outbox, 'zh', now)).messages).toBe(1); // same id: stored once
    const n = env.ledger.db.prepare('SELECT id, title, body FROM notifications').all() as { id: string; title: string; body: string }[];
    expect(n).toHaveLength(1);
    expect(n[0]?.title).toBe('11月消费小结：¥20.50');
    expect(n[0]?.body).toContain('酸奶 57%');
    expect(n[0]?.body).toContain('比上月多105%');
    expect(n[0]?.body).not.toContain('8800123456');
  });

  it('one drain goes on past a full batch: 450 queued messages go out in one tick, not 200 a minute', async () => {
    env = tempLedger();
    const file = join(env.dir, 'many.jsonl');
    const outbox = createOutbox(env.ledger, [fileChannel(file)]);
    env.ledger.ingest(receipt({ time: '2026-11-20T10:00:00+08:00', items: [item('全麦面包', 890)] }), { journalFrom: 0, journalTo: 1 });
    outbox.setConsent('8800123456', 'file', true);
    for (let i = 0; i < 450; i++) {
      outbox.enqueue({ id: `bulk-${i}`, member: '8800123456', kind: 'expiry-reminder', language: 'en', title: `t${i}`, body: 'b', createdAt: '2026-11-22T10:00:00+08:00' });
    }
    const config = {
      store: { id: 's', name: '', timezone: 'Asia/Shanghai', currency: 'CNY' },
      reminders: { daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8 },
      notifications: { language: 'en' as const, monthlySummary: true, buyAgain: true },
    };
    const jobs = startShopperJobs({ ledger: env.ledger, outbox, config, logger: createLogger({ level: 'silent' }), now: () => new Date('2026-11-22T04:00:00Z') });
    try {
      await jobs.tick();
      expect(new Set(lines(file).map((l) => String(l.id)).filter((id) => id.startsWith('bulk-'))).size).toBe(450);
      expect(outbox.pendingCount()).toBe(0);
    } finally {
      await jobs.stop();
    }
  });

  it('the cron job module: tick queues and delivers with an injected clock; stop() ends the schedules', async () => {
    env = tempLedger();
    const file = join(env.dir, 'jobs.jsonl');
    const outbox = createOutbox(env.ledger, [fileChannel(file)]);
    env.ledger.ingest(receipt({ time: '2026-11-20T10:00:00+08:00', items: [item('全麦面包', 890)] }), { journalFrom: 0, journalTo: 1 });
    outbox.setConsent('8800123456', 'file', true);
    const config = {
      store: { id: 's', name: '', timezone: 'Asia/Shanghai', currency: 'CNY' },
      reminders: { daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8 },
      notifications: { language: 'en' as const, monthlySummary: true, buyAgain: true },
    };
    let clock = new Date('2026-11-22T13:30:00Z'); // 21:30: quiet, nothing goes out
    const jobs = startShopperJobs({ ledger: env.ledger, outbox, config, logger: createLogger({ level: 'silent' }), now: () => clock });
    try {
      await jobs.tick();
      expect(lines(file)).toHaveLength(0);
      clock = new Date('2026-11-23T00:05:00Z'); // 08:05 on the expiry day
      await jobs.tick();
      expect(lines(file).map((l) => l.title)).toEqual(['Expires today: 全麦面包']);
    } finally {
      await jobs.stop();
    }
  });
});
