import type { Align, DocLine, Span, SpanStyle } from './types.js';
import type { WidthMode } from './text.js';

/**
 * Places decoded text on the print line the way the printer does: a position in columns of
 * font A single-width cells, characters that occupy `cells × width multiplier` columns, absolute
 * and relative positions in dots (12 dots per font-A column, 1 motion unit = 1 dot), tab stops,
 * automatic wrap at the right margin, and the alignment in force when the line began.
 */
export const DOTS_PER_COLUMN = 12;

export function sameStyle(a: SpanStyle, b: SpanStyle): boolean {
  return a === b || (a.bold === b.bold && a.underline === b.underline && a.inverse === b.inverse && a.width === b.width && a.height === b.height && a.font === b.font && a.italic === b.italic);
}

/** East Asian Wide / Fullwidth code points (UAX #11), two columns when printed in UTF-8 mode. */
export function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

export class LineLayout {
  readonly lines: DocLine[] = [];
  /** Lines kept at most (the document limit); lines beyond it are counted in `dropped`, not kept. */
  maxLines = Number.POSITIVE_INFINITY;
  dropped = 0;
  // Spans of the line under construction (columns before alignment) and where each ends on paper.
  private spans: Span[] = [];
  private readonly ends: number[] = [];
  private col = 0;
  private lineAlign: Align | undefined;
  private hasImage = false;
  /** Columns per line of font A. */
  private readonly columns: number;
  private margin = 0;
  private width: number;

  constructor(columns: number) {
    this.columns = columns;
    this.width = columns;
  }

  /** True when the line under construction holds text or a position move. */
  get dirty(): boolean {
    return this.spans.length > 0 || this.col > 0 || this.hasImage;
  }

  setLeftMargin(dots: number): void {
    this.margin = Math.min(this.columns - 1, Math.floor(dots / DOTS_PER_COLUMN));
    this.width = Math.max(1, Math.min(this.width, this.columns - this.margin));
  }

  setPrintWidth(dots: number): void {
    this.width = Math.max(1, Math.min(this.columns - this.margin, Math.floor(dots / DOTS_PER_COLUMN) || this.columns));
  }

  resetMargins(): void {
    this.margin = 0;
    this.width = this.columns;
  }

  put(text: string, widthMode: WidthMode, style: SpanStyle, align: Align): void {
    if (text.length === 0) return;
    if (this.lineAlign === undefined) this.lineAlign = align;
    const mul = style.width;
    // Fast path: one-column text (never surrogate pairs: single-byte pages, ASCII) that fits.
    if (widthMode === 1 && this.col + text.length * mul <= this.width) {
      this.append(text, text.length * mul, style);
      return;
    }
    for (const ch of text) {
      const cp = ch.codePointAt(0) as number;
      const cells = (widthMode === 0 ? (isWide(cp) ? 2 : 1) : widthMode) * mul;
      if (this.col + cells > this.width && this.col > 0) {
        this.endLine(align); // the printer wraps at the right margin
        this.lineAlign = align;
      }
      this.append(ch, cells, style);
    }
  }

  private append(text: string, cells: number, style: SpanStyle): void {
    const k = this.spans.length - 1;
    const last = this.spans[k];
    if (last !== undefined && this.ends[k] === this.col && sameStyle(last.style, style)) {
      last.text += text;
      this.ends[k] = this.col + cells;
    } else {
      this.ends[this.spans.length] = this.col + cells;
      this.spans.push({ column: this.col, text, style });
    }
    this.col += cells;
  }

  /** HT: next tab stop to the right, if any inside the line. */
  tab(stops: readonly number[], align: Align): void {
    let next = -1;
    for (const s of stops) {
      if (s > this.col) {
        next = s;
        break;
      }
    }
    if (next < 0 || next > this.width) return;
    if (this.lineAlign === undefined) this.lineAlign = align;
    this.col = next;
  }

  absolute(dots: number, align: Align): void {
    const col = Math.floor(dots / DOTS_PER_COLUMN);
    if (col > this.width) return; // out of the print area: ignored, as the printer does
    if (this.lineAlign === undefined) this.lineAlign = align;
    this.col = col;
  }

  relative(dots: number, align: Align): void {
    const target = this.col * DOTS_PER_COLUMN + dots;
    if (target < 0 || target > this.width * DOTS_PER_COLUMN) return;
    if (this.lineAlign === undefined) this.lineAlign = align;
    this.col = Math.floor(target / DOTS_PER_COLUMN);
  }

  markImage(): void {
    this.hasImage = true;
  }

  /** Print the line buffer and move to the next line (LF). An image-only line adds no text line. */
  endLine(align: Align): void {
    if ((this.spans.length === 0 && this.hasImage) || this.lines.length >= this.maxLines) {
      if (!this.hasImage || this.spans.length > 0) this.dropped++;
      this.reset();
      return;
    }
    const lineAlign = this.lineAlign ?? align;
    const spans = this.spans;
    const ends = this.ends;
    let used = 0;
    for (let k = 0; k < spans.length; k++) if ((ends[k] as number) > used) used = ends[k] as number;
    const free = Math.max(0, this.width - used);
    const offset = this.margin + (lineAlign === 'center' ? Math.floor(free / 2) : lineAlign === 'right' ? free : 0);
    let text = '';
    for (let k = 0; k < spans.length; k++) {
      const s = spans[k] as Span;
      // Gaps are reproduced in columns; magnified text is not stretched, so a gap is measured
      // from the previous span's end on paper (a backward move just continues the text).
      const pad = k === 0 ? offset + s.column : Math.max(0, s.column - (ends[k - 1] as number));
      text = pad > 0 ? `${text}${' '.repeat(pad)}${s.text}` : text + s.text;
      s.column += offset;
    }
    if (text.charCodeAt(text.length - 1) === 0x20) text = text.trimEnd();
    this.lines.push({ text, spans, align: lineAlign });
    this.reset();
  }

  /** Print the line only if it holds something (ESC J, cut, barcode): no empty line otherwise. */
  flush(align: Align): void {
    if (this.dirty) this.endLine(align);
  }

  /** Drop whatever is on the current line without printing (ESC @, CAN). */
  clear(): void {
    this.reset();
  }

  private reset(): void {
    this.spans = []; // `ends` is read only up to spans.length, so it needs no reset
    this.col = 0;
    this.lineAlign = undefined;
    this.hasImage = false;
  }
}
