import type { Receipt } from '../receipt/types.js';
import type { IngestStatus, JournalSource, Ledger } from './types.js';

export interface ReparseResult {
  counts: Record<IngestStatus | 'error', number>;
  /** Receipt ids that failed to ingest, with why (the journal keeps their bytes). */
  errors: { id: string; message: string }[];
}

/**
 * For `tillbox reparse`: drops everything derived from the journal, then ingests the freshly
 * parsed receipts in commits of `batch` (a receipt that fails is rolled back alone). Sent
 * reminders, consent and the outbox survive; cancellations follow again from the refunds; receipt
 * ids are stable, so nothing is counted or sent twice. The source is consumed in order; await
 * happens only between commits.
 */
export async function reparseInto(
  ledger: Ledger,
  receipts: AsyncIterable<{ receipt: Receipt; source: JournalSource }> | Iterable<{ receipt: Receipt; source: JournalSource }>,
  opts: { batch?: number } = {},
): Promise<ReparseResult> {
  const size = opts.batch ?? 2000;
  const result: ReparseResult = { counts: { inserted: 0, duplicate: 0, 'reprint-skipped': 0, 'not-counted': 0, error: 0 }, errors: [] };
  ledger.clearDerived();
  let batch: { receipt: Receipt; source: JournalSource }[] = [];
  const flush = (): void => {
    ledger.ingestMany(batch).forEach((r, i) => {
      if (r instanceof Error) {
        result.counts.error++;
        result.errors.push({ id: batch[i]?.receipt.id ?? '?', message: r.message });
      } else result.counts[r.status]++;
    });
    batch = [];
  };
  for await (const item of receipts) {
    batch.push(item);
    if (batch.length >= size) flush();
  }
  if (batch.length > 0) flush();
  return result;
}
