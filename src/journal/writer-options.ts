/** The journal writer's options, figures and limits (src/journal/writer.ts). */
import type { Logger } from '../log.js';
import { FAULT_LOG_EVERY_MS } from '../io/write-fault.js';

export interface JournalWriterOptions {
  dbPath: string;
  maxBytes: number;
  maxAgeDays: number;
  logger: Logger;
  flushMs?: number;
  flushRows?: number;
  retentionEveryMs?: number;
  /** After a failed group commit (disk full), retry this much later (ms). */
  retryMs?: number;
  /** Niceness of the writer thread (tap.journalNice; 0: unchanged, the default). */
  nice?: number;
  /** Chunks posted but not yet committed beyond which new chunks are dropped (and counted). */
  maxInFlightChunks?: number;
  /** Same, in bytes. */
  maxInFlightBytes?: number;
  /** Whether the data disk is full now (statfs): SQLite's error does not always say so (SQLITE_IOERR_SHMSIZE). */
  diskFull?: () => boolean;
  /** The worker script; defaults to the compiled writer-worker.js next to this file. */
  workerUrl?: URL;
}

export interface JournalStats {
  /** Chunks handed to the writer. */
  posted: number;
  /** Chunks the writer has committed to disk. */
  committed: number;
  /** Chunks not journaled: queue over its bound, writer down, or lost with a dying writer. */
  dropped: number;
  /** Bytes of those chunks (still forwarded, never recorded). */
  droppedBytes: number;
  /** Commits are failing (disk full …): chunks are held in the bounded queue and retried. */
  stalled: null | { reason: 'disk_full' | 'write_failed'; code: string; since: number };
  /** Stalls that ended with the held chunks committed. */
  stallsRecovered: number;
  /** Chunks posted and not yet committed. */
  lagChunks: number;
  /** Age of the oldest uncommitted chunk, ms (0 when none). */
  lagMs: number;
  lastSeq: number;
  workerRestarts: number;
  writerUp: boolean;
}

/** A failed group commit (disk full) is tried again this much later. */
export const JOURNAL_RETRY_MS = 1000;
/** Chunks dropped past the queue's bound are logged (with running totals) at most this often. */
export const DROP_LOG_EVERY_MS = FAULT_LOG_EVERY_MS;
