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
