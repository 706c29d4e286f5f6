import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAll, StreamDecoder } from '../../src/escpos/decoder.js';
import type { DecodedDocument } from '../../src/escpos/types.js';
import { corpusAvailable, corpusFile } from '../support/corpus.js';
import { rng, syntheticReceipt } from './synthetic.js';

function chunked(input: Uint8Array, cuts: number[]): DecodedDocument[] {
  const d = new StreamDecoder();
  const out: DecodedDocument[] = [];
  let prev = 0;
  for (const c of [...cuts, input.length]) {
    out.push(...d.push(input.subarray(prev, c)));
    prev = c;
  }
  out.push(...d.end());
  expect(d.offset).toBe(input.length);
  return out;
}

function randomCuts(len: number, count: number, next: () => number): number[] {
  return Array.from({ length: count }, () => Math.floor(next() * (len + 1))).sort((a, b) => a - b);
}

const inputs: [string, Buffer][] = [['synthetic', Buffer.concat([syntheticReceipt(1), syntheticReceipt(2), syntheticReceipt(3)])]];
if (corpusAvailable('escpos')) {
  for (const f of readdirSync(corpusFile('escpos'))) inputs.push([f, readFileSync(corpusFile('escpos', f))]);
}

describe('any chunking gives the same documents as decodeAll', () => {
  for (const [name, input] of inputs) {
    it(name, () => {
      const whole = decodeAll(input);
      expect(whole.length).toBeGreaterThan(0);
      expect(chunked(input, Array.from({ length: input.length }, (_, i) => i))).toEqual(whole); // byte by byte
      const next = rng(input.length);
      for (let k = 0; k < 40; k++) expect(chunked(input, randomCuts(input.length, 1 + Math.floor(next() * 20), next))).toEqual(whole);
    });
  }

  it('the synthetic stream decodes to three receipts with their parts', () => {
    const docs = decodeAll(inputs[0]![1]);
    expect(docs.filter((d) => d.endedBy === 'cut')).toHaveLength(3);
    const first = docs[0] as DecodedDocument;
    expect(first.lines.map((l) => l.text)).toContain('光明酸奶0           1           5.80');
    expect(first.lines.some((l) => l.text.startsWith('Total €'))).toBe(true);
    expect(first.barcodes.map((b) => b.symbology)).toEqual(['EAN13', 'QR']);
    expect(first).toMatchObject({ images: 1, drawerKicks: 1, displayText: ['TOTAL', '1.00'] });
  });
});
