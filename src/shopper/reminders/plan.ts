/**
 * Expiry reminders as pure functions: pending reminders + the current instant + config in,
 * what to send now out. No clock, no database: the caller passes `now`.
 */
import { addDays, zoneClock, type ZoneClock } from '../../ledger/time.js';

export interface ReminderConfig {
  timezone: string;
  /** Remind this many days before the expected expiry. */
  daysBefore: number;
  /** Local hour reminders go out. */
  hour: number;
  /** Quiet from this local hour ... */
  quietStart: number;
  /** ... until this one (quietStart === quietEnd: no quiet hours). */
  quietEnd: number;
}

export interface PendingReminder {
  receiptId: string;
  line: number;
  /** Internal member key (members.mid), not the member id. */
  memberKey: number;
  item: string;
  /** Store-local day of the expected expiry. */
  expiresDay: string;
}

export interface ReminderBatch {
  memberKey: number;
  /** Store-local day the batch is sent on. */
  day: string;
  /** Stable: one message per member per day. */
  id: string;
  items: PendingReminder[];
}

export interface ReminderPlan {
  /** One batch per member, to send now. */
  due: ReminderBatch[];
  /** Past their expiry without being sent (the box was off, or no consent then): give up. */
  expired: PendingReminder[];
}

/** Is this local hour inside the quiet window (which may wrap past midnight)? */
export function isQuietHour(hour: number, cfg: Pick<ReminderConfig, 'quietStart' | 'quietEnd'>): boolean {
  const { quietStart: s, quietEnd: e } = cfg;
  if (s === e) return false;
  return s < e ? hour >= s && hour < e : hour >= s || hour < e;
}

/** The instant a reminder for an item expiring on `expiresDay` goes out: due day at `hour`, moved past quiet hours. */
export function reminderSendAt(expiresDay: string, cfg: ReminderConfig, zone: ZoneClock = zoneClock(cfg.timezone)): number {
  const dueDay = addDays(expiresDay, -cfg.daysBefore);
  if (!isQuietHour(cfg.hour, cfg)) return zone.instant(dueDay, cfg.hour);
  // The configured hour is itself quiet: the first hour the window ends, that day or the next.
  const sameDay = cfg.quietStart > cfg.quietEnd ? cfg.hour < cfg.quietEnd : true;
  return zone.instant(sameDay ? dueDay : addDays(dueDay, 1), cfg.quietEnd);
}

export function planReminders(pending: readonly PendingReminder[], now: Date, cfg: ReminderConfig, zone: ZoneClock = zoneClock(cfg.timezone)): ReminderPlan {
  const nowMs = now.getTime();
  const local = zone.parts(nowMs);
  const quiet = isQuietHour(local.hour, cfg);
  const byMember = new Map<number, PendingReminder[]>();
  const expired: PendingReminder[] = [];
  const sendAt = new Map<string, number>();
  for (const p of pending) {
    if (p.expiresDay < local.day) {
      expired.push(p);
      continue;
    }
    if (quiet) continue;
    let at = sendAt.get(p.expiresDay);
    if (at === undefined) {
      at = reminderSendAt(p.expiresDay, cfg, zone);
      sendAt.set(p.expiresDay, at);
    }
    if (at > nowMs) continue;
    const list = byMember.get(p.memberKey) ?? [];
    list.push(p);
    byMember.set(p.memberKey, list);
  }
  const due = [...byMember].map(([memberKey, items]) => ({
    memberKey,
    day: local.day,
    id: `expiry-${local.day}-${memberKey}`,
    items: items.sort((a, b) => a.expiresDay.localeCompare(b.expiresDay) || a.item.localeCompare(b.item)),
  }));
  return { due, expired };
}
