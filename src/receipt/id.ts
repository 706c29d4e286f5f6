import { createHash } from 'node:crypto';
import type { Unchecked } from './validate.js';
import { squash } from './text/normalise.js';

/**
 * The receipt's stable identity: SHA-256 (first 128 bits, hex) over the normalised receipt number,
 * the printed date, the total and the item amounts. These are the fields every parse of the same
 * paper agrees on, so parsing it again, reparsing history with a better profile, or parsing its
 * reprint gives the same id; kind and reprint markers are not part of it, so a reprint of receipt X
 * has X's id and the ledger skips it. When no receipt number is printed, the clock time and the store
 * are hashed too, and without a clock time the normalised content lines (minus marker lines such as
 * 重打印 / REPRINT), so two identical anonymous baskets printed at different moments do not collide.
 */
export function receiptId(r: Unchecked, contentLines: readonly string[], markerLines: ReadonlySet<number>): string {
  const amounts = r.items.map((i) => i.amount).sort((a, b) => a - b);
  const key: unknown[] = [r.receiptNo === null ? null : squash(r.receiptNo), r.date ?? r.time?.slice(0, 10) ?? null, r.total, amounts];
  if (r.receiptNo === null) {
    key.push(r.time, squash(r.store ?? ''));
    if (r.time === null) key.push(contentLines.filter((_, i) => !markerLines.has(i)).map(squash).filter((s) => s !== ''));
  }
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}
