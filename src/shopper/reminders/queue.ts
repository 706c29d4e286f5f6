/**
 * The I/O shell around planReminders: reads pending reminders, plans with the given `now`,
 * and in ONE transaction queues the messages in the outbox and marks reminders sent or expired.
 * Members who consented to no configured channel keep their reminders pending (they go out if
 * consent arrives before the expiry day, and expire otherwise).
 */
import type { Ledger } from '../../ledger/types.js';
import { addDays } from '../../ledger/time.js';
import type { NotificationLanguage } from '../channels.js';
import { inChunks, MEMBERS_PER_CHUNK } from '../chunked.js';
import type { Outbox } from '../outbox.js';
import { expiryReminder } from '../templates.js';
import { planReminders, reminderSendAt, type PendingReminder, type ReminderConfig } from './plan.js';

export interface QueueResult {
  messages: number;
  items: number;
  expired: number;
  /** Due, but the member consented to no configured channel. */
  noConsent: number;
}

/** Pending reminders expiring by `untilDay`; `ref` is the row to mark (reminders has no index on receipt id + line). */
export function pendingReminders(ledger: Ledger, untilDay: string): (PendingReminder & { ref: number })[] {
  return ledger.db.prepare(`SELECT r.rowid AS ref, r.receipt_id AS receiptId, r.line, r.mid AS memberKey, p.name AS item, r.expires_day AS expiresDay
    FROM reminders r JOIN products p ON p.pid = r.pid WHERE r.status = 'pending' AND r.expires_day <= ?
    ORDER BY r.expires_day`).all(untilDay) as (PendingReminder & { ref: number })[];
}

interface ReminderRun {
  plan: ReturnType<typeof planReminders>;
  result: QueueResult;
  markExpired(): void;
  queueBatch(batch: ReturnType<typeof planReminders>['due'][number]): void;
}

/** Reads and plans; the writes are the caller's to run in one transaction or in chunks. */
function reminderRun(ledger: Ledger, outbox: Outbox, cfg: ReminderConfig & { language: NotificationLanguage }, now: Date): ReminderRun {
  const today = ledger.zone.parts(now.getTime()).day;
  const pending = pendingReminders(ledger, addDays(today, cfg.daysBefore + 1));
  const plan = planReminders(pending, now, cfg, ledger.zone);
  const memberOf = ledger.db.prepare('SELECT member FROM members WHERE mid = ?').pluck();
  const refs = new Map(pending.map((p) => [`${p.receiptId}\0${p.line}`, p.ref]));
  const update = ledger.db.prepare(`UPDATE reminders SET status = ?, notification_id = ? WHERE rowid = ? AND status = 'pending'`);
  const mark = (status: string, notification: string | null, receiptId: string, line: number): void => {
    update.run(status, notification, refs.get(`${receiptId}\0${line}`));
  };
  const result: QueueResult = { messages: 0, items: 0, expired: plan.expired.length, noConsent: 0 };
  const createdAt = ledger.zone.iso(now.getTime());
  return {
    plan,
    result,
    markExpired() {
      for (const p of plan.expired) mark('expired', null, p.receiptId, p.line);
    },
    queueBatch(batch) {
      const member = memberOf.get(batch.memberKey) as string | undefined;
      if (member === undefined) return;
      const text = expiryReminder(cfg.language, batch.items.map((i) => ({ name: i.item, expiresDay: i.expiresDay })), batch.day);
      const queued = outbox.enqueue({ id: batch.id, member, kind: 'expiry-reminder', language: cfg.language, ...text, createdAt });
      if (queued.length === 0) {
        result.noConsent++;
        return;
      }
      for (const p of batch.items) mark('sent', batch.id, p.receiptId, p.line);
      result.messages++;
      result.items += batch.items.length;
    },
  };
}

/** Everything in ONE transaction (the CLI, tests). The daemon uses queueDueRemindersInChunks. */
export function queueDueReminders(ledger: Ledger, outbox: Outbox, cfg: ReminderConfig & { language: NotificationLanguage }, now: Date): QueueResult {
  const run = reminderRun(ledger, outbox, cfg, now);
  ledger.db.transaction(() => {
    run.markExpired();
    for (const batch of run.plan.due) run.queueBatch(batch);
  })();
  return run.result;
}

/**
 * The same, a chunk of members per transaction with a turn of the event loop between chunks: at
 * 100,000 members due on one day, one transaction held the analytics process (page, pipeline,
 * MQTT) for 5.1 s (bench/notify.ts). Idempotent by message id, so a run cut short is completed
 * by the next tick.
 */
export async function queueDueRemindersInChunks(ledger: Ledger, outbox: Outbox, cfg: ReminderConfig & { language: NotificationLanguage }, now: Date): Promise<QueueResult> {
  const run = reminderRun(ledger, outbox, cfg, now);
  ledger.db.transaction(() => run.markExpired())();
  await inChunks(ledger.db, run.plan.due, MEMBERS_PER_CHUNK, (batch) => run.queueBatch(batch));
  return run.result;
}

/** What `tillbox reminders --date D` shows: the batches that would go out on day D (dry run). */
export function remindersForDay(ledger: Ledger, cfg: ReminderConfig, day: string) {
  const pending = pendingReminders(ledger, addDays(day, cfg.daysBefore + 1));
  // The end of that day's sending window: everything due by 23:59 local.
  const at = new Date(ledger.zone.instant(day, 23, 59));
  const quietFree = { ...cfg, quietStart: 0, quietEnd: 0 };
  // Only what is scheduled for that day, not leftovers from days before (the job sends those late).
  const onDay = pending.filter((p) => ledger.zone.parts(reminderSendAt(p.expiresDay, cfg, ledger.zone)).day === day);
  return planReminders(onDay, at, quietFree, ledger.zone).due;
}
