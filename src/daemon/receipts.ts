import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { TextPrior } from '../escpos/detect.js';
import { StreamDecoder } from '../escpos/index.js';
import type { DecodedDocument, DecoderOptions } from '../escpos/types.js';
import type { JournalReader } from '../journal/reader.js';
import type { Ledger } from '../ledger/types.js';
import type { Logger } from '../log.js';
import { lastSeqOf, type JournalRange } from '../pipeline/pipeline.js';
import { redecode } from '../pipeline/redecode.js';
import { TextStatusTracker, type PrinterTextStatus } from '../pipeline/text-status.js';
import { documentToReceipt, isBasket, type DateLearning } from '../pipeline/parse-document.js';
import { PROFILE_DOC_BUDGET_MS, parseReceipt, profileFromObject, type ParseOptions, type Profile, type ProfileBudget } from '../receipt/index.js';
import type { Receipt, ReceiptItem } from '../receipt/types.js';
import { categoryOfItem } from '../ledger/catalogue.js';
import { isDiskFull } from '../io/write-fault.js';
import type { FailedReceiptRow, ReceiptRow, WebEvent } from '../web/deps.js';

export interface ReceiptsDeps {
  ledger: Ledger;
  /** The ledger's stored receipt by id (for resync). */
  storedReceipt: (id: string) => Receipt | null;
  reader: JournalReader;
  decoderOptions: DecoderOptions;
  parseOptions: () => ParseOptions;
  logger: Logger;
  /** Learn the till's date order from its receipts and read ambiguous dates by it. */
  dateLearning?: DateLearning;
}

const FAILED_KEPT = 50;

/**
 * What the analytics process does with each decoded document: parse it, file it in the ledger
 * (idempotent by receipt id), queue counted receipts for head office, and tell the page.
 * A document the parser cannot handle is never dropped: its bytes stay in the journal, it is
 * logged, counted and listed on the page with its decoded text.
 */
export class Receipts {
  readonly stats = { ok: 0, failed: 0, skippedBlank: 0 };
  /** Called for every sale or refund the ledger counts (also again after a crash: the outbox de-duplicates). */
  onCounted: (r: Receipt) => unknown = () => undefined;
  private readonly deps: ReceiptsDeps;
  private readonly listeners = new Set<(e: WebEvent) => void>();
  private readonly failed: FailedReceiptRow[] = [];
  private readonly ranges = new Map<string, JournalRange>();
  /** Profiles that ran over their time budget stay disabled until restart or a new version. */
  readonly profileBudget: ProfileBudget = { now: () => performance.now(), limitMs: PROFILE_DOC_BUDGET_MS, disabled: new Set() };
  private readonly text: TextStatusTracker;
  private decoder: StreamDecoder | undefined;

  constructor(deps: ReceiptsDeps) {
    this.deps = deps;
    this.categoryOf = categoryOfItem(deps.ledger.db);
    this.text = new TextStatusTracker(deps.decoderOptions);
  }

  /** The pipeline's decoder, starting from the till's saved text-detection memory. */
  makeDecoder(prior?: TextPrior): StreamDecoder {
    this.decoder = new StreamDecoder(prior === undefined ? this.deps.decoderOptions : { ...this.deps.decoderOptions, prior });
    return this.decoder;
  }

  /** How the printer's text is being read (page, /api/status, /metrics); null before the first document. */
  textStatus(): PrinterTextStatus | null {
    return this.text.status();
  }

  /** Category for a basket item: the store's catalogue by SKU, then name keywords, then 'other'. */
  readonly categoryOf: (item: ReceiptItem) => string;

  accept(doc: DecodedDocument, range: JournalRange, capturedAt = Date.now()): void {
    const log = this.deps.logger;
    this.text.add(doc);
    const disabledBefore = this.profileBudget.disabled.size;
    const receipt = documentToReceipt(doc, { ...this.deps.parseOptions(), budget: this.profileBudget }, this.deps.dateLearning);
    const disabledNow = this.profileBudget.disabled.size > disabledBefore;
    if (disabledNow) log.warn({ disabled: [...this.profileBudget.disabled], budgetMs: PROFILE_DOC_BUDGET_MS, fromSeq: range.fromSeq }, 'parse profile disabled: over its time budget on one document');
    if (receipt === null) {
      this.stats.skippedBlank++;
      return;
    }
    if (receipt instanceof Error) {
      this.stats.failed++;
      log.error({ err: receipt, fromSeq: range.fromSeq, toSeq: range.toSeq }, 'receipt could not be parsed; raw bytes stay in the journal');
      this.remember({ id: `journal-${range.fromSeq}-${range.fromOffset}`, capturedAt: new Date(capturedAt).toISOString(), reason: receipt.message, text: doc.lines.map((l) => l.text).join('\n') }, range);
      return;
    }
    const result = this.deps.ledger.ingest(receipt, { journalFrom: range.fromSeq, journalTo: lastSeqOf(range), capturedAt });
    if (result.flagged) {
      this.stats.failed++;
      log.warn({ id: receipt.id, problems: receipt.check.problems, fromSeq: range.fromSeq }, 'receipt stored but flagged for review');
      this.remember({ id: receipt.id, capturedAt: new Date(capturedAt).toISOString(), reason: receipt.check.problems.join('; ') || 'low confidence', text: doc.lines.map((l) => l.text).join('\n'), known: receipt.member === null ? [] : [receipt.member] });
    } else {
      this.stats.ok++;
      // The owner sees the document that disabled a profile on the page's list, even when the heuristics coped.
      if (disabledNow) this.remember({ id: receipt.id, capturedAt: new Date(capturedAt).toISOString(), reason: receipt.check.problems.join('; '), text: doc.lines.map((l) => l.text).join('\n'), known: receipt.member === null ? [] : [receipt.member] });
    }
    // The ledger's word on counting wins: it may file a timeless sale as a copy of a receipt it has.
    const filed: Receipt = isBasket(receipt) && !result.counted ? { ...receipt, kind: 'reprint' } : receipt;
    if (isBasket(filed) && (result.status === 'inserted' || result.status === 'duplicate')) {
      try {
        this.onCounted(filed);
      } catch (err) {
        // A full disk is not the outbox's bound: throw, so the pipeline keeps this document and
        // offers it again (the ledger answers 'duplicate', the basket is queued then).
        if (isDiskFull(err)) throw err;
        // Outbox full with reject-new: the receipt stays in the ledger; head office can resync it.
        log.error({ err, id: receipt.id }, 'basket not queued');
      }
    }
    if (result.status === 'inserted') this.emit({ type: 'receipt', receipt: toRow(filed) });
  }

  /**
   * A document (or stretch of bytes) the pipeline did not process: skipped as poison after the
   * process died on it, or its handler threw. Filed in the ledger as a flagged, uncounted record
   * with its journal range (the raw bytes stay in the journal; `tillbox reparse` reads them
   * again), listed with the failed receipts, and logged.
   */
  unprocessed(range: JournalRange, reason: string, doc: DecodedDocument | null, capturedAt = Date.now()): void {
    this.stats.failed++;
    this.deps.logger.error({ fromSeq: range.fromSeq, fromOffset: range.fromOffset, toSeq: range.toSeq, reason }, 'document not processed; raw bytes stay in the journal');
    const id = createHash('sha256').update(`tillbox-unprocessed\0${range.fromSeq}\0${range.fromOffset}`).digest('hex').slice(0, 32);
    const receipt: Receipt = {
      id, store: null, till: null, receiptNo: null, time: null, member: null, currency: this.deps.parseOptions().currency,
      items: [], discounts: [], total: null, payments: [], change: null, kind: 'other', profile: 'none',
      check: { itemsMatchTotal: false, confidence: 0, problems: [`not processed: ${reason}`] },
    };
    this.deps.ledger.ingest(receipt, { journalFrom: range.fromSeq, journalTo: lastSeqOf(range), capturedAt });
    const text = doc === null ? '' : doc.lines.slice(0, 200).map((l) => l.text).join('\n');
    this.remember({ id, capturedAt: new Date(capturedAt).toISOString(), reason, text });
  }

  failedReceipts(limit: number): FailedReceiptRow[] {
    return this.failed.slice(0, limit);
  }

  /** Decoded text of a stored receipt, from its journal bytes. */
  textOf(id: string, fromSeq: number, toSeq: number): string | null {
    const opts = this.deps.parseOptions();
    // The id includes the date, read with the order learned at the time: try each reading.
    const learn = this.deps.dateLearning;
    const orders = [learn === undefined ? null : learn.orders.order(learn.till), 'DMY', 'MDY'] as const;
    // Decoded as the pipeline reads this till now: with its detection memory, not from scratch.
    const prior = this.decoder?.textPrior;
    const decoderOptions = prior === undefined ? this.deps.decoderOptions : { ...this.deps.decoderOptions, prior };
    return redecode(this.deps.reader, fromSeq, toSeq, decoderOptions, (doc) => {
      try {
        return orders.some((learnedDateOrder) => parseReceipt(doc, { ...opts, learnedDateOrder }).receipt.id === id);
      } catch {
        return false;
      }
    });
  }

  failedById(id: string): FailedReceiptRow | undefined {
    return this.failed.find((f) => f.id === id);
  }

  /** The journal range of a document that did not parse at all (the ledger has the others'). */
  unparsedRange(id: string): JournalRange | undefined {
    return this.ranges.get(id);
  }

  /** Counted receipts filed on or after a store-local date, for a head-office resync request. */
  *countedSince(date: string): Iterable<Receipt> {
    const rows = this.deps.ledger.db
      .prepare<[string], { id: string }>(`SELECT id FROM receipts WHERE counted = 1 AND kind IN ('sale', 'refund') AND day >= ? ORDER BY ts`)
      .iterate(date);
    for (const row of rows) {
      const stored = this.deps.storedReceipt(row.id);
      if (stored !== null) yield stored;
    }
  }

  /** Profiles pushed by head office (YAML texts), validated before they replace anything. */
  withExtraProfiles(texts: string[]): Profile[] {
    const extra = texts.map((t, i) => profileFromObject(parseYaml(t), `config/profiles[${i}]`));
    // A new version of a profile disabled for its time gets another chance.
    for (const p of extra) this.profileBudget.disabled.delete(p.name);
    const base = this.deps.parseOptions().profiles.filter((p) => !extra.some((e) => e.name === p.name));
    return [...base, ...extra];
  }

  subscribe(listener: (e: WebEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private remember(row: FailedReceiptRow, range?: JournalRange): void {
    this.failed.unshift(row);
    if (range !== undefined) this.ranges.set(row.id, range);
    for (const gone of this.failed.splice(FAILED_KEPT)) this.ranges.delete(gone.id);
    this.emit({ type: 'failed', failed: row });
  }

  private emit(e: WebEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.deps.logger.warn({ err }, 'live listener failed');
      }
    }
  }
}

function toRow(r: Receipt): ReceiptRow {
  return {
    id: r.id, time: r.time, receiptNo: r.receiptNo, till: r.till, member: r.member, kind: r.kind,
    itemCount: r.items.length, total: r.total, currency: r.currency, confidence: r.check.confidence, itemsMatchTotal: r.check.itemsMatchTotal,
  };
}
