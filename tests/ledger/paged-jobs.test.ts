/**
 * The daemon's member jobs read the ledger a page of members at a time (bench/notify.ts: reading
 * every pending reminder at once held the analytics process for 715 ms). Paged must queue exactly
 * what one pass queues: the same messages, the same reminders marked sent or expired, the same
 * counts, over several pages, gaps in member keys and members with reminders on several days.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileChannel } from '../../src/shopper/channel-file.js';
import { MEMBERS_PER_CHUNK } from '../../src/shopper/chunked.js';
import { queueMonthlySummaries } from '../../src/shopper/monthly.js';
import { createOutbox } from '../../src/shopper/outbox.js';
import { queueBuyAgain } from '../../src/shopper/reminders/buy-again.js';
import { queueDueReminders, queueDueRemindersInChunks } from '../../src/shopper/reminders/queue.js';
import { item, receipt, tempLedger } from './helpers.js';

const cfg = { timezone: 'Asia/Shanghai', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8, language: 'zh' as const };
const MEMBERS = 2 * MEMBERS_PER_CHUNK + 57;

/** Members buying bread (3 days) and yoghurt (7 days) on Nov 18-21; every 7th buys only soap (a member key with no reminder); a third never consents. */
function build(env: ReturnType<typeof tempLedger>) {
  const outbox = createOutbox(env.ledger, [fileChannel(join(env.dir, 'messages.jsonl'))]);
  let j = 0;
  for (let i = 0; i < MEMBERS; i++) {
    const member = `88${String(i).padStart(8, '0')}`;
    const days = i % 7 === 0 ? [] : [18 + (i % 4), ...(i % 5 === 0 ? [18 + ((i + 2) % 4)] : [])];
    if (days.length === 0) env.ledger.ingest(receipt({ id: `s-${i}`, member, time: '2026-11-20T10:00:00+08:00', items: [item('洗衣皂', 450)] }), { journalFrom: j, journalTo: ++j });
    for (const d of days) env.ledger.ingest(receipt({ id: `p-${i}-${d}`, member, time: `2026-11-${d}T10:00:00+08:00` }), { journalFrom: j, journalTo: ++j });
    if (i % 3 !== 0) outbox.setConsent(member, 'file', true);
  }
  return outbox;
}

function state(env: ReturnType<typeof tempLedger>) {
  const db = env.ledger.db;
  return {
    reminders: db.prepare('SELECT receipt_id, line, status, notification_id FROM reminders ORDER BY receipt_id, line').all(),
    notifications: db.prepare('SELECT id, mid, kind, language, title, body, created_at FROM notifications ORDER BY id').all(),
    deliveries: db.prepare('SELECT notification_id, channel, status FROM deliveries ORDER BY notification_id, channel').all(),
  };
}

describe('member jobs in pages', () => {
  const envs: ReturnType<typeof tempLedger>[] = [];
  afterEach(() => {
    for (const e of envs.splice(0)) e.cleanup();
  });

  it('queues exactly what the one-transaction run queues on the same ledger', async () => {
    const one = tempLedger();
    const paged = tempLedger();
    envs.push(one, paged);
    const oneOutbox = build(one);
    const pagedOutbox = build(paged);
    const now = new Date('2026-11-22T01:30:00Z'); // 09:30 local: bread from Nov 20 is due, from Nov 18 expired
    const a = queueDueReminders(one.ledger, oneOutbox, cfg, now);
    const b = await queueDueRemindersInChunks(paged.ledger, pagedOutbox, cfg, now);
    expect(b).toEqual(a);
    expect(a.messages).toBeGreaterThan(MEMBERS_PER_CHUNK / 4);
    expect(a.expired).toBeGreaterThan(0);
    expect(a.noConsent).toBeGreaterThan(0);
    expect(state(paged)).toEqual(state(one));
    // Still pending: yoghurt and later bread, found again by the next tick (and nothing twice).
    expect(paged.ledger.db.prepare(`SELECT count(*) FROM reminders WHERE status = 'pending'`).pluck().get()).toBeGreaterThan(MEMBERS);
    const later = new Date('2026-11-23T01:30:00Z');
    expect(await queueDueRemindersInChunks(paged.ledger, pagedOutbox, cfg, later)).toEqual(queueDueReminders(one.ledger, oneOutbox, cfg, later));
    expect(state(paged)).toEqual(state(one));
  });

  it('queues one monthly summary per consenting member with receipts that month, over several pages, once', async () => {
    const env = tempLedger();
    envs.push(env);
    const outbox = build(env);
    const expected = env.ledger.db.prepare(`SELECT count(DISTINCT d.mid) FROM member_day d
      WHERE d.day BETWEEN '2026-11-01' AND '2026-11-30' AND EXISTS (SELECT 1 FROM consent c WHERE c.mid = d.mid AND c.granted = 1)`).pluck().get() as number;
    expect(expected).toBeGreaterThan(MEMBERS_PER_CHUNK);
    const now = new Date('2026-12-01T01:00:00Z');
    expect(await queueMonthlySummaries(env.ledger, outbox, 'zh', now)).toEqual({ month: '2026-11', messages: expected });
    expect(await queueMonthlySummaries(env.ledger, outbox, 'zh', now)).toEqual({ month: '2026-11', messages: expected });
    expect(env.ledger.db.prepare(`SELECT count(*) FROM notifications WHERE kind = 'monthly-summary'`).pluck().get()).toBe(expected);
  });

  it('looks at the same members for "buy again" as one query over the lookback window', async () => {
    const env = tempLedger();
    envs.push(env);
    const outbox = build(env);
    const expected = (since: string) => env.ledger.db.prepare(`SELECT count(DISTINCT d.mid) FROM member_day d
      WHERE d.day > ? AND EXISTS (SELECT 1 FROM consent c WHERE c.mid = d.mid AND c.granted = 1)`).pluck().get(since) as number;
    expect(expected('2026-05-26')).toBeGreaterThan(MEMBERS_PER_CHUNK);
    expect((await queueBuyAgain(env.ledger, outbox, 'zh', new Date('2026-11-22T01:30:00Z'))).members).toBe(expected('2026-05-26'));
    // A window ending inside the data: Nov 19 and later only (today Nov 22, lookback 3 days).
    expect((await queueBuyAgain(env.ledger, outbox, 'zh', new Date('2026-11-22T01:30:00Z'), 3)).members).toBe(expected('2026-11-19'));
    expect(expected('2026-11-19')).toBeLessThan(expected('2026-05-26'));
  });
});
