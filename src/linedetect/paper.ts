import type { DecodedDocument } from '../escpos/types.js';
import { displayWidth } from '../receipt/text/normalise.js';

export interface PaperGuess {
  /** Characters per line of font A: config `decoder.columns`. */
  columns: number | null;
  paper: '58 mm' | '80 mm' | null;
  evidence: string[];
}

/** Font A is 12 dots wide at 203 dpi: `GS W` dots / 12 = columns. */
const FONT_A_DOTS = 12;

/** Paper widths tills are sold with, as font-A columns (58 mm: 32, or 42 with narrow layouts; 80 mm: 48). */
const WIDTHS: readonly { columns: number; paper: '58 mm' | '80 mm' }[] = [
  { columns: 32, paper: '58 mm' },
  { columns: 42, paper: '80 mm' },
  { columns: 48, paper: '80 mm' },
];

/**
 * The paper width, from what the till sets (`GS W` print area) and the longest lines it prints
 * (a till lays out its totals to the full width). The decoder wraps at its configured columns,
 * so lines that reach that width may come from wider paper.
 */
export function guessPaper(docs: readonly DecodedDocument[], printWidths: readonly number[], decoderColumns: number): PaperGuess {
  const evidence: string[] = [];
  const widths = docs.flatMap((d) => d.lines.map((l) => displayWidth(l.text.trimEnd())));
  const longest = Math.max(0, ...widths);
  const full = widths.filter((w) => w === longest).length;
  const gsW = printWidths.filter((w) => w >= 200 && w <= 1000);
  if (gsW.length > 0) {
    const dots = gsW[gsW.length - 1] as number;
    const columns = Math.floor(dots / FONT_A_DOTS);
    evidence.push(`GS W sets the print area to ${dots} dots = ${columns} columns of font A`);
    if (longest > 0) evidence.push(`longest line ${longest} characters (${full} lines)`);
    return { columns, paper: dots <= 432 ? '58 mm' : '80 mm', evidence };
  }
  if (longest === 0) return { columns: null, paper: null, evidence: ['no printed lines yet'] };
  const fit = WIDTHS.find((w) => longest <= w.columns) ?? { columns: longest, paper: '80 mm' as const };
  evidence.push(`longest line ${longest} characters (${full} lines of ${widths.length}): ${fit.columns} columns, ${fit.paper} paper`);
  if (longest >= decoderColumns) evidence.push(`lines reach decoder.columns (${decoderColumns}): the paper may be wider; set decoder.columns higher and run again`);
  return { columns: Math.max(fit.columns, longest >= decoderColumns ? decoderColumns : 0), paper: fit.paper, evidence };
}
