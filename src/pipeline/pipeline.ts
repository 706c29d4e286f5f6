import type { TextPrior } from '../escpos/detect.js';
import type { DecodedDocument } from '../escpos/types.js';

/**
 * Journal → decoder → parser → ledger, one step at a time, restartable and idempotent.
 *
 * The pipeline reads POS→printer chunks after its position, feeds them to a streaming decoder,
 * and hands every completed document to `onDocument` together with the journal range it came
 * from. Its position is the start of the document still open in the decoder (chunk seq and the
 * byte offset inside that chunk), so a restart re-decodes that document from its first byte and
 * nothing is lost; documents finished before the crash may be handed over again, which is why
 * the stages after it are idempotent (a receipt's id is derived from its content).
 */
export interface PipelineChunk {
  seq: number;
  /** 'pos>printer' chunks are receipts; the printer's status replies are skipped here. */
  dir: string;
  /** Wall clock at capture: a label for people, never used to split or order (it jumps). */
  wallTime: number;
  /** CLOCK_MONOTONIC at capture, µs: what idle gaps are measured on. */
  monoUs: number;
  /** The boot that monoUs belongs to: monotonic readings of different boots are not comparable. */
  bootId: string;
  /** The tap started or its POS side was reopened just before this chunk: always a boundary. */
  linkBreak?: boolean;
  bytes: Uint8Array;
}

/** A point on the monotonic clock (the caller's "now" for the idle check, or a chunk's capture). */
export interface MonoInstant {
  monoUs: number;
  bootId: string;
}

export interface StreamingDecoder {
  push(chunk: Uint8Array): DecodedDocument[];
  idle(): DecodedDocument[];
  /**
   * Stream offset where the open document begins. Lets the position move past documents with
   * nothing in them (never handed over), so no stretch of the stream holds it back for long.
   */
  readonly documentStart?: number;
  /** The till's text-detection memory after the documents returned so far (issue 11). */
  readonly textPrior?: TextPrior | undefined;
}

export interface Position {
  /** First chunk of the open document. */
  seq: number;
  /** Bytes of that chunk that belong to documents already handed over. */
  offset: number;
  /** The till's text-detection memory at that point, so one short receipt after a restart cannot flip it. */
  text?: TextPrior;
}

export interface JournalRange {
  fromSeq: number;
  fromOffset: number;
  toSeq: number;
  toOffset: number;
}

/**
 * The last journal seq holding bytes of the range. The end is exclusive: a document that ends
 * exactly at a chunk boundary (a cut at the end of a write, or one closed by the idle gap when
 * the next write came) ends at (next seq, offset 0), which holds none of its bytes. Filed as the
 * ledger's journal_to, that next seq made a receipt printed before the printer went down count
 * as not printed when the next one was not (issue 15, found through the real daemon).
 */
export function lastSeqOf(range: JournalRange): number {
  return range.toOffset === 0 && range.toSeq > range.fromSeq ? range.toSeq - 1 : range.toSeq;
}

export interface PipelineDeps {
  read(afterSeq: number, max: number): PipelineChunk[];
  makeDecoder(prior?: TextPrior): StreamingDecoder;
  onDocument(doc: DecodedDocument, range: JournalRange): void;
  savePosition(pos: Position): void;
  /** Split documents after this much silence between chunks, on the monotonic clock (ms, 0: never). */
  idleGapMs: number;
  batchSize?: number;
  /**
   * True while bytes the tap has received are not yet in the journal (its writer is behind): the
   * silence the pipeline sees is then the writer's lag, not the till's, and is no idle gap. Without
   * it, a busy box split receipts in two whenever the writer fell more than idleGapMs behind.
   */
  moreComing?: () => boolean;
}

interface Fed {
  seq: number;
  streamStart: number;
  length: number;
}

export class Pipeline {
  private readonly deps: PipelineDeps;
  private decoder: StreamingDecoder;
  private streamOffset = 0;
  private fed: Fed[] = [];
  private lastSeq: number;
  /** Capture instant of the last POS chunk fed to the open document; null after an idle split. */
  private last: MonoInstant | null = null;
  private openStart: Position;
  /** openStart as a decoder stream offset. */
  private openStream = 0;
  /** Bytes of the first chunk read that belong to documents handed over before a restart. */
  private skip: number;
  documents = 0;
  /**
   * Save the position after every document handed over, not only once per step: the analytics
   * process sets it while it re-reads after a start, so a crash points at the very document.
   */
  saveEachDocument = false;

  constructor(deps: PipelineDeps, start: Position) {
    this.deps = deps;
    this.decoder = deps.makeDecoder(start.text);
    this.openStart = { ...start };
    this.lastSeq = start.seq - 1;
    this.skip = start.offset;
  }

  get position(): Position {
    return { ...this.openStart };
  }

  /**
   * Processes up to one batch; returns how many chunks it read (0: caught up). `now`, the
   * caller's monotonic clock, lets a caught-up pipeline close a document after an idle gap.
   */
  step(now?: MonoInstant): number {
    const before = this.openStart;
    const chunks = this.deps.read(this.lastSeq, this.deps.batchSize ?? 500);
    for (const chunk of chunks) this.feed(chunk);
    if (chunks.length === 0 && now !== undefined) this.checkIdle(now);
    this.forgetConsumed();
    if (chunks.length > 0 || before !== this.openStart) this.deps.savePosition(this.position);
    return chunks.length;
  }

  /** Called when no chunk arrived for a while: closes the open document after an idle gap. */
  private checkIdle(now: MonoInstant): void {
    if (this.last !== null && this.gapBetween(this.last, now) && this.deps.moreComing?.() !== true) {
      this.emit(this.decoder.idle());
      this.last = null;
    }
  }

  /**
   * Whether `next` comes after an idle gap since `prev`. Measured on CLOCK_MONOTONIC, which a
   * wall-clock step (NTP, a day forward, an hour back) does not move. That clock is per boot, not
   * per process (process.hrtime reads it), so readings stay comparable across tap restarts and the
   * gap is the real silence. Across a reboot (another boot id) they are not comparable, and the tap
   * was down in between: that is a boundary. So is a reading that goes backwards (a reboot the
   * boot id could not reveal, e.g. boot id 'unknown').
   */
  private gapBetween(prev: MonoInstant, next: MonoInstant): boolean {
    if (this.deps.idleGapMs <= 0) return false;
    if (prev.bootId !== next.bootId) return true;
    const us = next.monoUs - prev.monoUs;
    return us < 0 || us >= this.deps.idleGapMs * 1000;
  }

  private feed(chunk: PipelineChunk): void {
    this.lastSeq = chunk.seq;
    if (chunk.dir !== 'pos>printer') return;
    let bytes = chunk.bytes;
    if (this.skip > 0) {
      bytes = bytes.subarray(Math.min(this.skip, bytes.length));
      this.skip = 0;
    }
    if (this.last !== null && (chunk.linkBreak === true || this.gapBetween(this.last, chunk))) this.emit(this.decoder.idle());
    this.last = { monoUs: chunk.monoUs, bootId: chunk.bootId };
    const skipped = chunk.bytes.length - bytes.length;
    this.fed.push({ seq: chunk.seq, streamStart: this.streamOffset - skipped, length: chunk.bytes.length });
    this.streamOffset += bytes.length;
    this.emit(this.decoder.push(bytes));
  }

  private emit(docs: DecodedDocument[]): void {
    for (const doc of docs) {
      const from = this.locate(doc.range.start);
      const to = this.locate(doc.range.end);
      this.deps.onDocument(doc, { fromSeq: from.seq, fromOffset: from.offset, toSeq: to.seq, toOffset: to.offset });
      this.documents++;
      this.advance(to, doc.range.end);
    }
    const start = this.decoder.documentStart;
    if (start !== undefined && start > this.openStream) this.advance(this.locate(start), start);
  }

  /** The position moves to `to`, carrying the till's text-detection memory (after the documents returned so far). */
  private advance(to: Position, streamPos: number): void {
    const text = this.decoder.textPrior ?? this.openStart.text;
    this.openStart = text === undefined ? to : { ...to, text };
    this.openStream = streamPos;
    if (this.saveEachDocument) this.deps.savePosition(this.position);
  }

  /** Maps a decoder stream offset to (chunk seq, offset within the chunk). */
  private locate(streamPos: number): Position {
    for (const f of this.fed) {
      if (streamPos < f.streamStart + f.length) return { seq: f.seq, offset: Math.max(0, streamPos - f.streamStart) };
    }
    const last = this.fed[this.fed.length - 1];
    return last === undefined ? { ...this.openStart } : { seq: last.seq + 1, offset: 0 };
  }

  /** Forgets chunks wholly before the open document. */
  private forgetConsumed(): void {
    this.fed = this.fed.filter((f) => f.seq >= this.openStart.seq);
  }
}
