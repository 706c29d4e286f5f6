/**
 * What the status page and API need from the rest of the daemon, as plain functions.
 * The daemon (composition root) wires these to the tap's counters, the ledger queries and the
 * sync module; tests and benchmarks pass in-memory implementations. Every function may answer
 * synchronously (better-sqlite3) or with a promise.
 *
 * Money is integer minor units (fen) everywhere in this file. Days are `YYYY-MM-DD` and months
 * `YYYY-MM` in the store's time zone. Member ids are given here in clear: the web layer masks them
 * before anything reaches a person, except a logged-in owner asking for one member.
 */
import type { NotificationsDeps } from './notify-deps.js';
import type { PrinterTextStatus } from '../pipeline/text-status.js';
import type { Rule } from '../insights/basket-rules.js';
import type { TierSummary } from '../insights/tiers.js';
import type { Receipt, ReceiptKind } from '../receipt/types.js';

export type MaybePromise<T> = T | Promise<T>;

export interface LinkStatus {
  /** up: port open / peer connected; down: lost or never opened; unknown: not yet probed. */
  state: 'up' | 'down' | 'unknown';
  /** Why it is down, in words for the owner (e.g. "ENOENT /dev/tillbox-pos"). */
  reason?: string;
  /** ISO time of the last state change. */
  since?: string;
}

export interface BrokerStatus {
  /** disabled: no `mqtt` section configured, baskets wait in the outbox. */
  state: 'connected' | 'connecting' | 'disconnected' | 'disabled';
  reason?: string;
  /** ISO time of the last PUBACK from the broker, null when none yet. */
  lastAckAt: string | null;
  /** ISO time since which it has not been connected (absent when connected or disabled). */
  downSince?: string;
}

export interface StatusSnapshot {
  version: string;
  uptimeSeconds: number;
  links: { pos: LinkStatus; printer: LinkStatus };
  /** Bytes relayed since start, each way. */
  bytes: { posToPrinter: number; printerToPos: number };
  receiptsToday: number;
  /** Receipts parsed since start: ok (validated) and failed (raw bytes kept, see failedReceipts). */
  parse: { ok: number; failed: number };
  /** Journal bytes not yet decoded and parsed (pipeline lag). */
  journalBacklogBytes: number;
  /** Baskets waiting in the outbox for a broker acknowledgement. */
  outboxBacklog: number;
  broker: BrokerStatus;
  /** Counters of things given up on, by name (e.g. outboxExpired, outboxFull, decoderOverflow). */
  dropped: Record<string, number>;
  /** synced null: cannot tell (no time sync daemon visible). */
  clock: { synced: boolean | null; source?: string; reason?: string };
  /** Free and total bytes of the filesystem holding dataDir; null when unknown. */
  disk: { freeBytes: number; totalBytes: number } | null;
  /** How the printer's text is read (issue 11); null before the first document, absent in older callers. */
  printerText?: PrinterTextStatus | null;
  /** Present while writes to the data disk fail (a full disk): which parts, since when. */
  writeFault?: WriteFault;
  /**
   * PUBACKs the outbox could not record (disk full): held in memory and retried, and publishing
   * pauses meanwhile; if the process dies first, those baskets are sent again (head office drops
   * the duplicates by id). `recordFailures`: failed attempts since start.
   */
  outboxAcks?: { unrecorded: number; recordFailures: number };
  /** The bypass relay, when the tap drives one: energised means the box relays, else POS and printer are wired direct. */
  bypass?: { energised: boolean };
  /**
   * Receipts whose bytes reached the box while the printer side was down (journaled with
   * delivered=0): the customer did not get them, the till must reprint. Newest first, recent only.
   */
  notPrinted?: NotPrinted[];
  /** What the printer said in its last status reply (DLE EOT), null when it has not said. */
  printerPaper?: PrinterPaper | null;
  /** Documents that failed to parse today (store-local day). */
  parseFailedToday?: number;
}

export interface NotPrinted {
  id: string;
  receiptNo: string | null;
  /** Receipt time as printed (ISO with offset), else capture time. */
  time: string | null;
}

/** From the printer's status replies (DLE EOT n, ESC/POS): the last judgement and when it was made. */
export interface PrinterPaper {
  state: 'ok' | 'paper_near_end' | 'paper_out' | 'cover_open' | 'offline';
  /** ISO time of the reply. */
  at: string;
}

export interface WriteFault {
  /** disk_full when the error said so (ENOSPC, SQLITE_FULL), else write_failed. */
  reason: 'disk_full' | 'write_failed';
  /** The parts whose writes fail: journal, pipeline (ledger, position), outbox (acks). */
  parts: string[];
  /** ISO time of the first failure. */
  since: string;
}

/** One line of the recent-receipts list. */
export interface ReceiptRow {
  id: string;
  /** Receipt time as printed (ISO with offset), else capture time. */
  time: string | null;
  receiptNo: string | null;
  till: string | null;
  /** Full member id or phone; masked by the web layer. */
  member: string | null;
  kind: ReceiptKind;
  itemCount: number;
  /** Minor units. */
  total: number | null;
  currency: string;
  confidence: number;
  itemsMatchTotal: boolean;
}

/** A document that was captured and decoded but did not parse into a valid receipt. */
export interface FailedReceiptRow {
  id: string;
  /** ISO capture time. */
  capturedAt: string;
  /** Why it failed, in words (parser problems joined). */
  reason: string;
  /** Decoded text as printed. Member ids in it are masked by the web layer. */
  text: string;
  /** Member ids the parser found in it (a flagged receipt), so the web layer masks them wherever printed; never sent. */
  known?: readonly string[];
  /** The owner marked it as looked at (src/daemon/failed-checks.ts). */
  checked?: boolean;
}

/**
 * What the owner can do with a failed receipt (issue 15): mark it as checked, read it again with
 * another profile, look at its raw bytes and download them. Every function answers null (or
 * false) for an id it does not know or whose bytes retention has removed.
 */
export interface FailedActions {
  /** Names of the parse profiles this box has (shipped and parser.profilesDir). */
  profiles(): MaybePromise<string[]>;
  setChecked(id: string, checked: boolean): MaybePromise<boolean>;
  /** The ESC/POS bytes the till sent for this document (its journal chunks, POS to printer). */
  capture(id: string): MaybePromise<Buffer | null>;
  /** The capture decoded as `tillbox decode` prints it. */
  decoded(id: string): MaybePromise<string | null>;
  /** The capture parsed again with this profile ('auto', 'none' or a name); nothing is filed. */
  reparse(id: string, profile: string): MaybePromise<ReceiptDetail | null>;
}

/** Decoded text and parsed fields side by side, for diagnosing a layout. */
export interface ReceiptDetail {
  id: string;
  capturedAt: string | null;
  /** Decoded text as printed. */
  text: string;
  /** Parsed receipt; null when parsing failed. */
  receipt: Receipt | null;
  /** Parse problems (empty when clean). */
  problems: string[];
}

export interface DaySales {
  /** YYYY-MM-DD (store time zone). */
  day: string;
  /** Net sales, minor units (refunds subtracted, reprints not counted). */
  sales: number;
  receipts: number;
}

export interface HourSales {
  hour: number; // 0..23, store time zone
  sales: number;
  receipts: number;
}

export interface StoreSummary {
  day: string;
  receipts: number;
  /** Sales, refunds and net, minor units (refunds as a positive amount). */
  sales: number;
  refunds: number;
  net: number;
  /** Receipts that carried a member id. */
  memberReceipts: number;
  items: number;
}

export interface MemberSummary {
  /** Full member id: only ever sent to a logged-in owner who asked for this member. */
  member: string;
  month: string; // YYYY-MM
  receipts: number;
  /** Minor units. */
  spend: number;
  currency: string;
  /** Spend by category, minor units, largest first; name in Chinese and English. */
  categories: { name: string; en: string; amount: number }[];
  lastVisit: string | null;
}

export interface ReminderCounts {
  dueToday: number;
  dueTomorrow: number;
  next7Days: number;
  sentLast7Days: number;
}

/** One RFM segment, with its size at the previous run (null on the first run). */
export interface InsightsSegment {
  /** Stable id, e.g. "champions", "at-risk". */
  id: string;
  en: string;
  zh: string;
  members: number;
  /** Fraction of scored members, 0..1. */
  share: number;
  /** Net spend of the segment's members in the window, minor units. */
  monetary: number;
  /** Members at the previous run and the change since; null when there was no previous run. */
  previous: number | null;
  change: number | null;
}

/** A value tier as the insights model reports it (src/insights/tiers.ts). */
export type InsightsTier = Omit<TierSummary, 'minValue'>;

/** A valuable member the models think is drifting away. `member` is in clear here; the web layer masks it. */
export interface InsightsAtRiskMember {
  member: string;
  /** Probability the member is still a customer (BG/NBD), 0..1. */
  pAlive: number;
  /** Net spend up to now, minor units. */
  allTimeValue: number;
  purchaseDays: number;
  /** YYYY-MM-DD, store time zone. */
  lastPurchase: string;
  daysSinceLastPurchase: number;
  /** Segment id and tier id, when the member bought inside the window. */
  segment: string | null;
  tier: string | null;
}

/** A basket rule X ⇒ Y as the insights model reports it (src/insights/basket-rules.ts). */
export type InsightsRule = Rule;

/** The nightly insights run, as the owner's page shows it. Plain data; money in minor units. */
export interface InsightsSummary {
  /** ISO time of the run, and of the run the movement is measured against (null on the first). */
  computedAt: string | null;
  previousAt: string | null;
  windowDays: number;
  members: { total: number; activeInWindow: number; repeatBuyers: number };
  /** Every segment in a fixed order (empty ones included), no personal data. */
  segments: InsightsSegment[];
  tiers: InsightsTier[];
  /** "The top {topShare} of members bring {salesShare} of sales"; salesShare null without sales. */
  concentration: { topShare: number; topMembers: number; members: number; salesShare: number | null };
  /** Most valuable first; member ids in clear (masked by the web layer before sending). */
  atRisk: InsightsAtRiskMember[];
  /** Highest lift first. */
  rules: { baskets: number; by: 'product' | 'category'; totalRules: number; top: InsightsRule[] };
}

/** Pushed to live page clients. Rows carry full member ids; the web layer masks them. */
export type WebEvent =
  | { type: 'receipt'; receipt: ReceiptRow }
  | { type: 'failed'; failed: FailedReceiptRow }
  /** Something else changed (outbox drained, reminders sent): clients refetch. */
  | { type: 'changed'; what: 'sync' | 'reminders' | 'summary' };

export interface WebDeps {
  status(): MaybePromise<StatusSnapshot>;
  /** Cheap: the current write fault alone, for GET /healthz (absent: none known). */
  writeFault?(): WriteFault | undefined;
  recentReceipts(limit: number): MaybePromise<ReceiptRow[]>;
  /** Parsed or failed; null when unknown. */
  receipt(id: string): MaybePromise<ReceiptDetail | null>;
  failedReceipts(limit: number): MaybePromise<FailedReceiptRow[]>;
  storeSummary(day: string): MaybePromise<StoreSummary>;
  /** 30 entries, oldest first, ending today (days without sales included with zeros). */
  salesLast30Days(): MaybePromise<DaySales[]>;
  /** 24 entries, hour 0..23. */
  salesByHour(day: string): MaybePromise<HourSales[]>;
  /** null when the member has no receipts at all. */
  memberSummary(memberId: string, month: string): MaybePromise<MemberSummary | null>;
  reminderCounts(): MaybePromise<ReminderCounts>;
  /** Consent card, notification state and its /metrics lines (src/web/routes/consent.ts). */
  notifications?: NotificationsDeps;
  insights?(): MaybePromise<InsightsSummary | null>;
  /** At-till footer figures; absent or null when footers are off. */
  footers?(): MaybePromise<FooterStats | null>;
  /** Failed-receipt actions; absent: the page lists failed receipts without actions. */
  failedActions?: FailedActions;
  /** Live updates; returns the unsubscribe function. */
  subscribe(listener: (event: WebEvent) => void): () => void;
}

/** At-till footers (docs/notes/h8-footer.md): what was printed, what was skipped and why. */
export interface FooterStats {
  mode: 'dry-run' | 'on';
  printed: number;
  /** By reason: late, unsure, not-a-sale, disabled, state-unknown, nothing-to-say, overflow, split, unsent, error. */
  skipped: Record<string, number>;
  couponsIssued: number;
  /** Footers computed in dry-run mode (not printed). */
  dryRun: number;
  /** Hold time, cut received to block written or cut released: counts per upper bound (ms), last = +Inf. */
  hold: { boundsMs: readonly number[]; counts: number[]; count: number; sumMs: number };
  /** Latest footers, newest first: their text (no member ids: footers never print one). */
  recent: { at: string; mode: 'printed' | 'dry-run'; text: string }[];
}
