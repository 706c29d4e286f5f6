import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import type { JournalReader } from '../journal/reader.js';
import { statusQueries } from '../ledger/queries-status.js';
import type { Ledger } from '../ledger/types.js';
import type { Position } from '../pipeline/pipeline.js';
import type { Sync } from '../sync/index.js';
import type { FailedActions, NotPrinted, WebDeps } from '../web/deps.js';
import { readStoredInsights } from '../insights/job.js';
import { clockSync, diskSpace } from '../web/probes.js';
import { statusSnapshot, writeFaultOf } from '../web/status-from-tap.js';
import type { FaultState } from '../io/write-fault.js';
import type { FooterService } from '../footer/service.js';
import { HOLD_BUCKETS_MS, type TapStatsMessage } from './messages.js';
import { JOURNAL_WATCH_LOOKBACK_MS, JournalWatch } from './journal-watch.js';
import type { Receipts } from './receipts.js';
import type { Outbox as NotificationOutbox } from '../shopper/outbox.js';
import { reachableReminders } from '../shopper/consent/reach.js';
import { notificationsWebDeps } from './notify-web-deps.js';

/** The clock and disk probes are refreshed this often (ms): statfs is cheap, and a full disk should show soon. */
const PROBE_EVERY_MS = 5_000;
/** Receipts the page lists as not printed, newest first. */
const MAX_NOT_PRINTED = 20;

export interface WebDepsParts {
  config: Config;
  ledger: Ledger;
  receipts: Receipts;
  sync: Sync;
  reader: JournalReader;
  version: string;
  tap: () => TapStatsMessage | null;
  position: () => Position;
  /** The pipeline's failing writes (ledger, position file), null when it writes fine. */
  pipelineFault?: () => FaultState | null;
  footer?: FooterService | undefined;
  /** The notification outbox: the consent card, the notification state, honest reminder counts. */
  notifications?: NotificationOutbox;
  /** Failed-receipt actions (src/daemon/failed-actions.ts). */
  failed?: FailedActions & { isChecked(id: string): boolean };
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
  let watch: JournalWatch | null = null; // made on the first status(): building webDeps reads nothing
  let notPrinted: NotPrinted[] = [];
  let brokerDownSince: number | null = null;
  const refreshWatch = (): void => {
    watch ??= new JournalWatch(p.reader, now());
    watch.poll();
    // Filed by printed time, which may lag the capture (a till's clock): a second day of slack.
    const since = now() - 2 * JOURNAL_WATCH_LOOKBACK_MS;
    const seen = new Set<string>();
    notPrinted = [];
    for (const run of [...watch.runs].reverse()) {
      for (const r of q.receiptsInJournalRange(run.from, run.to, since)) {
        if (seen.has(r.id) || notPrinted.length >= MAX_NOT_PRINTED) continue;
        seen.add(r.id);
        notPrinted.push(r);
      }
    }
  };
  const parseFailedToday = (): number => {
    const day = today();
    // One the owner marked as checked on the page needs nothing more: it leaves the alert's count.
    return p.receipts.failedReceipts(MAX_NOT_PRINTED * 10).filter((f) => p.ledger.zone.parts(Date.parse(f.capturedAt)).day === day && p.failed?.isChecked(f.id) !== true).length;
  };

  const faults = (): { part: string; reason: FaultState['reason']; since: number }[] => {
    const out: { part: string; reason: FaultState['reason']; since: number }[] = [];
    const pf = p.pipelineFault?.() ?? null;
    // A pipeline step can also fail on a bug (no storage code): that is not the disk's light.
    if (pf !== null && pf.io) out.push({ part: 'pipeline', reason: pf.reason, since: pf.since });
    const af = p.sync.stats().ackFault;
    if (af !== null) out.push({ part: 'outbox', reason: af.reason, since: af.since });
    return out;
  };

  return {
    writeFault: () => writeFaultOf(p.tap(), faults()).writeFault,
    status: () => {
      if (now() - probes.at > PROBE_EVERY_MS) {
        probes = { at: now(), clock: clockSync(), disk: diskSpace(p.config.dataDir) };
        refreshWatch();
      }
      const s = p.sync.stats();
      const brokerState = p.config.mqtt === undefined ? 'disabled' : s.connected ? 'connected' : s.connects > 0 ? 'disconnected' : 'connecting';
      if (brokerState === 'connected' || brokerState === 'disabled') brokerDownSince = null;
      else brokerDownSince ??= s.lastAckAt === null ? startedAt : Math.min(now(), Date.parse(s.lastAckAt));
      return statusSnapshot({
        faults: faults(),
        version: p.version,
        nowMs: now(),
        tap: p.tap(),
        processUptimeSeconds: (now() - startedAt) / 1000,
        receiptsToday: q.receiptsToday(new Date(now())),
        parse: { ok: p.receipts.stats.ok, failed: p.receipts.stats.failed },
        journalBacklogBytes: p.reader.bytesAfter(p.position().seq - 1, 'pos>printer'),
        outboxBacklog: s.backlog,
        broker: { state: brokerState, lastAckAt: s.lastAckAt, ...(brokerDownSince === null ? {} : { downSince: new Date(brokerDownSince).toISOString() }) },
        notPrinted,
        printerPaper: watch?.printerPaper() ?? null,
        parseFailedToday: parseFailedToday(),
        dropped: { outboxDropped: s.dropped, outboxExpired: s.expired, outboxRejected: s.rejectedNew },
        outboxAcks: { unrecorded: s.acksUnrecorded, recordFailures: s.ackRecordFailures },
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
        const member = stored?.receipt.member ?? null;
        return { id: r.id, capturedAt: r.time ?? '', reason: r.problems.join('; ') || 'low confidence', text: text ?? '', known: member === null ? [] : [member] };
      });
      const unparsed = p.receipts.failedReceipts(limit).filter((f) => !flagged.some((x) => x.id === f.id));
      const rows = [...unparsed, ...flagged].slice(0, limit);
      const checks = p.failed;
      return checks === undefined ? rows : rows.map((r) => ({ ...r, checked: checks.isChecked(r.id) }));
    },
    storeSummary: (day) => q.storeSummary(day),
    salesLast30Days: () => q.salesLast30Days(today()),
    salesByHour: (day) => q.salesByHour(day),
    memberSummary: (member, month) => q.memberSummary(member, month),
    // Only reminders some configured channel will actually send (issue 12: not "12 tomorrow" for nobody).
    reminderCounts: () => {
      const all = q.reminderCounts(new Date(now()), p.config.reminders.daysBefore);
      if (p.notifications === undefined) return all;
      const r = reachableReminders(p.ledger, new Date(now()), p.config.reminders.daysBefore, p.notifications.channels);
      return { dueToday: r.dueToday, dueTomorrow: r.dueTomorrow, next7Days: r.next7Days, sentLast7Days: all.sentLast7Days };
    },
    ...(p.notifications !== undefined ? { notifications: notificationsWebDeps(p.ledger, p.notifications, p.config.reminders.daysBefore, now) } : {}),
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
    footers: () => {
      const f = p.footer;
      if (f === undefined) return null;
      const t = p.tap()?.footer;
      const skipped: Record<string, number> = { ...f.counts.declined };
      if (t !== undefined) for (const [k, v] of Object.entries(t.skipped)) if (k !== 'declined') skipped[k] = v;
      return {
        mode: p.config.footer.dryRun ? 'dry-run' : 'on',
        printed: t?.printed ?? f.counts.printed,
        skipped,
        couponsIssued: f.counts.coupons,
        dryRun: f.counts.dryRun,
        hold: { boundsMs: HOLD_BUCKETS_MS, counts: t?.holdBuckets ?? new Array<number>(HOLD_BUCKETS_MS.length + 1).fill(0), count: t?.holdCount ?? 0, sumMs: t?.holdSumMs ?? 0 },
        recent: f.recent.map((r) => ({ at: r.at, mode: r.mode, text: r.text })),
      };
    },
    ...(p.failed !== undefined ? { failedActions: p.failed } : {}),
    subscribe: (listener) => p.receipts.subscribe(listener),
  };
}
