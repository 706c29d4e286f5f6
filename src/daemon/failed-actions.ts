/**
 * The owner's actions on a failed receipt (issue 15), over the journal and the ledger: its
 * capture (the POS→printer journal chunks of the document, the bytes a profile author feeds to
 * `tillbox decode`), that capture decoded, a re-parse with a chosen profile (a preview: nothing is
 * filed; `tillbox reparse` files), and the checked mark (src/daemon/failed-checks.ts).
 *
 * A document's range comes from the ledger (flagged and unprocessed receipts keep journal_from /
 * journal_to) or, for a document that did not parse at all, from the analytics process's memory
 * (lost on restart, like that list itself). Whole chunks are returned: a document may start or end
 * inside a chunk it shares with its neighbour, so a capture can carry a few bytes of the next one.
 */
import { join } from 'node:path';
import { decodeAll, renderText } from '../escpos/index.js';
import type { DecodedDocument, DecoderOptions } from '../escpos/types.js';
import type { JournalReader } from '../journal/reader.js';
import type { StatusQueries } from '../ledger/queries-status.js';
import { lastSeqOf } from '../pipeline/pipeline.js';
import { parseReceipt, type ParseOptions } from '../receipt/index.js';
import type { FailedActions, ReceiptDetail } from '../web/deps.js';
import { FAILED_CHECKS_FILE, FailedChecks } from './failed-checks.js';
import type { Receipts } from './receipts.js';

/** The longest capture served (a document without a cut is bounded by the decoder; this is the page's own bound). */
export const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;

export interface FailedActionsParts {
  dataDir: string;
  reader: JournalReader;
  queries: StatusQueries;
  receipts: Receipts;
  decoderOptions: DecoderOptions;
  parseOptions: () => ParseOptions;
}

export function failedActions(p: FailedActionsParts): FailedActions & { isChecked(id: string): boolean } {
  const checks = new FailedChecks(join(p.dataDir, FAILED_CHECKS_FILE));
  const known = (id: string): boolean => p.queries.receipt(id) !== null || p.receipts.failedById(id) !== undefined;

  const rangeOf = (id: string): { from: number; to: number } | null => {
    const stored = p.queries.receipt(id);
    if (stored !== null) return { from: stored.journalFrom, to: stored.journalTo };
    const r = p.receipts.unparsedRange(id);
    return r === undefined ? null : { from: r.fromSeq, to: lastSeqOf(r) };
  };

  const capture = (id: string): Buffer | null => {
    const range = rangeOf(id);
    if (range === null) return null;
    const parts: Buffer[] = [];
    let size = 0;
    let after = range.from - 1;
    for (;;) {
      const rows = p.reader.readAfter(after, 256).filter((c) => c.seq <= range.to);
      for (const c of rows) {
        if (c.dir !== 'pos>printer') continue;
        size += c.bytes.length;
        if (size > MAX_CAPTURE_BYTES) return Buffer.concat(parts);
        parts.push(c.bytes);
      }
      const last = rows[rows.length - 1];
      if (last === undefined || last.seq >= range.to) break;
      after = last.seq;
    }
    // Retention removed the chunks (or the range held none): nothing to give.
    return parts.length === 0 ? null : Buffer.concat(parts);
  };

  /** The document of the capture that is this receipt: the longest one (a shared chunk adds a stub at an edge). */
  const documentOf = (bytes: Buffer): DecodedDocument | null => {
    const docs = decodeAll(bytes, p.decoderOptions);
    return docs.reduce<DecodedDocument | null>((a, b) => (a === null || b.lines.length > a.lines.length ? b : a), null);
  };

  return {
    isChecked: (id) => checks.has(id),
    profiles: () => p.parseOptions().profiles.map((x) => x.name),
    setChecked: (id, checked) => {
      if (!known(id)) return false;
      checks.set(id, checked);
      return true;
    },
    capture,
    decoded: (id) => {
      const bytes = capture(id);
      if (bytes === null) return null;
      return decodeAll(bytes, p.decoderOptions)
        .map((d) => renderText(d))
        .join('\n');
    },
    reparse: (id, profile): ReceiptDetail | null => {
      const bytes = capture(id);
      const doc = bytes === null ? null : documentOf(bytes);
      if (doc === null) return null;
      try {
        const { receipt } = parseReceipt(doc, { ...p.parseOptions(), profile });
        return { id, capturedAt: null, text: renderText(doc), receipt, problems: receipt.check.problems };
      } catch (err) {
        return { id, capturedAt: null, text: renderText(doc), receipt: null, problems: [(err as Error).message] };
      }
    },
  };
}
