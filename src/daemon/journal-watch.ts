/**
 * Follows the raw journal for two things the owner's page must say: POS bytes that reached the
 * box while the printer side was down (journaled with delivered=0, never replayed: the customer
 * did not get that receipt), and the printer's answers to status questions (paper out, cover
 * open). Reads only rows it has not seen, from the last day on start; holds a bounded list.
 */
import { PrinterStatusReader } from '../escpos/status-reply.js';
import type { JournalReader } from '../journal/reader.js';
import type { PrinterPaper } from '../web/deps.js';

/** How far back the watch starts reading when the daemon starts. */
export const JOURNAL_WATCH_LOOKBACK_MS = 24 * 3_600_000;
/** Rows read per poll at most (a first poll over a busy day continues at the next one). */
export const JOURNAL_WATCH_ROWS_PER_POLL = 20_000;
/** POS chunks longer than this are not searched for DLE EOT (a till polls status in small writes). */
export const STATUS_QUESTION_MAX_CHUNK = 256;
/** Runs of undelivered bytes kept (oldest dropped first). */
export const JOURNAL_WATCH_MAX_RUNS = 100;

/** Consecutive POS chunks the printer did not get: journal seqs from..to. */
export interface UndeliveredRun {
  from: number;
  to: number;
  wallMs: number;
}

export class JournalWatch {
  #after: number;
  #open = false; // the last POS chunk was undelivered: the next one extends the run
  readonly runs: UndeliveredRun[] = [];
  readonly #printer = new PrinterStatusReader();

  constructor(private readonly reader: JournalReader, nowMs: number) {
    this.#after = reader.firstSeqSince(nowMs - JOURNAL_WATCH_LOOKBACK_MS) - 1;
  }

  /** Reads what was journaled since the last poll. */
  poll(): void {
    let budget = JOURNAL_WATCH_ROWS_PER_POLL;
    while (budget > 0) {
      // Large chunks come without their bytes: only small writes can be status questions or replies.
      const rows = this.reader.readSmallAfter(this.#after, Math.min(budget, 2_000), STATUS_QUESTION_MAX_CHUNK);
      for (const c of rows) {
        this.#after = c.seq;
        if (c.dir === 'box>printer') continue; // the box's own footer: neither a question nor a receipt
        // Status questions come as small writes between jobs; a print job's megabytes are not searched.
        if (c.dir === 'printer>pos' || c.bytes.length <= STATUS_QUESTION_MAX_CHUNK) this.#printer.feed(c.dir, c.bytes, c.wallTime);
        if (c.dir !== 'pos>printer') continue;
        if (c.delivered) this.#open = false;
        else if (this.#open && this.runs.length > 0) (this.runs[this.runs.length - 1] as UndeliveredRun).to = c.seq;
        else {
          this.runs.push({ from: c.seq, to: c.seq, wallMs: c.wallTime });
          if (this.runs.length > JOURNAL_WATCH_MAX_RUNS) this.runs.shift();
          this.#open = true;
        }
      }
      budget -= rows.length;
      if (rows.length < 2_000) break;
    }
  }

  printerPaper(): PrinterPaper | null {
    return this.#printer.state();
  }
}
