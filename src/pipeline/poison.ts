import { isDiskFull } from '../io/write-fault.js';
import type { DecodedDocument } from '../escpos/types.js';
import { MAX_HELD_BYTES } from '../escpos/limits.js';
import type { JournalRange, PipelineChunk, Position } from './pipeline.js';
import type { SavedPosition } from './position.js';

/** Starts that died at one position, after which the document there is skipped unparsed. */
export const POISON_AFTER_CRASHES = 2;
/** One more (the decoder itself dies there): its bytes are skipped undecoded, to the next job start. */
export const RAW_SKIP_AFTER_CRASHES = POISON_AFTER_CRASHES + 1;

export interface StartupGuardDeps {
  /** Persist the position with its attempt counter. */
  save(pos: Position, attempts: number): void;
  /**
   * File what was not processed (a document skipped as poison, one whose handler threw, or bytes
   * skipped undecoded) so the owner sees it: its journal range, why, and the document if decoded.
   */
  record(range: JournalRange, reason: string, doc: DecodedDocument | null): void;
  /** Journal chunks after a seq, without moving any cursor (for the undecoded skip). */
  read(afterSeq: number, max: number): PipelineChunk[];
}

const same = (a: Position, b: Position): boolean => a.seq === b.seq && a.offset === b.offset;

/**
 * The analytics process's guard against a document it dies on (out of memory, a native crash,
 * a loop the supervisor kills). Each start counts itself against the saved position before it
 * re-reads the journal, and the position is saved after every document until the start has
 * caught up; so a process that dies on the same document again and again finds the count there:
 *
 *  - after POISON_AFTER_CRASHES deaths at one position, the first document decoded there is
 *    filed as a flagged, uncounted problem (raw bytes kept in the journal) instead of parsed;
 *  - after RAW_SKIP_AFTER_CRASHES (decoding it is what kills the process), the bytes up to the
 *    next job start (ESC @ or a cut, at most MAX_HELD_BYTES) are skipped undecoded and filed so;
 *    a death right after such a skip skips on at once (the same poison, further on).
 *
 * A document handler that throws is filed the same way (never re-thrown), so one document can
 * never stop the stream. A clean stop or a start that catches up leaves the count at 0.
 */
export class StartupGuard {
  /** Where the pipeline starts (past skipped bytes, after an undecoded skip). */
  readonly start: Position;
  private readonly attempts: number;
  private poison = false;
  private starting = true;

  constructor(
    saved: SavedPosition,
    private readonly deps: StartupGuardDeps,
  ) {
    // The till's text-detection memory travels with the position (issue 11).
    let start: Position = { seq: saved.seq, offset: saved.offset, ...(saved.text === undefined ? {} : { text: saved.text }) };
    let attempts = saved.attempts;
    this.poison = attempts >= POISON_AFTER_CRASHES && attempts < RAW_SKIP_AFTER_CRASHES;
    if (attempts >= RAW_SKIP_AFTER_CRASHES) {
      const skip = skipToNextJob(deps.read, start);
      deps.record(
        { fromSeq: start.seq, fromOffset: start.offset, toSeq: skip.to.seq, toOffset: skip.to.offset },
        `analytics stopped ${attempts} times decoding the print data here: ${skip.bytes} bytes skipped undecoded to ${skip.found ? 'the next job start' : 'the scan limit'} (raw bytes kept in the journal)`,
        null,
      );
      start = saved.text === undefined ? skip.to : { ...skip.to, text: saved.text };
      // Dying again right there is the same poison further on: skip on at the next death.
      attempts = RAW_SKIP_AFTER_CRASHES - 1;
    }
    this.start = start;
    this.attempts = attempts + 1; // this start is one more try at the saved position
  }

  /** True when the first document decoded at the start position will be skipped as poison. */
  get skipsPoison(): boolean {
    return this.poison;
  }

  /** Before the first read: count this start against the position. */
  begin(): void {
    this.deps.save(this.start, this.attempts);
  }

  /** The pipeline's savePosition: while starting, the count follows the document being worked on. */
  savePosition(pos: Position): void {
    this.deps.save(pos, this.starting ? (same(pos, this.start) ? this.attempts : 1) : 0);
  }

  /** The start has read everything there was without dying: the count goes back to 0. */
  caughtUp(pos: Position): void {
    this.starting = false;
    this.poison = false;
    this.deps.save(pos, 0);
  }

  /** The pipeline's onDocument, around the real handler. */
  onDocument(doc: DecodedDocument, range: JournalRange, handle: (doc: DecodedDocument, range: JournalRange) => void): void {
    if (this.poison) {
      this.poison = false;
      if (doc.range.start === 0) {
        this.deps.record(range, `analytics stopped ${this.attempts - 1} times on this document: skipped without parsing (raw bytes kept in the journal)`, doc);
        return;
      }
    }
    try {
      handle(doc, range);
    } catch (err) {
      // A full disk is not the document's fault: let the pipeline offer it again once there is room.
      if (isDiskFull(err)) throw err;
      this.deps.record(range, `not filed: ${err instanceof Error ? err.message : String(err)} (raw bytes kept in the journal)`, doc);
    }
  }
}

/**
 * From `from`, the position of the next job start in the raw POS→printer bytes (ESC @, GS V,
 * ESC i, ESC m; not at `from` itself), without decoding; at most MAX_HELD_BYTES on (no document
 * is longer), or the end of the journal.
 */
export function skipToNextJob(read: StartupGuardDeps['read'], from: Position, maxBytes = MAX_HELD_BYTES): { to: Position; bytes: number; found: boolean } {
  let after = from.seq - 1;
  let scanned = 0;
  let prev = -1;
  let prevAt: Position = from;
  let last: Position = from;
  for (;;) {
    const chunks = read(after, 256);
    if (chunks.length === 0) return { to: last, bytes: scanned, found: false };
    for (const c of chunks) {
      after = c.seq;
      if (c.dir !== 'pos>printer') continue;
      const first = c.seq === from.seq ? Math.min(from.offset, c.bytes.length) : 0;
      for (let i = first; i < c.bytes.length; i++) {
        const byte = c.bytes[i] as number;
        if (scanned > 1 && ((prev === 0x1b && (byte === 0x40 || byte === 0x69 || byte === 0x6d)) || (prev === 0x1d && byte === 0x56))) {
          return { to: prevAt, bytes: scanned - 1, found: true };
        }
        prev = byte;
        prevAt = { seq: c.seq, offset: i };
        scanned++;
        if (scanned >= maxBytes) return { to: i + 1 < c.bytes.length ? { seq: c.seq, offset: i + 1 } : { seq: c.seq + 1, offset: 0 }, bytes: scanned, found: false };
      }
      last = { seq: c.seq + 1, offset: 0 };
    }
  }
}
