/**
 * Issue 17 item 5: a forward wall-clock step while a reprint was printing split it in two; the
 * head was filed as a reprint, the tail (no header, no time, no reprint marker) as a counted sale,
 * and the store total counted ¥129.40 twice. Real parts: the journal is a real SQLite file written
 * by the journal's own store (rows with the wall clock jumping a day and CLOCK_MONOTONIC
 * continuous, as the tap stamps them), read by the real analytics process code into a real ledger.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS, renderReceipt } from '../../src/demo/receipts.js';
import { encodeReceiptText } from '../../src/escpos/index.js';
import type { AppendRow } from '../../src/journal/store.js';
import { ledgerFromJournal } from '../support/journal-ledger.js';

const DAY_MS = 86_400_000;
const product = (sku: string) => DEMO_PRODUCTS.find((p) => p.sku === sku) as (typeof DEMO_PRODUCTS)[number];
// ¥129.40: milk 3.50 (the head the old code filed as "a reprint of 3.50"), oil 69.90, two cakes 56.00.
const LINES = [
  { product: product('6907992500133'), qty: 1, amount: 350 },
  { product: product('6920174757101'), qty: 1, amount: 6990 },
  { product: product('6911988012340'), qty: 2, amount: 5600 },
];
const SOLD_AT = new Date(Date.UTC(2026, 11, 2, 10, 0, 0)); // shop time, in the Date's UTC fields
const SALE = renderReceipt({ receiptNo: '20261202-00700042', localTime: SOLD_AT, member: null, lines: LINES, kind: 'sale' });
const REPRINT = renderReceipt({ receiptNo: '20261202-00700042', localTime: SOLD_AT, member: null, lines: LINES, kind: 'reprint' });
const bytes = (lines: string[]) => encodeReceiptText(lines, { encoding: 'gb18030' });

/** The reprint cut after the milk's amount line: the head holds the header and one item. */
function splitReprint(): [Buffer, Buffer] {
  const all = bytes(REPRINT.lines);
  const at = all.indexOf('\n', all.indexOf(Buffer.from('6907992500133'))) + 1;
  return [all.subarray(0, at), all.subarray(at)];
}

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

const runDaemonPipeline = (rows: AppendRow[], bootId?: string) => ledgerFromJournal(rows, stops, bootId);

const row = (b: Uint8Array, wallTime: number, monoUs: number): AppendRow => ({ dir: 'pos>printer', bytes: b, wallTime, mono: monoUs, delivered: true });

describe('a wall-clock step while a receipt prints (issue 17 item 5)', () => {
  const wall0 = Date.UTC(2026, 11, 2, 2, 0, 0);
  const mono0 = 5_000_000_000;

  it('does not split the receipt: the wall jumps a day, the monotonic clock 40 ms, one reprint, counted once', async () => {
    const [head, tail] = splitReprint();
    const { db } = await runDaemonPipeline([
      row(bytes(SALE.lines), wall0, mono0),
      row(head, wall0 + 60_000, mono0 + 60_000_000),
      // NTP (or a person) stepped the clock a day forward between two chunks 40 ms apart.
      row(tail, wall0 + 60_000 + DAY_MS, mono0 + 60_040_000),
    ]);
    const rows = db.prepare('SELECT kind, counted, total, time FROM receipts ORDER BY rid').all();
    // The reprint has the sale's id, so the ledger skips it: one receipt, the sale.
    expect(rows).toEqual([{ kind: 'sale', counted: 1, total: 12940, time: '2026-12-02T10:00:00+08:00' }]);
    expect(db.prepare('SELECT sum(net) AS net, sum(receipts) AS n FROM store_day').get()).toEqual({ net: 12940, n: 1 });
  });

  it('files the timeless tail of a reprint split by a real pause as a copy, not as a second sale', async () => {
    const [head, tail] = splitReprint();
    const { db } = await runDaemonPipeline([
      row(bytes(SALE.lines), wall0, mono0),
      row(head, wall0 + 60_000, mono0 + 60_000_000),
      // The printer paused 8 s (paper change) in the middle of the reprint: a real idle gap.
      row(tail, wall0 + 68_000, mono0 + 68_000_000),
    ]);
    const rows = db.prepare('SELECT kind, counted, total, time, extra FROM receipts ORDER BY rid').all() as { kind: string; counted: number; total: number | null; time: string | null; extra: string }[];
    expect(rows.map((r) => [r.kind, r.counted])).toEqual([['sale', 1], ['reprint', 0], ['reprint', 0]]);
    const tailRow = rows[2];
    expect(tailRow?.time).toBeNull();
    expect(tailRow?.total).toBe(12940);
    expect(tailRow?.extra).toContain('filed as a copy');
    expect(db.prepare('SELECT sum(net) AS net, sum(receipts) AS n FROM store_day').get()).toEqual({ net: 12940, n: 1 });
  });

  it('never takes a sale from a till that prints no times: identical timeless sales both count', async () => {
    // Same total and item, different paper (the cash line): two customers, two sales.
    const a = bytes(['便利店', '可口可乐330ml  1  3.00  3.00', '合计: 3.00', '现金: 3.00']);
    const b = bytes(['便利店', '可口可乐330ml  1  3.00  3.00', '合计: 3.00', '现金: 5.00', '找零: 2.00']);
    const { db } = await runDaemonPipeline([row(a, wall0, mono0), row(b, wall0 + 600_000, mono0 + 600_000_000)]);
    const counted = db.prepare('SELECT count(*) FROM receipts WHERE counted = 1').pluck().get();
    expect(counted).toBe(2);
  });
});
