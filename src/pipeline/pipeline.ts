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
  wallTime: number;
  bytes: Uint8Array;
}

export interface StreamingDecoder {
  push(chunk: Uint8Array): DecodedDocument[];
  idle(): DecodedDocument[];
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

export interface PipelineDeps {
  read(afterSeq: number, max: number): PipelineChunk[];
  makeDecoder(prior?: TextPrior): StreamingDecoder;
  onDocument(doc: DecodedDocument, range: JournalRange): void;
  savePosition(pos: Position): void;
  /** Split documents after this much silence between chunks (ms, 0: never). */
  idleGapMs: number;
  batchSize?: number;
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
  private lastWall: number | null = null;
  private openStart: Position;
  /** Bytes of the first chunk read that belong to documents handed over before a restart. */
  private skip: number;
  documents = 0;

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

  /** Processes up to one batch; returns how many chunks it read (0: caught up). */
  step(nowWall?: number): number {
    const before = this.openStart;
    const chunks = this.deps.read(this.lastSeq, this.deps.batchSize ?? 500);
    for (const chunk of chunks) this.feed(chunk);
    if (chunks.length === 0 && nowWall !== undefined) this.checkIdle(nowWall);
    this.forgetConsumed();
    if (chunks.length > 0 || before !== this.openStart) this.deps.savePosition(this.position);
    return chunks.length;
  }

  /** Called when no chunk arrived for a while: closes the open document after an idle gap. */
  private checkIdle(nowWall: number): void {
    if (this.deps.idleGapMs > 0 && this.lastWall !== null && nowWall - this.lastWall >= this.deps.idleGapMs) {
      this.emit(this.decoder.idle());
      this.lastWall = null;
    }
  }

  private feed(chunk: PipelineChunk): void {
    this.lastSeq = chunk.seq;
    if (chunk.dir !== 'pos>printer') return;
    let bytes = chunk.bytes;
    if (this.skip > 0) {
      bytes = bytes.subarray(Math.min(this.skip, bytes.length));
      this.skip = 0;
    }
    if (this.deps.idleGapMs > 0 && this.lastWall !== null && chunk.wallTime - this.lastWall >= this.deps.idleGapMs) {
      this.emit(this.decoder.idle());
    }
    this.lastWall = chunk.wallTime;
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
      this.openStart = to;
    }
    const prior = this.decoder.textPrior;
    if (docs.length > 0 && prior !== undefined) this.openStart = { ...this.openStart, text: prior };
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
