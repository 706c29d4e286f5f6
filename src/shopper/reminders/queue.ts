/**
 * The I/O shell around planReminders: reads pending reminders, plans with the given `now`,
 * and in ONE transaction (queueDueReminders, the CLI) or one per page of members
 * (queueDueRemindersInChunks, the daemon) queues the messages in the outbox and marks reminders
 * sent or expired.
 * Members who consented to no configured channel keep their reminders pending (they go out if
 * consent arrives before the expiry day, and expire otherwise).
 */
import type { Ledger } from '../../ledger/types.js';
import { addDays } from '../../ledger/time.js';
import type { NotificationLanguage } from '../channels.js';
import { MEMBERS_PER_CHUNK } from '../chunked.js';
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

/**
 * The writes for a set of pending reminders (the whole set, or one page of members): plans them
 * with `now`, marks the expired ones, queues one message per member due and marks its reminders
 * sent. Runs in the caller's transaction; statements are prepared once per run.
 */
function reminderWriter(ledger: Ledger, outbox: Outbox, cfg: ReminderConfig & { language: NotificationLanguage }, now: Date): { result: QueueResult; apply(pending: readonly (PendingReminder & { ref: number })[]): void } {
  const memberOf = ledger.db.prepare('SELECT member FROM members WHERE mid = ?').pluck();
  const update = ledger.db.prepare(`UPDATE reminders SET status = ?, notification_id = ? WHERE rowid = ? AND status = 'pending'`);
  const result: QueueResult = { messages: 0, items: 0, expired: 0, noConsent: 0 };
  const createdAt = ledger.zone.iso(now.getTime());
  return {
    result,
    apply(pending) {
      const plan = planReminders(pending, now, cfg, ledger.zone);
      const refs = new Map(pending.map((p) => [`${p.receiptId}\0${p.line}`, p.ref]));
      const mark = (status: string, notification: string | null, receiptId: string, line: number): void => {
        update.run(status, notification, refs.get(`${receiptId}\0${line}`));
      };
      result.expired += plan.expired.length;
      for (const p of plan.expired) mark('expired', null, p.receiptId, p.line);
      for (const batch of plan.due) {
        const member = memberOf.get(batch.memberKey) as string | undefined;
        if (member === undefined) continue;
        const text = expiryReminder(cfg.language, batch.items.map((i) => ({ name: i.item, expiresDay: i.expiresDay })), batch.day);
        const queued = outbox.enqueue({ id: batch.id, member, kind: 'expiry-reminder', language: cfg.language, ...text, createdAt });
        if (queued.length === 0) {
          result.noConsent++;
          continue;
        }
        for (const p of batch.items) mark('sent', batch.id, p.receiptId, p.line);
        result.messages++;
        result.items += batch.items.length;
      }
    },
  };
}

/** Everything in ONE transaction (the CLI, tests). The daemon uses queueDueRemindersInChunks. */
export function queueDueReminders(ledger: Ledger, outbox: Outbox, cfg: ReminderConfig & { language: NotificationLanguage }, now: Date): QueueResult {
  const today = ledger.zone.parts(now.getTime()).day;
  const pending = pendingReminders(ledger, addDays(today, cfg.daysBefore + 1));
  const writer = reminderWriter(ledger, outbox, cfg, now);
  ledger.db.transaction(() => writer.apply(pending))();
  return writer.result;
}

/**
 * Pages of pending reminders by member key: each page holds every pending reminder (expiring by
 * `untilDay`) of the members with keys in [from, from + width), so a member is planned whole in
 * one page (planReminders groups per member; members are independent). The pending index is
 * (expires_day, mid, pid): a page is one range seek per day that has pending reminders, and the
 * next page starts at the smallest pending member key past the last one (one seek per day), so
 * gaps in member keys cost nothing. The days are found by one seek each, not by a scan.
 */
export function* pendingReminderPages(ledger: Ledger, untilDay: string, width: number): Generator<(PendingReminder & { ref: number })[]> {
  const nextDay = ledger.db.prepare(`SELECT min(expires_day) FROM reminders WHERE status = 'pending' AND expires_day > ? AND expires_day <= ?`).pluck();
  const days: string[] = [];
  for (let d = nextDay.get('', untilDay) as string | null; d !== null; d = nextDay.get(d, untilDay) as string | null) days.push(d);
  if (days.length === 0) return;
  const nextMid = ledger.db.prepare(`SELECT min(mid) FROM reminders WHERE status = 'pending' AND expires_day = ? AND mid >= ?`).pluck();
  const page = ledger.db.prepare(`SELECT r.rowid AS ref, r.receipt_id AS receiptId, r.line, r.mid AS memberKey, p.name AS item, r.expires_day AS expiresDay
    FROM reminders r JOIN products p ON p.pid = r.pid WHERE r.status = 'pending' AND r.expires_day = ? AND r.mid >= ? AND r.mid < ?`);
  let from = -Infinity;
  for (;;) {
    let lo = Infinity;
    for (const d of days) {
      const m = nextMid.get(d, from) as number | null;
      if (m !== null && m < lo) lo = m;
    }
    if (lo === Infinity) return;
    from = lo + width;
    yield days.flatMap((d) => page.all(d, lo, from) as (PendingReminder & { ref: number })[]);
  }
}

/**
 * The same, a page of MEMBERS_PER_CHUNK member keys per read and per transaction, with a turn of
 * the event loop between pages. Reading every pending reminder at once and planning them in one
 * go held the analytics process for 422 ms and took its RSS to 191 MB at 100,000 members due on
 * one day (bench/notify.ts; paged: 42 ms, 120 MB); one transaction for all of it, 5.1 s. Idempotent by message id, so
 * a run cut short is completed by the next tick.
 */
export async function queueDueRemindersInChunks(ledger: Ledger, outbox: Outbox, cfg: ReminderConfig & { language: NotificationLanguage }, now: Date): Promise<QueueResult> {
  const today = ledger.zone.parts(now.getTime()).day;
  const writer = reminderWriter(ledger, outbox, cfg, now);
  const apply = ledger.db.transaction((pending: (PendingReminder & { ref: number })[]) => writer.apply(pending));
  for (const pending of pendingReminderPages(ledger, addDays(today, cfg.daysBefore + 1), MEMBERS_PER_CHUNK)) {
    apply(pending);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return writer.result;
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
