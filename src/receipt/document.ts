import type { DecodedDocument, DocLine, SpanStyle } from '../escpos/types.js';

const PLAIN: SpanStyle = { bold: false, underline: 0, inverse: false, width: 1, height: 1, font: 0 };

/**
 * A decoded document built from text lines, as if printed in plain style: for tests, for text
 * captures, and for any caller that already has the lines. Leading spaces are kept as layout.
 */
export function documentFromLines(lines: readonly string[]): DecodedDocument {
  const docLines: DocLine[] = lines.map((text) => {
    const start = text.length - text.trimStart().length;
    const body = text.trim();
    return { text, spans: body === '' ? [] : [{ column: start, text: body, style: PLAIN }], align: 'left' };
  });
  return { lines: docLines, barcodes: [], warnings: [], range: { start: 0, end: 0 }, endedBy: 'end', displayText: [], drawerKicks: 0, images: 0 };
}
