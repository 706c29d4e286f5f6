import type { DocEvidence, TextPrior } from './detect.js';
import { DetectingDecoder, fixedPartsOf } from './detect-decoder.js';
import { FixedDecoder } from './fixed-decoder.js';
import type { DecodedDocument, DecoderOptions } from './types.js';

/**
 * ESC/POS bytes -> receipt documents, incrementally. Pure: no I/O, clock or logger; the caller
 * decides when an idle gap happened. Any split of the input into chunks gives the same documents
 * as one `decodeAll` of the concatenation. Document ranges are stream byte offsets [start, end).
 * Settings left `auto` (the default) are detected per document (detect-decoder.ts).
 */
export class StreamDecoder {
  private readonly impl: FixedDecoder | DetectingDecoder;

  constructor(opts: DecoderOptions = {}) {
    const fixed = fixedPartsOf(opts);
    this.impl =
      fixed.complete !== undefined ? new FixedDecoder({ ...fixed.complete, columns: opts.columns ?? 48 }) : new DetectingDecoder(opts);
  }

  /** Stream bytes consumed so far (all bytes pushed; a partial command waits inside). */
  get offset(): number {
    return this.impl.offset;
  }

  /** Stream offset where the open document begins: every byte before it is in a finished document. */
  get documentStart(): number {
    return this.impl.documentStart;
  }

  /** The till's detection memory after the documents returned so far (undefined: nothing is detected). */
  get textPrior(): TextPrior | undefined {
    return this.impl instanceof DetectingDecoder ? this.impl.prior : undefined;
  }

  /** The text seen so far (bounded) as evidence, for explaining the decision (empty when nothing is detected). */
  evidenceSample(): DocEvidence {
    return this.impl instanceof DetectingDecoder ? this.impl.evidenceSample() : { implicit: new Uint8Array(0), paged: new Uint8Array(0), page: 0, dbcs: new Uint8Array(0) };
  }

  /** Documents completed (by a cut, or split by the decoder's limits) within this chunk. */
  push(chunk: Uint8Array): DecodedDocument[] {
    return this.impl.push(chunk);
  }

  /**
   * The caller saw an idle gap: close the open document if it has content. The split falls after
   * the last complete token, never inside a command's arguments. A gap also ends the skipping
   * of damaged data (what follows is decoded again).
   */
  idle(): DecodedDocument[] {
    return this.impl.idle();
  }

  /** End of input: a partly received command is reported as truncated, the open document closed. */
  end(): DecodedDocument[] {
    return this.impl.end();
  }
}

/** Decode a whole capture. */
export function decodeAll(bytes: Uint8Array, opts: DecoderOptions = {}): DecodedDocument[] {
  const d = new StreamDecoder(opts);
  return [...d.push(bytes), ...d.end()];
}
