/**
 * The web API over a real ledger (SQLite file in a temp dir, receipts ingested through the
 * ledger's own ingest): summaries, charts, lists and one receipt's parsed fields. status, failed
 * receipts and live events still come from the in-memory stand-in (they live outside the ledger).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.js';
import type { Ledger } from '../../src/ledger/types.js';
import { hashPassword } from '../../src/web/auth/password.js';
import { tempDir } from '../support/tmp.js';
import { cookieFrom, testApp, type TestApp } from './support/app.js';
import { makeReceipt } from './support/fake-deps.js';
import { ledgerQueryDeps } from './support/ledger-deps.js';

describe('web API over a real ledger', () => {
  let ledger: Ledger;
  let t: TestApp;
  let cookie: string;
  let cleanup: () => void;
  const now = Date.parse('2026-11-23T04:00:00Z'); // 12:00 in Shanghai

  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    ledger = openLedger(join(tmp.dir, 'ledger.db'), { timezone: 'Asia/Shanghai', currency: 'CNY', synchronous: 'NORMAL', clock: () => now });
    const sale = makeReceipt({ id: 'sale-1', time: '2026-11-23T10:15:00+08:00', member: '8800123456' });
    const walkIn = makeReceipt({ id: 'sale-2', time: '2026-11-23T11:40:00+08:00', member: null, total: 1250, payments: [{ method: 'cash', amount: 2000 }], change: 750 });
    const refund = makeReceipt({ id: 'refund-1', time: '2026-11-23T11:50:00+08:00', member: '8800765432', kind: 'refund', total: -580, items: [{ sku: '6901209205421', name: '光明酸奶', qty: -1, unitPrice: 580, amount: -580 }] });
    const reprint = makeReceipt({ id: 'reprint-1', time: '2026-11-23T10:16:00+08:00', member: '8800123456', kind: 'reprint' });
    const yesterday = makeReceipt({ id: 'sale-0', time: '2026-11-22T18:05:00+08:00', member: '8800123456', total: 1000, items: [{ sku: null, name: '西红柿', qty: 1.43, unitPrice: 698, amount: 1000 }] });
    let pos = 0;
    for (const r of [yesterday, sale, reprint, walkIn, refund]) {
      ledger.ingest(r, { journalFrom: pos, journalTo: pos + 500 });
      pos += 500;
    }
    // The same ledger queries the daemon wires in (src/daemon/web-deps.ts).
    const base = ledgerQueryDeps(ledger, now);
    const q = base.queries;
    const deps = {
      ...base,
      receipt: (id: string) => {
        const stored = q.receipt(id);
        return stored === null ? null : { id, capturedAt: stored.filedAt, text: `(journal bytes ${stored.journalFrom}..${stored.journalTo})\n会员 ${stored.receipt.member ?? ''}`, receipt: stored.receipt, problems: stored.receipt.check.problems };
      },
    };
    t = testApp({ passwordHash: await hashPassword('ledger-owner-pw') }, {}, deps);
    t.clock.now = now;
    const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: 'ledger-owner-pw' } });
    cookie = cookieFrom(res.headers['set-cookie']);
  });

  afterAll(async () => {
    await t?.app.close();
    ledger?.close();
    cleanup?.();
  });

  const get = async (url: string) => {
    const res = await t.app.inject({ url, headers: { cookie } });
    expect(res.statusCode, url).toBe(200);
    return res.json() as Record<string, unknown>;
  };

  it("today's store summary and sales by hour count sales and refunds, not the reprint", async () => {
    const body = (await get('/api/store/summary')) as { day: string; summary: Record<string, number>; byHour: { hour: number; salesMinor: number; receipts: number }[] };
    expect(body.day).toBe('2026-11-23');
    expect(body.summary).toEqual({ day: '2026-11-23', receipts: 2, salesMinor: 3660, refundsMinor: 580, netMinor: 3080, memberReceipts: 1, items: 4 });
    expect(body.byHour).toHaveLength(24);
    expect(body.byHour[10]).toEqual({ hour: 10, salesMinor: 2410, receipts: 1 });
    expect(body.byHour[11]).toEqual({ hour: 11, salesMinor: 1250 - 580, receipts: 1 });
    expect(body.byHour.reduce((a, h) => a + h.salesMinor, 0)).toBe(3080);
  });

  it('the last 30 days end today with zeros filled in', async () => {
    const { days } = (await get('/api/store/last30days')) as { days: { day: string; salesMinor: number; receipts: number }[] };
    expect(days).toHaveLength(30);
    expect(days[0]?.day).toBe('2026-10-25');
    expect(days.at(-1)).toEqual({ day: '2026-11-23', salesMinor: 3080, receipts: 2 });
    expect(days.at(-2)).toEqual({ day: '2026-11-22', salesMinor: 1000, receipts: 1 });
    expect(days.slice(0, 28).every((d) => d.salesMinor === 0 && d.receipts === 0)).toBe(true);
  });

  it('recent receipts come newest first with members masked; one receipt shows its parsed fields', async () => {
    const { receipts } = (await get('/api/receipts?limit=10')) as { receipts: { id: string; member: string | null; kind: string; totalMinor: number }[] };
    expect(receipts.map((r) => r.id)).toEqual(['refund-1', 'sale-2', 'reprint-1', 'sale-1', 'sale-0']);
    expect(receipts.map((r) => r.member)).toEqual(['88******32', null, '88******56', '88******56', '88******56']);
    const detail = (await get('/api/receipts/sale-2')) as { receipt: { items: { name: string; amountMinor: number }[]; payments: unknown[]; changeMinor: number; totalMinor: number } };
    expect(detail.receipt.items.map((i) => i.name)).toEqual(['光明酸奶', '全麦面包']);
    expect(detail.receipt.payments).toEqual([{ method: 'cash', amountMinor: 2000 }]);
    expect(detail.receipt.changeMinor).toBe(750);
    const masked = await t.app.inject({ url: '/api/receipts/sale-1', headers: { cookie } });
    expect(masked.body).not.toContain('8800123456');
    expect((masked.json() as { text: string }).text).toContain('88******56');
  });

  it("a member's month, for the owner only", async () => {
    const s = await get('/api/members/8800123456/summary?month=2026-11');
    expect(s).toMatchObject({ member: '8800123456', month: '2026-11', receipts: 2, spendMinor: 3410, currency: 'CNY', lastVisit: '2026-11-23' });
    expect((await t.app.inject({ url: '/api/members/8899999999/summary', headers: { cookie } })).statusCode).toBe(404);
    expect((await t.app.inject('/api/members/8800123456/summary')).statusCode).toBe(401);
  });

  it('reminder counts read the pending reminders', async () => {
    const r = await get('/api/reminders');
    expect(Object.keys(r).sort()).toEqual(['dueToday', 'dueTomorrow', 'next7Days', 'sentLast7Days']);
    expect(Object.values(r).every((v) => Number.isInteger(v) && (v as number) >= 0)).toBe(true);
  });
});
