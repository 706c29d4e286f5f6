import { Interpreter } from './interpreter.js';
import { Tokenizer } from './tokenizer.js';
import type { DecodedDocument, DecoderOptions } from './types.js';

/**
 * ESC/POS bytes -> receipt documents, incrementally. Pure: no I/O, clock or logger; the caller
 * decides when an idle gap happened. Any split of the input into chunks gives the same documents
 * as one `decodeAll` of the concatenation. Document ranges are stream byte offsets [start, end).
 */
export class StreamDecoder {
  private readonly tokenizer = new Tokenizer();
  private readonly ip: Interpreter;

  constructor(opts: DecoderOptions = {}) {
    this.ip = new Interpreter(opts);
  }

  /** Stream bytes consumed so far (all bytes pushed; a partial command waits inside). */
  get offset(): number {
    return this.tokenizer.offset;
  }

  /** Stream offset where the open document begins: every byte before it is in a finished document. */
  get documentStart(): number {
    return this.ip.docStart;
  }

  /** Documents completed (by a cut, or split by the decoder's limits) within this chunk. */
  push(chunk: Uint8Array): DecodedDocument[] {
    this.tokenizer.feed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), this.ip);
    return this.ip.done.splice(0);
  }

  /**
   * The caller saw an idle gap: close the open document if it has content. The split falls after
   * the last complete token, never inside a command's arguments. A gap also ends the skipping
   * of damaged data (what follows is decoded again).
   */
  idle(): DecodedDocument[] {
    this.tokenizer.idle();
    const end = this.tokenizer.inCommand ? this.tokenizer.commandStart : this.tokenizer.offset;
    this.ip.close('idle', end);
    return this.ip.done.splice(0);
  }

  /** End of input: a partly received command is reported as truncated, the open document closed. */
  end(): DecodedDocument[] {
    this.tokenizer.end(this.ip);
    this.ip.chars.flushPending(this.ip.printerOut);
    this.ip.close('end', this.tokenizer.offset);
    return this.ip.done.splice(0);
  }
}

/** Decode a whole capture. */
export function decodeAll(bytes: Uint8Array, opts: DecoderOptions = {}): DecodedDocument[] {
  const d = new StreamDecoder(opts);
  return [...d.push(bytes), ...d.end()];
}
