import type { CommandDef } from '../escpos/commands.js';
import { Tokenizer, type TokenSink } from '../escpos/tokenizer.js';

/** What the footer hold needs to know about a POS stream: where cuts and status queries are. */
export interface StreamMark {
  /** 'end': the feed that makes a run of `tearOffFeeds` line feeds (a printer without a cutter). */
  kind: 'cut' | 'query' | 'end';
  /** Stream byte offsets [start, end) of the whole command. */
  start: number;
  end: number;
}

/**
 * The decoder's tokenizer run over the POS stream copy in the tap, with a sink that only notes
 * cuts (GS V in all forms, ESC i, ESC m) and the queries that must pass a held cut at once
 * (DLE EOT / DLE ENQ / DLE DC4, which the printer executes on receipt anyway, and GS r). Text runs
 * and every other command cost a call that returns; arguments and image data are walked by the
 * tokenizer's length rules, so a 0x1d 0x56 inside a raster image or a QR payload is never a cut.
 */
export class CutScanner implements TokenSink {
  private readonly tokenizer = new Tokenizer();
  private marks: StreamMark[] = [];
  /** Line feeds in a row so far (LF, ESC d n; CR and status queries leave the run alone). */
  private feeds = 0;

  /** `tearOffFeeds` > 0: also mark where a run of that many line feeds is reached (footer.noCutter). */
  constructor(private readonly tearOffFeeds = 0) {}

  /** Stream offset of the next byte. */
  get offset(): number {
    return this.tokenizer.offset;
  }

  /** Marks completed within `chunk` (a command that began in an earlier chunk counts here). */
  feed(chunk: Buffer): StreamMark[] {
    this.tokenizer.feed(chunk, this);
    if (this.marks.length === 0) return NONE;
    const out = this.marks;
    this.marks = [];
    return out;
  }

  /**
   * Where a partly received command that may still turn out to be a cut begins, or -1. Given the
   * chunk just fed, so only the bytes this chunk holds are looked at (a cut is at most 4 bytes; a
   * longer partial command is image data or a symbol and cannot be one).
   */
  pendingCutStart(chunk: Buffer): number {
    if (!this.tokenizer.inCommand) return -1;
    const start = this.tokenizer.commandStart;
    const from = start - (this.tokenizer.offset - chunk.length);
    if (from < 0) return couldBeCutPrefix(undefined, this.tokenizer.offset - start) ? start : -1;
    return couldBeCutPrefix(chunk.subarray(from), chunk.length - from) ? start : -1;
  }

  text(): void {
    this.feeds = 0;
  }

  command(def: CommandDef, args: Uint8Array, start: number, end: number): void {
    if (def.effect === 'cut') {
      this.feeds = 0;
      this.marks.push({ kind: 'cut', start, end });
    } else if (def.effect === 'realtimeStatus' || def.effect === 'realtimeControl' || def.name === 'GS r') this.marks.push({ kind: 'query', start, end });
    else if (this.tearOffFeeds > 0) this.feedRun(def, args, start, end);
  }

  /** A run of feeds with nothing printed between them: the tear-off at a receipt's end, marked once. */
  private feedRun(def: CommandDef, args: Uint8Array, start: number, end: number): void {
    if (def.effect === 'carriageReturn') return;
    if (def.effect !== 'lineFeed' && def.effect !== 'feedLines') {
      this.feeds = 0;
      return;
    }
    const before = this.feeds;
    this.feeds += def.effect === 'lineFeed' ? 1 : (args[0] ?? 0);
    if (before < this.tearOffFeeds && this.feeds >= this.tearOffFeeds) this.marks.push({ kind: 'end', start, end });
  }

  warning(): void {}
}

const NONE: StreamMark[] = [];
const GS_V_WITH_N = new Set([65, 66, 97, 98, 103, 104]);

/**
 * Bytes of an unfinished command that a cut could still complete: ESC or GS alone, GS V, or
 * GS V m with an m that takes one more byte. (ESC i and ESC m are complete at two bytes.)
 * `bytes` undefined: the command began in an earlier chunk; only its length is known.
 */
export function couldBeCutPrefix(bytes: Buffer | undefined, length: number): boolean {
  if (length > 3) return false;
  if (bytes === undefined || bytes.length !== length) return length <= 3; // be safe: hold it briefly
  const b0 = bytes[0];
  if (length === 1) return b0 === 0x1b || b0 === 0x1d;
  if (b0 !== 0x1d || bytes[1] !== 0x56) return false;
  return length === 2 || GS_V_WITH_N.has(bytes[2] as number);
}
