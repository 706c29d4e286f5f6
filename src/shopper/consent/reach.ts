/**
 * What will actually go out: members a channel can reach per kind (granted, and the contact the
 * channel needs is there), and expiry reminders due in the next days counted only for members
 * some configured channel can reach. The page and /metrics show these, never raw pending rows: a
 * reminder for a member who never consented is not a message.
 */
import { addDays } from '../../ledger/time.js';
import type { Ledger } from '../../ledger/types.js';
import { CHANNEL_CONTACT, type ConsentKind } from './types.js';

/** SQL: consent row `c` is deliverable (its channel's required contact exists). */
function deliverableSql(channels: readonly string[]): { sql: string; params: string[] } {
  const required = Object.entries(CHANNEL_CONTACT).filter(([, v]) => v?.required === true);
  const cases = required.map(([ch, v]) => `WHEN '${ch}' THEN EXISTS (SELECT 1 FROM contacts k WHERE k.mid = c.mid AND k.kind = '${v?.contact ?? ''}')`).join(' ');
  const inList = channels.map(() => '?').join(', ');
  return { sql: `c.granted = 1 AND c.channel IN (${inList === '' ? 'NULL' : inList}) AND (CASE c.channel ${cases} ELSE 1 END)`, params: [...channels] };
}

export interface Reach {
  /** channel → kind → members it would reach. */
  members: Record<string, Partial<Record<ConsentKind, number>>>;
}

export function reachByChannel(ledger: Ledger, channels: readonly string[]): Reach {
  const d = deliverableSql(channels);
  const rows = ledger.db.prepare(`SELECT c.channel, c.kind, count(*) AS n FROM consent c WHERE ${d.sql} GROUP BY c.channel, c.kind`).all(...d.params) as { channel: string; kind: ConsentKind; n: number }[];
  const members: Reach['members'] = Object.fromEntries(channels.map((c) => [c, {}]));
  for (const r of rows) (members[r.channel] ??= {})[r.kind] = r.n;
  return { members };
}

export interface ReachableReminders {
  /** Reminder items due, of members some configured channel reaches. */
  dueToday: number;
  dueTomorrow: number;
  next7Days: number;
  /** Expiry messages (one per member and day) due tomorrow, per channel. */
  messagesTomorrow: Record<string, number>;
}

export function reachableReminders(ledger: Ledger, now: Date, daysBefore: number, channels: readonly string[]): ReachableReminders {
  const today = ledger.zone.parts(now.getTime()).day;
  const d = deliverableSql(channels);
  const rows = ledger.db.prepare(`SELECT r.expires_day AS day, r.mid, c.channel FROM reminders r
    JOIN consent c ON c.mid = r.mid AND c.kind = 'expiry' AND ${d.sql}
    WHERE r.status = 'pending' AND r.expires_day BETWEEN ? AND ?`).all(...d.params, addDays(today, daysBefore), addDays(today, daysBefore + 7)) as { day: string; mid: number; channel: string }[];
  let dueToday = 0, dueTomorrow = 0, next7Days = 0;
  const tomorrow = addDays(today, 1);
  const perChannel = new Map<string, Set<number>>(channels.map((c) => [c, new Set<number>()]));
  // Items counted once each, whatever the number of channels that reach the member.
  const counted = ledger.db.prepare(`SELECT r.expires_day AS day, count(*) AS n FROM reminders r
    WHERE r.status = 'pending' AND r.expires_day BETWEEN ? AND ?
    AND EXISTS (SELECT 1 FROM consent c WHERE c.mid = r.mid AND c.kind = 'expiry' AND ${d.sql}) GROUP BY r.expires_day`)
    .all(addDays(today, daysBefore), addDays(today, daysBefore + 7), ...d.params) as { day: string; n: number }[];
  for (const r of counted) {
    const due = addDays(r.day, -daysBefore);
    if (due === today) dueToday += r.n;
    else if (due === tomorrow) dueTomorrow += r.n;
    if (due < addDays(today, 7)) next7Days += r.n;
  }
  for (const r of rows) if (addDays(r.day, -daysBefore) === tomorrow) perChannel.get(r.channel)?.add(r.mid);
  return { dueToday, dueTomorrow, next7Days, messagesTomorrow: Object.fromEntries([...perChannel].map(([c, s]) => [c, s.size])) };
}
