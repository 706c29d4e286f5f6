import { describe, expect, it } from 'vitest';
import { EscPosBuilder } from '../../src/escpos/encoder.js';
import { bytes, ESC, GS, LF, one, texts } from './helpers.js';

describe('print modes and styles', () => {
  it('ESC E, ESC G, ESC -, GS B, ESC 4 and ESC M make styled spans', () => {
    const doc = one(bytes(ESC, 'E', 1, 'B', ESC, 'E', 0, ESC, '-', 2, 'U', ESC, '-', 0, GS, 'B', 1, 'I', GS, 'B', 0, ESC, '4', 'T', ESC, '5', ESC, 'M', 1, 'F', ESC, 'G', 1, 'D', LF));
    expect(texts(doc)).toEqual(['BUITFD']);
    const s = doc.lines[0]?.spans ?? [];
    expect(s.map((x) => [x.text, x.column])).toEqual([['B', 0], ['U', 1], ['I', 2], ['T', 3], ['F', 4], ['D', 5]]);
    expect(s[0]?.style.bold).toBe(true);
    expect(s[1]?.style).toMatchObject({ bold: false, underline: 2 });
    expect(s[2]?.style.inverse).toBe(true);
    expect(s[3]?.style.italic).toBe(true);
    expect(s[4]?.style.font).toBe(1);
    expect(s[4]?.style).not.toHaveProperty('italic');
    expect(s[5]?.style.bold).toBe(true); // double strike prints like emphasis
  });

  it('ESC ! sets font, emphasis, double height/width and underline from its bits', () => {
    const doc = one(bytes(ESC, '!', 0x08 | 0x10 | 0x20 | 0x80, 'X', ESC, '!', 0, 'y', LF));
    expect(doc.lines[0]?.spans[0]?.style).toEqual({ bold: true, underline: 1, inverse: false, width: 2, height: 2, font: 0 });
    expect(doc.lines[0]?.spans[1]).toMatchObject({ column: 2, text: 'y', style: { width: 1, bold: false } });
  });

  it('GS ! width and height 1..8 occupy that many columns', () => {
    const doc = one(bytes(GS, '!', 0x32, 'AB', GS, '!', 0, 'c', LF));
    expect(doc.lines[0]?.spans.map((s) => [s.text, s.column, s.style.width, s.style.height])).toEqual([['AB', 0, 4, 3], ['c', 8, 1, 1]]);
    expect(one(bytes(GS, '!', 0x88, 'x', LF)).warnings[0]?.kind).toBe('bad-argument');
  });

  it('contiguous text of one style is one span; the same style after a toggle still merges', () => {
    const doc = one(bytes('ab', ESC, 'E', 1, ESC, 'E', 0, 'cd', LF));
    expect(doc.lines[0]?.spans).toHaveLength(1);
    expect(doc.lines[0]?.spans[0]?.text).toBe('abcd');
  });
});

describe('alignment', () => {
  it('centres and right-aligns by the printed width, magnified characters included', () => {
    const doc = one(new EscPosBuilder().align('center').line('abcd').align('right').line('xy').size(2, 1).align('center').line('WIDE').toBuffer(), { columns: 32 });
    expect(doc.lines.map((l) => [l.text, l.align])).toEqual([[`${' '.repeat(14)}abcd`, 'center'], [`${' '.repeat(30)}xy`, 'right'], [`${' '.repeat(12)}WIDE`, 'center']]);
    expect(doc.lines[2]?.spans[0]?.column).toBe(12);
  });

  it('ESC a in the middle of a line takes effect on the next line, as on the printer', () => {
    const doc = one(bytes('left', ESC, 'a', 2, LF, 'r', LF), { columns: 20 });
    expect(texts(doc)).toEqual(['left', `${' '.repeat(19)}r`]);
  });

  it('accepts ASCII digits as ESC a arguments and warns on out-of-range ones', () => {
    expect(one(bytes(ESC, 'a', '1', 'c', LF), { columns: 11 }).lines[0]?.text).toBe('     c');
    const bad = one(bytes(ESC, 'a', 7, 'c', LF));
    expect(bad.lines[0]?.text).toBe('c');
    expect(bad.warnings).toMatchObject([{ kind: 'bad-argument', offset: 0 }]);
  });
});

describe('horizontal positions', () => {
  it('ESC $ places text at an absolute dot position (12 dots per column)', () => {
    const doc = one(bytes('Item', ESC, '$', 240, 1, '9.99', LF));
    expect(doc.lines[0]?.spans.map((s) => [s.column, s.text])).toEqual([[0, 'Item'], [41, '9.99']]);
    expect(doc.lines[0]?.text).toBe(`Item${' '.repeat(37)}9.99`);
  });

  it('ESC \\ moves relative to the current position, also backwards', () => {
    const doc = one(bytes('ab', ESC, '\\', 36, 0, 'c', ESC, '\\', 0xe8, 0xff, 'd', LF)); // +36 dots, then -24 dots
    expect(doc.lines[0]?.spans.map((s) => [s.column, s.text])).toEqual([[0, 'ab'], [5, 'c'], [4, 'd']]);
  });

  it('HT moves to the default stops every 8 columns, or to the ESC D stops', () => {
    expect(one(bytes('a', 0x09, 'b', 0x09, 'c', LF)).lines[0]?.text).toBe('a       b       c');
    const doc = one(bytes(ESC, 'D', 10, 20, 0, 'Qty', 0x09, '2', 0x09, '5.00', LF));
    expect(doc.lines[0]?.spans.map((s) => s.column)).toEqual([0, 10, 20]);
    // ESC D NUL clears every stop: HT then does nothing.
    expect(one(bytes(ESC, 'D', 0, 'a', 0x09, 'b', LF)).lines[0]?.text).toBe('ab');
  });

  it('tab stops set under double width count double columns', () => {
    const doc = one(bytes(GS, '!', 0x10, ESC, 'D', 4, 0, GS, '!', 0, 'a', 0x09, 'b', LF));
    expect(doc.lines[0]?.spans.map((s) => s.column)).toEqual([0, 8]);
  });

  it('wraps at the right margin like the printer, double-width characters included', () => {
    const doc = one(bytes('0123456789ABCDEFGHIJ', LF), { columns: 16 });
    expect(texts(doc)).toEqual(['0123456789ABCDEF', 'GHIJ']);
    const wide = one(bytes(GS, '!', 0x10, 'abcdefghij', LF), { columns: 16 });
    expect(texts(wide)).toEqual(['abcdefgh', 'ij']);
  });

  it('GS L left margin shifts the text', () => {
    const doc = one(bytes(GS, 'L', 48, 0, 'm', LF));
    expect(doc.lines[0]?.text).toBe('    m');
  });
});

describe('line feeds', () => {
  it('LF, ESC d n and ESC J print lines; CR alone is ignored', () => {
    const doc = one(bytes('a', 0x0d, LF, 'b', ESC, 'd', 3, 'c', ESC, 'J', 10, 'd', LF));
    expect(texts(doc)).toEqual(['a', 'b', '', '', 'c', 'd']);
  });

  it('caps the blank lines of a long feed', () => {
    expect(texts(one(bytes('a', ESC, 'd', 255, 'b', LF)))).toEqual(['a', '', '', '', '', 'b']);
  });

  it('ESC @ resets styles and drops an unprinted line, like the printer', () => {
    const doc = one(bytes(ESC, 'E', 1, 'lost', ESC, '@', 'plain', LF));
    expect(texts(doc)).toEqual(['plain']);
    expect(doc.lines[0]?.spans[0]?.style.bold).toBe(false);
  });
});
