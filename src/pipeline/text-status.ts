import { UNSURE_CONFIDENCE } from '../escpos/detect.js';
import { PAGE_CANDIDATES } from '../escpos/detect-score.js';
import type { DecodedDocument, DecoderOptions } from '../escpos/types.js';

/**
 * What the page, /api/status and /metrics say about how the printer's text is read: the mode and
 * encoding or code page, whether it was detected, set by the POS's own commands or configured,
 * how many documents the decision rests on, and whether the decoded text looks wrong.
 */
export interface PrinterTextStatus {
  mode: 'double-byte' | 'single-byte';
  /** e.g. "GBK", "Big5", "CP437", "TIS-620 (CP874)". */
  label: string;
  encoding: string;
  codePage: number;
  /** detected: from the text itself; command: FS & from the POS; configured: decoder.* in the config. */
  source: 'detected' | 'command' | 'configured';
  /** Documents with non-ASCII text the decision rests on. */
  documents: number;
  confidence: number;
  /** Share of non-ASCII characters that look like mojibake, over the recent documents with any. */
  mojibakeShare: number;
  /** Why the page shows a warning card; null: nothing to warn about. */
  warning: 'unsure' | 'mojibake' | null;
}

/** Recent documents the mojibake share is averaged over. */
export const MOJIBAKE_WINDOW = 20;
/** Past this share of box-drawing / U+FFFD characters the text is taken for mojibake. */
export const MOJIBAKE_WARN_SHARE = 0.3;

const ENCODING_LABELS: Record<string, string> = { gb18030: 'GBK', gbk: 'GBK', big5: 'Big5', shift_jis: 'Shift_JIS', 'euc-kr': 'EUC-KR' };

export function codePageLabel(page: number): string {
  return PAGE_CANDIDATES.find((c) => c.page === page)?.label ?? `code page ${page}`;
}

export class TextStatusTracker {
  private last: PrinterTextStatus | null = null;
  private readonly recent: number[] = [];

  constructor(private readonly opts: DecoderOptions) {}

  add(doc: DecodedDocument): void {
    const t = doc.text;
    if (t === undefined) {
      this.last = this.configured();
      return;
    }
    if (t.highBytes > 0) {
      this.recent.push(t.mojibake);
      if (this.recent.length > MOJIBAKE_WINDOW) this.recent.shift();
    }
    const mode = t.commanded ? 'double-byte' : t.mode;
    const share = this.recent.length === 0 ? 0 : Math.round((1000 * this.recent.reduce((a, b) => a + b, 0)) / this.recent.length) / 1000;
    this.last = {
      mode,
      label: mode === 'double-byte' ? (ENCODING_LABELS[t.encoding] ?? t.encoding) : codePageLabel(t.codePage),
      encoding: t.encoding,
      codePage: t.codePage,
      source: t.commanded ? 'command' : 'detected',
      documents: t.documents,
      confidence: t.confidence,
      mojibakeShare: share,
      warning: share >= MOJIBAKE_WARN_SHARE ? 'mojibake' : t.documents > 0 && t.confidence < UNSURE_CONFIDENCE ? 'unsure' : null,
    };
  }

  status(): PrinterTextStatus | null {
    return this.last;
  }

  private configured(): PrinterTextStatus {
    const dbl = this.opts.startInDoubleByte === true || this.opts.startInDoubleByte === 'true';
    const encoding = typeof this.opts.encoding === 'string' && this.opts.encoding !== 'auto' ? this.opts.encoding : 'gb18030';
    const codePage = Number(this.opts.codePage ?? 0) || 0;
    return { mode: dbl ? 'double-byte' : 'single-byte', label: dbl ? (ENCODING_LABELS[encoding] ?? encoding) : codePageLabel(codePage), encoding, codePage, source: 'configured', documents: 0, confidence: 1, mojibakeShare: 0, warning: null };
  }
}
