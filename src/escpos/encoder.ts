import { EscPosBuilder } from './builder.js';

export { EscPosBuilder } from './builder.js';
export type { BarcodeSymbology, TextEncoding } from './builder.js';

export interface EncodeOptions {
  /** Text encoding; default gb18030 (the config default for double-byte mode). */
  encoding?: 'gb18030' | 'big5' | 'shift_jis' | 'euc-kr' | 'cp437' | 'utf8';
  /** Feed and cut at the end (GS V 66 3); default true. */
  cut?: boolean;
}

const CJK = new Set(['gb18030', 'big5', 'shift_jis', 'euc-kr']);

/**
 * Plain text lines -> ESC/POS bytes as a till would send them: ESC @, FS & when the text needs
 * double-byte mode (non-ASCII with a CJK encoding), the lines with LF, feed and GS V cut.
 * Shift_JIS also gets FS C 1 (Shift JIS code system) so the stream says what it is; Big5 and
 * EUC-KR have no in-band selector, so the decoder must be configured with that encoding.
 * UTF-8 selects the encoding system with FS ( C fn 48 m=2; CP437 selects ESC t 0.
 */
export function encodeReceiptText(lines: string[], opts: EncodeOptions = {}): Buffer {
  const encoding = opts.encoding ?? 'gb18030';
  const b = new EscPosBuilder(encoding).init();
  const nonAscii = lines.some((l) => /[^\x00-\x7f]/.test(l));
  if (CJK.has(encoding) && nonAscii) {
    if (encoding === 'shift_jis') b.raw([0x1c, 0x43, 1]);
    b.doubleByte(true);
  } else if (encoding === 'utf8' && nonAscii) {
    b.encodingSystem(2);
  } else if (encoding === 'cp437') {
    b.codePage(0);
  }
  for (const l of lines) b.line(l);
  if (opts.cut ?? true) b.cut({ partial: true, feed: 3 });
  return b.toBuffer();
}
