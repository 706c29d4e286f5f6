import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { EscPosBuilder, encodeReceiptText } from '../../src/escpos/encoder.js';

describe('encodeReceiptText', () => {
  it('wraps GB18030 text in ESC @, FS &, LF lines and a feed-and-cut', () => {
    const out = encodeReceiptText(['光明酸奶 5.80', 'TOTAL 5.80']);
    const body = Buffer.concat([iconv.encode('光明酸奶 5.80', 'gb18030'), Buffer.from([0x0a]), Buffer.from('TOTAL 5.80\n')]);
    expect(out).toEqual(Buffer.concat([Buffer.from([0x1b, 0x40, 0x1c, 0x26]), body, Buffer.from([0x1d, 0x56, 66, 3])]));
  });

  it('leaves double-byte mode off for ASCII-only text and can skip the cut', () => {
    const out = encodeReceiptText(['HELLO'], { cut: false });
    expect(out).toEqual(Buffer.from([0x1b, 0x40, ...Buffer.from('HELLO'), 0x0a]));
  });

  it('selects CP437, UTF-8 and Shift JIS in band', () => {
    expect(encodeReceiptText(['Größe'], { encoding: 'cp437', cut: false }).subarray(0, 5)).toEqual(Buffer.from([0x1b, 0x40, 0x1b, 0x74, 0]));
    expect(encodeReceiptText(['€1'], { encoding: 'utf8', cut: false }).subarray(2, 9)).toEqual(Buffer.from([0x1c, 0x28, 0x43, 2, 0, 0x30, 2]));
    expect(encodeReceiptText(['カタ'], { encoding: 'shift_jis', cut: false }).subarray(2, 7)).toEqual(Buffer.from([0x1c, 0x43, 1, 0x1c, 0x26]));
  });
});

describe('EscPosBuilder', () => {
  it('writes the documented byte sequences', () => {
    const b = new EscPosBuilder().init().align('center').bold(true).size(2, 3).text('A').newline().cut().drawerKick();
    expect(b.toBuffer()).toEqual(Buffer.from([0x1b, 0x40, 0x1b, 0x61, 1, 0x1b, 0x45, 1, 0x1d, 0x21, 0x12, 0x41, 0x0a, 0x1d, 0x56, 0, 0x1b, 0x70, 0, 25, 250]));
  });

  it('sizes image payloads by their declared dimensions', () => {
    const raster = new EscPosBuilder().rasterImage(100, 20).toBuffer();
    expect(raster.length).toBe(8 + 13 * 20);
    const big = new EscPosBuilder().graphics(2000, 300).toBuffer(); // > 64 KiB: GS 8 L
    expect(big.subarray(0, 3)).toEqual(Buffer.from([0x1d, 0x38, 0x4c]));
    expect(big.readUInt32LE(3)).toBe(10 + 250 * 300);
  });

  it('stores and prints a QR code', () => {
    const qr = new EscPosBuilder().qr('https://x.example/1').toBuffer();
    expect(qr.includes(Buffer.from('https://x.example/1'))).toBe(true);
    expect(qr.subarray(-8)).toEqual(Buffer.from([0x1d, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30]));
  });
});
