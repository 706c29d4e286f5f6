/**
 * Issue 14 (found by the soak): a till cable pulled for 2.5 s, or a tap kill -9 with a quick
 * restart, loses what the till sent meanwhile; the silence was shorter than decoder.idleGapMs, so
 * the pipeline made one document of the first receipt's head and the next receipt's tail, filed it
 * under the first number with the second's items, and the second receipt was lost. The tap now
 * marks the first POS chunk after a (re)open as a link break and the pipeline closes the document
 * there. Real parts: rows written by the journal's own store into a real SQLite file, read by the
 * real analytics code into a real ledger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS, renderReceipt } from '../../src/demo/receipts.js';
import { encodeReceiptText } from '../../src/escpos/index.js';
import type { AppendRow } from '../../src/journal/store.js';
import { ledgerFromJournal } from '../support/journal-ledger.js';

const product = (sku: string) => DEMO_PRODUCTS.find((p) => p.sku === sku) as (typeof DEMO_PRODUCTS)[number];
const at = (h: number, m: number) => new Date(Date.UTC(2026, 11, 2, h, m, 0));
const A = renderReceipt({ receiptNo: '20261202-00700101', localTime: at(10, 0), member: null, lines: [{ product: product('6907992500133'), qty: 1, amount: 350 }], kind: 'sale' });
const B = renderReceipt({ receiptNo: '20261202-00700102', localTime: at(10, 1), member: null, lines: [{ product: product('6920174757101'), qty: 1, amount: 6990 }], kind: 'sale' });
const C = renderReceipt({ receiptNo: '20261202-00700103', localTime: at(10, 2), member: null, lines: [{ product: product('6911988012340'), qty: 2, amount: 5600 }], kind: 'sale' });
const bytes = (lines: string[]) => encodeReceiptText(lines, { encoding: 'gb18030' });

/** The first `n` lines' bytes, and the rest. */
function split(lines: string[], n: number): [Buffer, Buffer] {
  const all = bytes(lines);
  const head = bytes(lines.slice(0, n));
  // encodeReceiptText ends a document with a cut; the head is its prefix without that cut.
  let i = 0;
  while (i < head.length && head[i] === all[i]) i++;
  return [all.subarray(0, i), all.subarray(i)];
}

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

const ledgerFrom = async (rows: AppendRow[]) => (await ledgerFromJournal(rows, stops)).db;

describe('a link break closes the document however short the silence', () => {
  const wall0 = Date.UTC(2026, 11, 2, 2, 0, 0);
  const mono0 = 7_000_000_000;
  const row = (b: Uint8Array, s: number, brk = false): AppendRow => ({ dir: 'pos>printer', bytes: b, wallTime: wall0 + s * 1000, mono: mono0 + s * 1_000_000, delivered: true, ...(brk ? { brk: true as const } : {}) });

  it("never files one receipt's head with the next one's tail under the first number", async () => {
    const [aHead] = split(A.lines, 6);
    const [, bTail] = split(B.lines, 6);
    // A's head, then the cable is out for 1 s (A's tail and B's head never arrive), then B's tail.
    const db = await ledgerFrom([row(aHead, 0), row(bTail, 1, true), row(bytes(C.lines), 30)]);
    const rows = db.prepare('SELECT receipt_no, counted, total FROM receipts ORDER BY rid').all() as { receipt_no: string | null; counted: number; total: number | null }[];
    // A's head is not a counted sale carrying B's total (the old code: receipt_no A, total 69.90, counted).
    expect(rows.filter((r) => r.receipt_no === '20261202-00700101' && r.counted === 1)).toEqual([]);
    expect(rows.some((r) => r.receipt_no === '20261202-00700101' && r.total === 6990)).toBe(false);
    expect(rows.find((r) => r.receipt_no === '20261202-00700103')).toMatchObject({ counted: 1, total: 5600 });
    expect(rows.length).toBeGreaterThanOrEqual(3);
  });

  it('without a break, chunks a second apart stay one receipt (a slow till is not split)', async () => {
    const [head, tail] = split(A.lines, 6);
    const db = await ledgerFrom([row(head, 0), row(tail, 1)]);
    const rows = db.prepare('SELECT receipt_no, counted, total FROM receipts').all();
    expect(rows).toEqual([{ receipt_no: '20261202-00700101', counted: 1, total: 350 }]);
  });
});
