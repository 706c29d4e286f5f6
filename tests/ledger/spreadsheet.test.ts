/**
 * Catalogue spreadsheets as shops save them: GBK from Chinese Excel ("CSV"), UTF-8 with a BOM
 * ("CSV UTF-8"), names with a newline inside quotes; and an export Excel opens without mojibake.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { decodeSpreadsheet } from '../../src/shopper/catalogue/spreadsheet.js';
import { parseCatalogueCsv } from '../../src/shopper/catalogue/import.js';
import { tillbox } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

const CSV = 'sku,name,category,shelf_life_days\r\n6900000000017,"全麦面包\n切片, 400g",面包糕点,3\r\n6900000000024,酸奶,yoghurt,\r\n';

describe('spreadsheet files', () => {
  it('detects GBK and UTF-8 (with or without BOM), and names the encoding used', () => {
    const gbk = iconv.encode(CSV, 'gbk');
    expect(decodeSpreadsheet(gbk)).toEqual({ text: CSV, encoding: 'gb18030' });
    expect(decodeSpreadsheet(Buffer.from(CSV, 'utf8'))).toEqual({ text: CSV, encoding: 'utf8' });
    expect(decodeSpreadsheet(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV)]))).toMatchObject({ encoding: 'utf8' });
    expect(decodeSpreadsheet(gbk, 'utf8')).toEqual({ error: expect.stringContaining('not valid UTF-8') });
    expect(decodeSpreadsheet(gbk, 'gbk')).toEqual({ text: CSV, encoding: 'gbk' });
  });

  it('reads quoted fields with newlines and commas, and reports problems on the right line', () => {
    const { entries, problems } = parseCatalogueCsv(`${CSV}6900000000031,"坏\n行",nope,\n`, 'c.csv');
    expect(entries.map((e) => [e.sku, e.name, e.category, e.shelfLifeDays])).toEqual([
      ['6900000000017', '全麦面包\n切片, 400g', 'bakery', 3],
      ['6900000000024', '酸奶', 'yoghurt', null],
    ]);
    expect(problems).toEqual([expect.stringMatching(/^c\.csv:6: category 'nope'/)]);
    expect(parseCatalogueCsv('sku,category\n"unclosed,bakery\n', 'u.csv').problems[0]).toMatch(/^u\.csv: not a readable CSV file/);
  });

  it('tillbox catalogue import takes a GBK file; export --excel starts with a BOM and uses CRLF', async () => {
    const t = tempDir('tbx-sheet-');
    try {
      const config = join(t.dir, 'tillbox.yaml');
      writeFileSync(config, stringify({ dataDir: join(t.dir, 'data'), store: { timezone: 'Asia/Shanghai', currency: 'CNY' } }));
      mkdirSync(join(t.dir, 'data'));
      const file = join(t.dir, 'catalogue.csv');
      writeFileSync(file, iconv.encode(CSV, 'gbk'));
      const r = await tillbox(['catalogue', 'import', file, '--config', config]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('(gb18030): 2 rows (2 new, 0 updated)');
      const wrong = await tillbox(['catalogue', 'import', file, '--encoding', 'utf8', '--config', config]);
      expect(wrong.code).toBe(2);
      expect(wrong.err).toContain('try --encoding gbk');

      const x = await tillbox(['export', '--from', '2026-11-01', '--to', '2026-11-30', '--excel', '--config', config]);
      expect(x.code, x.err).toBe(0);
      expect(x.out.startsWith('\uFEFFreceipt_id,')).toBe(true);
      expect(x.out.endsWith('amount\r\n')).toBe(true);
      const plain = await tillbox(['export', '--from', '2026-11-01', '--to', '2026-11-30', '--config', config]);
      expect(plain.out.startsWith('receipt_id,')).toBe(true);
    } finally {
      t.cleanup();
    }
  });
});
