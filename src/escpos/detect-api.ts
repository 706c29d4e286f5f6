import { StreamDecoder } from './decoder.js';
import { decide, emptyPrior, explain, type TextMode, type TextPrior } from './detect.js';
import type { DetectEncoding } from './detect-sets.js';
import { PAGE_CANDIDATES } from './detect-score.js';
import type { DecodedDocument, DecoderOptions } from './types.js';

export { decide, observe, type DocEvidence, type TextDecision, type TextPrior } from './detect.js';

/** What `tillbox doctor --detect` reports about the printer's text. */
export interface TextDetection {
  mode: TextMode;
  encoding: DetectEncoding;
  codePage: number;
  /** "GB18030", "CP866" …: the reading in force for text the POS sends without mode commands. */
  label: string;
  confidence: number;
  /** Documents with non-ASCII text the decision rests on. */
  documents: number;
  /** Why, in words: the best readings of the text seen, best first. */
  evidence: string[];
  /** The till's memory after this input (pass it back in to go on). */
  prior: TextPrior;
  /** The documents as decoded. */
  docs: DecodedDocument[];
}

/**
 * Reads captured POS→printer bytes (one buffer or several, e.g. one per print job) and says how the
 * printer's text is encoded. Pure; `prior` continues an earlier call, `opts` fixes what is known.
 */
export function detectText(input: Uint8Array | readonly Uint8Array[], prior?: TextPrior, opts: DecoderOptions = {}): TextDetection {
  const d = new StreamDecoder({ ...opts, startInDoubleByte: opts.startInDoubleByte ?? 'auto', encoding: opts.encoding ?? 'auto', codePage: opts.codePage ?? 'auto', ...(prior === undefined ? {} : { prior }) });
  const docs: DecodedDocument[] = [];
  for (const part of input instanceof Uint8Array ? [input] : input) docs.push(...d.push(part));
  docs.push(...d.end());
  const p = d.textPrior ?? prior ?? emptyPrior();
  const decision = decide(p);
  const label = decision.mode === 'double-byte' ? decision.encoding.toUpperCase() : (PAGE_CANDIDATES.find((c) => c.page === decision.codePage)?.label ?? `code page ${decision.codePage}`);
  return { ...decision, label, documents: p.evidenceDocuments, evidence: explain(d.evidenceSample()), prior: p, docs };
}
