import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TillDateOrders } from '../../src/pipeline/date-orders.js';
import { documentToReceipt } from '../../src/pipeline/parse-document.js';
import { documentFromLines, type ParseOptions, type Receipt } from '../../src/receipt/index.js';
import { dateOrderHint, dateOrderVotes, resolveDateOrder } from '../../src/receipt/text/date-order.js';
import { tempDir } from '../support/tmp.js';
import { parseLines, row } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** A till with nothing on its receipts that names a country: only its dates can tell. */
const slip = (date: string): string[] => ['CORNER STORE', `DATE ${date} 10:15`, row('Bread', '2.40'), row('Milk', '1.10'), row('TOTAL', '3.50'), row('CASH', '5.00'), row('CHANGE', '1.50')];
const auto: ParseOptions = { profiles: [], currency: 'XXX', timezone: 'UTC', dateOrder: 'auto' };

function parsed(r: Receipt | null | Error): Receipt {
  if (r === null || r instanceof Error) throw new Error(`not a receipt: ${String(r)}`);
  return r;
}

describe('date order: learned per till from unambiguous dates', () => {
  it('a till printing MM/DD dates learns from a 04/25 receipt and reads the next ambiguous one month-first', () => {
    const learn = { orders: new TillDateOrders(null), till: '/dev/tillbox-pos' };
    // Before anything is learned, an ambiguous date with no country signs is read day-first.
    expect(parsed(documentToReceipt(documentFromLines(slip('03/04/2026')), auto, learn)).date).toBe('2026-04-03');
    expect(parsed(documentToReceipt(documentFromLines(slip('04/25/2026')), auto, learn)).date).toBe('2026-04-25');
    expect(learn.orders.order('/dev/tillbox-pos')).toBe('MDY');
    expect(parsed(documentToReceipt(documentFromLines(slip('03/04/2026')), auto, learn)).date).toBe('2026-03-04');
    // Another till is not affected.
    expect(learn.orders.order('other')).toBeNull();
  });

  it('a till printing DD/MM dates learns from a 25/04 receipt, even after receipts that looked American', () => {
    const learn = { orders: new TillDateOrders(null), till: 'pos' };
    const usLooking = (d: string) => [...slip(d), 'CALL (714) 879-3574', row('SALES TAX', '$0.00')];
    expect(parsed(documentToReceipt(documentFromLines(usLooking('03/04/2026')), auto, learn)).date).toBe('2026-03-04');
    parsed(documentToReceipt(documentFromLines(slip('25/04/2026')), auto, learn));
    expect(parsed(documentToReceipt(documentFromLines(usLooking('03/04/2026')), auto, learn)).date).toBe('2026-04-03');
  });

  it('the learned order survives a restart (its own JSON file), and a torn file only forgets', () => {
    const file = join(tmp.dir, 'till-date-orders.json');
    const first = { orders: new TillDateOrders(file), till: 'pos' };
    parsed(documentToReceipt(documentFromLines(slip('12/31/2025')), auto, first));
    first.orders.save(); // the pipeline saves it right after its position
    expect(existsSync(file)).toBe(true);
    const restarted = { orders: new TillDateOrders(file), till: 'pos' };
    expect(restarted.orders.order('pos')).toBe('MDY');
    expect(parsed(documentToReceipt(documentFromLines(slip('01/02/2026')), auto, restarted)).date).toBe('2026-01-02');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pos: { votes: { MDY: 1, DMY: 0 } } });
    writeFileSync(file, '{"pos": {"votes": {"DMY"');
    expect(new TillDateOrders(file).order('pos')).toBeNull();
  });

  it('a document handed over again after a crash is read as the first time, so it keeps its id', () => {
    const file = join(tmp.dir, 'crash.json');
    const before = { orders: new TillDateOrders(file), till: 'pos' };
    const ambiguous = documentFromLines([...slip('03/04/2026'), 'RECEIPT 0001']);
    const first = parsed(documentToReceipt(ambiguous, auto, before));
    before.orders.save(); // position saved after the ambiguous receipt
    parsed(documentToReceipt(documentFromLines(slip('04/25/2026')), auto, before));
    // Crash before the next position save: the month-first vote is not on disk, and neither is
    // the position, so the 04/25 receipt comes again; the one before it was already past.
    const after = { orders: new TillDateOrders(file), till: 'pos' };
    expect(after.orders.order('pos')).toBeNull();
    expect(parsed(documentToReceipt(ambiguous, auto, after)).id).toBe(first.id);
    // A reader that starts from the file without owning it never writes it.
    const reader = new TillDateOrders(file, { persist: false });
    reader.observe('pos', { DMY: 0, MDY: 1, YMD: 0 });
    reader.save();
    expect(new TillDateOrders(file).order('pos')).toBeNull();
  });

  it('parser.dateOrder overrides what was learned and what the receipt says', () => {
    const learn = { orders: new TillDateOrders(null), till: 'pos' };
    parsed(documentToReceipt(documentFromLines(slip('04/25/2026')), auto, learn));
    expect(parsed(documentToReceipt(documentFromLines(slip('03/04/2026')), { ...auto, dateOrder: 'DMY' }, learn)).date).toBe('2026-04-03');
    expect(parseLines([...slip('03/04/2026'), 'Total RM 3.50 SDN BHD'], { dateOrder: 'MDY' }).date).toBe('2026-03-04');
  });

  it('the many votes of one till are capped, so a till that changes format is re-learned', () => {
    const orders = new TillDateOrders(null);
    for (let i = 0; i < 200; i++) orders.observe('pos', { DMY: 1, MDY: 0, YMD: 0 });
    for (let i = 0; i < 60; i++) orders.observe('pos', { DMY: 0, MDY: 1, YMD: 0 });
    expect(orders.order('pos')).toBe('MDY');
  });
});

describe('date order: what the receipt says, before anything is learned', () => {
  const hinted = (extra: string[]) => parseLines([...slip('03/04/2026'), ...extra], { dateOrder: 'auto' }).date;
  it('$ and a US phone number (or state and ZIP) read month-first', () => {
    expect(hinted(['TEL (714) 879-3574', row('TOTAL', '$3.50')])).toBe('2026-03-04');
    expect(hinted(['FULLERTON, CA 92831', row('TIP', '$1.00')])).toBe('2026-03-04');
  });
  it('RM / Malaysia / GST, € and European words read day-first', () => {
    expect(hinted(['KEDAI MAJU SDN BHD', 'GST REG 001234', row('TOTAL', 'RM 3.50')])).toBe('2026-04-03');
    expect(hinted(['SUMME EUR 3,50', 'MwSt 7%'])).toBe('2026-04-03');
  });
  it('a lone $ is not enough to mean the US', () => {
    expect(dateOrderHint(['TOTAL $3.50'])).toBeNull();
    expect(hinted([row('TOTAL', '$3.50')])).toBe('2026-04-03');
  });
  it('CJK text says year-first; a year-first date is a vote for YMD', () => {
    expect(dateOrderHint(['光明酸奶 5.80'])?.order).toBe('YMD');
    expect(dateOrderVotes(['2026-04-03 10:15', '25/04/2026']).votes).toEqual({ DMY: 1, MDY: 0, YMD: 1 });
  });
  it('an unambiguous date on the same receipt decides its other dates, and says why', () => {
    const d = resolveDateOrder(['PRINTED 04/25/2026', 'SALE 03/04/2026', 'RM 3.50'], 'auto', 'DMY');
    expect(d).toMatchObject({ order: 'MDY', source: 'receipt', evidence: ['04/25/2026 is month-first'] });
    expect(resolveDateOrder(['SALE 03/04/2026'], 'auto', null)).toMatchObject({ order: 'DMY', source: 'default' });
  });
});
