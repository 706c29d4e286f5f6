import type { DecodedDocument } from './types.js';

/**
 * A document as it reads on paper: its lines, with each barcode / 2D symbol shown as a bracketed
 * marker where it is printed. Customer-display text is not paper, so it is not included.
 */
export function renderText(doc: DecodedDocument): string {
  const out: string[] = [];
  const byLine = new Map<number, string[]>();
  for (const b of doc.barcodes) {
    const list = byLine.get(b.line) ?? [];
    list.push(`[${b.symbology}: ${b.data}]`);
    byLine.set(b.line, list);
  }
  doc.lines.forEach((l, i) => {
    out.push(...(byLine.get(i) ?? []));
    out.push(l.text);
  });
  out.push(...(byLine.get(doc.lines.length) ?? []));
  return out.join('\n');
}
