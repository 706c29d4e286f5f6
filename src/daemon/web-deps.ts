import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import type { JournalReader } from '../journal/reader.js';
import { statusQueries } from '../ledger/queries-status.js';
import type { Ledger } from '../ledger/types.js';
import type { Position } from '../pipeline/pipeline.js';
import type { Sync } from '../sync/index.js';
import type { WebDeps } from '../web/deps.js';
import { readStoredInsights } from '../insights/job.js';
import { clockSync, diskSpace } from '../web/probes.js';
import { statusSnapshot } from '../web/status-from-tap.js';
import type { TapStatsMessage } from './messages.js';
import type { Receipts } from './receipts.js';

export interface WebDepsParts {
  config: Config;
  ledger: Ledger;
  receipts: Receipts;
  sync: Sync;
  reader: JournalReader;
  version: string;
  tap: () => TapStatsMessage | null;
  position: () => Position;
  now?: () => number;
}

/** The status page's view of the daemon: ledger queries, tap figures, sync state, probes. */
export function webDeps(p: WebDepsParts): WebDeps {
  const q = statusQueries(p.ledger);
  const now = p.now ?? Date.now;
  const today = (): string => p.ledger.zone.parts(now()).day;
  const startedAt = now();
  let probes = { at: 0, clock: clockSync(), disk: diskSpace(p.config.dataDir) };
  const insightsFile = join(p.config.dataDir, 'insights.json');

  return {
    status: () => {
      if (now() - probes.at > 30_000) probes = { at: now(), clock: clockSync(), disk: diskSpace(p.config.dataDir) };
      const s = p.sync.stats();
      return statusSnapshot({
        version: p.version,
        nowMs: now(),
        tap: p.tap(),
        processUptimeSeconds: (now() - startedAt) / 1000,
        receiptsToday: q.receiptsToday(new Date(now())),
        parse: { ok: p.receipts.stats.ok, failed: p.receipts.stats.failed },
        journalBacklogBytes: p.reader.bytesAfter(p.position().seq - 1, 'pos>printer'),
        outboxBacklog: s.backlog,
        broker: {
          state: p.config.mqtt === undefined ? 'disabled' : s.connected ? 'connected' : s.connects > 0 ? 'disconnected' : 'connecting',
          lastAckAt: s.lastAckAt,
        },
        dropped: { outboxDropped: s.dropped, outboxExpired: s.expired, outboxRejected: s.rejectedNew },
        clock: probes.clock,
        disk: probes.disk,
        printerText: p.receipts.textStatus(),
      });
    },
    recentReceipts: (limit) => q.recentReceipts(limit),
    receipt: (id) => {
      const stored = q.receipt(id);
      if (stored === null) {
        const failed = p.receipts.failedById(id);
        return failed === undefined ? null : { id, capturedAt: failed.capturedAt, text: failed.text, receipt: null, problems: [failed.reason] };
      }
      const text = p.receipts.textOf(id, stored.journalFrom, stored.journalTo) ?? '(the raw bytes of this receipt have left the journal under the retention setting)';
      return { id, capturedAt: stored.filedAt, text, receipt: stored.receipt, problems: stored.receipt.check.problems };
    },
    failedReceipts: (limit) => {
      const flagged = q.flaggedReceipts(limit).map((r) => {
        const stored = q.receipt(r.id);
        const text = stored === null ? null : p.receipts.textOf(r.id, stored.journalFrom, stored.journalTo);
        return { id: r.id, capturedAt: r.time ?? '', reason: r.problems.join('; ') || 'low confidence', text: text ?? '' };
      });
      const unparsed = p.receipts.failedReceipts(limit).filter((f) => !flagged.some((x) => x.id === f.id));
      return [...unparsed, ...flagged].slice(0, limit);
    },
    storeSummary: (day) => q.storeSummary(day),
    salesLast30Days: () => q.salesLast30Days(today()),
    salesByHour: (day) => q.salesByHour(day),
    memberSummary: (member, month) => q.memberSummary(member, month),
    reminderCounts: () => q.reminderCounts(new Date(now()), p.config.reminders.daysBefore),
    insights: () => {
      try {
        statSync(insightsFile);
      } catch {
        return null;
      }
      const stored = readStoredInsights(insightsFile);
      if (stored === null) return null;
      const r = stored.report;
      const moved = new Map((stored.movement ?? []).map((m) => [m.segment, m]));
      return {
        computedAt: r.generatedAt,
        previousAt: stored.previousGeneratedAt,
        windowDays: r.options.windowDays,
        members: { ...r.members },
        segments: r.rfm.segments.map((s) => {
          const m = stored.movement === null ? undefined : moved.get(s.segment);
          const previous = stored.movement === null ? null : (m?.previous ?? 0);
          return { id: s.segment, en: s.en, zh: s.zh, members: s.members, share: s.share, monetary: s.monetary, previous, change: previous === null ? null : s.members - previous };
        }),
        tiers: r.tiers.map((t) => ({ id: t.id, en: t.en, zh: t.zh, members: t.members, sales: t.sales, salesShare: t.salesShare })),
        concentration: { topShare: r.concentration.topShare, topMembers: r.concentration.topMembers, members: r.concentration.members, salesShare: r.concentration.salesShare },
        atRisk: r.atRisk.map((a) => ({
          member: a.member, pAlive: a.pAlive, allTimeValue: a.allTimeValue, purchaseDays: a.purchaseDays,
          lastPurchase: a.lastPurchase, daysSinceLastPurchase: a.daysSinceLastPurchase, segment: a.segment, tier: a.tier,
        })),
        rules: {
          baskets: r.rules.baskets,
          by: stored.basketsBy,
          totalRules: r.rules.totalRules,
          top: r.rules.top.map((x) => ({ lhs: [...x.lhs], rhs: x.rhs, count: x.count, support: x.support, confidence: x.confidence, lift: x.lift })),
        },
      };
    },
    subscribe: (listener) => p.receipts.subscribe(listener),
  };
}
