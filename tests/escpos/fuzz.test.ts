import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAll, StreamDecoder } from '../../src/escpos/decoder.js';
import { MAX_DOCUMENT_LINES } from '../../src/escpos/limits.js';
import type { DecodedDocument } from '../../src/escpos/types.js';
import { corpusAvailable, corpusFile } from '../support/corpus.js';
import { rng, syntheticReceipt } from './synthetic.js';

/**
 * Fuzzing: random byte strings (uniform, and biased towards command prefixes and argument
 * selectors) plus mutated real captures. Every case must decode without an exception, with
 * document ranges that tile the input, and with output bounded by the input size.
 */
const CASES = 100_000;
const INTERESTING = [0x1b, 0x1d, 0x1c, 0x10, 0x0a, 0x09, 0x0d, 0x00, 0x28, 0x6b, 0x4c, 0x76, 0x30, 0x38, 0x2a, 0x26, 0x2e, 0x56, 0x21, 0x24, 0x44, 0x3d, 0x71, 0x70, 0x04, 0x14, 0xff, 0x81, 0xa1];

const seeds: Buffer[] = [syntheticReceipt(7)];
if (corpusAvailable('escpos')) for (const f of readdirSync(corpusFile('escpos'))) seeds.push(readFileSync(corpusFile('escpos', f)));

function randomInput(next: () => number): Uint8Array {
  const kind = next();
  if (kind < 0.4) {
    const out = new Uint8Array(Math.floor(next() * 96));
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(next() * 256);
    return out;
  }
  if (kind < 0.7) {
    const out = new Uint8Array(Math.floor(next() * 96));
    for (let i = 0; i < out.length; i++) out[i] = next() < 0.5 ? (INTERESTING[Math.floor(next() * INTERESTING.length)] as number) : Math.floor(next() * 256);
    return out;
  }
  // A mutated window of a real capture.
  const seed = seeds[Math.floor(next() * seeds.length)] as Buffer;
  const start = Math.floor(next() * seed.length);
  const bytes = Array.from(seed.subarray(start, start + 32 + Math.floor(next() * 480)));
  const mutations = 1 + Math.floor(next() * 6);
  for (let m = 0; m < mutations; m++) {
    const at = Math.floor(next() * (bytes.length + 1));
    const op = next();
    if (op < 0.3) bytes[at] = Math.floor(next() * 256);
    else if (op < 0.55) bytes.splice(at, 0, INTERESTING[Math.floor(next() * INTERESTING.length)] as number);
    else if (op < 0.8) bytes.splice(at, 1 + Math.floor(next() * 8));
    else bytes.splice(at, 0, ...bytes.slice(at, at + Math.floor(next() * 16)));
  }
  return Uint8Array.from(bytes);
}

function size(docs: DecodedDocument[]): number {
  let n = 0;
  for (const d of docs) {
    n += 1 + d.warnings.length + d.displayText.reduce((s, t) => s + t.length, 0);
    for (const l of d.lines) n += 1 + l.text.length + l.spans.reduce((s, sp) => s + 1 + sp.text.length, 0);
    for (const b of d.barcodes) n += 1 + b.data.length;
  }
  return n;
}

describe('fuzz', () => {
  it(`${CASES} random and mutated inputs: no exception, ranges tile the input, output bounded`, () => {
    const next = rng(20261123);
    let worst = 0;
    let bytesIn = 0;
    for (let c = 0; c < CASES; c++) {
      const input = randomInput(next);
      bytesIn += input.length;
      let docs: DecodedDocument[];
      if (c % 4 === 0) {
        // Streaming with an idle gap somewhere: the same guarantees hold.
        const d = new StreamDecoder({ startInDoubleByte: c % 8 === 0 });
        const cut = Math.floor(next() * (input.length + 1));
        docs = [...d.push(input.subarray(0, cut)), ...d.idle(), ...d.push(input.subarray(cut)), ...d.end()];
      } else {
        docs = decodeAll(input, { encoding: (['gb18030', 'big5', 'shift_jis', 'euc-kr'] as const)[c % 4] ?? 'gb18030' });
      }
      let pos = 0;
      for (const d of docs) {
        if (d.range.start < pos || d.range.end < d.range.start || d.range.end > input.length) {
          throw new Error(`case ${c}: bad range ${JSON.stringify(d.range)} after ${pos} for ${Buffer.from(input).toString('hex')}`);
        }
        pos = d.range.end;
      }
      const s = size(docs);
      // Per input byte: at most one line or warning plus a tab's worth of padding; feeds are capped.
      if (s > 64 * input.length + 64) throw new Error(`case ${c}: output ${s} for ${input.length} bytes: ${Buffer.from(input).toString('hex')}`);
      worst = Math.max(worst, s / Math.max(1, input.length));
    }
    expect(bytesIn).toBeGreaterThan(CASES * 40);
    expect(worst).toBeLessThanOrEqual(64);
  }, 120_000);

  it('a long hostile stream decodes in one pass (no quadratic blow-up on huge declared lengths)', () => {
    // A declared length far beyond what a printer accepts is damaged data: skipped to the next
    // document start (here: a run of text), and the text after it is bounded by the line limit.
    const huge = Buffer.from([0x1d, 0x38, 0x4c, 0xff, 0xff, 0xff, 0x7f, 0x30, 0x70]);
    const docs = decodeAll(Buffer.concat([Buffer.from('x\n'), huge, Buffer.alloc(1_000_000, 0x41)]));
    expect(docs).toHaveLength(1);
    expect(docs[0]?.lines[0]?.text).toBe('x');
    expect(docs[0]?.lines).toHaveLength(MAX_DOCUMENT_LINES);
    expect(docs[0]?.warnings.map((w) => w.kind)).toEqual(['oversized', 'split']);
    // A megabyte of unknown two-byte commands: linear, warnings capped.
    const junk = Buffer.alloc(1_000_000);
    for (let i = 0; i < junk.length; i += 2) {
      junk[i] = 0x1b;
      junk[i + 1] = 0x5a;
    }
    const [doc] = decodeAll(junk);
    expect(doc?.warnings).toHaveLength(1001);
  });
});
