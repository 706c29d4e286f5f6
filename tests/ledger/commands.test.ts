import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/commands/dispatch.js';
import type { CommandIO } from '../../src/commands/types.js';
import { openLedger } from '../../src/ledger/open.js';
import { tempDir } from '../support/tmp.js';
import { item, receipt } from './helpers.js';

function io(): CommandIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => { o += c.toString('utf8'); });
  stderr.on('data', (c: Buffer) => { e += c.toString('utf8'); });
  return { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: process.cwd(), out: () => o, err: () => e };
}


describe('tillbox summary / reminders / export / catalogue', () => {
  const t = tempDir('tillbox-cmd-');
  const config = join(t.dir, 'tillbox.yaml');
  beforeAll(() => {
    writeFileSync(config, `store: { id: s1, timezone: Asia/Shanghai, currency: CNY }\ndataDir: ${t.dir}\nnotifications: { language: zh }\n`);
    const ledger = openLedger(join(t.dir, 'ledger.db'), { timezone: 'Asia/Shanghai', currency: 'CNY' });
    const rs = [
      receipt({ time: '2026-10-20T10:00:00+08:00', items: [item('光明酸奶', 1000)] }),
      receipt({ time: '2026-11-22T10:00:00+08:00', items: [item('光明酸奶', 1160, 2), item('全麦面包, 切片', 890, 1, '6900000000017')] }),
      receipt({ time: '2026-11-22T18:00:00+08:00', member: null, items: [item('可口可乐', 350)] }),
    ];
    rs.forEach((r, i) => ledger.ingest(r, { journalFrom: i, journalTo: i + 1 }));
    ledger.close();
  });
  afterAll(() => t.cleanup());

  it('summary --member --month prints totals, categories and the change, with the member masked', async () => {
    const x = io();
    expect(await main(['summary', '--member', '8800123456', '--month', '2026-11', '--config', config], x)).toBe(0);
    expect(x.out()).toContain('member 88******56  month 2026-11-01..2026-11-30');
    expect(x.out()).toContain('total ¥20.50  receipts 1  items 2');
    expect(x.out()).toMatch(/酸奶\s+¥11\.60\s+57%/);
    expect(x.out()).toContain('(+105%)');
    expect(x.out()).not.toContain('8800123456');
    const j = io();
    expect(await main(['summary', '--member', '8800123456', '--from', '2026-10-01', '--to', '2026-11-30', '--json', '--config', config], j)).toBe(0);
    expect(JSON.parse(j.out())).toMatchObject({ member: '88******56', totalMinor: 3050, total: '30.50', currency: 'CNY', receipts: 2, period: { kind: 'custom' } });
  });

  it('summary --store --day', async () => {
    const x = io();
    expect(await main(['summary', '--store', '--day', '2026-11-22', '--json', '--config', config], x)).toBe(0);
    expect(JSON.parse(x.out())).toMatchObject({ totalMinor: 2400, total: '24.00', receipts: 2, memberReceipts: 1 });
  });

  it('bad usage and bad input exit 2 and say what was expected', async () => {
    const a = io();
    expect(await main(['summary', '--month', '2026-11', '--config', config], a)).toBe(2);
    expect(a.err()).toContain('give exactly one of --member ID or --store');
    const b = io();
    expect(await main(['summary', '--store', '--month', '2026/11', '--config', config], b)).toBe(2);
    expect(b.err()).toContain("month '2026/11': expected YYYY-MM [TBX_INPUT_INVALID]");
    const c = io();
    expect(await main(['reminders', '--date', 'tomorrow', '--config', config], c)).toBe(2);
    const d = io();
    const missing = join(t.dir, 'nowhere.yaml');
    writeFileSync(missing, `dataDir: ${join(t.dir, 'empty')}\n`);
    expect(await main(['summary', '--store', '--config', missing], d)).toBe(1);
    expect(d.err()).toContain('no ledger here yet');
  });

  it('reminders --date lists what goes out that day, grouped per member', async () => {
    const x = io();
    // Bread bought Nov 22 (3 days) expires Nov 25: due Nov 24 at 09:00.
    expect(await main(['reminders', '--date', '2026-11-24', '--config', config], x)).toBe(0);
    expect(x.out()).toContain('2026-11-24: 1 reminder message(s), 1 item(s)');
    expect(x.out()).toContain('88******56  明天到期: 全麦面包, 切片');
    const none = io();
    expect(await main(['reminders', '--date', '2026-11-23', '--json', '--config', config], none)).toBe(0);
    expect(JSON.parse(none.out())).toEqual({ date: '2026-11-23', messages: [] });
  });

  it('export --csv: one row per item line, decimals, quoted names, masked members', async () => {
    const x = io();
    expect(await main(['export', '--from', '2026-11-22', '--to', '2026-11-22', '--csv', '--config', config], x)).toBe(0);
    const rows = x.out().trim().split('\n');
    expect(rows[0]).toBe('receipt_id,time,day,kind,counted,flagged,receipt_no,till,member,receipt_total,currency,line,sku,name,category,qty,unit_price,amount');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toMatch(/,2026-11-22T10:00:00\+08:00,2026-11-22,sale,1,0,\d+,01,88\*\*\*\*\*\*56,20\.50,CNY,1,6900000000017,"全麦面包, 切片",Bakery,1,8\.90,8\.90$/);
    expect(x.err()).toBe('3 rows\n');
  });

  it('catalogue import: all problems at once, then a clean import re-classifies', async () => {
    const bad = join(t.dir, 'bad.csv');
    writeFileSync(bad, 'sku,name,category,shelf_life_days\n,无码,deli,1\n6900000000017,全麦面包,pastry,x\n');
    const a = io();
    expect(await main(['catalogue', 'import', bad, '--config', config], a)).toBe(2);
    expect(a.err()).toContain('bad.csv:2: sku is empty');
    expect(a.err()).toContain("bad.csv:3: category 'pastry': expected one of");
    expect(a.err()).toContain("bad.csv:3: shelf_life_days 'x'");
    const good = join(t.dir, 'good.csv');
    writeFileSync(good, 'sku,name,category,shelf_life_days\n6900000000017,全麦面包,熟食,1\n');
    const b = io();
    expect(await main(['catalogue', 'import', good, '--config', config], b)).toBe(0);
    expect(b.out()).toContain('1 rows (1 new, 0 updated)');
    const c = io();
    expect(await main(['summary', '--store', '--day', '2026-11-22', '--json', '--config', config], c)).toBe(0);
    expect((JSON.parse(c.out()) as { categories: { category: string }[] }).categories.map((k) => k.category)).toContain('deli');
  });
});
