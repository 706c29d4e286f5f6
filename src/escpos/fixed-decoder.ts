import type { DocEvidence } from './detect.js';
import type { TextSnapshot } from './evidence.js';
import { Interpreter, type InterpreterExtras, type ResolvedOptions } from './interpreter.js';
import { Tokenizer } from './tokenizer.js';
import type { DecodedDocument } from './types.js';

/**
 * ESC/POS bytes -> documents with the character settings fixed up front (what StreamDecoder does
 * when nothing is left to detect, and the engine the detecting decoder drives).
 */
export class FixedDecoder {
  private readonly tokenizer = new Tokenizer();
  private readonly ip: Interpreter;

  constructor(opts: Partial<ResolvedOptions> = {}, extras: InterpreterExtras = {}) {
    this.ip = new Interpreter(opts, extras);
  }

  get offset(): number {
    return this.tokenizer.offset;
  }

  /** Stream offset where the open document begins: every byte before it is in a finished document. */
  get documentStart(): number {
    return this.ip.docStart;
  }

  push(chunk: Uint8Array): DecodedDocument[] {
    this.tokenizer.feed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), this.ip);
    return this.ip.done.splice(0);
  }

  idle(): DecodedDocument[] {
    this.tokenizer.idle(); // a gap ends the skipping of damaged data (limits.ts)
    const end = this.tokenizer.inCommand ? this.tokenizer.commandStart : this.tokenizer.offset;
    this.ip.close('idle', end);
    return this.ip.done.splice(0);
  }

  end(): DecodedDocument[] {
    this.tokenizer.end(this.ip);
    this.ip.chars.flushPending(this.ip.printerOut);
    this.ip.close('end', this.tokenizer.offset);
    return this.ip.done.splice(0);
  }

  /** Evidence of the documents returned so far (same order), when collecting. */
  takeEvidence(): { evidence: DocEvidence; start: TextSnapshot }[] {
    return this.ip.doneEvidence.splice(0);
  }
}
