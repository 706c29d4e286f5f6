import { renderText } from '../../src/escpos/render.js';
import type { DecodedDocument } from '../../src/escpos/types.js';

/** The golden form of a capture: each document as on paper, then a line saying how it ended. */
export function goldenText(docs: DecodedDocument[]): string {
  return docs
    .map((d) => {
      const meta = [`ended by ${d.endedBy}`, `bytes ${d.range.start}-${d.range.end}`, `images ${d.images}`, `drawer kicks ${d.drawerKicks}`];
      if (d.displayText.length > 0) meta.push(`display ${JSON.stringify(d.displayText)}`);
      return `${renderText(d)}\n=== ${meta.join(', ')} ===\n`;
    })
    .join('');
}
