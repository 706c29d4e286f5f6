import { describe, expect, it } from 'vitest';
import { decodeAll } from '../../src/escpos/decoder.js';
import { EscPosBuilder } from '../../src/escpos/encoder.js';
import { bytes, ESC, FS, GS, LF, one, texts } from './helpers.js';

/** Image data made of exactly the bytes that would hurt if read as commands or text. */
function nasty(length: number): Buffer {
  const motif = bytes(GS, 'V', 0, LF, 'TOTAL 9.99', ESC, 'i', ESC, 'm', 0x1c, '&', 0xb9, 0xfe, 0x10, 0x04, 1, ESC, '@');
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = motif[i % motif.length] as number;
  return out;
}

describe('images are skipped by their declared length, never read as text or cuts', () => {
  it('GS v 0 raster, 576 × 1200 dots (86 400 bytes)', () => {
    const img = nasty(72 * 1200);
    const doc = one(new EscPosBuilder().line('before').rasterImage(576, 1200, img).line('after').cut().toBuffer());
    expect(texts(doc)).toEqual(['before', 'after']);
    expect(doc.images).toBe(1);
    expect(doc.warnings).toEqual([]);
  });

  it('ESC * bit-image stripes (8- and 24-dot) with LF make one image and no lines', () => {
    const b = new EscPosBuilder().line('logo:');
    for (let k = 0; k < 20; k++) b.bitImage(33, 512, nasty(512 * 3));
    b.bitImage(0, 300, nasty(300)).line('text');
    const doc = one(b.toBuffer());
    expect(texts(doc)).toEqual(['logo:', 'text']);
    expect(doc.images).toBe(1);
  });

  it('GS ( L store + print, and GS 8 L with a payload beyond 64 KiB', () => {
    const small = new EscPosBuilder().graphics(400, 300, nasty(50 * 300)).line('x').toBuffer();
    expect(one(small)).toMatchObject({ images: 1, lines: [{ text: 'x' }], warnings: [] });
    const big = new EscPosBuilder().graphics(1024, 1000, nasty(128 * 1000)).line('y').toBuffer();
    expect(big[1]).toBe(0x38); // GS 8 L
    expect(one(big)).toMatchObject({ images: 1, lines: [{ text: 'y' }], warnings: [] });
  });

  it('FS p prints a stored NV image; FS q and GS * define images without printing', () => {
    const define = bytes(FS, 'q', 2, 2, 0, 3, 0, nasty(2 * 3 * 8), 1, 0, 1, 0, nasty(8)); // two NV images
    const download = bytes(GS, '*', 4, 4, nasty(4 * 4 * 8), GS, '/', 0);
    const doc = one(bytes(define, download, FS, 'p', 1, 0, 'z', LF));
    expect(texts(doc)).toEqual(['z']);
    expect(doc.images).toBe(2); // GS / and FS p print; FS q and GS * only define
    expect(doc.warnings).toEqual([]);
  });

  it('ESC & user-defined characters are skipped by their declared size', () => {
    const doc = one(bytes(ESC, '&', 3, 'A', 'B', 12, nasty(36), 12, nasty(36), 'ok', LF));
    expect(texts(doc)).toEqual(['ok']);
  });

  it('a raster image cut off by the end of input is reported as truncated, not as text', () => {
    const full = new EscPosBuilder().line('a').rasterImage(64, 100, nasty(800)).toBuffer();
    const docs = decodeAll(full.subarray(0, full.length - 300));
    expect(texts(docs[0]!)).toEqual(['a']);
    expect(docs[0]!.warnings).toMatchObject([{ kind: 'truncated', offset: 2 }]);
  });
});

describe('barcodes and 2D codes keep their payloads', () => {
  it('GS k function A (NUL-terminated) and B (length byte)', () => {
    const doc = one(bytes('caption', LF, GS, 'k', 2, '4006381333931', 0, GS, 'k', 73, 10, '{BABC-1234', LF));
    expect(doc.barcodes).toEqual([
      { kind: 'barcode', symbology: 'EAN13', data: '4006381333931', line: 1 },
      { kind: 'barcode', symbology: 'CODE128', data: '{BABC-1234', line: 1 },
    ]);
    expect(texts(doc)).toEqual(['caption']); // trailing blank lines (the feed before a cut) are trimmed
  });

  it('QR (UTF-8 payload) and PDF417 through GS ( k store and print', () => {
    const doc = one(new EscPosBuilder().qr('https://ex.example/r?店=1').pdf417('PDF-DATA').line('end').toBuffer());
    expect(doc.barcodes.map((b) => [b.kind, b.symbology, b.data])).toEqual([['qr', 'QR', 'https://ex.example/r?店=1'], ['pdf417', 'PDF417', 'PDF-DATA']]);
  });

  it('a symbol printed with nothing stored is a warning', () => {
    const doc = one(bytes(GS, '(', 'k', 3, 0, 49, 81, 48, 'x', LF));
    expect(doc.warnings).toMatchObject([{ kind: 'bad-argument', offset: 0 }]);
  });

  it('barcode text never reaches the paper lines', () => {
    const doc = one(new EscPosBuilder().barcode('CODE39', 'SECRET').line('t').toBuffer());
    expect(texts(doc).join('')).not.toContain('SECRET');
  });
});
