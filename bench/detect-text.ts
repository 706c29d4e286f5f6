/**
 * Text-detection accuracy (issue 11 items 1 and 2): a matrix of generated receipts, every
 * language/encoding × 32/42/48 columns × with/without mode commands × 1–40 lines, each cell a
 * new till printing TILL_RECEIPTS receipts one after another with no configuration. A document
 * counts as right when it decodes to exactly the text printed. Also a report on the corpus
 * captures. h6's bench/detect.ts calls `runTextDetection` for its text half.
 *
 *   npx tsx bench/detect-text.ts [--json] [--corpus DIR]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StreamDecoder } from '../src/escpos/decoder.js';
import type { DecodedDocument } from '../src/escpos/types.js';
import { intlReceipt, LANGUAGES, readsAs } from '../tests/support/intl-receipts.js';

export const TILL_RECEIPTS = 5;
const COLUMNS = [32, 42, 48];
const LINES = [1, 2, 3, 5, 8, 12, 20, 30, 40];

export interface CellResult {
  lang: string;
  columns: number;
  modeCommands: boolean;
  lines: number;
  /** Per receipt position in the till's stream: was it decoded right? */
  right: boolean[];
}

export interface TextDetectionReport {
  cells: number;
  documents: number;
  /** Share of documents right at position 1, after the first receipt (positions 2..), after three (4..). */
  firstReceipt: number;
  afterFirst: number;
  afterThree: number;
  /** Per language: share right overall, and the most documents any of its cells needed before every later one was right. */
  byLanguage: { lang: string; right: number; worstDocumentsNeeded: number }[];
  wrong: { lang: string; columns: number; modeCommands: boolean; lines: number; position: number }[];
  corpus: { file: string; documents: number; decisions: string[]; mojibake: number }[];
}

function runCell(langIndex: number, columns: number, modeCommands: boolean, lines: number): CellResult {
  const lang = LANGUAGES[langIndex] as (typeof LANGUAGES)[number];
  const d = new StreamDecoder({ columns });
  const right: boolean[] = [];
  for (let k = 0; k < TILL_RECEIPTS; k++) {
    const r = intlReceipt({ lang, columns, lines, modeCommands, seed: k * 17 + lines });
    const docs = d.push(r.bytes);
    right.push(docs.length === 1 && readsAs((docs[0] as DecodedDocument).lines, r.lines));
  }
  return { lang: lang.id, columns, modeCommands, lines, right };
}

const share = (xs: boolean[]): number => (xs.length === 0 ? 1 : Math.round((10000 * xs.filter(Boolean).length) / xs.length) / 10000);

/** Documents a till needed before every later one was right (0: right from the first). */
const needed = (right: boolean[]): number => {
  const lastWrong = right.lastIndexOf(false);
  return lastWrong + 1;
};

export function runTextDetection(corpusDir?: string): TextDetectionReport {
  const cells: CellResult[] = [];
  LANGUAGES.forEach((_, li) => {
    for (const columns of COLUMNS) for (const modeCommands of [false, true]) for (const lines of LINES) cells.push(runCell(li, columns, modeCommands, lines));
  });
  const at = (from: number, to = TILL_RECEIPTS): boolean[] => cells.flatMap((c) => c.right.slice(from, to));
  const wrong = cells.flatMap((c) => c.right.flatMap((ok, position) => (ok ? [] : [{ lang: c.lang, columns: c.columns, modeCommands: c.modeCommands, lines: c.lines, position: position + 1 }])));
  const byLanguage = LANGUAGES.map((l) => {
    const mine = cells.filter((c) => c.lang === l.id);
    return { lang: l.id, right: share(mine.flatMap((c) => c.right)), worstDocumentsNeeded: Math.max(...mine.map((c) => needed(c.right))) };
  });
  return {
    cells: cells.length,
    documents: cells.length * TILL_RECEIPTS,
    firstReceipt: share(at(0, 1)),
    afterFirst: share(at(1)),
    afterThree: share(at(3)),
    byLanguage,
    wrong,
    corpus: corpusReport(corpusDir),
  };
}

function corpusReport(dir: string | undefined): TextDetectionReport['corpus'] {
  if (dir === undefined || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((file) => {
      const d = new StreamDecoder();
      const docs = [...d.push(readFileSync(join(dir, file))), ...d.end()];
      const decisions = docs.map((doc) => (doc.text === undefined ? 'fixed' : `${doc.text.mode === 'double-byte' ? doc.text.encoding : `page ${doc.text.codePage}`} (${doc.text.highBytes} high bytes, confidence ${doc.text.confidence})`));
      const mojibake = Math.max(0, ...docs.map((doc) => doc.text?.mojibake ?? 0));
      return { file, documents: docs.length, decisions, mojibake };
    });
}

function main(): void {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, corpus: { type: 'string' } } });
  const corpus = resolve(values.corpus ?? join(import.meta.dirname, '..', '..', 'shared', 'corpus', 'escpos'));
  const r = runTextDetection(corpus);
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
  process.stdout.write(`text detection: ${r.cells} cells, ${r.documents} documents (${TILL_RECEIPTS} receipts per new till)\n`);
  process.stdout.write(`  right on the first receipt ${pct(r.firstReceipt)}, after the first ${pct(r.afterFirst)}, after three ${pct(r.afterThree)}\n`);
  for (const l of r.byLanguage) process.stdout.write(`  ${l.lang.padEnd(10)} ${pct(l.right).padStart(9)}  documents needed (worst cell): ${l.worstDocumentsNeeded}\n`);
  for (const w of r.wrong.slice(0, 20)) process.stdout.write(`  wrong: ${w.lang} ${w.columns} cols ${w.modeCommands ? 'with' : 'without'} mode commands, ${w.lines} lines, receipt ${w.position}\n`);
  for (const c of r.corpus) process.stdout.write(`  corpus ${c.file}: ${c.documents} documents; ${c.decisions.join('; ')}; mojibake ${c.mojibake}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
