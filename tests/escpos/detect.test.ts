import { describe, expect, it } from 'vitest';
import { decodeAll, StreamDecoder } from '../../src/escpos/decoder.js';
import { decide, detectText } from '../../src/escpos/detect-api.js';
import type { DecodedDocument } from '../../src/escpos/types.js';
import { encodeText, intlReceipt, LANGUAGES, readsAs, type Language } from '../support/intl-receipts.js';
import { rng } from './synthetic.js';

/**
 * Issue 11: the decoder reads double-byte text (GBK, Big5, Shift_JIS, EUC-KR) and single-byte code
 * pages without being told, per document, remembering per till. On the old decoder (CP437 unless
 * FS & or config said otherwise) every "without mode commands" case below read as box drawing.
 */
const lang = (id: string): Language => LANGUAGES.find((l) => l.id === id) as Language;
const receipt = (id: string, seed: number, lines = 9, modeCommands = false, columns = 42) => intlReceipt({ lang: lang(id), columns, lines, modeCommands, seed });
const text = (doc: DecodedDocument | undefined): string[] => (doc?.lines ?? []).map((l) => l.text.trimEnd()).filter((l) => l !== '');

describe('double-byte and code-page text detected with no configuration', () => {
  for (const l of LANGUAGES) {
    for (const modeCommands of [false, true]) {
      it(`${l.id} ${modeCommands ? 'with' : 'without'} ${l.expect.mode === 'double-byte' ? 'FS &' : 'ESC t'}: the first receipt already reads right`, () => {
        const r = receipt(l.id, 5, 9, modeCommands);
        const [doc] = decodeAll(r.bytes);
        expect(text(doc).map((x) => x.normalize('NFC'))).toEqual(r.lines.map((x) => x.normalize('NFC')));
        expect(readsAs(doc?.lines ?? [], r.lines)).toBe(true);
        if (l.expect.mode === 'double-byte') expect(doc?.text).toMatchObject({ encoding: l.expect.encoding, ...(modeCommands ? { commanded: true } : { mode: 'double-byte' }) });
        else if (!modeCommands) expect(doc?.text).toMatchObject({ mode: 'single-byte', codePage: l.expect.codePage });
        expect(doc?.text?.mojibake).toBe(0);
      });
    }
  }

  it('Thai and Vietnamese pages selected by ESC t decode (they read as CP437 with a warning before)', () => {
    for (const [id, page] of [['th-cp874', 21], ['vi-cp1258', 52]] as const) {
      const body = encodeText(lang(id).shop, lang(id).iconv);
      const [doc] = decodeAll(Buffer.concat([Buffer.from([0x1b, 0x74, page]), body, Buffer.from([0x0a])]), { codePage: 0, startInDoubleByte: false, encoding: 'gb18030' });
      expect(text(doc)[0]?.normalize('NFC')).toBe(lang(id).shop);
      expect(doc?.warnings).toEqual([]);
    }
  });
});

describe('per-till memory', () => {
  it('a receipt with only digits and ASCII does not flip a till detected as GBK', () => {
    const d = new StreamDecoder();
    for (let k = 0; k < 3; k++) d.push(receipt('zh-gbk', k).bytes);
    const before = d.textPrior;
    const [ascii] = d.push(Buffer.from('\x1b@TOTAL 12.00\n0123456789\n\x1dVB\x00', 'latin1'));
    expect(ascii?.text).toMatchObject({ mode: 'double-byte', encoding: 'gb18030', highBytes: 0 });
    expect(d.textPrior?.mode).toEqual(before?.mode); // scores untouched by a document with nothing to say
    const next = receipt('zh-gbk', 9);
    const [doc] = d.push(next.bytes);
    expect(readsAs(doc?.lines ?? [], next.lines)).toBe(true);
  });

  it('one short ambiguous receipt does not flip a settled till, and the saved prior carries it over a restart', () => {
    const d = new StreamDecoder();
    for (let k = 0; k < 4; k++) d.push(receipt('zh-gbk', k).bytes);
    // Two high bytes that also read as one Korean syllable (0xC7D1 is 한 in EUC-KR, 亚 in GBK).
    const [short] = d.push(Buffer.from([0x1b, 0x40, 0xc7, 0xd1, 0x0a, 0x1d, 0x56, 0x42, 0x00]));
    expect(short?.text).toMatchObject({ mode: 'double-byte', encoding: 'gb18030' });
    const restarted = new StreamDecoder({ prior: JSON.parse(JSON.stringify(d.textPrior)) as NonNullable<typeof d.textPrior> });
    const r = receipt('zh-gbk', 11, 2);
    const [doc] = restarted.push(r.bytes);
    expect(readsAs(doc?.lines ?? [], r.lines)).toBe(true);
    expect(doc?.text?.documents).toBeGreaterThan(4);
  });

  it('a wrong guess is decoded again: a till settled on CP437 prints a GBK receipt, which reads right, ranges intact', () => {
    const d = new StreamDecoder();
    const german = [0, 1, 2].map((k) => receipt('de-cp437', k));
    for (const g of german) expect(readsAs(d.push(g.bytes)[0]?.lines ?? [], g.lines)).toBe(true);
    expect(decide(d.textPrior!).mode).toBe('single-byte');
    const zh = receipt('zh-gbk', 3, 20);
    const docs = d.push(Buffer.concat([zh.bytes, receipt('de-cp437', 4).bytes]));
    expect(docs).toHaveLength(2);
    expect(readsAs(docs[0]?.lines ?? [], zh.lines)).toBe(true);
    const start = german.reduce((n, g) => n + g.bytes.length, 0);
    expect(docs[0]?.range).toEqual({ start, end: start + zh.bytes.length });
    expect(docs[1]?.range.start).toBe(start + zh.bytes.length);
  });

  it('a mixed stream (one till switching code pages, FS & on and off) decodes the same in any chunking as in one piece', () => {
    // A European till switching pages with ESC t, then printing CJK text with FS & in two encodings.
    const parts = [
      receipt('de-cp437', 1), receipt('ru-cp866', 2, 9, true), receipt('pl-cp852', 3, 9, true), receipt('fr-cp858', 4, 9, true), receipt('da-cp850', 5),
      receipt('zh-gbk', 6, 9, true), receipt('zh-gbk', 7, 3, true), receipt('ko-euckr', 8, 12, true), receipt('ko-euckr', 9, 5, true), receipt('es-cp1252', 10, 9, true), receipt('de-cp437', 11),
    ];
    const input = Buffer.concat(parts.map((p) => p.bytes));
    const whole = decodeAll(input);
    expect(whole).toHaveLength(parts.length);
    whole.forEach((doc, i) => expect(readsAs(doc.lines, (parts[i] as { lines: string[] }).lines), `document ${i}`).toBe(true));
    const next = rng(7);
    for (let k = 0; k < 25; k++) {
      const d = new StreamDecoder();
      const out: DecodedDocument[] = [];
      for (let i = 0; i < input.length; ) {
        const n = 1 + Math.floor(next() * (k % 2 === 0 ? 40 : 3000));
        out.push(...d.push(input.subarray(i, i + n)));
        i += n;
      }
      out.push(...d.end());
      expect(out).toEqual(whole);
    }
  });
});

describe('explicit settings win', () => {
  it('config values fix what they name: startInDoubleByte false keeps the old CP437 reading, euc-kr alone implies double-byte', () => {
    const zh = receipt('zh-gbk', 1);
    const [old] = decodeAll(zh.bytes, { startInDoubleByte: false, encoding: 'gb18030', codePage: 0 });
    expect(old?.text).toBeUndefined();
    expect(text(old)[0]).toBe('┴¬╗¬│¼╩╨ ╡┌018║┼╡Ω'); // 联华超市 第018号店 as CP437 box drawing
    const ko = receipt('ko-euckr', 2);
    const [doc] = decodeAll(ko.bytes, { encoding: 'euc-kr' });
    expect(readsAs(doc?.lines ?? [], ko.lines)).toBe(true);
  });

  it('ESC t in the stream wins over what the bytes look like', () => {
    // Windows-1252 bytes sent after ESC t 0: the printer prints CP437, so the decoder must too.
    const bytes = Buffer.concat([Buffer.from([0x1b, 0x40, 0x1b, 0x74, 0x00]), encodeText('Café crème', 'windows1252'), Buffer.from([0x0a])]);
    expect(text(decodeAll(bytes)[0])).toEqual(['Caf\u0398 cr\u03a6me']);
  });
});

describe('detectText (the API doctor --detect uses)', () => {
  it('names the mode, encoding and page with its evidence, from bytes or several captures', () => {
    const r = detectText([receipt('ko-euckr', 1).bytes, receipt('ko-euckr', 2).bytes]);
    expect(r).toMatchObject({ mode: 'double-byte', encoding: 'euc-kr', documents: 2 });
    expect(r.confidence).toBeGreaterThan(0.99);
    expect(r.evidence[0]).toMatch(/^euc-kr: 100 % of \d+ high bytes form characters/);
    const page = detectText(receipt('ru-cp866', 1).bytes);
    expect(page).toMatchObject({ mode: 'single-byte', codePage: 17, label: 'CP866' });
    expect(detectText(Buffer.from('ASCII only\n')).documents).toBe(0);
  });
});
