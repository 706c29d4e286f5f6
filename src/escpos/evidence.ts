import type { DocEvidence } from './detect.js';

/** Text bytes kept per document and kind of evidence: plenty to decide, bounded for a runaway document. */
export const MAX_EVIDENCE_BYTES = 8192;

/** Where the printer's character state came from since power-on / ESC @. */
export interface ExplicitText {
  /** FS &, FS . or FS ( C set the mode. */
  mode: boolean;
  /** ESC t set the code page. */
  page: boolean;
  /** FS C chose the Kanji code system. */
  encoding: boolean;
}

/** The character state at a document boundary, so a document can be decoded again from its first byte. */
export interface TextSnapshot {
  mode: 'single' | 'double' | 'utf8';
  page: number;
  intl: number;
  explicit: ExplicitText;
}

const EMPTY = new Uint8Array(0);

/** A document's text runs of one kind, a LF wherever a command came between two runs. */
class Bucket {
  private buf = new Uint8Array(MAX_EVIDENCE_BYTES);
  private size = 0;
  high = false;

  add(s: Uint8Array, start: number, end: number): void {
    const n = Math.min(MAX_EVIDENCE_BYTES - this.size, end - start);
    if (n <= 0) return;
    // A plain loop: text runs are short, and a subarray per run (a Buffer object each) costs more.
    const buf = this.buf;
    let at = this.size;
    for (let i = start; i < start + n; i++) buf[at++] = s[i] as number;
    this.size = at;
  }

  separate(): void {
    if (this.size > 0 && this.size < MAX_EVIDENCE_BYTES && this.buf[this.size - 1] !== 0x0a) this.buf[this.size++] = 0x0a;
  }

  take(): Uint8Array {
    const out = this.high ? this.buf.slice(0, this.size) : EMPTY;
    this.size = 0;
    this.high = false;
    return out;
  }
}

/**
 * Collects one document's text bytes as the interpreter prints them, sorted by what the POS had
 * said about the character state (nothing, only ESC t, or FS &). All text is kept (bounded), so
 * the evidence is the same however the stream was chunked; a kind with no high byte is dropped.
 */
export class EvidenceCollector {
  private readonly implicit = new Bucket();
  private readonly paged = new Bucket();
  private readonly dbcs = new Bucket();
  private page = 0;

  add(s: Uint8Array, start: number, end: number, mode: TextSnapshot['mode'], page: number, explicit: ExplicitText): void {
    if (mode === 'utf8') return;
    let bucket: Bucket;
    if (!explicit.mode) {
      if (explicit.page) {
        this.page = page;
        bucket = this.paged;
      } else bucket = this.implicit;
    } else if (mode === 'double' && !explicit.encoding) bucket = this.dbcs;
    else return;
    bucket.add(s, start, end);
    if (!bucket.high) {
      for (let i = start; i < end; i++) {
        if ((s[i] as number) >= 0x80) {
          bucket.high = true;
          break;
        }
      }
    }
  }

  /** A command came between text runs: a character cannot continue across it. */
  separate(): void {
    this.implicit.separate();
    this.paged.separate();
    this.dbcs.separate();
  }

  take(): DocEvidence {
    return { implicit: this.implicit.take(), paged: this.paged.take(), page: this.page, dbcs: this.dbcs.take() };
  }
}
