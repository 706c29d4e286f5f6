import { decodeAll, StreamDecoder } from '../../src/escpos/decoder.js';
import type { DecodedDocument, DecoderOptions } from '../../src/escpos/types.js';

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const LF = 0x0a;

/** Bytes from numbers, strings (latin1) and buffers. */
export function bytes(...parts: (number | string | Uint8Array | number[])[]): Buffer {
  return Buffer.concat(
    parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );
}

/** Decode and expect exactly one document. */
export function one(input: Uint8Array, opts?: DecoderOptions): DecodedDocument {
  const docs = decodeAll(input, opts);
  if (docs.length !== 1) throw new Error(`expected one document, got ${docs.length}: ${JSON.stringify(docs.map((d) => d.lines.map((l) => l.text)))}`);
  return docs[0] as DecodedDocument;
}

export const texts = (doc: DecodedDocument): string[] => doc.lines.map((l) => l.text);

/** Decodes `input` pushed in pieces split at `cuts` (stream offsets), then ends the stream. */
export function decodeInChunks(input: Uint8Array, cuts: number[], opts?: DecoderOptions): DecodedDocument[] {
  const d = new StreamDecoder(opts);
  const out: DecodedDocument[] = [];
  let prev = 0;
  for (const c of [...cuts, input.length]) {
    out.push(...d.push(input.subarray(prev, c)));
    prev = c;
  }
  return [...out, ...d.end()];
}
