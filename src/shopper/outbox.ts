/**
 * The durable notification outbox (tables `notifications`, `deliveries`, `consent` in the ledger
 * database, synchronous=FULL). A message is stored once, with one delivery row per channel the
 * member consented to; `drain()` hands due deliveries to their channels outside any transaction,
 * marks them delivered on success and backs off with jitter on failure. Consent is checked twice:
 * when queueing and again right before delivery, so withdrawing it stops messages already queued.
 */
import type { Logger } from 'pino';
import type { Ledger } from '../ledger/types.js';
import type { NotificationChannel, NotificationKind, NotificationLanguage, OutgoingNotification } from './channels.js';

export interface OutboxOptions {
  /** Give up on a delivery after this many failed attempts (default 20). */
  maxAttempts?: number;
  /** First retry delay (default 30 s), doubling up to maxDelayMs (default 6 h), ±25 % jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  logger?: Logger;
  random?: () => number;
}

export interface DrainResult {
  delivered: number;
  failed: number;
  withdrawn: number;
  gaveUp: number;
}

export interface Outbox {
  /** Channel names this outbox delivers to. */
  readonly channels: readonly string[];
  setConsent(member: string, channel: string, granted: boolean, now?: Date): void;
  /** Channels the member has granted (of any name, configured or not). */
  consents(member: string): string[];
  /**
   * Stores the message with a delivery per consented, configured channel, in the caller's
   * transaction if there is one. Returns those channels; [] means nothing was stored (no consent).
   * Idempotent by notification id.
   */
  enqueue(n: OutgoingNotification): string[];
  /** Delivers what is due at `now` (default: the clock). Never runs twice at once. */
  drain(now?: Date): Promise<DrainResult>;
  /** Deliveries not yet delivered, withdrawn or given up. */
  pendingCount(): number;
}

interface DueRow {
  notification_id: string;
  channel: string;
  attempts: number;
  member: string;
  mid: number;
  kind: NotificationKind;
  language: NotificationLanguage;
  title: string;
  body: string;
  created_at: string;
}

export function createOutbox(ledger: Ledger, channels: readonly NotificationChannel[], opts: OutboxOptions = {}): Outbox {
  const db = ledger.db;
  const byName = new Map(channels.map((c) => [c.name, c]));
  const maxAttempts = opts.maxAttempts ?? 20;
  const base = opts.baseDelayMs ?? 30_000;
  const maxDelay = opts.maxDelayMs ?? 6 * 3600_000;
  const random = opts.random ?? Math.random;
  const log = opts.logger?.child({ module: 'outbox' });

  const memberIns = db.prepare('INSERT INTO members (member) VALUES (?) ON CONFLICT DO NOTHING');
  const memberSel = db.prepare('SELECT mid FROM members WHERE member = ?').pluck();
  const consentUp = db.prepare(`INSERT INTO consent (mid, channel, granted, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET granted = excluded.granted, updated_at = excluded.updated_at`);
  const consentSel = db.prepare('SELECT channel FROM consent WHERE mid = ? AND granted = 1 ORDER BY channel').pluck();
  const consentOne = db.prepare('SELECT granted FROM consent WHERE mid = ? AND channel = ?').pluck();
  const notifIns = db.prepare(`INSERT INTO notifications (id, mid, kind, language, title, body, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  const delivIns = db.prepare(`INSERT INTO deliveries (notification_id, channel, status, next_attempt_ts)
    VALUES (?, ?, 'pending', 0) ON CONFLICT DO NOTHING`);
  const dueSel = db.prepare(`SELECT d.notification_id, d.channel, d.attempts, m.member, n.mid, n.kind, n.language, n.title, n.body, n.created_at
    FROM deliveries d JOIN notifications n ON n.id = d.notification_id JOIN members m ON m.mid = n.mid
    WHERE d.status = 'pending' AND d.next_attempt_ts <= ? ORDER BY d.next_attempt_ts LIMIT 200`);
  const markDone = db.prepare(`UPDATE deliveries SET status = ?, attempts = attempts + ?, delivered_at = ?, last_error = ?
    WHERE notification_id = ? AND channel = ?`);
  const markRetry = db.prepare(`UPDATE deliveries SET attempts = attempts + 1, next_attempt_ts = ?, last_error = ?
    WHERE notification_id = ? AND channel = ?`);
  const pendingSel = db.prepare(`SELECT count(*) FROM deliveries WHERE status = 'pending'`).pluck();

  const midOf = (member: string, create: boolean): number | undefined => {
    if (create) memberIns.run(member);
    return memberSel.get(member) as number | undefined;
  };
  let draining: Promise<DrainResult> | null = null;

  const enqueue = db.transaction((n: OutgoingNotification): string[] => {
    const mid = midOf(n.member, false);
    if (mid === undefined) return [];
    const granted = (consentSel.all(mid) as string[]).filter((c) => byName.has(c));
    if (granted.length === 0) return [];
    notifIns.run(n.id, mid, n.kind, n.language, n.title, n.body, n.createdAt);
    for (const c of granted) delivIns.run(n.id, c);
    return granted;
  });

  async function drainOnce(now: Date): Promise<DrainResult> {
    const result: DrainResult = { delivered: 0, failed: 0, withdrawn: 0, gaveUp: 0 };
    const rows = dueSel.all(now.getTime()) as DueRow[];
    for (const r of rows) {
      const channel = byName.get(r.channel);
      if (channel === undefined) continue; // channel not configured in this run: keep it for later
      if (consentOne.get(r.mid, r.channel) !== 1) {
        markDone.run('withdrawn', 0, null, 'consent withdrawn', r.notification_id, r.channel);
        result.withdrawn++;
        continue;
      }
      const n: OutgoingNotification = {
        id: r.notification_id, member: r.member, kind: r.kind, language: r.language,
        title: r.title, body: r.body, createdAt: r.created_at,
      };
      try {
        await channel.deliver(n);
        markDone.run('delivered', 1, new Date().toISOString(), null, r.notification_id, r.channel);
        result.delivered++;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (r.attempts + 1 >= maxAttempts) {
          markDone.run('failed', 1, null, message, r.notification_id, r.channel);
          result.gaveUp++;
        } else {
          const delay = Math.min(maxDelay, base * 2 ** r.attempts) * (0.75 + random() * 0.5);
          markRetry.run(Math.round(now.getTime() + delay), message, r.notification_id, r.channel);
        }
        result.failed++;
        log?.warn({ err, notification: r.notification_id, channel: r.channel, attempts: r.attempts + 1 }, 'notification delivery failed');
      }
    }
    return result;
  }

  return {
    channels: [...byName.keys()],
    setConsent(member, channel, granted, now = new Date()) {
      const mid = midOf(member, true) as number;
      consentUp.run(mid, channel, granted ? 1 : 0, now.toISOString());
    },
    consents(member) {
      const mid = midOf(member, false);
      return mid === undefined ? [] : (consentSel.all(mid) as string[]);
    },
    enqueue: (n) => enqueue(n),
    drain(now = new Date()) {
      if (draining !== null) return draining;
      draining = drainOnce(now).finally(() => {
        draining = null;
      });
      return draining;
    },
    pendingCount: () => pendingSel.get() as number,
  };
}
