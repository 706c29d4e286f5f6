import { describe, expect, it } from 'vitest';
import { decodeAll, StreamDecoder } from '../../src/escpos/decoder.js';
import { EscPosBuilder } from '../../src/escpos/encoder.js';
import type { DecodedDocument } from '../../src/escpos/types.js';
import { bytes, DLE, ESC, GS, LF, texts } from './helpers.js';

describe('documents end at parsed cuts', () => {
  it.each([
    ['GS V 0', [GS, 0x56, 0]], ['GS V 49', [GS, 0x56, 49]], ['GS V 66 n', [GS, 0x56, 66, 10]], ['GS V 65 with LF as n', [GS, 0x56, 65, LF]], ['ESC i', [ESC, 0x69]], ['ESC m', [ESC, 0x6d]],
  ])('%s', (_name, cut) => {
    const input = bytes('one', LF, cut, 'two', LF, cut);
    const docs = decodeAll(input);
    expect(docs.map((d) => [texts(d), d.endedBy])).toEqual([[['one'], 'cut'], [['two'], 'cut']]);
    expect(docs[0]?.range).toEqual({ start: 0, end: 4 + cut.length });
    expect(docs[1]?.range).toEqual({ start: 4 + cut.length, end: input.length });
  });

  it('cut-like bytes inside arguments never split (barcode data, QR data, ESC ! LF)', () => {
    const input = bytes('a', LF, GS, 'k', 73, 3, GS, 'V', 0, new EscPosBuilder().qr('\x1dV\x00\x1bi').toBuffer(), ESC, '!', GS, 'V', 1, LF, GS, 'V', 0);
    const docs = decodeAll(input);
    expect(docs).toHaveLength(1);
    expect(docs[0]?.barcodes.map((b) => b.data)).toEqual(['\x1dV\x00', '\x1dV\x00\x1bi']);
  });

  it('a cut with nothing printed before it makes no document', () => {
    const docs = decodeAll(bytes(ESC, '@', GS, 'V', 0, 'x', LF, GS, 'V', 0, ESC, '@'));
    expect(docs.map(texts)).toEqual([['x']]);
    expect(docs[0]?.range).toEqual({ start: 5, end: 10 });
  });

  it('text without a final cut ends with the input', () => {
    expect(decodeAll(bytes('tail'))).toMatchObject([{ endedBy: 'end', lines: [{ text: 'tail' }], range: { start: 0, end: 4 } }]);
  });
});

describe('idle gaps', () => {
  it('idle() closes a document that has content, and only then', () => {
    const d = new StreamDecoder();
    expect(d.idle()).toEqual([]);
    expect(d.push(bytes('r1', LF))).toEqual([]);
    const [doc] = d.idle();
    expect(doc).toMatchObject({ endedBy: 'idle', range: { start: 0, end: 3 }, lines: [{ text: 'r1' }] });
    d.push(bytes(ESC, '@'));
    expect(d.idle()).toEqual([]); // nothing printed since: stays open
    d.push(bytes('r2', LF));
    expect(d.end()).toMatchObject([{ endedBy: 'end', range: { start: 3, end: 8 }, lines: [{ text: 'r2' }] }]);
  });

  it('an idle gap in the middle of a command splits before the command, not inside it', () => {
    const d = new StreamDecoder();
    d.push(bytes('a', LF, GS, 'k', 73, 5, 'AB'));
    const [first] = d.idle();
    expect(first?.range).toEqual({ start: 0, end: 2 });
    d.push(bytes('CDE', LF));
    const [second] = d.end();
    expect(second?.range).toEqual({ start: 2, end: 12 });
    expect(second?.barcodes[0]?.data).toBe('ABCDE');
  });

  it('an unfinished line is part of the document closed by idle', () => {
    const d = new StreamDecoder();
    d.push(bytes('no newline'));
    expect(d.idle()[0]?.lines.map((l) => l.text)).toEqual(['no newline']);
    expect(d.offset).toBe(10);
  });
});

describe('real-time commands and the drawer', () => {
  it('DLE EOT / DLE ENQ inside text are recognised and leave the text whole', () => {
    const doc = decodeAll(bytes('TO', DLE, 4, 1, 'TAL', DLE, 5, 2, LF))[0] as DecodedDocument;
    expect(texts(doc)).toEqual(['TOTAL']);
    expect(doc.warnings).toEqual([]);
  });

  it('DLE DC4 1 and ESC p count as drawer kicks; DLE DC4 other functions do not', () => {
    const doc = decodeAll(bytes('x', LF, ESC, 'p', 0, 25, 250, DLE, 0x14, 1, 0, 5, DLE, 0x14, 8, 1, 3, 20, 1, 6, 2, 8))[0];
    expect(doc?.drawerKicks).toBe(2);
    expect(doc?.warnings).toEqual([]);
  });

  it('status requests (GS a, GS r, GS I, DLE EOT 7/8) print nothing', () => {
    const docs = decodeAll(bytes(GS, 'a', 0xff, GS, 'r', 1, GS, 'I', 66, DLE, 4, 7, 1, 'ok', LF));
    expect(docs.map(texts)).toEqual([['ok']]);
  });
});

describe('page mode', () => {
  it('ESC L, ESC W, ESC T and FF: the page text is decoded', () => {
    const input = new EscPosBuilder().pageMode((b) => b.line('page line').text('last'), { x: 0, y: 0, width: 512, height: 400 }).raw([ESC, 0x53]).line('std').toBuffer();
    const docs = decodeAll(input);
    expect(docs.map(texts)).toEqual([['page line', 'last', 'std']]);
    expect(docs[0]?.warnings).toEqual([]);
  });
});

describe('unknown and malformed commands', () => {
  it('an unknown ESC command costs its two bytes and a warning with the offset', () => {
    const doc = decodeAll(bytes('ab', ESC, 'Z', 'cd', LF))[0] as DecodedDocument;
    expect(texts(doc)).toEqual(['abcd']);
    expect(doc.warnings).toEqual([{ kind: 'unknown-command', offset: 2, message: 'unknown command ESC Z skipped' }]);
  });

  it('an unknown prefix followed by a control byte keeps that byte (it may start the next command)', () => {
    const doc = decodeAll(bytes(GS, ESC, 'E', 1, 'b', LF))[0] as DecodedDocument;
    expect(doc.lines[0]?.spans[0]?.style.bold).toBe(true);
    expect(doc.warnings).toMatchObject([{ kind: 'unknown-command', offset: 0 }]);
  });

  it('unknown GS ( x commands are skipped by their pL pH length', () => {
    const doc = decodeAll(bytes(GS, '(', 'z', 4, 0, 'TEXT', 'ok', LF))[0] as DecodedDocument;
    expect(texts(doc)).toEqual(['ok']);
    expect(doc.warnings).toEqual([{ kind: 'unknown-command', offset: 0, message: 'unknown command GS ( z skipped by its declared length' }]);
  });

  it('stray control bytes are ignored with a warning; NUL silently', () => {
    const doc = decodeAll(bytes('a', 0, 'b', 0x07, 'c', LF))[0] as DecodedDocument;
    expect(texts(doc)).toEqual(['abc']);
    expect(doc.warnings).toMatchObject([{ kind: 'ignored', offset: 3 }]);
  });

  it('a command cut off at the end of input is a truncated warning', () => {
    const docs = decodeAll(bytes('a', LF, ESC, '$', 10));
    expect(docs[0]?.warnings).toEqual([{ kind: 'truncated', offset: 2, message: 'ESC $ cut off by the end of input (3 bytes)' }]);
  });

  it('caps warnings per document and says how many more there were', () => {
    const doc = decodeAll(Buffer.alloc(3000, 0x07))[0] as DecodedDocument;
    expect(doc.warnings).toHaveLength(1001);
    expect(doc.warnings[1000]?.message).toBe('2000 more warnings not listed');
  });
});

describe('options from the config file', () => {
  it('the validated decoder section can be passed as it is', async () => {
    const { configFromObject } = await import('../../src/config/load.js');
    const cfg = configFromObject({ decoder: { encoding: 'big5', startInDoubleByte: true, columns: 32 } });
    const d = new StreamDecoder(cfg.decoder);
    const docs = [...d.push(Buffer.from([0xc1, 0x60, 0xad, 0x70, 0x0a])), ...d.end()]; // 總計 in Big5
    expect(docs[0]?.lines[0]?.text).toBe('總計');
  });
});
