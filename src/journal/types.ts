/**
 * Where a journaled chunk came from and went. 'box>printer': bytes the box itself inserted into
 * the POS→printer stream (an at-till footer block); stored with dir 'pos>printer' and box = 1.
 */
export type JournalDirection = 'pos>printer' | 'printer>pos' | 'box>printer';

/** One journaled chunk, as the reader API returns it. */
export interface JournalChunk {
  /** Monotonic sequence, never reused (AUTOINCREMENT), in arrival order across both directions. */
  seq: number;
  dir: JournalDirection;
  /** Wall-clock time of arrival, ms since the epoch (only trustworthy when clockSynced). */
  wallTime: number;
  /** CLOCK_MONOTONIC at arrival in µs; comparable only between rows with the same bootId. */
  monoUs: number;
  bootId: string;
  clockSynced: boolean;
  /**
   * false for bytes the printer side did not take (it was down when they were written; never sent
   * later). With footers on, POS bytes queued behind a held cut are journaled when they are
   * written, so this is the result of that write.
   */
  delivered: boolean;
  /** The first POS chunk after the tap started or its POS side was (re)opened: a document boundary. */
  linkBreak: boolean;
  bytes: Buffer;
}

/** Main thread → writer worker: one chunk (the bytes are copied by postMessage). */
export interface ChunkMessage {
  kind: 'chunk';
  dir: JournalDirection;
  bytes: Uint8Array;
  wallTime: number;
  mono: number;
  delivered: boolean;
  /** See JournalChunk.linkBreak; absent means false. */
  brk?: true;
}

export interface CloseMessage {
  kind: 'close';
}

export type ToWorker = ChunkMessage | CloseMessage;

/** Writer worker → main thread. */
export type FromWorker =
  | { type: 'ready'; lastSeq: number }
  | { type: 'committed'; count: number; lastSeq: number }
  /** A group commit failed (code e.g. SQLITE_FULL); its chunks stay queued and are retried. */
  | { type: 'stalled'; code: string; message: string; pending: number }
  | { type: 'retention'; deletedRows: number; keptFromSeq: number; usedBytes: number }
  | { type: 'warn'; message: string }
  | { type: 'closed'; lastSeq: number };

/** Settings the worker gets as workerData. */
export interface WriterSettings {
  dbPath: string;
  maxBytes: number;
  maxAgeDays: number;
  /** Commit a group after this many ms since its first chunk ... */
  flushMs: number;
  /** ... or as soon as it holds this many chunks. */
  flushRows: number;
  /** How often retention runs. */
  retentionEveryMs: number;
  /** After a failed group commit (disk full), the next try comes this much later. */
  retryMs: number;
  /** Niceness the writer thread gives itself at start (0: unchanged). */
  nice: number;
}
