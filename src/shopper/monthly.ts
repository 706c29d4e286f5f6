/**
 * Monthly spend summaries, queued on the 1st for the month before: one message per member with
 * receipts that month and consent on a configured channel. Idempotent: the id is
 * summary-<month>-<member key>, so a rerun (or a restart on the 1st) queues nothing twice.
 */
import { monthPeriod } from '../ledger/period.js';
import { summaryQueries } from '../ledger/queries-summary.js';
import { previousMonth } from '../ledger/time.js';
import type { Ledger } from '../ledger/types.js';
import type { NotificationLanguage } from './channels.js';
import { consentingMemberPages, inMemberPages, MEMBERS_PER_CHUNK } from './chunked.js';
import type { Outbox } from './outbox.js';
import { monthlySummary } from './templates.js';

export async function queueMonthlySummaries(ledger: Ledger, outbox: Outbox, language: NotificationLanguage, now: Date): Promise<{ month: string; messages: number }> {
  const month = previousMonth(ledger.zone.parts(now.getTime()).day.slice(0, 7));
  const period = monthPeriod(month);
  const q = summaryQueries(ledger.db, ledger.currency);
  let messages = 0;
  const createdAt = ledger.zone.iso(now.getTime());
  await inMemberPages(ledger.db, consentingMemberPages(ledger.db, period.from, period.to, MEMBERS_PER_CHUNK), (m) => {
    const s = q.member(m.mid, m.member, period);
    if (s.receipts === 0 && s.total === 0) return;
    const text = monthlySummary(language, s);
    const queued = outbox.enqueue({ id: `summary-${month}-${m.mid}`, member: m.member, kind: 'monthly-summary', language, ...text, createdAt });
    if (queued.length > 0) messages++;
  });
  return { month, messages };
}
