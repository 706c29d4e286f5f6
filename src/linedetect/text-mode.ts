import type { DecodedDocument, DecoderOptions } from '../escpos/types.js';

/**
 * The printer's text mode and encoding. The real detector (double-byte mode, encoding, code
 * page, from the bytes) is written in parallel as src/escpos/detect.ts; `doctor --detect` takes
 * any function of this shape and falls back to `configuredReading` without one.
 */
export interface TextDetection {
  mode: 'single-byte' | 'double-byte';
  /** Double-byte encoding (gb18030, big5, shift_jis, euc-kr) in force or detected. */
  encoding: string;
  /** ESC t code page for single-byte text. */
  codePage: number;
  /** 0-1, or null when nothing was detected (the configured reading). */
  confidence: number | null;
  evidence: string[];
}

export type TextDetector = (bytes: Uint8Array, prior: TextDetection | null) => TextDetection;

/** Share of decoded characters that are box drawing or U+FFFD: text read in the wrong encoding. */
export function mojibakeShare(docs: readonly DecodedDocument[]): number {
  let odd = 0;
  let all = 0;
  for (const d of docs) {
    for (const l of d.lines) {
      for (const ch of l.text) {
        if (ch === ' ') continue;
        all++;
        const cp = ch.codePointAt(0) ?? 0;
        if ((cp >= 0x2500 && cp <= 0x259f) || cp === 0xfffd) odd++;
      }
    }
  }
  return all === 0 ? 0 : odd / all;
}

/** Mojibake above this share means the configured reading is wrong. */
export const MOJIBAKE_WARN = 0.1;

/** No detector: what the decoder reads with its configured options, and whether that looks wrong. */
export function configuredReading(opts: DecoderOptions, docs: readonly DecodedDocument[], fsAmpersands: number, codePages: readonly number[]): TextDetection {
  const share = mojibakeShare(docs);
  const evidence = [
    `no text detector on this build: the decoder's configured reading (decoder.startInDoubleByte ${opts.startInDoubleByte === true}, decoder.encoding ${opts.encoding ?? 'gb18030'})`,
    fsAmpersands > 0 ? `FS & (double-byte on) sent ${fsAmpersands} times` : 'no FS & seen',
    codePages.length > 0 ? `ESC t selects code page ${[...new Set(codePages)].join(', ')}` : 'no ESC t seen',
    `${(share * 100).toFixed(1)} % of decoded characters are box drawing or U+FFFD${share > MOJIBAKE_WARN ? ': the text is read in the wrong encoding' : ''}`,
  ];
  return {
    mode: fsAmpersands > 0 || opts.startInDoubleByte === true ? 'double-byte' : 'single-byte',
    encoding: opts.encoding ?? 'gb18030',
    codePage: codePages[codePages.length - 1] ?? (typeof opts.codePage === 'number' ? opts.codePage : 0),
    confidence: null,
    evidence,
  };
}
