import type { Database } from 'better-sqlite3';
import type { Receipt } from '../receipt/types.js';
import type { CatalogueEntry } from '../shopper/catalogue/classify.js';
import type { ZoneClock } from './time.js';

/** Where a receipt came from in the raw journal: byte (or record) positions, half-open. */
export interface JournalSource {
  journalFrom: number;
  journalTo: number;
  /** Capture time (epoch ms or ISO), used when the receipt prints no time. */
  capturedAt?: number | string;
}

export type IngestStatus = 'inserted' | 'duplicate' | 'reprint-skipped' | 'not-counted';

export interface IngestResult {
  status: IngestStatus;
  /** Stored but flagged for a person to look at (items do not add up, other currency, no time). */
  flagged: boolean;
  /**
   * Whether the stored receipt counts in totals (and is a basket for head office). Usually
   * follows receipt.kind, but the ledger may file a sale as a copy (see Ingestor.copyOf), and a
   * duplicate reports the stored row's answer.
   */
  counted: boolean;
}

export interface LedgerOptions {
  timezone: string;
  currency: string;
  /** Wall clock, only used for receipts with neither a printed nor a capture time. Default Date.now. */
  clock?: () => number;
  /**
   * PRAGMA synchronous. FULL (default) because money and the notification outbox live here: a
   * commit that returned must survive a power cut, which on an SD card is a real event. Bulk
   * loaders batch receipts (ingestMany) rather than weaken this.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** Page cache in KiB (default 8 MiB): the box has little RAM. */
  cacheKiB?: number;
}

export interface Ledger {
  readonly db: Database;
  readonly zone: ZoneClock;
  readonly currency: string;
  /** One transaction per receipt; idempotent by receipt id. */
  ingest(receipt: Receipt, source: JournalSource): IngestResult;
  /**
   * Many receipts in one commit (one fsync) for bulk loads and reparse; each receipt is still its
   * own savepoint, so one bad receipt rolls back alone and is reported as an Error.
   */
  ingestMany(batch: readonly { receipt: Receipt; source: JournalSource }[]): (IngestResult | Error)[];
  /**
   * Deletes every row derived from the journal (receipts, items, aggregates, pending reminders)
   * and keeps what is not: members, products, catalogue, consent, outbox, sent/cancelled
   * reminders. `tillbox reparse` calls this, then ingests the journal again from the start.
   */
  clearDerived(): void;
  /** Highest journalTo ingested so far (0 when empty): where a pipeline resumes. */
  journalCursor(): number;
  /** Upserts catalogue rows and re-classifies known products; returns rows written. */
  importCatalogue(entries: readonly CatalogueEntry[], now?: Date): number;
  /** Re-applies catalogue + keywords to known products and rebuilds store_day_cat. */
  reclassify(): number;
  /** Member id → internal key, undefined when unknown (never creates one). */
  memberKey(member: string): number | undefined;
  close(): void;
}
