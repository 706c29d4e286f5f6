import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '../../src/escpos/decoder.js';
import type { DecodedDocument } from '../../src/escpos/types.js';
import { corpusAvailable, corpusFile } from '../support/corpus.js';
import { goldenText } from './golden-render.js';

const HAVE = corpusAvailable('escpos');
const GOLDEN = join(import.meta.dirname, 'golden');
const decode = (name: string): DecodedDocument[] => decodeAll(readFileSync(corpusFile('escpos', name)));

/** Display cells of a string on a CJK terminal / printer: CJK ideographs and fullwidth forms take two. */
function cells(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff00-\uff60\uffe0-\uffe6\u2014]/u.test(ch) ? 2 : 1;
  return n;
}
const endColumn = (line: string, token: string): number => cells(line.slice(0, line.indexOf(token) + token.length));

describe.skipIf(!HAVE)('golden: every capture in corpus/escpos', () => {
  const files = HAVE ? readdirSync(corpusFile('escpos')).filter((f) => f.endsWith('.bin')) : [];

  it('has a golden file for every capture', () => {
    const golden = new Set(readdirSync(GOLDEN));
    expect(files.filter((f) => !golden.has(f.replace(/\.bin$/, '.txt')))).toEqual([]);
  });

  for (const f of files) {
    it(`${f} decodes to its golden text`, () => {
      const expected = readFileSync(join(GOLDEN, f.replace(/\.bin$/, '.txt')), 'utf8');
      expect(goldenText(decode(f))).toBe(expected);
    });
  }
});

describe.skipIf(!HAVE)('golden: what each capture must show', () => {
  it('GBK restaurant bill: Chinese text, columns aligned, one cut document', () => {
    const docs = decode('snaildev_gbk_restaurant_receipt.bin');
    expect(docs).toHaveLength(1);
    const doc = docs[0] as DecodedDocument;
    expect(doc.endedBy).toBe('cut');
    expect(doc.warnings).toEqual([]);
    const text = doc.lines.map((l) => l.text);
    const header = text.find((l) => l.startsWith('菜品名称')) as string;
    const sprite = text.find((l) => l.startsWith('健怡雪碧')) as string;
    const fish = text.find((l) => l.startsWith('鲟龙鱼')) as string;
    expect(sprite.split(/\s+/)).toEqual(['健怡雪碧', '4', '瓶', '40.00']);
    expect(fish.split(/\s+/)).toEqual(['鲟龙鱼', '1.5', '斤', '28.00']);
    // Right-aligned columns end in the same print column (CJK characters are two columns wide).
    expect(endColumn(sprite, '40.00')).toBe(endColumn(header, '小计'));
    expect(endColumn(fish, '28.00')).toBe(endColumn(header, '小计'));
    expect(endColumn(sprite, '4')).toBe(endColumn(fish, '1.5'));
    expect(endColumn(sprite, '瓶')).toBe(endColumn(header, '规格'));
    expect(text).toContain('                             消费合计：68.00');
    expect(text.some((l) => l.includes('打印时间：2016-5-6   21:32:49'))).toBe(true);
    // The title is double width and bold, centred: its span starts at (48 - 14) / 2.
    expect(doc.lines[0]?.align).toBe('center');
    expect(doc.lines[0]?.spans[0]).toMatchObject({ column: 17, text: '***餐馆', style: { width: 2, bold: true } });
  });

  it('logo receipt: the raster logo yields no text, the receipt text follows intact', () => {
    const docs = decode('escpos_tools_receipt_with_logo.bin');
    const doc = docs[0] as DecodedDocument;
    expect(doc.images).toBe(1);
    expect(doc.lines[0]?.text.trim()).toBe('ExampleMart Ltd.');
    expect(doc.lines.map((l) => l.text)).toContain('Example item #1                             4.00');
    // Nothing of the 8 978-byte graphics payload leaks: only printable ASCII on the paper.
    for (const l of doc.lines) expect(l.text).toMatch(/^[\x20-\x7e]*$/);
    expect(doc.warnings).toEqual([]);
    // The drawer kick after the cut is its own (empty) document.
    expect(docs[1]).toMatchObject({ endedBy: 'end', lines: [], drawerKicks: 1 });
  });

  it('code-page pangrams: mid-line ESC t switches decode each language', () => {
    const doc = decode('escpos_php_character_encodings_esc_t_switching.bin')[0] as DecodedDocument;
    // Lines wrap at 48 columns as on paper; compare without whitespace so wraps do not matter.
    const flat = doc.lines.map((l) => l.text).join('').replace(/\s/g, '');
    const pangrams = [
      'Quizdeltagerne spiste jordbær med fløde, mens cirkusklovnen Wolther spillede på xylofon.',
      'Falsches Üben von Xylophonmusik quält jeden größeren Zwerg.',
      'Ξεσκεπάζω την ψυχοφθόρα βδελυγμία',
      'El pingüino Wenceslao hizo kilómetros bajo exhaustiva lluvia y frío, añoraba a su querido cachorro.',
      "Le cœur déçu mais l'âme plutôt naïve, Louÿs rêva de crapaüter en canoë au delà des îles, près du mälström où brûlent les novæ.",
      'Árvíztűrő tükörfúrógép.',
      'Kæmi ný öxi hér ykist þjófum nú bæði víl og ádrepa.',
      'Glāžšķūņa rūķīši dzērumā čiepj Baha koncertflīģeļu vākus.',
      'Pchnąć w tę łódź jeża lub ośm skrzyń fig.',
      'В чащах юга жил бы цитрус? Да, но фальшивый экземпляр!',
      'Pijamalı hasta, yağız şoföre çabucak güvendi.',
      'ｲﾛﾊﾆﾎﾍﾄ ﾁﾘﾇﾙｦ ﾜｶﾖﾀﾚｿ ﾂﾈﾅﾗﾑ',
    ];
    for (const p of pangrams) expect(flat).toContain(p.replace(/\s/g, ''));
    // Vietnamese (ESC t 30, TCVN-3) and Thai (ESC t 21, TIS-620 layout) decode (issue 11) rather than warn.
    expect(doc.warnings).toEqual([]);
    expect(flat).toContain('TiếngViệt,còngọitiếngViệtNamhayViệtngữ,'.replace(/\s/g, ''));
    expect(flat).toContain('นายสังฆภัณฑ์');
  });

  it('quirky arguments: ESC a "1", ESC E \\r and ESC ! LF are consumed as arguments, nothing leaks or desyncs', () => {
    const docs = decode('qz_tray_escpos_sample_quirky_args_dle_dc4.bin');
    expect(docs.map((d) => d.endedBy)).toEqual(['cut', 'end']);
    const [receipt, tail] = docs as [DecodedDocument, DecodedDocument];
    const text = receipt.lines.map((l) => l.text.trim()).filter((t) => t !== '');
    expect(text).toEqual([
      'Canastota, NY 13032', 'https://qz.io', 'May 18, 2016 10:30 AM', 'Transaction # 123456 Register: 3',
      'Baklava (Qty 4)       9.00┬¬', 'X'.repeat(36), "Here's some bold text!", 'DRINK ME', '-'.repeat(42), 'EAT ME', '-'.repeat(42), 'normal text',
    ]);
    expect(receipt.lines.find((l) => l.text.includes('Canastota'))?.align).toBe('center');
    expect(receipt.lines.find((l) => l.text.includes('bold text'))?.spans[0]?.style.bold).toBe(true);
    const drink = receipt.lines.find((l) => l.text.includes('DRINK ME'));
    expect(drink?.align).toBe('right');
    expect(drink?.spans[0]).toMatchObject({ column: 32, style: { width: 2, height: 2 } });
    expect(receipt.warnings).toEqual([]);
    // DLE DC4 1 0 5 after the cut: a real-time drawer pulse.
    expect(tail.drawerKicks).toBe(1);
    expect(tail.warnings).toEqual([]);
  });

  it('feature page: every barcode and 2D payload kept as data, the bit image as an image', () => {
    const doc = decode('crossescpos_feature_test_barcodes_qr.bin')[0] as DecodedDocument;
    expect(doc.barcodes.map((b) => [b.symbology, b.data])).toEqual([
      ['UPC-A', '12345678901'], ['EAN13', '123456789012'], ['EAN8', '1234567'], ['CODE39', 'CODE39'], ['CODE93', 'CODE93'],
      ['CODE128', 'Code128'], ['ITF', '12345678'], ['CODABAR', 'A123456A'],
      ['QR', 'https://example.com/qr'], ['PDF417', 'PDF417 sample data'], ['DATAMATRIX', 'DataMatrix sample'], ['AZTEC', 'Aztec sample'],
    ]);
    expect(doc.barcodes[8]?.kind).toBe('qr');
    // The line before each code is its caption.
    expect(doc.lines[(doc.barcodes[0]?.line ?? 0) - 1]?.text.trim()).toBe('UPC-A');
    expect(doc.images).toBe(1);
    expect(doc.drawerKicks).toBe(1);
    const italic = doc.lines.find((l) => l.text === 'Italic text');
    expect(italic?.spans[0]?.style.italic).toBe(true);
    expect(doc.lines.find((l) => l.text === 'Double width')?.spans[0]?.style.width).toBe(2);
    expect(doc.lines.find((l) => l.text.trim() === 'Right aligned')?.text).toBe(`${' '.repeat(35)}Right aligned`);
  });
});
