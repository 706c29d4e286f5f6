/**
 * The nightly job and `tillbox insights` against a real ledger file: receipts go in through the
 * ledger's own ingest (src/ledger), the job reads them back read-only.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tillbox } from '../support/cli.js';
import { readStoredInsights, runInsightsJob } from '../../src/insights/job.js';
import { runInsightsJobInWorker } from '../../src/insights/worker.js';
import { openLedger } from '../../src/ledger/open.js';
import type { Receipt } from '../../src/receipt/types.js';
import { tempDir } from '../support/tmp.js';
import { DAY, NOW, rng } from './fixtures.js';

const MENU: [string, number][] = [
  ['光明酸奶', 580], ['油条', 250], ['豆浆', 300], ['包子', 200], ['大米5kg', 4590], ['苹果', 1290], ['牛奶', 680], ['面包', 990],
];

function receipt(n: number, member: string | null, time: number, names: string[], kind: Receipt['kind'] = 'sale'): Receipt {
  const items = names.map((name) => {
    const price = MENU.find((m) => m[0] === name)?.[1] ?? 100;
    return { sku: null, name, qty: 1, unitPrice: price, amount: price };
  });
  const total = items.reduce((s, i) => s + i.amount, 0);
  return {
    id: `r${n}`, store: 'S1', till: '1', receiptNo: String(n),
    time: new Date(time + 8 * 3_600_000).toISOString().replace('Z', '+08:00').replace(/\.\d{3}/, ''),
    member, currency: 'CNY', items, discounts: [], total, payments: [{ method: 'cash', amount: total }], change: 0, kind,
    check: { itemsMatchTotal: true, confidence: 1, problems: [] }, profile: 'test',
  };
}

describe('runInsightsJob and tillbox insights on a real ledger', () => {
  const { dir, cleanup } = tempDir('tillbox-insights-');
  const ledgerPath = join(dir, 'ledger.db');
  const outPath = join(dir, 'insights.json');
  const members = Array.from({ length: 30 }, (_, i) => `139${String(10000000 + i)}`);

  beforeAll(() => {
    const rand = rng(3);
    const ledger = openLedger(ledgerPath, { timezone: 'Asia/Shanghai', currency: 'CNY', synchronous: 'NORMAL' });
    const batch: { receipt: Receipt; source: { journalFrom: number; journalTo: number } }[] = [];
    let n = 0;
    const add = (r: Receipt): void => {
      batch.push({ receipt: r, source: { journalFrom: n, journalTo: n + 1 } });
    };
    members.forEach((m, i) => {
      const visits = i < 10 ? 30 : i < 20 ? 8 : 1;
      const lastAgo = i >= 10 && i < 15 ? 200 : 1 + rand() * 10;
      for (let v = 0; v < visits; v++) {
        const t = NOW.getTime() - (lastAgo + v * (i < 10 ? 7 : 20)) * DAY;
        const lapsed = i >= 10 && i < 15; // big spenders who stopped coming 200 days ago
        const names = lapsed ? ['大米5kg', '牛奶'] : rand() < 0.5 ? ['豆浆', '油条'] : [MENU[Math.floor(rand() * MENU.length)]?.[0] ?? '苹果'];
        add(receipt(n++, m, t, names));
      }
    });
    for (let k = 0; k < 40; k++) add(receipt(n++, null, NOW.getTime() - (1 + k) * DAY, ['豆浆', '油条', '包子']));
    add(receipt(n++, members[0] ?? null, NOW.getTime() - 3 * DAY, ['大米5kg'], 'refund'));
    add(receipt(n++, members[0] ?? null, NOW.getTime() - 3 * DAY, ['大米5kg'], 'reprint'));
    const results = ledger.ingestMany(batch);
    expect(results.filter((r) => r instanceof Error)).toEqual([]);
    ledger.close();
  });
  afterAll(cleanup);

  it('computes from the ledger, stores insights.json, and reports movement on the next run', () => {
    const first = runInsightsJob({ ledgerPath, now: NOW, options: { timeZone: 'Asia/Shanghai', minSupport: 0.05 }, outPath });
    expect(first.movement).toBeNull();
    expect(first.report.members.total).toBe(30);
    expect(first.report.members.repeatBuyers).toBe(20);
    // The refund is counted (lower spend), the reprint is not: 30 + 20·8 … receipts plus one refund.
    expect(first.report.purchases.events).toBe(10 * 30 + 10 * 8 + 10 + 1);
    expect(first.report.rules.baskets).toBeGreaterThan(100);
    expect(first.report.rules.top.some((r) => r.rhs === '豆浆' || r.rhs === '油条')).toBe(true);
    expect(existsSync(outPath)).toBe(true);
    expect(readStoredInsights(outPath)?.report.generatedAt).toBe(NOW.toISOString());

    const later = new Date(NOW.getTime() + 120 * DAY);
    const second = runInsightsJob({ ledgerPath, now: later, options: { timeZone: 'Asia/Shanghai', windowDays: 150 }, outPath, basketsBy: 'category' });
    expect(second.previousGeneratedAt).toBe(NOW.toISOString());
    expect(second.movement).toHaveLength(10);
    const moved = second.movement?.reduce((s, m) => s + Math.abs(m.change), 0) ?? 0;
    expect(moved).toBeGreaterThan(0);
    for (const m of second.movement ?? []) expect(m.change).toBe(m.members - m.previous);
  });

  it('runs in a worker thread with the same result while the main event loop keeps turning', async () => {
    const options = { timeZone: 'Asia/Shanghai', minSupport: 0.05 };
    const here = runInsightsJob({ ledgerPath, now: NOW, options });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const there = await runInsightsJobInWorker({ ledgerPath, now: NOW, options });
    clearInterval(timer);
    expect(there.report).toEqual(here.report);
    expect(ticks).toBeGreaterThan(0);
    await expect(runInsightsJobInWorker({ ledgerPath: join(dir, 'nope.db'), now: NOW })).rejects.toMatchObject({ code: 'TBX_LEDGER_OPEN_FAILED' });
  });

  it('tillbox insights prints masked ids only (text and --json) and fails clearly without a ledger', async () => {
    const config = join(dir, 'tillbox.yaml');
    writeFileSync(config, `dataDir: ${dir}\nstore: { timezone: Asia/Shanghai, currency: CNY }\ninsights: { minSupport: 0.05, atRiskBelow: 0.9 }\n`);
    const runCli = (args: string[]) => tillbox(['insights', ...args], { cwd: dir });
    const json = await runCli(['--json', '--config', config, '--now', NOW.toISOString()]);
    expect(json.err).toBe('');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { report: { atRisk: { member: string }[] } };
    expect(parsed.report.atRisk.length).toBeGreaterThanOrEqual(5);
    for (const m of parsed.report.atRisk) expect(m.member).toMatch(/^13\*+\d\d$/);
    for (const id of members) expect(json.out).not.toContain(id);

    const text = await runCli(['--config', config, '--now', NOW.toISOString()]);
    expect(text.code).toBe(0);
    expect(text.out).toContain('冠军客户 Champions');
    expect(text.out).toContain('大客户 Key customers');
    expect(text.out).toMatch(/\{(豆浆|油条|包子)(, (豆浆|油条|包子))*\} => \{(豆浆|油条|包子)\}/);
    expect(text.out).toMatch(/¥[\d,]+\.\d\d/);
    for (const id of members) expect(text.out).not.toContain(id);

    const saved = await runCli(['--config', config, '--now', NOW.toISOString(), '--save', '--json']);
    expect(saved.code).toBe(0);
    expect(JSON.parse(readFileSync(outPath, 'utf8')).report.generatedAt).toBe(NOW.toISOString());

    const bad = await runCli(['--now', 'yesterday', '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--now');

    const empty = tempDir('tillbox-insights-empty-');
    writeFileSync(join(empty.dir, 'c.yaml'), `dataDir: ${empty.dir}\n`);
    const missing = await runCli(['--config', join(empty.dir, 'c.yaml')]);
    empty.cleanup();
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('TBX_LEDGER_OPEN_FAILED');
  });
});
