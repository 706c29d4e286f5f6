/**
 * The durable notification outbox (tables `notifications`, `deliveries`, `consent`, `contacts` in
 * the ledger database, synchronous=FULL). A message is stored once, with one delivery row per
 * channel the member consented to for that kind of message (and, for channels that reach a
 * person, gave the contact for); `drain()` hands due deliveries to their channels outside any
 * transaction, marks them delivered on success and backs off with jitter on failure. Consent is
 * checked twice: when queueing and again right before delivery, and a withdrawal through the
 * consent store cancels queued deliveries at once (src/shopper/consent/store.ts).
 *
 * Each channel may have a rate limit (deliveries per minute): past it, its due deliveries wait
 * for the next drain without counting as an attempt.
 */
import type { Logger } from 'pino';
import type { Ledger } from '../ledger/types.js';
import { PermanentDeliveryError, type NotificationChannel, type NotificationKind, type NotificationLanguage, type OutgoingNotification } from './channels.js';
import { createConsentStore, ALL_KINDS, type ConsentStore } from './consent/store.js';
import { CHANNEL_CONTACT, consentKindOf, type Contacts } from './consent/types.js';

export interface OutboxOptions {
  /** Give up on a delivery after this many failed attempts (default 20). */
  maxAttempts?: number;
  /** First retry delay (default 30 s), doubling up to maxDelayMs (default 6 h), ±25 % jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  logger?: Logger;
  random?: () => number;
  /** Deliveries per minute per channel name; absent: no limit. */
  ratePerMinute?: Readonly<Record<string, number>>;
  /** Monotonic clock for the rate limit (ms). Default performance.now. */
  monoNow?: () => number;
  /** Deliveries in flight at once (default DRAIN_CONCURRENCY). */
  concurrency?: number;
}

export const DRAIN_CONCURRENCY = 8;

/** Deliveries one drain() takes at most (one write transaction marks them). */
export const DRAIN_BATCH = 200;

export interface DrainResult {
  delivered: number;
  failed: number;
  withdrawn: number;
  gaveUp: number;
  /** Due but held back by a channel's rate limit (still pending, not an attempt). */
  deferred: number;
}

/** Per channel and status, and the latest deliveries: what the page shows. No member data. */
export interface DeliveryState {
  counts: Record<string, { pending: number; delivered: number; withdrawn: number; failed: number }>;
  recent: { id: string; kind: NotificationKind; channel: string; status: string; attempts: number; createdAt: string; deliveredAt: string | null; lastError: string | null }[];
}

export interface Outbox {
  /** Channel names this outbox delivers to. */
  readonly channels: readonly string[];
  readonly consent: ConsentStore;
  /**
   * Shorthand kept from schema 2: grant every kind on one channel (source cli, wording v0), or
   * switch them off. Switching off here only flips the rows; the next drain marks queued
   * deliveries withdrawn. consent.withdraw() is the one action the CLI, page and MQTT use.
   */
  setConsent(member: string, channel: string, granted: boolean, now?: Date): void;
  /** Channels the member has granted any kind on (of any name, configured or not). */
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
  deliveryState(recent?: number): DeliveryState;
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
  const concurrency = Math.max(1, opts.concurrency ?? DRAIN_CONCURRENCY);
  const log = opts.logger?.child({ module: 'outbox' });

  const consent = createConsentStore(ledger);
  const monoNow = opts.monoNow ?? (() => performance.now());
  const sentAt = new Map<string, number[]>(); // channel → monotonic times of deliveries in the last minute
  const memberSel = db.prepare('SELECT mid FROM members WHERE member = ?').pluck();
  const consentSel = db.prepare('SELECT DISTINCT channel FROM consent WHERE mid = ? AND granted = 1 ORDER BY channel').pluck();
  const consentFlip = db.prepare('UPDATE consent SET granted = 0, updated_at = ? WHERE mid = ? AND channel = ?');
  const contactDel = db.prepare('DELETE FROM contacts WHERE mid = ? AND kind = ?');
  const countsSel = db.prepare('SELECT channel, status, count(*) AS n FROM deliveries GROUP BY channel, status');
  const recentSel = db.prepare(`SELECT d.notification_id AS id, n.kind, d.channel, d.status, d.attempts, n.created_at AS createdAt, d.delivered_at AS deliveredAt, d.last_error AS lastError
    FROM deliveries d JOIN notifications n ON n.id = d.notification_id ORDER BY n.created_at DESC, d.notification_id DESC LIMIT ?`);
  const notifIns = db.prepare(`INSERT INTO notifications (id, mid, kind, language, title, body, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  const delivIns = db.prepare(`INSERT INTO deliveries (notification_id, channel, status, next_attempt_ts)
    VALUES (?, ?, 'pending', 0) ON CONFLICT DO NOTHING`);
  const dueSel = db.prepare(`SELECT d.notification_id, d.channel, d.attempts, m.member, n.mid, n.kind, n.language, n.title, n.body, n.created_at
    FROM deliveries d JOIN notifications n ON n.id = d.notification_id JOIN members m ON m.mid = n.mid
    WHERE d.status = 'pending' AND d.next_attempt_ts <= ? ORDER BY d.next_attempt_ts LIMIT ${DRAIN_BATCH}`);
  const markDone = db.prepare(`UPDATE deliveries SET status = ?, attempts = attempts + ?, delivered_at = ?, last_error = ?
    WHERE notification_id = ? AND channel = ?`);
  const markRetry = db.prepare(`UPDATE deliveries SET attempts = attempts + 1, next_attempt_ts = ?, last_error = ?
    WHERE notification_id = ? AND channel = ?`);
  const pendingSel = db.prepare(`SELECT count(*) FROM deliveries WHERE status = 'pending'`).pluck();

  const midOf = (member: string): number | undefined => memberSel.get(member) as number | undefined;
  let draining: Promise<DrainResult> | null = null;

  /** Under its limit: counts this delivery. Over it: false. */
  const takeSlot = (channel: string): boolean => {
    const limit = opts.ratePerMinute?.[channel];
    if (limit === undefined) return true;
    const t = monoNow();
    const times = (sentAt.get(channel) ?? []).filter((x) => x > t - 60_000);
    sentAt.set(channel, times);
    if (times.length >= limit) return false;
    times.push(t);
    return true;
  };

  /** Only the contact this channel delivers to. */
  const contactFor = (channel: string, all: Contacts): Contacts | undefined => {
    const need = CHANNEL_CONTACT[channel];
    if (need === undefined) return undefined;
    const v = all[need.contact];
    return v === undefined ? undefined : ({ [need.contact]: v } as Contacts);
  };

  const enqueue = db.transaction((n: OutgoingNotification): string[] => {
    const mid = midOf(n.member);
    if (mid === undefined) return [];
    const granted = consent.channelsFor(mid, consentKindOf(n.kind), [...byName.keys()]);
    if (granted.length === 0) return [];
    notifIns.run(n.id, mid, n.kind, n.language, n.title, n.body, n.createdAt);
    for (const c of granted) delivIns.run(n.id, c);
    return granted;
  });

  /**
   * One batch of due deliveries, CONCURRENCY at a time (a mail server or webhook answers in
   * milliseconds; one at a time left the link idle). Outcomes are written in one transaction at
   * the end of the batch (one fsync instead of one per message): a crash in between means a
   * message delivered but not yet marked goes out again, which receivers absorb (same id).
   */
  async function drainOnce(now: Date): Promise<DrainResult> {
    const result: DrainResult = { delivered: 0, failed: 0, withdrawn: 0, gaveUp: 0, deferred: 0 };
    const rows = dueSel.all(now.getTime()) as DueRow[];
    const marks: (() => void)[] = [];
    const one = async (r: DueRow): Promise<void> => {
      const channel = byName.get(r.channel);
      if (channel === undefined) return; // channel not configured in this run: keep it for later
      const contacts = consent.contactsOf(r.mid);
      if (!consent.deliverable(r.mid, r.channel, consentKindOf(r.kind), contacts)) {
        // Written at once: a withdrawal must never wait for the batch.
        markDone.run('withdrawn', 0, null, 'consent withdrawn', r.notification_id, r.channel);
        result.withdrawn++;
        return;
      }
      if (!takeSlot(r.channel)) {
        result.deferred++;
        return;
      }
      const contact = contactFor(r.channel, contacts);
      const n: OutgoingNotification = {
        id: r.notification_id, member: r.member, kind: r.kind, language: r.language,
        title: r.title, body: r.body, createdAt: r.created_at, ...(contact === undefined ? {} : { contact }),
      };
      try {
        await channel.deliver(n);
        const at = new Date().toISOString();
        marks.push(() => markDone.run('delivered', 1, at, null, r.notification_id, r.channel));
        result.delivered++;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const permanent = err instanceof PermanentDeliveryError;
        if (permanent && err.contactGone) {
          const need = CHANNEL_CONTACT[r.channel];
          if (need !== undefined) marks.push(() => contactDel.run(r.mid, need.contact));
        }
        if (permanent || r.attempts + 1 >= maxAttempts) {
          marks.push(() => markDone.run('failed', 1, null, message, r.notification_id, r.channel));
          result.gaveUp++;
        } else {
          const delay = Math.min(maxDelay, base * 2 ** r.attempts) * (0.75 + random() * 0.5);
          marks.push(() => markRetry.run(Math.round(now.getTime() + delay), message, r.notification_id, r.channel));
        }
        result.failed++;
        log?.warn({ err, notification: r.notification_id, channel: r.channel, attempts: r.attempts + 1 }, 'notification delivery failed');
      }
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < rows.length) await one(rows[next++] as DueRow);
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
    } finally {
      db.transaction(() => {
        for (const m of marks) m();
      })();
    }
    return result;
  }

  return {
    channels: [...byName.keys()],
    consent,
    setConsent(member, channel, granted, now = new Date()) {
      if (granted) {
        consent.signUp(member, { source: 'cli', wording: 'v0', time: now, grant: [{ channel, kinds: ALL_KINDS }] });
        return;
      }
      const mid = midOf(member);
      if (mid !== undefined) consentFlip.run(now.toISOString(), mid, channel);
    },
    consents(member) {
      const mid = midOf(member);
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
    deliveryState(recent = 20) {
      const counts: DeliveryState['counts'] = {};
      for (const c of byName.keys()) counts[c] = { pending: 0, delivered: 0, withdrawn: 0, failed: 0 };
      for (const row of countsSel.all() as { channel: string; status: keyof DeliveryState['counts'][string]; n: number }[]) {
        (counts[row.channel] ??= { pending: 0, delivered: 0, withdrawn: 0, failed: 0 })[row.status] = row.n;
      }
      return { counts, recent: recentSel.all(recent) as DeliveryState['recent'] };
    },
  };
}
