import type { CommandDef, Effect } from './commands.js';
import { HANDLERS } from './effects.js';
import { LineLayout } from './layout.js';
import type { DocEvidence } from './detect.js';
import { EvidenceCollector, type ExplicitText, type TextSnapshot } from './evidence.js';
import { MAX_DOCUMENT_BYTES, MAX_DOCUMENT_LINES } from './limits.js';
import { TextDecoder, type DoubleByteEncoding, type TextOut, type WidthMode } from './text.js';
import type { TokenSink } from './tokenizer.js';
import type { Align, Barcode, DecodedDocument, DecodeWarning, DecodeWarningKind, SpanStyle } from './types.js';

/** Warnings kept per document; the rest are counted in one closing warning. */
export const MAX_WARNINGS = 1000;
/** Damage warnings (oversized, split) kept beyond MAX_WARNINGS, so the parser always sees the damage. */
const MAX_DAMAGE_WARNINGS = 16;

export const PLAIN: SpanStyle = Object.freeze({ bold: false, underline: 0, inverse: false, width: 1, height: 1, font: 0 });

export const DEFAULT_TAB_STOPS: readonly number[] = Array.from({ length: 32 }, (_, k) => (k + 1) * 8);

const LINE_ENDERS: ReadonlySet<Effect> = new Set<Effect>(['lineFeed', 'feedLines', 'feedDots', 'formFeed', 'cut', 'init']);

/** The interpreter's settings: concrete values (detection, in detect-decoder.ts, picks them when config says auto). */
export interface ResolvedOptions {
  encoding: DoubleByteEncoding;
  startInDoubleByte: boolean;
  codePage: number;
  columns: number;
}

export interface InterpreterExtras {
  /** Collect each document's text bytes for detection (off: no cost). */
  evidence?: boolean;
  /** Character state to start in instead of power-on (a document decoded again from its first byte). */
  start?: TextSnapshot;
}

/**
 * The printer model the tokens drive: character state, line layout, customer display and the
 * document being assembled. Command effects live in effects.ts (one handler per effect kind).
 */
export class Interpreter implements TokenSink {
  readonly opts: ResolvedOptions;
  readonly layout: LineLayout;
  readonly chars: TextDecoder;
  readonly displayChars: TextDecoder;
  readonly done: DecodedDocument[] = [];
  /** Evidence of each document in `done`, same order (only when collecting). */
  readonly doneEvidence: { evidence: DocEvidence; start: TextSnapshot }[] = [];
  readonly evidence: EvidenceCollector | undefined;
  /** What the POS has said about the character state since power-on / ESC @. */
  explicit: ExplicitText = { mode: false, page: false, encoding: false };
  private docStartText: TextSnapshot;

  // character and line state
  style: SpanStyle = PLAIN;
  emphasized = false;
  doubleStrike = false;
  align: Align = 'left';
  tabStops: readonly number[] = DEFAULT_TAB_STOPS;
  pageMode = false;
  printerOn = true;
  displayOn = false;
  bitImageRun = false;
  readonly symbols = new Map<number, string>();

  // the open document
  docStart = 0;
  barcodes: Barcode[] = [];
  warnings: DecodeWarning[] = [];
  suppressed = 0;
  display: string[] = [];
  displayLine = '';
  drawerKicks = 0;
  images = 0;
  /** Stream offset just past the last complete token. */
  tokenEnd = 0;
  /** The open document is split at the first token at or after this offset (MAX_DOCUMENT_BYTES). */
  private splitAt = MAX_DOCUMENT_BYTES;

  readonly printerOut: TextOut = new PrinterOut(this);
  readonly displayOut: TextOut = new DisplayOut(this);

  constructor(opts: Partial<ResolvedOptions> = {}, extras: InterpreterExtras = {}) {
    this.opts = {
      encoding: opts.encoding ?? 'gb18030',
      startInDoubleByte: opts.startInDoubleByte ?? false,
      codePage: opts.codePage ?? 0,
      columns: Math.max(8, Math.min(255, Math.trunc(opts.columns ?? 48))),
    };
    this.layout = new LineLayout(this.opts.columns);
    this.layout.maxLines = MAX_DOCUMENT_LINES;
    this.chars = new TextDecoder(this.opts.encoding);
    this.displayChars = new TextDecoder(this.opts.encoding);
    this.evidence = extras.evidence === true ? new EvidenceCollector() : undefined;
    this.powerOn();
    if (extras.start !== undefined) this.restoreText(extras.start);
    this.docStartText = this.textSnapshot();
  }

  textSnapshot(): TextSnapshot {
    return { mode: this.chars.currentMode, page: this.chars.currentPage, intl: this.chars.currentIntl, explicit: { ...this.explicit } };
  }

  /** Character state the POS had set explicitly carries over; the rest comes from this interpreter's settings. */
  private restoreText(t: TextSnapshot): void {
    this.explicit = { ...t.explicit };
    this.chars.setIntlSet(t.intl, this.printerOut);
    if (t.explicit.page) this.chars.setCodePage(t.page, this.printerOut);
    if (t.explicit.mode) {
      if (t.mode === 'utf8') this.chars.setUtf8(true, this.printerOut);
      else this.chars.setDoubleByte(t.mode === 'double', this.printerOut);
    }
  }

  /** Power-on / ESC @ state. */
  powerOn(): void {
    this.style = PLAIN;
    this.emphasized = false;
    this.doubleStrike = false;
    this.align = 'left';
    this.tabStops = DEFAULT_TAB_STOPS;
    this.pageMode = false;
    this.layout.resetMargins();
    this.chars.setUtf8(false, this.printerOut);
    this.chars.setDoubleByteEncoding(this.opts.encoding, this.printerOut);
    this.chars.setIntlSet(0, this.printerOut);
    this.chars.setCodePage(this.opts.codePage, this.printerOut);
    this.chars.setDoubleByte(this.opts.startInDoubleByte, this.printerOut);
    this.explicit = { mode: false, page: false, encoding: false };
  }

  setStyle(patch: Partial<SpanStyle>): void {
    // Built field by field (no spread, no delete) so every style object keeps one fast shape.
    const s = this.style;
    const next: SpanStyle = {
      bold: this.emphasized || this.doubleStrike,
      underline: patch.underline ?? s.underline,
      inverse: patch.inverse ?? s.inverse,
      width: patch.width ?? s.width,
      height: patch.height ?? s.height,
      font: patch.font ?? s.font,
    };
    if ((patch.italic ?? s.italic) === true) next.italic = true;
    this.style = next;
  }

  // ---- TokenSink ----------------------------------------------------------------------------

  text(bytes: Buffer, start: number, end: number, offset: number): void {
    if (offset + (end - start) > this.splitAt) return this.textAtLimit(bytes, start, end, offset);
    if (this.printerOn) {
      this.evidence?.add(bytes, start, end, this.chars.currentMode, this.chars.currentPage, this.explicit);
      this.chars.decode(bytes, start, end, offset, this.printerOut);
    }
    else if (this.displayOn) this.displayChars.decode(bytes, start, end, offset, this.displayOut);
    this.tokenEnd = offset + (end - start);
  }

  command(def: CommandDef, args: Uint8Array, start: number, end: number): void {
    if (start >= this.splitAt) this.split(start);
    this.tokenEnd = end;
    const effect = def.effect;
    if (!this.printerOn && effect !== 'peripheral' && effect !== 'realtimeControl' && effect !== 'realtimeStatus') {
      // The printer is deselected (ESC = 2): only the display sees this; line ends split its text.
      if (effect === 'lineFeed' || effect === 'carriageReturn' || effect === 'formFeed') this.endDisplayLine();
      return;
    }
    // A half character survives style, position and real-time commands, not the end of its line.
    if (LINE_ENDERS.has(effect)) {
      this.chars.flushPending(this.printerOut);
      this.evidence?.separate();
    }
    HANDLERS[effect](this, args, start, end);
    if (this.layout.lines.length >= MAX_DOCUMENT_LINES) this.split(end); // after the line feed that made it full
  }

  warning(kind: DecodeWarningKind, offset: number, message: string): void {
    this.warn(kind, offset, message);
  }

  warn(kind: DecodeWarningKind, offset: number, message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ kind, offset, message });
    else if ((kind === 'oversized' || kind === 'split') && this.warnings.length < MAX_WARNINGS + MAX_DAMAGE_WARNINGS) this.warnings.push({ kind, offset, message });
    else this.suppressed++;
  }

  /** After damaged data a new job begins (ESC @): the damaged document ends before it. */
  jobStart(offset: number): void {
    this.chars.flushPending(this.printerOut);
    this.close('split', offset);
  }

  /** A text run crossing the size limit: the part before it, the split, the rest (it may cross again). */
  private textAtLimit(bytes: Buffer, start: number, end: number, offset: number): void {
    const before = Math.max(0, this.splitAt - offset);
    if (before > 0) this.text(bytes, start, start + before, offset);
    this.split(offset + before);
    this.text(bytes, start + before, end, offset + before);
  }

  /**
   * The open document reached MAX_DOCUMENT_BYTES or MAX_DOCUMENT_LINES: close it at `offset`
   * and flag both parts, so one print job without a cut never grows without bound. The byte
   * split falls where the limit is crossed inside text, else before the next command; the line
   * split after the command (a line feed) that filled the document. All are the same for any
   * chunking of the input. (Text that wraps past the line limit without a command in between is
   * counted in the layout, not kept.)
   */
  private split(offset: number): void {
    const lines = this.layout.lines.length;
    this.chars.flushPending(this.printerOut);
    this.warn('split', offset, `document reached the decoder's limit (${lines} lines, ${offset - this.docStart} bytes; at most ${MAX_DOCUMENT_LINES} lines, ${MAX_DOCUMENT_BYTES} bytes): split here`);
    const emitted = this.done.length;
    this.close('split', offset);
    if (this.done.length > emitted) this.warn('split', offset, 'continues a document split at the decoder\'s size limit');
  }

  endDisplayLine(): void {
    if (this.displayLine.length > 0) this.display.push(this.displayLine);
    this.displayLine = '';
  }

  // ---- documents ----------------------------------------------------------------------------

  /**
   * Close the open document at stream offset `end`. Cut-ended and end-of-input documents with
   * nothing in them are discarded (their bytes printed nothing); an idle gap with nothing in the
   * document leaves it open.
   */
  close(endedBy: DecodedDocument['endedBy'], end: number): void {
    this.layout.flush(this.align);
    this.endDisplayLine();
    if (this.layout.dropped > 0) {
      this.warn('split', end, `${this.layout.dropped} lines beyond the document limit of ${MAX_DOCUMENT_LINES} not kept (a long text without line feeds)`);
      this.layout.dropped = 0;
    }
    const lines = this.layout.lines;
    const hasContent =
      lines.some((l) => l.spans.length > 0) || this.barcodes.length > 0 || this.images > 0 || this.display.length > 0 || this.drawerKicks > 0 || this.warnings.length > 0;
    if (!hasContent && endedBy === 'idle') return; // blank feeds only: the document stays open, untouched
    while (lines.length > 0 && lines[lines.length - 1]?.text === '' && (lines[lines.length - 1]?.spans.length ?? 0) === 0) lines.pop();
    if (hasContent) {
      const warnings = this.warnings;
      if (this.suppressed > 0) warnings.push({ kind: 'ignored', offset: this.docStart, message: `${this.suppressed} more warnings not listed` });
      const docLines = lines.splice(0);
      this.done.push({
        lines: docLines,
        barcodes: this.barcodes.map((b) => ({ ...b, line: Math.min(b.line, docLines.length) })),
        warnings,
        range: { start: this.docStart, end },
        endedBy,
        displayText: this.display,
        drawerKicks: this.drawerKicks,
        images: this.images,
      });
      if (this.evidence !== undefined) this.doneEvidence.push({ evidence: this.evidence.take(), start: this.docStartText });
    } else this.evidence?.take();
    if (this.evidence !== undefined) this.docStartText = this.textSnapshot();
    lines.length = 0;
    this.bitImageRun = false;
    this.docStart = end;
    this.splitAt = end + MAX_DOCUMENT_BYTES;
    this.barcodes = [];
    this.warnings = [];
    this.suppressed = 0;
    this.display = [];
    this.drawerKicks = 0;
    this.images = 0;
  }
}

/** Decoded printer text goes onto the line layout with the style and alignment in force. */
class PrinterOut implements TextOut {
  constructor(private readonly ip: Interpreter) {}

  put(t: string, w: WidthMode): void {
    this.ip.bitImageRun = false;
    this.ip.layout.put(t, w, this.ip.style, this.ip.align);
  }

  undecodable(offset: number, message: string): void {
    this.ip.warn('undecodable-text', offset, message);
  }
}

/** Text for the customer display collects into its current line. */
class DisplayOut implements TextOut {
  constructor(private readonly ip: Interpreter) {}

  put(t: string): void {
    this.ip.displayLine += t;
  }

  undecodable(offset: number, message: string): void {
    this.ip.warn('undecodable-text', offset, message);
  }
}
