import iconv from 'iconv-lite';
import type { PrinterState } from './printer-state.js';

/** One line of a footer. */
export interface FooterLine {
  text: string;
  bold?: boolean;
}

export interface FooterContent {
  lines: FooterLine[];
  /** QR payload (a URL), printed centred after the lines. */
  qr?: { data: string; size: number };
  /** A CODE128 barcode (a coupon code), centred after the lines, only when barcodeFits(). */
  barcode?: { data: string; height: number; width: number };
}

/** Characters a footer's CODE128 (code set B) carries, and the longest. */
const BARCODE_DATA = /^[\x20-\x7a]{1,32}$/;

/**
 * Whether a barcode can go into a block for `state`: its settings (GS h, GS w, GS H) must be
 * known, so the block can put them back exactly, and the code must fit the paper (CODE128 B:
 * 11 modules per character plus start, check and stop; a column of font A is 12 dots).
 */
export function barcodeFits(state: PrinterState, b: NonNullable<FooterContent['barcode']>, columns: number): boolean {
  if (state.barcodeHeight === null || state.barcodeWidth === null || state.hriPosition === null) return false;
  if (!BARCODE_DATA.test(b.data)) return false;
  return (11 * (b.data.length + 2) + 13 + 20) * b.width <= columns * 12;
}

/** Most text lines a footer prints (the "≤ 6 lines plus an optional QR"). */
export const MAX_FOOTER_LINES = 6;
/** Longest QR payload accepted (a short URL keeps the symbol small). */
export const MAX_QR_BYTES = 200;

const ESC = 0x1b;
const GS = 0x1d;
const LF = 0x0a;
// Characters an ESC R international set may redraw: kept out of single-byte footer text.
const INTL_SENSITIVE = /[#$@[\\\]^`{|}~]/g;

/** How text can be encoded in this state: 'cjk' double-byte, 'utf8', or plain ASCII. */
export function textMode(state: PrinterState, encoding: string): 'cjk' | 'utf8' | 'ascii' | null {
  if (state.utf8) return 'utf8';
  if (state.doubleByte) {
    // JIS pairs every printable byte, Shift JIS/EUC-KR need fonts we cannot promise: no footer.
    if (state.kanjiSystem === 0) return null;
    return encoding === 'gb18030' || encoding === 'gbk' || encoding === 'big5' ? 'cjk' : null;
  }
  return 'ascii';
}

/** Display columns of a string (CJK and full-width: 2). */
export function textColumns(s: string): number {
  let n = 0;
  for (const ch of s) n += wide(ch) ? 2 : 1;
  return n;
}

function wide(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6);
}

/** Splits a line into pieces of at most `columns` display columns. */
export function wrap(s: string, columns: number): string[] {
  const out: string[] = [];
  let cur = '';
  let w = 0;
  for (const ch of s) {
    const cw = wide(ch) ? 2 : 1;
    if (w + cw > columns) {
      out.push(cur.trimEnd());
      cur = '';
      w = 0;
      if (ch === ' ') continue;
    }
    cur += ch;
    w += cw;
  }
  if (cur.trim() !== '' || out.length === 0) out.push(cur.trimEnd());
  return out;
}

function encodeText(s: string, mode: 'cjk' | 'utf8' | 'ascii', encoding: string, intlSet: number): Buffer {
  if (mode === 'utf8') return Buffer.from(s, 'utf8');
  if (mode === 'cjk') {
    // GBK and Big5 have no U+00A5: there the full-width yuan sign, as Chinese receipts print it.
    const fits = (ch: string): boolean => iconv.decode(iconv.encode(ch, encoding), encoding) === ch;
    let out = '';
    for (const ch of s) out += fits(ch) ? ch : ch === '¥' && fits('￥') ? '￥' : '?';
    return iconv.encode(out, encoding);
  }
  let ascii = s.replace(/[^\x20-\x7e]/g, '?');
  if (intlSet !== 0) ascii = ascii.replace(INTL_SENSITIVE, ' ');
  return Buffer.from(ascii, 'latin1');
}

/** GS ( k pL pH cn fn … */
function qrCommand(fn: number, data: number[]): number[] {
  const n = data.length + 2;
  return [GS, 0x28, 0x6b, n & 0xff, n >> 8, 0x31, fn, ...data];
}

/**
 * The footer's bytes for a printer in `state`: normalises style (left to the block: font A,
 * single size, no emphasis/underline/inverse/italic, centred), prints a rule, the lines and the
 * QR, then restores every setting it touched to the value in `state`. Code page, double-byte mode
 * and line spacing are never changed: the text is encoded for them. Never ESC @, a drawer kick or
 * a buzzer. Returns null when the state has no safe text encoding.
 */
export function renderBlock(content: FooterContent, state: PrinterState, opts: { encoding: string; columns: number }): Buffer | null {
  const mode = textMode(state, opts.encoding);
  if (mode === null) return null;
  const out: number[] = [];
  const push = (...b: number[]): void => {
    for (const x of b) out.push(x);
  };
  const pushBuf = (b: Buffer): void => {
    for (const x of b) out.push(x);
  };
  if (state.lineOpen) push(LF);
  push(ESC, 0x45, 0, ESC, 0x47, 0, ESC, 0x2d, 0, GS, 0x42, 0, GS, 0x21, 0, ESC, 0x4d, 0);
  if (state.italic) push(ESC, 0x35);
  push(ESC, 0x61, 1);
  pushBuf(encodeText('-'.repeat(opts.columns), 'ascii', opts.encoding, 0));
  push(LF);
  for (const line of content.lines.slice(0, MAX_FOOTER_LINES)) {
    if (line.bold === true) push(ESC, 0x45, 1);
    for (const piece of wrap(line.text, opts.columns)) {
      pushBuf(encodeText(piece, mode, opts.encoding, state.intlSet));
      push(LF);
    }
    if (line.bold === true) push(ESC, 0x45, 0);
  }
  const bc = content.barcode;
  if (bc !== undefined && barcodeFits(state, bc, opts.columns)) {
    // GS h, GS w, GS H 2 (code below), GS k 73 n {B data; then the POS's own settings back.
    const data = Buffer.from(`{B${bc.data}`, 'latin1');
    push(GS, 0x68, bc.height, GS, 0x77, bc.width, GS, 0x48, 2, GS, 0x6b, 73, data.length);
    pushBuf(data);
    push(GS, 0x68, state.barcodeHeight as number, GS, 0x77, state.barcodeWidth as number, GS, 0x48, state.hriPosition as number);
  }
  if (content.qr !== undefined) {
    const data = Buffer.from(content.qr.data, 'latin1');
    if (data.length <= MAX_QR_BYTES) {
      push(...qrCommand(0x41, [0x32, 0x00]), ...qrCommand(0x43, [content.qr.size]), ...qrCommand(0x45, [0x31]));
      push(...qrCommand(0x50, [0x30, ...data]), ...qrCommand(0x51, [0x30]));
      push(LF);
      // Back to the QR settings the POS had.
      push(...qrCommand(0x41, [state.qrModel, 0x00]), ...qrCommand(0x43, [state.qrSize]), ...qrCommand(0x45, [state.qrLevel]));
    }
  }
  // Restore, in an order where no command undoes another.
  push(ESC, 0x61, state.align);
  push(GS, 0x21, ((state.width - 1) << 4) | (state.height - 1));
  push(ESC, 0x4d, state.font, ESC, 0x2d, state.underline, GS, 0x42, state.inverse ? 1 : 0, ESC, 0x47, state.doubleStrike ? 1 : 0, ESC, 0x45, state.emphasized ? 1 : 0);
  if (state.italic) push(ESC, 0x34);
  return Buffer.from(out);
}
