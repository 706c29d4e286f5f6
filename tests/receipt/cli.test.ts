import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { tillbox as runTillbox } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir('tillbox-parse-cli-');
afterAll(() => tmp.cleanup());

const tillbox = (argv: string[], stdin?: Buffer) => runTillbox(argv, { cwd: tmp.dir, ...(stdin === undefined ? {} : { stdin }) });

const first = ['  好邻居超市', '单号: A-1', '日期: 2026-11-23 10:15:32', '会员卡号: 8800123456', '品名      数量   单价    金额', '酸奶         2   5.80   11.60', '合计:            11.60', '现金:            20.00', '找零:             8.40'];
const second = ['  好邻居超市', '*** 重打印 ***', ...first.slice(1)];

describe('tillbox parse', () => {
  const file = join(tmp.dir, 'two.bin');
  writeFileSync(file, Buffer.concat([encodeReceiptText(first), encodeReceiptText(second)]));

  it('prints one Receipt JSON object per document, decimal amounts, and a reprint with the same id', async () => {
    const { code, out } = await tillbox(['parse', 'two.bin', '--json']);
    expect(code).toBe(0);
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ receiptNo: 'A-1', time: '2026-11-23T10:15:32+08:00', member: '8800123456', currency: 'CNY', total: 11.6, kind: 'sale', change: 8.4 });
    expect(rows[0]?.['items']).toEqual([{ sku: null, name: '酸奶', qty: 2, unitPrice: 5.8, unitPriceMinor: 580, amount: 11.6, amountMinor: 1160 }]);
    expect(rows[0]).toMatchObject({ totalMinor: 1160, changeMinor: 840 });
    expect(rows[1]).toMatchObject({ kind: 'reprint', id: rows[0]?.['id'] });
  });
  it('reads stdin with -, and --explain names the rule behind each field', async () => {
    const { code, out } = await tillbox(['parse', '-', '--json', '--explain'], encodeReceiptText(first));
    expect(code).toBe(0);
    const row = JSON.parse(out) as { explain: { field: string; value: string; rule: string }[] };
    expect(row.explain.find((e) => e.field === 'total')?.rule).toMatch(/keyword|profile/);
    expect(row.explain.find((e) => e.field === 'member')?.rule).toBe('profile:cn-supermarket:fields.member[0]');
    expect(row.explain.find((e) => e.field === 'profile')?.value).toBe('cn-supermarket');
  });
  it('prints a readable summary without --json, with the member masked', async () => {
    const { code, out } = await tillbox(['parse', 'two.bin']);
    expect(code).toBe(0);
    expect(out).toContain('total 11.60 CNY');
    expect(out).toContain('member ******3456');
    expect(out).not.toContain('8800123456');
  });
  it('learns the till\'s date order across the documents of one capture', async () => {
    const slip = (date: string, no: string) => ['CORNER STORE', `RECEIPT ${no}`, `DATE ${date} 10:15`, 'Bread                2.40', 'TOTAL                2.40', 'CASH                 5.00'];
    writeFileSync(join(tmp.dir, 'us.bin'), Buffer.concat([encodeReceiptText(slip('04/25/2026', '1'), { encoding: 'cp437' }), encodeReceiptText(slip('03/04/2026', '2'), { encoding: 'cp437' })]));
    const { code, out } = await tillbox(['parse', 'us.bin', '--json', '--explain']);
    expect(code).toBe(0);
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as { time: string; explain: { field: string; rule: string }[] });
    // The first receipt's 04/25 teaches month-first; the second's 03/04 is then 4 March, not 3 April.
    expect(rows.map((r) => r.time.slice(0, 10))).toEqual(['2026-04-25', '2026-03-04']);
    expect(rows[1]?.explain.find((e) => e.field === 'date')?.rule).toMatch(/\+order\(learned MDY\)$/);
  });
  it('exits 2 with a clear message on bad usage and bad input', async () => {
    expect((await tillbox(['parse'])).code).toBe(2);
    const missing = await tillbox(['parse', 'nope.bin']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('nope.bin: cannot read (ENOENT) [TBX_INPUT_INVALID]');
    const enc = await tillbox(['parse', 'two.bin', '--encoding', 'latin9']);
    expect(enc.code).toBe(2);
    expect(enc.err).toContain('--encoding: expected one of');
    const prof = await tillbox(['parse', 'two.bin', '--profile', 'nope']);
    expect(prof.code).toBe(2);
    expect(prof.err).toContain("no parse profile named 'nope'");
    writeFileSync(join(tmp.dir, 'empty.bin'), Buffer.from([0x1b, 0x40]));
    expect((await tillbox(['parse', 'empty.bin'])).err).toContain('no printed text found');
  });
  it('refuses a profile file with a catastrophic pattern, naming the file and key (exit 2)', async () => {
    const dir = join(tmp.dir, 'unsafe-profiles');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'redos.yaml'), 'name: redos\nmatch:\n  all: ["^(-+)+X$"]\n');
    writeFileSync(join(tmp.dir, 'unsafe.yaml'), `parser:\n  profilesDir: ${dir}\n`);
    const r = await tillbox(['parse', 'two.bin', '--config', 'unsafe.yaml', '--profile', 'redos']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, 'redos.yaml')}: match.all[0]: '-+' inside '(-+)+': nested quantifiers`);
  });
});
