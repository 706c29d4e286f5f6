/**
 * The decoder's output contract, read by the receipt parser, the CLI and the status page.
 * The decoder owns this file and may add fields; removing or renaming one is a contract change.
 */
import type { TextPrior } from './detect.js';

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
  /** How the text was read, when some setting was detected (decoder options left `auto`). */
  text?: DocText;
}

export type DetectedEncoding = 'gb18030' | 'big5' | 'shift_jis' | 'euc-kr';

/** The character settings a document was decoded with, and how sure detection was. */
export interface DocText {
  /** Power-on mode in force where the POS sent no FS & / FS .: double-byte or single-byte text. */
  mode: 'double-byte' | 'single-byte';
  /** Double-byte encoding (also for FS & text). */
  encoding: DetectedEncoding;
  /** ESC t page in force where the POS sent no ESC t. */
  codePage: number;
  /** 0.5..1 for the till's decision after this document (1: nothing was open). */
  confidence: number;
  /** Documents with high-byte text the till's decision rests on so far. */
  documents: number;
  /** High bytes (>= 0x80) in this document's text. */
  highBytes: number;
  /** The document's non-ASCII text was all printed after FS & (double-byte by the POS's command). */
  commanded: boolean;
  /** Share of this document's non-ASCII characters that look like mojibake (box drawing, U+FFFD). */
  mojibake: number;
}

/**
 * Decoder options; mirror config `decoder.*`, which can be passed as it is ('true'/'false' and
 * numeric strings are the config's spellings). idleGapMs is the caller's: it calls `idle()`.
 */
export interface DecoderOptions {
  /** Encoding of double-byte mode (FS & or power-on); default auto (detected). */
  encoding?: 'gb18030' | 'gbk' | 'big5' | 'shift_jis' | 'euc-kr' | 'auto';
  /** The printer starts (and re-initialises on ESC @) in double-byte mode; default auto (detected). */
  startInDoubleByte?: boolean | 'auto' | 'true' | 'false';
  /** ESC t code page in force at power-on and after ESC @; default auto (detected, else 0 = CP437). */
  codePage?: number | 'auto' | string;
  /** The till's detection memory from earlier documents (StreamDecoder.textPrior, saved by the caller). */
  prior?: TextPrior;
  /** Characters per line of font A; default 48 (80 mm paper), 32 for 58 mm. */
  columns?: number;
}
