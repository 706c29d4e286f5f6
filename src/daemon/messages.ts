import type { JournalStats } from '../journal/writer.js';
import type { SideStats } from '../tap/types.js';
import type { SupervisorStats } from './supervisor.js';

/**
 * What the tap process sends the analytics child over IPC, once a second:
 * `process.on('message', (m: TapStatsMessage) => …)` in the child. Best effort: a child that does
 * not read its messages simply misses some.
 */
export interface TapStatsMessage {
  type: 'tap-stats';
  /** Wall-clock ms when the figures were taken. */
  at: number;
  uptimeMs: number;
  /** Absolute path of the raw journal (open it with openJournalReader). */
  journalPath: string;
  links: { pos: SideStats; printer: SideStats };
  bytes: { posToPrinter: number; printerToPos: number };
  /** POS chunks received while the printer side was down: journaled undelivered, never replayed. */
  droppedWhilePrinterDown: { chunks: number; bytes: number };
  droppedWhilePosDown: { chunks: number; bytes: number };
  /** TCP mode: POS connections so far. */
  sessions: number;
  /** journal.lastSeq moves when new chunks are committed: a cheap "read now" hint. */
  journal: JournalStats;
  /** Tap process resident memory, bytes. */
  rssBytes: number;
  /** At-till footers (absent when the tap has none). */
  footer?: FooterTapStats;
  /** The bypass relay (absent when bypass.enabled is off): energised means the box relays. */
  bypass?: { energised: boolean };
  /** The tap's own pino lines since the last message the child got (for the owner's log view; capped). */
  logLines?: string[];
}

/** Child → tap: the owner switched the log level on the page; the tap takes it too (until restart). */
export interface LogLevelMessage {
  type: 'log-level';
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

const LOG_LEVEL_NAMES: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export function isLogLevelMessage(m: unknown): m is LogLevelMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'log-level' && LOG_LEVEL_NAMES.includes(String((m as { level?: unknown }).level));
}

/** Everything `tillbox run` knows about itself (TapStatsMessage plus the child's own state). */
export interface DaemonStats extends Omit<TapStatsMessage, 'type'> {
  analytics: SupervisorStats;
}

/** Supervisor → child, every HEARTBEAT_INTERVAL_MS; the child answers with a HeartbeatPong. */
export interface HeartbeatPing {
  type: 'ping';
  seq: number;
}

/** Child → supervisor: answered from the child's event loop, so silence means a stuck loop. */
export interface HeartbeatPong {
  type: 'pong';
  seq: number;
}

/** Child → supervisor once started; until then the longer HEARTBEAT_STARTUP_GRACE_MS applies. */
export interface AnalyticsReady {
  type: 'analytics-ready';
}

export type ChildMessage = HeartbeatPong | AnalyticsReady;

export function isChildMessage(m: unknown): m is ChildMessage {
  const t = typeof m === 'object' && m !== null ? (m as { type?: unknown }).type : undefined;
  return t === 'pong' || t === 'analytics-ready';
}
// ---- at-till footers (src/tap/footer-link.ts ⇄ src/footer/service.ts) -----------------------

/**
 * Tap → child: a document just ended with a cut; should a block go before that cut? `doc` is the
 * document's POS bytes (previous cut excluded, this cut included), base64, or null when it was too
 * long to send. `seq` counts documents per POS stream (`stream`) without gaps, so the child knows
 * whether it has seen every byte since the last ESC @ (the printer state it prints in).
 */
export interface FooterRequestMessage {
  type: 'footer-request';
  id: number;
  stream: string;
  seq: number;
  doc: string | null;
  dryRun: boolean;
  /** 'feed': the document ended with a tear-off feed run, not a cut (footer.noCutter). */
  end?: 'feed';
}

/** Child → tap: the block (base64) to print before the cut, or null and why not. */
export interface FooterReplyMessage {
  type: 'footer-reply';
  id: number;
  block: string | null;
  /** 'sale' when a block comes; else e.g. 'not-a-sale', 'unsure', 'disabled', 'state-unknown'. */
  reason: string;
}

/** Tap → child: what became of a request (for the ledger record and the counters). */
export interface FooterOutcomeMessage {
  type: 'footer-outcome';
  id: number;
  kind: 'printed' | 'late' | 'declined' | 'unsent' | 'split' | 'overflow' | 'closed';
  holdMs: number;
}

/**
 * Tap → child: `tillbox footer --print` asks for a test block for the printer as it is now (the
 * POS idle). `tail`: the POS's bytes since its last cut (base64; null when too many to send), which
 * the child's state tracker has not seen. `receipt`: a filed receipt's footer, or null for a test
 * message.
 */
export interface FooterTestRequestMessage {
  type: 'footer-test-request';
  id: number;
  stream: string;
  receipt: string | null;
  tail: string | null;
}

/** Every footer message the tap sends the child. */
export type FooterToChild = FooterRequestMessage | FooterOutcomeMessage | FooterTestRequestMessage;

/** Child → tap: the test block (base64) and its text, or null and why not. */
export interface FooterTestReplyMessage {
  type: 'footer-test-reply';
  id: number;
  block: string | null;
  text: string;
  reason: string;
}

/** The tap's footer figures, inside TapStatsMessage. */
export interface FooterTapStats {
  mode: 'off' | 'dry-run' | 'on';
  printed: number;
  skipped: { late: number; declined: number; unsent: number; split: number; overflow: number; closed: number };
  /** Hold times (cut received to block written or cut released), ms: counts per upper bound in HOLD_BUCKETS_MS. */
  holdBuckets: number[];
  holdCount: number;
  holdSumMs: number;
}

/** Upper bounds (ms) of the hold-time histogram buckets; a last bucket counts the rest (+Inf). */
export const HOLD_BUCKETS_MS: readonly number[] = [1, 2, 5, 10, 20, 30, 50, 100, 150, 300];
