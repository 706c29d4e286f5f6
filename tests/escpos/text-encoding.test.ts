import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { StreamDecoder } from '../../src/escpos/decoder.js';
import { encodeReceiptText } from '../../src/escpos/encoder.js';
import { bytes, DLE, ESC, FS, GS, LF, one, texts } from './helpers.js';

const gb = (s: string): Buffer => iconv.encode(s, 'gb18030');

describe('single-byte code pages (ESC t) and international sets (ESC R)', () => {
  it('decodes CP437 by default and switches pages mid-line', () => {
    const doc = one(bytes('Gr', 0x94, 0xe1, 'e ', ESC, 't', 16, 0x80, ' ', ESC, 't', 17, 0x8f, 0xe0, 0xa8, 0xa2, 0xa5, 0xe2, LF));
    expect(texts(doc)).toEqual(['Größe € Привет']);
  });

  it.each([
    [2, 'cp850', 'Ø'], [18, 'cp852', 'Ł'], [19, 'cp858', '€'], [14, 'cp737', 'Ω'], [45, 'windows1250', 'Ś'], [46, 'windows1251', 'Ж'], [33, 'cp775', 'Ā'],
  ])('ESC t %i is %s', (n, enc, ch) => {
    expect(texts(one(bytes(ESC, 't', n, iconv.encode(ch, enc), LF)))).toEqual([ch]);
  });

  it('the power-on code page is an option, and ESC @ returns to it', () => {
    expect(texts(one(bytes(0x80, ESC, 't', 0, 0x80, ESC, '@', 0x80, LF), { codePage: 16 }))).toEqual(['€']);
    expect(texts(one(bytes(0x80, LF), { codePage: 16 }))).toEqual(['€']);
  });

  it('warns on a code page outside the table', () => {
    const doc = one(bytes(ESC, 't', 99, 'x', LF));
    expect(doc.warnings).toMatchObject([{ kind: 'ignored', offset: 0 }]);
  });

  it('ESC R replaces the national ASCII positions', () => {
    expect(texts(one(bytes(ESC, 'R', 2, '[\\]{|}~', LF)))).toEqual(['ÄÖÜäöüß']);
    expect(texts(one(bytes(ESC, 'R', 3, '#1', LF)))).toEqual(['£1']);
  });
});

describe('double-byte mode (FS &, FS .)', () => {
  it('decodes GB18030 two- and four-byte characters in Chinese mode only', () => {
    const doc = one(bytes(FS, '&', gb('牛奶 €5 𠀀'), FS, '.', LF, gb('奶'), LF));
    expect(texts(doc)[0]).toBe('牛奶 €5 𠀀');
    expect(texts(doc)[1]).not.toBe('奶'); // outside Chinese mode the same bytes are CP437
  });

  it('a GBK character split by a style command still decodes, with the style at its last byte', () => {
    const [lead, trail] = gb('酸') as unknown as [number, number];
    const doc = one(bytes(FS, '&', gb('光明'), lead, ESC, 'E', 1, trail, gb('奶'), LF));
    expect(texts(doc)).toEqual(['光明酸奶']);
    expect(doc.lines[0]?.spans.map((s) => [s.text, s.style.bold])).toEqual([['光明', false], ['酸奶', true]]);
    expect(doc.warnings).toEqual([]);
  });

  it('a character split by a real-time command (DLE EOT) or a chunk boundary still decodes', () => {
    const [lead, trail] = gb('酸') as unknown as [number, number];
    expect(texts(one(bytes(FS, '&', lead, DLE, 0x04, 1, trail, LF)))).toEqual(['酸']);
    const four = gb('𠀀');
    const d = new StreamDecoder();
    const docs = [...d.push(bytes(FS, '&', four.subarray(0, 1))), ...d.push(four.subarray(1, 3)), ...d.push(bytes(four.subarray(3), LF)), ...d.end()];
    expect(docs[0]?.lines[0]?.text).toBe('𠀀');
  });

  it('CJK characters take two columns, so columns line up as on paper', () => {
    const doc = one(bytes(FS, '&', gb('品名'), ESC, '$', 120, 0, gb('数量'), LF, gb('牛奶ab'), ESC, '$', 120, 0, '2', LF));
    expect(doc.lines.map((l) => l.spans.map((s) => s.column))).toEqual([[0, 10], [0, 10]]);
    expect(texts(doc)).toEqual(['品名      数量', '牛奶ab    2']);
  });

  it('a lead byte cut off by a line end yields U+FFFD and a warning, then decoding resumes', () => {
    const doc = one(bytes(FS, '&', 0xb9, 0x0a, gb('好'), LF));
    expect(texts(doc)).toEqual(['\ufffd', '好']);
    expect(doc.warnings).toMatchObject([{ kind: 'undecodable-text', offset: 2 }]);
  });

  it('startInDoubleByte: a printer that powers on in Chinese mode', () => {
    expect(texts(one(bytes(gb('找零'), LF), { startInDoubleByte: true }))).toEqual(['找零']);
    expect(texts(one(bytes(ESC, '@', gb('找零'), LF), { startInDoubleByte: true }))).toEqual(['找零']);
  });

  it.each([
    ['big5', '總計'], ['shift_jis', '合計ｶﾀ'], ['euc-kr', '합계'],
  ] as const)('double-byte encoding %s as an option', (enc, s) => {
    expect(texts(one(bytes(FS, '&', iconv.encode(s, enc), LF), { encoding: enc }))).toEqual([s]);
  });

  it('FS C 1 selects Shift JIS in band; FS ( C selects UTF-8', () => {
    expect(texts(one(bytes(FS, 'C', 1, FS, '&', iconv.encode('合計', 'shift_jis'), LF)))).toEqual(['合計']);
    const doc = one(bytes(FS, '(', 'C', 2, 0, 0x30, 2, Buffer.from('Grüße 合計', 'utf8'), LF));
    expect(texts(doc)).toEqual(['Grüße 合計']);
    expect(doc.lines[0]?.spans[0]?.text).toBe('Grüße 合計');
  });

  it('round-trips the encoder output for every CJK encoding it offers', () => {
    const lines = ['光明酸奶 2 x 5.80', '合计 11.60'];
    expect(texts(one(encodeReceiptText(lines)))).toEqual(lines);
    expect(texts(one(encodeReceiptText(['合計 1,200円'], { encoding: 'shift_jis' })))).toEqual(['合計 1,200円']);
    expect(texts(one(encodeReceiptText(['總計 $30'], { encoding: 'big5' }), { encoding: 'big5' }))).toEqual(['總計 $30']);
    expect(texts(one(encodeReceiptText(['Größe 2'], { encoding: 'cp437' })))).toEqual(['Größe 2']);
    expect(texts(one(encodeReceiptText(['€ 2 合计'], { encoding: 'utf8' })))).toEqual(['€ 2 合计']);
  });
});

describe('customer display (ESC =)', () => {
  it('text sent to the display is kept apart from the receipt', () => {
    const doc = one(bytes('ITEM 5.80', LF, ESC, '=', 2, 'TOTAL 5.80', 0x0d, LF, 'THANK YOU', ESC, '=', 1, 'PAID', LF, GS, 'V', 0));
    expect(texts(doc)).toEqual(['ITEM 5.80', 'PAID']);
    expect(doc.displayText).toEqual(['TOTAL 5.80', 'THANK YOU']);
  });

  it('commands meant for the display do not change the printer', () => {
    const doc = one(bytes(ESC, '=', 2, ESC, 'E', 1, 'x', GS, 'V', 0, ESC, '=', 1, 'y', LF));
    expect(doc.lines[0]?.spans[0]?.style.bold).toBe(false);
    expect(doc.displayText).toEqual(['x']);
  });
});
