/**
 * Every JSON output states its money unit (docs/cli.md "Money in JSON"): CLI --json of each
 * command, each /api/* route through inject() over a real ledger, a basket, a notification on
 * each channel, the head-office insights aggregate. A numeric field named like money must end in
 * `Minor` (integer minor units, with a `currency` beside or above it), or be one of the Receipt
 * JSON's documented decimals with its `…Minor` twin.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/commands/dispatch.js';
import type { CommandIO } from '../../src/commands/types.js';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { readStoredInsights } from '../../src/insights/job.js';
import { aggregateForHeadOffice } from '../../src/insights/report.js';
import { insightsAggregatePayload } from '../../src/money-json.js';
import { openLedger } from '../../src/ledger/open.js';
import type { OutgoingNotification } from '../../src/shopper/channels.js';
import { fileChannel } from '../../src/shopper/channel-file.js';
import { webhookChannel } from '../../src/shopper/channel-webhook.js';
import { buildBasket } from '../../src/sync/basket.js';
import { notificationPayload } from '../../src/sync/notify.js';
import { hashPassword } from '../../src/web/auth/password.js';
import { item, receipt } from '../ledger/helpers.js';
import { tempDir, waitFor } from '../support/tmp.js';
import { cookieFrom, testApp, type TestApp } from '../web/support/app.js';
import { makeInsights, makeReceipt } from '../web/support/fake-deps.js';
import { ledgerQueryDeps } from '../web/support/ledger-deps.js';
import { moneyViolations } from './walk.js';

function io(): CommandIO & { out: () => string } {
  const stdout = new PassThrough();
  let o = '';
  stdout.on('data', (c: Buffer) => { o += c.toString('utf8'); });
  return { stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: {}, cwd: process.cwd(), out: () => o };
}

const t = tempDir('tillbox-money-');
const config = join(t.dir, 'tillbox.yaml');
const now = Date.parse('2026-11-23T04:00:00Z');
const members = ['8800123456', '8800765432', '8800111222'];

beforeAll(() => {
  writeFileSync(config, `store: { id: s1, timezone: Asia/Shanghai, currency: CNY }\ndataDir: ${t.dir}\nnotifications: { language: zh }\n`);
  const ledger = openLedger(join(t.dir, 'ledger.db'), { timezone: 'Asia/Shanghai', currency: 'CNY' });
  let pos = 0;
  for (let d = 0; d < 40; d++) {
    const day = new Date(now - d * 3 * 86_400_000).toISOString().slice(0, 10);
    const member = members[d % 3] ?? null;
    ledger.ingest(receipt({ time: `${day}T10:15:00+08:00`, member, items: [item('光明酸奶', 1160, 2), item('全麦面包', 890, 1, '6900000000017')] }), { journalFrom: pos, journalTo: ++pos });
  }
  ledger.ingest(receipt({ time: '2026-11-23T11:00:00+08:00', member: null, items: [item('可口可乐', 350)], payments: [{ method: 'cash', amount: 500 }], change: 150 }), { journalFrom: pos, journalTo: ++pos });
  ledger.ingest(receipt({ time: '2026-11-23T11:30:00+08:00', kind: 'refund', total: -580, items: [{ sku: null, name: '光明酸奶', qty: -1, unitPrice: 580, amount: -580 }], discounts: [{ name: '会员折扣', amount: -100 }] }), { journalFrom: pos, journalTo: ++pos });
  ledger.close();
});
afterAll(() => t.cleanup());

async function cli(argv: string[]): Promise<unknown[]> {
  const x = io();
  const code = await main([...argv, '--config', config], x);
  expect(code, argv.join(' ')).toBe(0);
  return x.out().trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
}

describe('CLI --json', () => {
  it.each([
    ['summary --member', ['summary', '--member', '8800123456', '--month', '2026-11', '--json', '--now', '2026-11-23T04:00:00Z']],
    ['summary --store', ['summary', '--store', '--day', '2026-11-23', '--json']],
    ['reminders', ['reminders', '--date', '2026-11-24', '--json']],
    ['insights', ['insights', '--json', '--save', '--now', '2026-11-23T04:00:00Z']],
    ['backup', ['backup', '--to', join(t.dir, 'bk'), '--json']],
  ])('%s: every money field says its unit', async (_name, argv) => {
    const docs = await cli(argv);
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.flatMap((d) => moneyViolations(d))).toEqual([]);
  });

  it('doctor --json and --version --json (no money in them, walked all the same)', async () => {
    const d = io();
    expect([0, 2]).toContain(await main(['doctor', '--json', '--config', config], d)); // no ports attached here: 2
    const v = io();
    expect(await main(['--version', '--json'], v)).toBe(0);
    for (const out of [d.out(), v.out()]) expect(moneyViolations(JSON.parse(out))).toEqual([]);
  });

  it('summary --json carries totalMinor with the currency and a decimal string for people', async () => {
    const [s] = (await cli(['summary', '--store', '--day', '2026-11-23', '--json'])) as Record<string, unknown>[];
    expect(s).toMatchObject({ currency: 'CNY', totalMinor: 1820, total: '18.20', salesMinor: 2400, sales: '24.00', refundsMinor: 580 });
  });

  it('parse --json: the Receipt JSON decimals of DESIGN.md, each with its Minor twin', async () => {
    const file = join(t.dir, 'one.bin');
    writeFileSync(file, encodeReceiptText(['  好邻居超市', '单号: A-1', '日期: 2026-11-23 10:15:32', '品名      数量   单价    金额', '酸奶         2   5.80   11.60', '合计:            11.60', '现金:            20.00', '找零:             8.40']));
    const [r] = (await cli(['parse', file, '--json'])) as Record<string, unknown>[];
    expect(r).toMatchObject({ total: 11.6, totalMinor: 1160, change: 8.4, changeMinor: 840, currency: 'CNY' });
    expect(r?.['items']).toEqual([{ sku: null, name: '酸奶', qty: 2, unitPrice: 5.8, unitPriceMinor: 580, amount: 11.6, amountMinor: 1160 }]);
    expect(moneyViolations(r, { receiptAt: /^((items|discounts|payments)\.\d+)?$/ })).toEqual([]);
  });
});

describe('HTTP API', () => {
  let app: TestApp;
  let cookie: string;
  beforeAll(async () => {
    const ledger = openLedger(join(t.dir, 'ledger.db'), { timezone: 'Asia/Shanghai', currency: 'CNY', clock: () => now });
    const base = ledgerQueryDeps(ledger, now);
    const q = base.queries;
    const deps = {
      ...base,
      insights: () => makeInsights(),
      receipt: (id: string) => {
        const stored = q.receipt(id);
        return stored === null ? null : { id, capturedAt: stored.filedAt, text: '', receipt: stored.receipt, problems: [] };
      },
    };
    app = testApp({ passwordHash: await hashPassword('pw-money-units') }, {}, deps);
    app.clock.now = now;
    cookie = cookieFrom((await app.app.inject({ method: 'POST', url: '/api/login', payload: { password: 'pw-money-units' } })).headers['set-cookie']);
  });
  afterAll(async () => app?.app.close());

  it('SSE: a receipt event carries totalMinor next to its currency', async () => {
    await app.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.app.server.address() as AddressInfo;
    const ctrl = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/events`, { headers: { cookie }, signal: ctrl.signal });
    const reader = res.body!.getReader();
    let text = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += Buffer.from(value).toString('utf8');
      }
    })();
    await waitFor(() => text.includes('event: status') && app.deps.listeners() === 1);
    app.deps.emit({ type: 'receipt', receipt: app.deps.addReceipt(makeReceipt({ id: 'sse-1', total: 1250 }), 'text') });
    await waitFor(() => text.includes('event: receipt'));
    ctrl.abort();
    await pump;
    const data = /event: receipt\ndata: (.*)\n/.exec(text)?.[1] ?? 'null';
    const row = JSON.parse(data) as Record<string, unknown>;
    expect(row).toMatchObject({ id: 'sse-1', totalMinor: 1250, currency: 'CNY' });
    expect(moneyViolations(row)).toEqual([]);
    expect(moneyViolations(JSON.parse(/event: status\ndata: (.*)\n/.exec(text)?.[1] ?? 'null'))).toEqual([]);
  });

  const get = async (url: string): Promise<unknown> => {
    const res = await app.app.inject({ url, headers: { cookie } });
    expect(res.statusCode, url).toBe(200);
    return res.json();
  };

  it('every /api route: money fields say their unit', async () => {
    const { receipts } = (await get('/api/receipts')) as { receipts: { id: string; kind: string }[] };
    const refund = receipts.find((r) => r.kind === 'refund')?.id ?? '';
    const urls = ['/api/status', '/api/receipts', '/api/receipts/failed', `/api/receipts/${refund}`, `/api/receipts/${refund}?reveal=1`,
      '/api/members/8800123456/summary?month=2026-11', '/api/store/summary?day=2026-11-23', '/api/store/last30days', '/api/reminders', '/api/insights', '/api/footers'];
    const found: string[] = [];
    for (const url of urls) found.push(...moneyViolations(await get(url), { receiptAt: /^receipt(\.(items|discounts|payments)\.\d+)?$/ }).map((v) => `${url} ${v}`));
    expect(found).toEqual([]);
  });
});

describe('MQTT, webhook and file payloads', () => {
  const r = receipt({ items: [item('光明酸奶', 1160, 2)], discounts: [{ name: '折扣', amount: -100 }], total: 1060, payments: [{ method: 'cash', amount: 1060 }] });
  it('the basket is schema 2 with Minor fields', () => {
    const b = buildBasket(r, () => null, { storeId: 's1', boxId: 'b1', timeResolution: 'hour', member: 'none', pseudonymKeyVersion: 1 });
    expect(b).toMatchObject({ schema: 2, totalMinor: 1060, currency: 'CNY' });
    expect(moneyViolations(b)).toEqual([]);
  });

  it('notifications on mqtt, webhook and file carry no unit-less money', async () => {
    const n: OutgoingNotification = { id: 'n1', member: '8800123456', kind: 'monthly-summary', language: 'zh', title: '11月消费', body: '本月消费 ¥476.38', createdAt: '2026-11-23T04:00:00Z' } as OutgoingNotification;
    const got: unknown[] = [notificationPayload(n, 'k'.repeat(32), 1)];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      req.on('end', () => { got.push(JSON.parse(body)); res.end(); });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    await webhookChannel({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` }).deliver(n);
    server.close();
    const file = join(t.dir, 'notifications.jsonl');
    await fileChannel(file).deliver(n);
    got.push(JSON.parse(readFileSync(file, 'utf8')));
    expect(got).toHaveLength(3);
    expect(got.flatMap((p) => moneyViolations(p))).toEqual([]);
  });

  it('the insights aggregate for head office and insights.json', async () => {
    expect(await main(['insights', '--save', '--now', '2026-11-23T04:00:00Z', '--config', config], io())).toBe(0);
    const stored = readStoredInsights(join(t.dir, 'insights.json'));
    expect(stored).not.toBeNull();
    const payload = insightsAggregatePayload(aggregateForHeadOffice(stored!.report), 'CNY');
    expect(payload).toMatchObject({ currency: 'CNY' });
    expect(moneyViolations(payload)).toEqual([]);
    expect(moneyViolations(JSON.parse(readFileSync(join(t.dir, 'insights.json'), 'utf8')))).toEqual([]);
  });
});
