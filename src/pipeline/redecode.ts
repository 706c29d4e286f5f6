import { renderText, StreamDecoder } from '../escpos/index.js';
import type { DecodedDocument } from '../escpos/types.js';
import type { JournalReader } from '../journal/reader.js';
import type { DecoderOptions } from '../escpos/types.js';

/**
 * The decoded text of a stored receipt, recovered from its raw journal range on demand (the
 * ledger keeps the parsed fields and the range, not the text, so years of receipts cost no text).
 * A range may start or end inside a chunk shared with a neighbouring receipt; `pick` chooses the
 * document that is this receipt (the caller compares parser ids). Null when retention has
 * already removed the bytes. Reads without a cursor, so it never holds back journal retention.
 */
export function redecode(
  reader: JournalReader,
  fromSeq: number,
  toSeq: number,
  opts: DecoderOptions,
  pick: (doc: DecodedDocument) => boolean,
): string | null {
  const decoder = new StreamDecoder(opts);
  const docs: DecodedDocument[] = [];
  let after = fromSeq - 1;
  for (;;) {
    const rows = reader.readAfter(after, 256).filter((c) => c.seq <= toSeq);
    if (rows.length === 0) break;
    for (const c of rows) if (c.dir === 'pos>printer') docs.push(...decoder.push(c.bytes));
    after = rows[rows.length - 1]?.seq ?? toSeq;
    if (after >= toSeq) break;
  }
  docs.push(...decoder.end());
  if (docs.length === 0) return null;
  const doc = docs.find(pick) ?? docs.reduce((a, b) => (b.lines.length > a.lines.length ? b : a));
  return renderText(doc);
}
