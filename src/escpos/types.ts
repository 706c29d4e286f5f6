/**
 * The decoder's output contract, read by the receipt parser, the CLI and the status page.
 * The decoder owns this file and may add fields; removing or renaming one is a contract change.
 */
export type Align = 'left' | 'center' | 'right';

export interface SpanStyle {
  bold: boolean;
  underline: number; // 0, 1 or 2 dots
  inverse: boolean;
  width: number; // character width multiplier, 1..8
  height: number; // character height multiplier, 1..8
  font: number; // 0 = A, 1 = B, ...
  /** ESC 4 (Star-style italic); absent when off. */
  italic?: boolean;
}

export interface Span {
  /** Column (in font-A single-width cells) where the span starts on the line. */
  column: number;
  text: string;
  style: SpanStyle;
}

export interface DocLine {
  /** The line as it reads on paper: spans laid out in columns, padded with spaces. */
  text: string;
  spans: Span[];
  align: Align;
}

export interface Barcode {
  kind: 'barcode' | 'qr' | 'pdf417' | 'datamatrix' | 'maxicode' | 'aztec' | 'other-2d';
  symbology: string; // e.g. EAN13, CODE128, QR
  data: string;
  /** Index in `lines` of the line printed after the code. */
  line: number;
}

export type DecodeWarningKind =
  | 'unknown-command'
  | 'bad-argument'
  | 'truncated'
  | 'undecodable-text'
  | 'ignored'
  /** A command declared more data than a printer accepts: its bytes were skipped to the next document start (limits.ts). */
  | 'oversized'
  /** The document reached the decoder's size limit and was split there (limits.ts). */
  | 'split';

export interface DecodeWarning {
  kind: DecodeWarningKind;
  /** Byte offset in the input (stream offset for streaming use). */
  offset: number;
  message: string;
}

export interface DecodedDocument {
  lines: DocLine[];
  barcodes: Barcode[];
  warnings: DecodeWarning[];
  /** Byte offsets [start, end) of this document in the decoded stream. */
  range: { start: number; end: number };
  /**
   * How the document ended: a cut command, an idle gap, end of input, or a split by the decoder
   * (the document limits were reached, or a new job began after damaged data).
   */
  endedBy: 'cut' | 'idle' | 'end' | 'split';
  /** Text sent to a customer display (ESC = 2), kept apart from receipt text. */
  displayText: string[];
  /** Drawer kicks (ESC p / DLE DC4) seen in this document. */
  drawerKicks: number;
  /** Number of raster or bit-image graphics skipped. */
  images: number;
}

/** Decoder options; mirror config `decoder.*` (idleGapMs is the caller's: it calls `idle()`). */
export interface DecoderOptions {
  /** Encoding of double-byte mode (FS &); default gb18030. */
  encoding?: 'gb18030' | 'gbk' | 'big5' | 'shift_jis' | 'euc-kr';
  /** The printer starts (and re-initialises on ESC @) in double-byte mode; default false. */
  startInDoubleByte?: boolean;
  /** ESC t code page in force at power-on and after ESC @; default 0 (CP437). */
  codePage?: number;
  /** Characters per line of font A; default 48 (80 mm paper), 32 for 58 mm. */
  columns?: number;
}
