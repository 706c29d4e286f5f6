import { concat, decide, emptyPrior, observe, type DocEvidence, type FixedText, type TextDecision, type TextPrior } from './detect.js';
import type { DetectEncoding } from './detect-sets.js';
import type { TextSnapshot } from './evidence.js';
import { FixedDecoder } from './fixed-decoder.js';
import type { ResolvedOptions } from './interpreter.js';
import type { DecodedDocument, DecoderOptions } from './types.js';

/**
 * The decoder when some character setting is `auto`. It decodes with the till's current decision
 * and keeps the raw bytes of the open document; at each document's end it adds the document's
 * evidence to the till's prior and decides again. When the decision differs from what the
 * document was decoded with, the document is decoded again from its first byte (the character
 * state the POS had set explicitly carries over; the rest of the decoder state starts afresh),
 * and so is everything after it in the buffer. Deterministic in the bytes, so any chunking gives
 * the same documents as decodeAll.
 */
export function fixedPartsOf(opts: DecoderOptions): { fixed: FixedText; complete?: Omit<ResolvedOptions, 'columns'> } {
  const fixed: FixedText = {};
  const dbl = opts.startInDoubleByte;
  if (dbl === true || dbl === 'true') fixed.doubleByte = true;
  else if (dbl === false || dbl === 'false') fixed.doubleByte = false;
  if (opts.encoding !== undefined && opts.encoding !== 'auto') fixed.encoding = opts.encoding === 'gbk' ? 'gb18030' : opts.encoding;
  const page = typeof opts.codePage === 'string' && opts.codePage !== 'auto' ? Number(opts.codePage) : opts.codePage;
  if (typeof page === 'number' && Number.isInteger(page) && page >= 0 && page <= 255) fixed.codePage = page;
  const explicitEncoding = opts.encoding !== undefined && opts.encoding !== 'auto' ? opts.encoding : undefined;
  // A Korean, Japanese or Taiwanese encoding named alone implies its printer's double-byte mode.
  if (fixed.doubleByte === undefined && explicitEncoding !== undefined && explicitEncoding !== 'gb18030' && explicitEncoding !== 'gbk') fixed.doubleByte = true;
  if (fixed.doubleByte !== undefined && explicitEncoding !== undefined && (fixed.codePage !== undefined || fixed.doubleByte)) {
    return { fixed, complete: { startInDoubleByte: fixed.doubleByte, encoding: explicitEncoding, codePage: fixed.codePage ?? 0 } };
  }
  return { fixed };
}

function settingsOf(d: TextDecision, fixed: FixedText, gbk: boolean): Omit<ResolvedOptions, 'columns'> {
  const encoding = d.encoding === 'gb18030' && gbk && fixed.encoding === 'gb18030' ? 'gbk' : d.encoding;
  return { startInDoubleByte: d.mode === 'double-byte', encoding, codePage: d.codePage };
}

/**
 * The settings a document needs: a choice the document's bytes do not depend on stays as it is
 * (the code page of a double-byte document, the encoding of a single-byte one), so a change there
 * never causes a second decode.
 */
function needed(d: TextDecision, now: Omit<ResolvedOptions, 'columns'>, ev: DocEvidence, fixed: FixedText, gbk: boolean): Omit<ResolvedOptions, 'columns'> {
  const want = settingsOf(d, fixed, gbk);
  const dbl = want.startInDoubleByte;
  const encodingMatters = dbl || ev.dbcs.length > 0;
  return { startInDoubleByte: dbl, encoding: encodingMatters ? want.encoding : now.encoding, codePage: dbl ? now.codePage : want.codePage };
}

const same = (a: Omit<ResolvedOptions, 'columns'>, b: Omit<ResolvedOptions, 'columns'>): boolean =>
  a.startInDoubleByte === b.startInDoubleByte && a.encoding === b.encoding && a.codePage === b.codePage;

/** Text kept for `evidenceSample`. */
const MAX_SAMPLE = 16384;
const LF = Uint8Array.of(0x0a);

/** Bytes fed to the engine per step, so a decision change re-reads only up to where it is noticed. */
const SLICE = 65536;

export class DetectingDecoder {
  prior: TextPrior;
  private readonly fixed: FixedText;
  private readonly gbk: boolean;
  private readonly columns: number;
  private settings: Omit<ResolvedOptions, 'columns'>;
  private inner: FixedDecoder;
  /** Stream offset where `inner` started, and up to which it has been fed. */
  private base = 0;
  private fed = 0;
  /** Raw bytes from `bufStart` to `total` (the end of the stream so far), as pushed. */
  private chunks: Uint8Array[] = [];
  private bufStart = 0;
  private total = 0;
  /** Restarts so far; the first document after a restart is taken as decided. */
  private restarts = 0;
  private replayFirst = false;
  private restartEnd = 0;
  /** Text of the documents handed out (bounded), for explaining the decision to a person. */
  private readonly sample: Uint8Array[] = [];
  private sampleSize = 0;

  constructor(opts: DecoderOptions) {
    this.fixed = fixedPartsOf(opts).fixed;
    this.gbk = opts.encoding === 'gbk';
    this.columns = opts.columns ?? 48;
    this.prior = opts.prior ?? emptyPrior(this.fixed);
    this.settings = settingsOf(decide(this.prior, this.fixed), this.fixed, this.gbk);
    this.inner = new FixedDecoder({ ...this.settings, columns: this.columns }, { evidence: true });
  }

  get offset(): number {
    return this.base + this.inner.offset;
  }

  /** Where the open document begins (after a restart: the re-read document's first byte). */
  get documentStart(): number {
    return this.base + this.inner.documentStart;
  }

  push(chunk: Uint8Array): DecodedDocument[] {
    if (chunk.length > 0) {
      this.chunks.push(Buffer.from(chunk)); // a copy (memcpy): the caller may reuse its buffer
      this.total += chunk.length;
    }
    return this.feedTo(this.total);
  }

  idle(): DecodedDocument[] {
    let r = this.restarts;
    const out = this.settle(this.inner.idle());
    while (this.restarts !== r) {
      r = this.restarts;
      out.push(...this.feedTo(this.restartEnd), ...this.settle(this.inner.idle()));
    }
    out.push(...this.feedTo(this.total));
    return out;
  }

  end(): DecodedDocument[] {
    const out: DecodedDocument[] = [];
    for (;;) {
      out.push(...this.feedTo(this.total));
      const r = this.restarts;
      out.push(...this.settle(this.inner.end()));
      if (this.restarts === r) return out;
    }
  }

  private feedTo(limit: number): DecodedDocument[] {
    const out: DecodedDocument[] = [];
    while (this.fed < limit) {
      const slice = this.bytesAt(this.fed, Math.min(SLICE, limit - this.fed));
      this.fed += slice.length;
      out.push(...this.settle(this.inner.push(slice)));
    }
    return out;
  }

  private settle(docs: DecodedDocument[]): DecodedDocument[] {
    const evidence = this.inner.takeEvidence();
    const out: DecodedDocument[] = [];
    for (let k = 0; k < docs.length; k++) {
      const doc = shift(docs[k] as DecodedDocument, this.base);
      const ev = evidence[k];
      if (ev === undefined) {
        out.push(doc);
        continue;
      }
      const next = observe(this.prior, ev.evidence, this.fixed);
      const d = decide(next, this.fixed);
      const want = needed(d, this.settings, ev.evidence, this.fixed, this.gbk);
      if (same(want, this.settings) || this.replayFirst) {
        this.replayFirst = false;
        this.prior = next;
        out.push(annotate(doc, d, next, ev.evidence));
        this.keepSample(ev.evidence);
        this.trim(doc.range.end);
        continue;
      }
      this.restart(doc, want, ev.start);
      return out;
    }
    return out;
  }

  /** Decode again from `doc`'s first byte with `want`; the documents after it in this batch are dropped and re-read. */
  private restart(doc: DecodedDocument, want: Omit<ResolvedOptions, 'columns'>, start: TextSnapshot): void {
    this.settings = want;
    this.inner = new FixedDecoder({ ...want, columns: this.columns }, { evidence: true, start });
    this.base = doc.range.start;
    this.fed = doc.range.start;
    this.restartEnd = doc.range.end;
    this.replayFirst = true;
    this.restarts++;
  }

  private keepSample(ev: DocEvidence): void {
    for (const part of [ev.implicit, ev.paged, ev.dbcs]) {
      if (part.length === 0 || this.sampleSize >= MAX_SAMPLE) continue;
      this.sample.push(part.subarray(0, MAX_SAMPLE - this.sampleSize), LF);
      this.sampleSize += Math.min(part.length, MAX_SAMPLE - this.sampleSize) + 1;
    }
  }

  /** The text seen so far (bounded) as one piece of evidence: what `explain` words the decision from. */
  evidenceSample(): DocEvidence {
    return { implicit: concat(this.sample), paged: new Uint8Array(0), page: 0, dbcs: new Uint8Array(0) };
  }

  /** Up to `n` buffered bytes from stream offset `pos`, within one pushed chunk. */
  private bytesAt(pos: number, n: number): Uint8Array {
    let at = this.bufStart;
    for (const c of this.chunks) {
      if (pos < at + c.length) return c.subarray(pos - at, Math.min(c.length, pos - at + n));
      at += c.length;
    }
    return new Uint8Array(0);
  }

  /** Forget bytes before `pos` (a document boundary already handed out). */
  private trim(pos: number): void {
    while (this.chunks.length > 0) {
      const first = this.chunks[0] as Uint8Array;
      if (this.bufStart + first.length > pos) break;
      this.bufStart += first.length;
      this.chunks.shift();
    }
  }
}

function shift(doc: DecodedDocument, base: number): DecodedDocument {
  if (base === 0) return doc;
  doc.range = { start: doc.range.start + base, end: doc.range.end + base };
  for (const w of doc.warnings) w.offset += base;
  return doc;
}

/** Box drawing and block elements, U+FFFD, and the CP437 math signs CJK text turns into. */
const isMojibake = (c: number): boolean => (c >= 0x2500 && c <= 0x259f) || c === 0xfffd || c === 0x2320 || c === 0x2321 || c === 0x2310 || c === 0x2261 || c === 0x2248 || c === 0x221a || c === 0x207f;

function annotate(doc: DecodedDocument, d: TextDecision, prior: TextPrior, ev: DocEvidence): DecodedDocument {
  const highOf = (part: Uint8Array): number => {
    let n = 0;
    for (let i = 0; i < part.length; i++) if ((part[i] as number) >= 0x80) n++;
    return n;
  };
  const own = highOf(ev.implicit) + highOf(ev.paged);
  const commandedHigh = highOf(ev.dbcs);
  const high = own + commandedHigh;
  let nonAscii = 0;
  let bad = 0;
  if (high > 0) {
    for (const line of doc.lines) {
      const t = line.text;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c < 0x80 || (c >= 0xdc00 && c <= 0xdfff)) continue; // ASCII, or the second half of a surrogate pair
        nonAscii++;
        if (isMojibake(c)) bad++;
      }
    }
  }
  doc.text = {
    mode: d.mode,
    encoding: d.encoding as DetectEncoding,
    codePage: d.codePage,
    confidence: d.confidence,
    documents: prior.evidenceDocuments,
    highBytes: high,
    commanded: commandedHigh > 0 && own === 0,
    mojibake: nonAscii === 0 ? 0 : Math.round((1000 * bad) / nonAscii) / 1000,
  };
  return doc;
}
