import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.js';
import { MIGRATIONS } from '../../src/ledger/migrations.js';
import { DAMAGED, NOT_A_SALE, SPLIT, UNREADABLE } from '../../src/receipt/validate.js';
import { item, receipt, snapshot, tempLedger } from './helpers.js';

describe('ledger ingest', () => {
  let env: ReturnType<typeof tempLedger>;
  afterEach(() => env.cleanup());

  it('is idempotent: replaying the same journal twice gives the same ledger', () => {
    env = tempLedger();
    const journal = [
      receipt({ time: '2026-11-01T09:00:00+08:00' }),
      receipt({ time: '2026-11-01T18:30:00+08:00', member: null, items: [item('可口可乐 330ml', 350)] }),
      receipt({ time: '2026-11-02T10:00:00+08:00', member: '13800138000', items: [item('鸡蛋 10枚', 1590), item('嫩豆腐', 350)] }),
      receipt({ time: '2026-11-02T11:00:00+08:00', kind: 'refund', items: [item('光明酸奶', -580)], total: -580 }),
    ];
    const first = journal.map((r, i) => env.ledger.ingest(r, { journalFrom: i * 100, journalTo: i * 100 + 100 }).status);
    expect(first).toEqual(['inserted', 'inserted', 'inserted', 'inserted']);
    const once = snapshot(env.ledger);
    const second = journal.map((r, i) => env.ledger.ingest(r, { journalFrom: i * 100, journalTo: i * 100 + 100 }).status);
    expect(second).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(snapshot(env.ledger)).toEqual(once);

    // reparse: clear what the journal derived, ingest again from the start, same numbers.
    env.ledger.clearDerived();
    expect(env.ledger.db.prepare('SELECT count(*) FROM receipts').pluck().get()).toBe(0);
    env.ledger.ingestMany(journal.map((r, i) => ({ receipt: r, source: { journalFrom: i * 100, journalTo: i * 100 + 100 } })));
    const again = snapshot(env.ledger);
    for (const t of ['store_day', 'member_day', 'store_hour', 'store_day_cat', 'store_day_product', 'members', 'products', 'reminders']) {
      expect(again[t], t).toEqual(once[t]);
    }
    expect(env.ledger.journalCursor()).toBe(400);
  });

  it('keeps a part of an over-long print job flagged and uncounted; a damaged but whole receipt still counts', () => {
    env = tempLedger();
    const base = receipt({ time: '2026-11-05T10:00:00+08:00', items: [item('光明酸奶', 580)] });
    const part = { ...base, id: 'part-1', receiptNo: null, check: { ...base.check, problems: [`${SPLIT}: 2,000 lines`] } };
    const damaged = { ...base, id: 'damaged-1', receiptNo: 'D-1', check: { ...base.check, problems: [`${DAMAGED}: GS v 0 declares 4294967295 bytes`] } };
    const p = env.ledger.ingest(part, { journalFrom: 0, journalTo: 1 });
    expect(p).toMatchObject({ flagged: true, counted: false });
    expect(env.ledger.ingest(damaged, { journalFrom: 1, journalTo: 2 })).toMatchObject({ flagged: true, counted: true });
    expect(env.ledger.db.prepare("SELECT net FROM store_day WHERE day = '2026-11-05'").pluck().get()).toBe(580);
  });

  it('counts sales, subtracts refunds, skips reprints and voids', () => {
    env = tempLedger();
    const sale = receipt({ time: '2026-11-05T10:00:00+08:00', items: [item('光明酸奶', 1160, 2), item('全麦面包', 890)] });
    expect(env.ledger.ingest(sale, { journalFrom: 0, journalTo: 1 }).status).toBe('inserted');
    const reprint = { ...sale, id: `${sale.id}-reprint`, kind: 'reprint' as const };
    expect(env.ledger.ingest(reprint, { journalFrom: 1, journalTo: 2 }).status).toBe('reprint-skipped');
    const voided = receipt({ time: '2026-11-05T10:05:00+08:00', kind: 'void' });
    expect(env.ledger.ingest(voided, { journalFrom: 2, journalTo: 3 }).status).toBe('not-counted');
    // A refund printed with positive amounts still subtracts.
    const refund = receipt({ time: '2026-11-05T12:00:00+08:00', kind: 'refund', items: [item('全麦面包', 890)], total: 890 });
    expect(env.ledger.ingest(refund, { journalFrom: 3, journalTo: 4 }).status).toBe('inserted');

    const day = env.ledger.db.prepare("SELECT * FROM store_day WHERE day = '2026-11-05'").get() as Record<string, number>;
    expect(day).toMatchObject({ receipts: 1, sales: 2050, refunds: 890, net: 1160, items: 2, refund_receipts: 1, member_receipts: 1, member_net: 1160 });
    const member = env.ledger.db.prepare('SELECT receipts, net, items FROM member_day').get();
    expect(member).toEqual({ receipts: 1, net: 1160, items: 2 });
    // All four are stored and point to their journal range.
    const rows = env.ledger.db.prepare('SELECT kind, counted, journal_from, journal_to FROM receipts ORDER BY rid').all();
    expect(rows).toEqual([
      { kind: 'sale', counted: 1, journal_from: 0, journal_to: 1 },
      { kind: 'reprint', counted: 0, journal_from: 1, journal_to: 2 },
      { kind: 'void', counted: 0, journal_from: 2, journal_to: 3 },
      { kind: 'refund', counted: 1, journal_from: 3, journal_to: 4 },
    ]);
  });

  it('a refund cancels that member\'s pending expiry reminders for the refunded items only', () => {
    env = tempLedger();
    env.ledger.ingest(receipt({ time: '2026-11-05T10:00:00+08:00', items: [item('光明酸奶', 580), item('全麦面包', 890)] }), { journalFrom: 0, journalTo: 1 });
    env.ledger.ingest(receipt({ time: '2026-11-05T10:30:00+08:00', member: '13900000000', items: [item('光明酸奶', 580)] }), { journalFrom: 1, journalTo: 2 });
    env.ledger.ingest(receipt({ time: '2026-11-05T15:00:00+08:00', kind: 'refund', items: [item('光明酸奶', -580)], total: -580 }), { journalFrom: 2, journalTo: 3 });
    const rows = env.ledger.db.prepare(`SELECT m.member, p.name, r.status, r.expires_day FROM reminders r JOIN members m USING (mid) JOIN products p USING (pid) ORDER BY m.member, p.name`).all();
    expect(rows).toEqual([
      { member: '13900000000', name: '光明酸奶', status: 'pending', expires_day: '2026-11-12' },
      { member: '8800123456', name: '光明酸奶', status: 'cancelled', expires_day: '2026-11-12' },
      { member: '8800123456', name: '全麦面包', status: 'pending', expires_day: '2026-11-08' },
    ]);
  });

  it('a refund after an item\'s expiry day leaves that reminder alone: it could no longer go out', () => {
    env = tempLedger();
    env.ledger.ingest(receipt({ time: '2026-11-05T10:00:00+08:00', items: [item('全麦面包', 890)] }), { journalFrom: 0, journalTo: 1 });
    env.ledger.ingest(receipt({ time: '2026-11-06T10:00:00+08:00', items: [item('全麦面包', 890)] }), { journalFrom: 1, journalTo: 2 });
    // bread keeps 3 days: the first loaf expired on 11-08, the second expires on 11-09
    env.ledger.ingest(receipt({ time: '2026-11-09T09:00:00+08:00', kind: 'refund', items: [item('全麦面包', -890)], total: -890 }), { journalFrom: 2, journalTo: 3 });
    const rows = env.ledger.db.prepare('SELECT expires_day, status FROM reminders ORDER BY expires_day').all();
    expect(rows).toEqual([{ expires_day: '2026-11-08', status: 'pending' }, { expires_day: '2026-11-09', status: 'cancelled' }]);
  });

  it('keeps marked non-sale documents without flagging them; torn sales and unreadable documents are flagged', () => {
    env = tempLedger();
    const shift = receipt({ kind: 'other', items: [], total: null, member: null, check: { itemsMatchTotal: false, confidence: 0.81, problems: [NOT_A_SALE] } });
    const torn = receipt({ total: null, check: { itemsMatchTotal: false, confidence: 0.4, problems: ['no total found'] } });
    const unreadable = receipt({ kind: 'other', items: [], total: null, check: { itemsMatchTotal: false, confidence: 0.4, problems: [UNREADABLE] } });
    expect(env.ledger.ingest(shift, { journalFrom: 0, journalTo: 1 })).toEqual({ status: 'not-counted', flagged: false, counted: false });
    expect(env.ledger.ingest(torn, { journalFrom: 1, journalTo: 2 })).toEqual({ status: 'inserted', flagged: true, counted: true });
    expect(env.ledger.ingest(unreadable, { journalFrom: 2, journalTo: 3 })).toEqual({ status: 'not-counted', flagged: true, counted: false });
    const rows = env.ledger.db.prepare('SELECT kind, flagged FROM receipts ORDER BY rid').all();
    expect(rows).toEqual([{ kind: 'other', flagged: 0 }, { kind: 'sale', flagged: 1 }, { kind: 'other', flagged: 1 }]);
  });

  it('tells apart receipt ids that share their first 52 bits (the indexed key)', () => {
    env = tempLedger();
    const a = receipt({ id: `${'ab'.repeat(6)}c${'0'.repeat(19)}`, time: '2026-11-05T10:00:00+08:00' });
    const b = receipt({ id: `${'ab'.repeat(6)}c${'1'.repeat(19)}`, time: '2026-11-05T11:00:00+08:00' });
    expect(env.ledger.ingest(a, { journalFrom: 0, journalTo: 1 }).status).toBe('inserted');
    expect(env.ledger.ingest(b, { journalFrom: 1, journalTo: 2 }).status).toBe('inserted');
    expect(env.ledger.ingest(a, { journalFrom: 0, journalTo: 1 }).status).toBe('duplicate');
    expect(env.ledger.ingest(b, { journalFrom: 1, journalTo: 2 }).status).toBe('duplicate');
    const keys = env.ledger.db.prepare('SELECT DISTINCT idk FROM receipts').pluck().all();
    expect(keys).toHaveLength(1);
    expect(env.ledger.db.prepare("SELECT receipts FROM store_day WHERE day = '2026-11-05'").pluck().get()).toBe(2);
  });

  it('stores and flags receipts that do not add up or are in another currency, and still counts them', () => {
    env = tempLedger();
    const bad = receipt({ time: '2026-11-06T10:00:00+08:00', total: 9999, check: { itemsMatchTotal: false, confidence: 0.4, problems: ['items 2050 != total 9999'] } });
    expect(env.ledger.ingest(bad, { journalFrom: 0, journalTo: 1 })).toEqual({ status: 'inserted', flagged: true, counted: true });
    const usd = receipt({ time: '2026-11-06T11:00:00+08:00', currency: 'USD' });
    expect(env.ledger.ingest(usd, { journalFrom: 1, journalTo: 2 }).flagged).toBe(true);
    const ok = receipt({ time: '2026-11-06T12:00:00+08:00' });
    expect(env.ledger.ingest(ok, { journalFrom: 2, journalTo: 3 }).flagged).toBe(false);
    const flagged = env.ledger.db.prepare('SELECT id, extra FROM receipts WHERE flagged = 1 ORDER BY rid').all() as { id: string; extra: string }[];
    expect(flagged.map((f) => f.id)).toEqual([bad.id, usd.id]);
    expect(JSON.parse(flagged[1]?.extra ?? '{}').problems).toEqual(['currency USD, ledger keeps CNY']);
    // What the receipt says was due is what counts.
    expect(env.ledger.db.prepare("SELECT net FROM store_day WHERE day = '2026-11-06'").pluck().get()).toBe(9999 + 2050 + 2050);
  });

  it('files a receipt under its store-local day and hour; times without an offset are read in the store zone', () => {
    env = tempLedger('Asia/Shanghai');
    env.ledger.ingest(receipt({ time: '2026-11-30T23:30:00+08:00' }), { journalFrom: 0, journalTo: 1 });
    env.ledger.ingest(receipt({ time: '2026-11-30T16:10:00Z' }), { journalFrom: 1, journalTo: 2 }); // 00:10 on Dec 1 in Shanghai
    env.ledger.ingest(receipt({ time: '2026-12-01T07:45:00' }), { journalFrom: 2, journalTo: 3 });
    env.ledger.ingest(receipt({ time: null }), { journalFrom: 3, journalTo: 4, capturedAt: '2026-12-01T01:00:00Z' });
    const hours = env.ledger.db.prepare('SELECT day, hour, receipts FROM store_hour ORDER BY day, hour').all();
    expect(hours).toEqual([
      { day: '2026-11-30', hour: 23, receipts: 1 },
      { day: '2026-12-01', hour: 0, receipts: 1 },
      { day: '2026-12-01', hour: 7, receipts: 1 },
      { day: '2026-12-01', hour: 9, receipts: 1 },
    ]);
  });

  it('ingestMany isolates a bad receipt in its own savepoint', () => {
    env = tempLedger();
    const good1 = receipt({ time: '2026-11-07T10:00:00+08:00' });
    // qty NULL violates items.qty NOT NULL: this receipt must roll back alone, receipt row included.
    const broken = receipt({ time: '2026-11-07T10:01:00+08:00', items: [{ sku: null, name: '坏行', qty: null as unknown as number, unitPrice: null, amount: 100 }], total: 100 });
    const good2 = receipt({ time: '2026-11-07T10:02:00+08:00' });
    const out = env.ledger.ingestMany([good1, broken, good2].map((r, i) => ({ receipt: r, source: { journalFrom: i, journalTo: i + 1 } })));
    expect(out[0]).toEqual({ status: 'inserted', flagged: false, counted: true });
    expect(out[1]).toBeInstanceOf(Error);
    expect(out[2]).toEqual({ status: 'inserted', flagged: false, counted: true });
    expect(env.ledger.db.prepare('SELECT id FROM receipts ORDER BY rid').pluck().all()).toEqual([good1.id, good2.id]);
    expect(env.ledger.db.prepare("SELECT receipts FROM store_day WHERE day = '2026-11-07'").pluck().get()).toBe(2);
  });

  it('ingestMany sums a batch in memory yet leaves the same rows as one commit per receipt', () => {
    env = tempLedger();
    const other = tempLedger();
    try {
      const good = [
        receipt({ time: '2026-11-07T09:00:00+08:00', items: [item('光明酸奶', 1160, 2), item('全麦面包', 890), item('光明酸奶', 580)] }),
        receipt({ time: '2026-11-07T09:40:00+08:00', member: null, items: [item('可口可乐 330ml', 350), item('全麦面包', 890)] }),
        receipt({ time: '2026-11-07T18:10:00+08:00', member: '13800138000', items: [item('鸡蛋 10枚', 1590), item('嫩豆腐', 350)] }),
        receipt({ time: '2026-11-08T08:05:00+08:00', items: [item('嫩豆腐', 350)] }),
        // Refunds the yoghurt bought earlier in the same batch: its reminder is cancelled.
        receipt({ time: '2026-11-08T11:00:00+08:00', kind: 'refund', items: [item('光明酸奶', -580)], total: -580 }),
        receipt({ time: '2026-11-08T11:30:00+08:00', kind: 'reprint' }),
      ];
      good.forEach((r, i) => other.ledger.ingest(r, { journalFrom: i, journalTo: i + 1 }));
      const broken = receipt({ time: '2026-11-07T12:00:00+08:00', member: '13000000001', items: [{ sku: null, name: '坏行', qty: null as unknown as number, unitPrice: null, amount: 100 }], total: 100 });
      const batch = [...good.slice(0, 2), broken, ...good.slice(2), good[0] as (typeof good)[number]];
      const out = env.ledger.ingestMany(batch.map((r) => ({ receipt: r, source: { journalFrom: good.indexOf(r), journalTo: good.indexOf(r) + 1 } })));
      expect(out[2]).toBeInstanceOf(Error);
      expect(out.at(-1)).toEqual({ status: 'duplicate', flagged: false, counted: true });
      const a = snapshot(env.ledger);
      const b = snapshot(other.ledger);
      for (const t of ['receipts', 'items', 'store_day', 'member_day', 'store_hour', 'store_day_cat', 'store_day_product', 'reminders', 'members', 'products']) {
        expect(a[t], t).toEqual(b[t]);
      }
      expect(env.ledger.db.prepare("SELECT receipts, sales, refunds, net FROM store_day WHERE day = '2026-11-08'").get())
        .toEqual({ receipts: 1, sales: 350, refunds: 580, net: -230 });
      // Both yoghurt lines of the first receipt (same member, same product).
      expect(env.ledger.db.prepare("SELECT count(*) FROM reminders WHERE status = 'cancelled'").pluck().get()).toBe(2);
    } finally {
      other.cleanup();
    }
  });

  it('migrates with PRAGMA user_version and reopens without migrating twice; WAL and synchronous=FULL', () => {
    env = tempLedger();
    expect(env.ledger.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(env.ledger.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(env.ledger.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    env.ledger.ingest(receipt(), { journalFrom: 0, journalTo: 1 });
    const path = env.ledger.db.name;
    env.ledger.close();
    const again = openLedger(path, { timezone: 'Asia/Shanghai', currency: 'CNY' });
    expect(again.db.prepare('SELECT count(*) FROM receipts').pluck().get()).toBe(1);
    expect(again.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    again.close();
  });

  it('an unopenable path fails with TBX_LEDGER_OPEN_FAILED', () => {
    env = tempLedger();
    expect(() => openLedger('/proc/definitely/not/here.db', { timezone: 'UTC', currency: 'CNY' })).toThrow(expect.objectContaining({ code: 'TBX_LEDGER_OPEN_FAILED' }));
  });
});

describe('reparseInto', () => {
  it('rebuilds from the journal without double counting and keeps sent reminders sent', async () => {
    const { reparseInto } = await import('../../src/ledger/reparse.js');
    const env = tempLedger();
    try {
      const journal = [receipt({ time: '2026-11-20T10:00:00+08:00' }), receipt({ time: '2026-11-21T10:00:00+08:00', kind: 'reprint' })]
        .map((r, i) => ({ receipt: r, source: { journalFrom: i, journalTo: i + 1 } }));
      for (const j of journal) env.ledger.ingest(j.receipt, j.source);
      env.ledger.db.prepare("UPDATE reminders SET status = 'sent' WHERE line = 0").run();
      const before = snapshot(env.ledger);
      async function* replay() { yield* journal; }
      const r = await reparseInto(env.ledger, replay(), { batch: 1 });
      expect(r.counts).toMatchObject({ inserted: 1, 'reprint-skipped': 1, error: 0 });
      const after = snapshot(env.ledger);
      for (const t of ['store_day', 'member_day', 'reminders', 'items']) expect(after[t], t).toEqual(before[t]);
    } finally {
      env.cleanup();
    }
  });
});
