/**
 * The WebDeps the daemon wires from a real ledger (src/daemon/web-deps.ts), over fakeDeps for the
 * rest: for the suites that check the page and API against a real SQLite ledger.
 */
import { statusQueries } from '../../../src/ledger/queries-status.js';
import type { Ledger } from '../../../src/ledger/types.js';
import { fakeDeps, type FakeDeps } from './fake-deps.js';

export function ledgerQueryDeps(ledger: Ledger, now: number): FakeDeps & { queries: ReturnType<typeof statusQueries> } {
  const q = statusQueries(ledger);
  return {
    ...fakeDeps(),
    queries: q,
    recentReceipts: (limit: number) => q.recentReceipts(limit),
    storeSummary: (day: string) => q.storeSummary(day),
    salesLast30Days: () => q.salesLast30Days(ledger.zone.parts(now).day),
    salesByHour: (day: string) => q.salesByHour(day),
    memberSummary: (member: string, month: string) => q.memberSummary(member, month),
    reminderCounts: () => q.reminderCounts(new Date(now), 1),
  };
}
