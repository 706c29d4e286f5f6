import { describe, expect, it } from 'vitest';
import { isQuietHour, planReminders, reminderSendAt, type PendingReminder, type ReminderConfig } from '../../src/shopper/reminders/plan.js';
import { expiryReminder } from '../../src/shopper/templates.js';

const shanghai: ReminderConfig = { timezone: 'Asia/Shanghai', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8 };

function pending(memberKey: number, item: string, expiresDay: string, line = 0): PendingReminder {
  return { receiptId: `r-${memberKey}-${item}`, line, memberKey, item, expiresDay };
}

describe('expiry reminders (pure, injected clock)', () => {
  it('is due at the configured local hour the day before, across a month boundary (Asia/Shanghai, no DST)', () => {
    // Bread bought on Jan 29 with 3 days' shelf life expires Feb 1; the reminder is due Jan 31 09:00 +08:00.
    const p = [pending(1, '全麦面包', '2027-02-01')];
    expect(new Date(reminderSendAt('2027-02-01', shanghai)).toISOString()).toBe('2027-01-31T01:00:00.000Z');
    expect(planReminders(p, new Date('2027-01-31T00:59:59Z'), shanghai).due).toEqual([]);
    const at9 = planReminders(p, new Date('2027-01-31T01:00:00Z'), shanghai);
    expect(at9.due).toHaveLength(1);
    expect(at9.due[0]).toMatchObject({ memberKey: 1, day: '2027-01-31', id: 'expiry-2027-01-31-1' });
    // Dec 31 → Jan 1 across a year boundary too.
    expect(new Date(reminderSendAt('2027-01-01', shanghai)).toISOString()).toBe('2026-12-31T01:00:00.000Z');
    // daysBefore 3 from Mar 2 lands on Feb 27 (2027 is not a leap year).
    expect(new Date(reminderSendAt('2027-03-02', { ...shanghai, daysBefore: 3 })).toISOString()).toBe('2027-02-27T01:00:00.000Z');
  });

  it('keeps the local hour in a DST zone on both sides of the change (America/New_York)', () => {
    const ny: ReminderConfig = { timezone: 'America/New_York', daysBefore: 1, hour: 9, quietStart: 21, quietEnd: 8 };
    // Due on 2026-03-08, the day clocks go forward: 09:00 EDT = 13:00Z (the day before, 09:00 EST = 14:00Z).
    expect(new Date(reminderSendAt('2026-03-09', ny)).toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(new Date(reminderSendAt('2026-03-08', ny)).toISOString()).toBe('2026-03-07T14:00:00.000Z');
    // Due on 2026-11-01, the day clocks go back: 09:00 EST = 14:00Z.
    expect(new Date(reminderSendAt('2026-11-02', ny)).toISOString()).toBe('2026-11-01T14:00:00.000Z');
    const p = [pending(7, 'Yoghurt', '2026-03-09')];
    expect(planReminders(p, new Date('2026-03-08T12:59:00Z'), ny).due).toHaveLength(0);
    expect(planReminders(p, new Date('2026-03-08T13:00:00Z'), ny).due).toHaveLength(1);
  });

  it('respects quiet hours: nothing is due inside them, and a quiet send hour moves to their end', () => {
    expect(isQuietHour(21, shanghai)).toBe(true);
    expect(isQuietHour(3, shanghai)).toBe(true);
    expect(isQuietHour(8, shanghai)).toBe(false);
    expect(isQuietHour(12, { quietStart: 12, quietEnd: 14 })).toBe(true);
    expect(isQuietHour(14, { quietStart: 12, quietEnd: 14 })).toBe(false);
    expect(isQuietHour(5, { quietStart: 0, quietEnd: 0 })).toBe(false);

    // Configured at 22:00 (quiet): goes out at 08:00 the next morning, still before the expiry day ends.
    const late = { ...shanghai, hour: 22 };
    expect(new Date(reminderSendAt('2026-11-25', late)).toISOString()).toBe('2026-11-25T00:00:00.000Z');
    // Configured at 06:00 (quiet, before the window ends): 08:00 the same day.
    const early = { ...shanghai, hour: 6 };
    expect(new Date(reminderSendAt('2026-11-25', early)).toISOString()).toBe('2026-11-24T00:00:00.000Z');

    // Overdue reminders (box was off) wait out the night: at 23:00 nothing, at 08:00 they go.
    const p = [pending(1, '光明酸奶', '2026-11-25')];
    expect(planReminders(p, new Date('2026-11-24T15:00:00Z'), shanghai).due).toEqual([]); // 23:00 local
    expect(planReminders(p, new Date('2026-11-25T00:00:00Z'), shanghai).due).toHaveLength(1); // 08:00 local
  });

  it('groups per member per day, one message each, and gives up on what has already expired', () => {
    const p = [
      pending(1, '光明酸奶', '2026-11-24'), pending(1, '全麦面包', '2026-11-24', 1), pending(2, '嫩豆腐', '2026-11-24'),
      pending(1, '鲜牛奶', '2026-11-22'), pending(3, '鸡蛋', '2026-11-30'),
    ];
    const plan = planReminders(p, new Date('2026-11-23T02:00:00Z'), shanghai); // 10:00 on Nov 23
    expect(plan.due.map((b) => [b.memberKey, b.items.map((i) => i.item)])).toEqual([[1, ['光明酸奶', '全麦面包']], [2, ['嫩豆腐']]]);
    expect(plan.expired.map((e) => e.item)).toEqual(['鲜牛奶']);
    const text = expiryReminder('zh', plan.due[0]?.items.map((i) => ({ name: i.item, expiresDay: i.expiresDay })) ?? [], '2026-11-23');
    expect(text.title).toBe('明天到期: 光明酸奶, 全麦面包');
    expect(expiryReminder('en', [{ name: 'Yoghurt', expiresDay: '2026-11-24' }, { name: 'Eggs', expiresDay: '2026-11-26' }], '2026-11-23').body)
      .toMatch(/^Expires tomorrow: Yoghurt\nExpires in 3 days: Eggs\n/);
  });
});

describe('buy again', () => {
  it('suggests a product once its usual (median) interval has passed, within a grace window', async () => {
    const { planBuyAgain } = await import('../../src/shopper/reminders/buy-again.js');
    const history = [
      { product: '鲜牛奶 950ml', days: ['2026-10-01', '2026-10-08', '2026-10-15', '2026-10-22', '2026-10-22'] }, // weekly
      { product: '大米 5kg', days: ['2026-08-01', '2026-09-01'] }, // too few purchases
      { product: '鸡蛋', days: ['2026-09-01', '2026-09-15', '2026-10-20'] }, // gaps 14, 35 → median 25 (rounded mean of two)
    ];
    expect(planBuyAgain(history, '2026-10-28')).toEqual([]);
    expect(planBuyAgain(history, '2026-10-29')).toEqual([{ product: '鲜牛奶 950ml', intervalDays: 7, lastDay: '2026-10-22', overdueDays: 0 }]);
    expect(planBuyAgain(history, '2026-11-01')).toEqual([]); // 3 days late: past the grace window
    expect(planBuyAgain(history, '2026-11-14').map((b) => b.product)).toEqual(['鸡蛋']);
  });
});

describe('buy again from the ledger', () => {
  it('reads a member\'s purchase days per product, sales only', async () => {
    const { purchaseHistory, planBuyAgain } = await import('../../src/shopper/reminders/buy-again.js');
    const { item, receipt, tempLedger } = await import('./helpers.js');
    const env = tempLedger();
    try {
      ['2026-11-01', '2026-11-08', '2026-11-15'].forEach((d, i) =>
        env.ledger.ingest(receipt({ time: `${d}T10:00:00+08:00`, items: [item('鲜牛奶 950ml', 1350)] }), { journalFrom: i, journalTo: i + 1 }));
      env.ledger.ingest(receipt({ time: '2026-11-16T10:00:00+08:00', kind: 'refund', items: [item('鲜牛奶 950ml', -1350)], total: -1350 }), { journalFrom: 3, journalTo: 4 });
      const h = purchaseHistory(env.ledger, env.ledger.memberKey('8800123456') as number, '2026-11-22');
      expect(h).toEqual([{ product: '鲜牛奶 950ml', days: ['2026-11-01', '2026-11-08', '2026-11-15'] }]);
      expect(planBuyAgain(h, '2026-11-22').map((b) => b.intervalDays)).toEqual([7]);
    } finally {
      env.cleanup();
    }
  });

  it('queues one message per member and due day, for consenting members only, and catches up a missed day once', async () => {
    const { queueBuyAgain } = await import('../../src/shopper/reminders/buy-again.js');
    const { createOutbox } = await import('../../src/shopper/outbox.js');
    const { item, receipt, tempLedger } = await import('./helpers.js');
    const env = tempLedger();
    try {
      const outbox = createOutbox(env.ledger, [{ name: 'file', deliver: async () => undefined }]);
      let j = 0;
      for (const member of ['8800000001', '8800000002']) {
        for (const d of ['2026-11-01', '2026-11-08', '2026-11-15']) {
          env.ledger.ingest(receipt({ member, time: `${d}T10:00:00+08:00`, items: [item('鲜牛奶 950ml', 1350)] }), { journalFrom: j, journalTo: ++j });
        }
      }
      outbox.setConsent('8800000001', 'file', true); // the second member never consented
      const at = (day: string): Date => new Date(`${day}T09:00:00+08:00`);
      expect(await queueBuyAgain(env.ledger, outbox, 'zh', at('2026-11-21'))).toEqual({ members: 1, messages: 0 }); // not due yet
      // The box was off on the 22nd (the due day): the 23rd catches up, the 24th sends nothing more.
      expect(await queueBuyAgain(env.ledger, outbox, 'zh', at('2026-11-23'))).toEqual({ members: 1, messages: 1 });
      expect(await queueBuyAgain(env.ledger, outbox, 'zh', at('2026-11-24'))).toEqual({ members: 1, messages: 0 });
      const rows = env.ledger.db.prepare('SELECT id, kind, title, body FROM notifications').all() as { id: string; kind: string; title: string; body: string }[];
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: expect.stringMatching(/^buy-again-2026-11-22-\d+$/), kind: 'buy-again', title: '该补货了：鲜牛奶 950ml' });
      expect(rows[0]?.body).toBe('鲜牛奶 950ml：您通常每7天买一次，上次是11月15日。');
      expect(rows[0]?.body).not.toContain('8800000001');
    } finally {
      env.cleanup();
    }
  });
});
